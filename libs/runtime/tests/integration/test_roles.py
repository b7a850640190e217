"""Each service logs in as its own role: it migrates and works in its own schema and cannot
read another service's tables or create anything outside its schema (real PostgreSQL)."""

import uuid
from pathlib import Path

import asyncpg
import pytest

from packline_runtime.cli import migrate_service
from packline_runtime.db import create_pool
from packline_runtime.migrations import migrate
from packline_runtime.roles import login_of, with_login
from packline_runtime.settings import Settings


def _migrations(tmp_path: Path, name: str, sql: str) -> Path:
    directory = tmp_path / name
    directory.mkdir()
    (directory / "001_tables.sql").write_text(sql, encoding="utf-8")
    return directory


async def test_a_service_role_owns_its_schema_and_cannot_touch_another(
    database_url: str, tmp_path: Path
) -> None:
    suffix = uuid.uuid4().hex[:8]
    collector, matcher = f"collector_{suffix}", f"matcher_{suffix}"
    collector_sql = _migrations(
        tmp_path, "collector", "CREATE TABLE orders (order_id text PRIMARY KEY, buyer text);"
    )
    matcher_sql = _migrations(tmp_path, "matcher", "CREATE TABLE matches (order_id text);")
    # a database from before roles: the collector's schema was migrated by the admin
    legacy = await create_pool(database_url, collector, max_size=1)
    async with legacy.acquire() as conn:
        await migrate(conn, collector, collector_sql)
        await conn.execute(f"INSERT INTO {collector}.orders VALUES ('A-1', '신*희')")
    await legacy.close()

    urls = {}
    for schema, sql in ((collector, collector_sql), (matcher, matcher_sql)):
        urls[schema] = with_login(database_url, f"packline_{schema}", f"pw-{uuid.uuid4().hex}")
        settings = Settings(database_url=urls[schema], database_admin_url=database_url)
        await migrate_service(settings, schema, sql)
        await migrate_service(settings, schema, sql)  # again: provisioning is repeatable

    collector_pool = await create_pool(urls[collector], collector, max_size=1)
    matcher_pool = await create_pool(urls[matcher], matcher, max_size=1)
    try:
        async with collector_pool.acquire() as conn:  # tables the admin made are its own now
            await conn.execute("INSERT INTO orders VALUES ('A-2', '김*수')")
            assert await conn.fetchval("SELECT count(*) FROM orders") == 2
        async with matcher_pool.acquire() as conn:
            assert await conn.fetchval("SELECT current_user") == f"packline_{matcher}"
            await conn.execute("INSERT INTO matches VALUES ('A-1')")  # its own work
            await conn.execute("CREATE TABLE scratch (n int)")  # its own schema: it migrates it
            for statement in (
                f"SELECT * FROM {collector}.orders",
                f"SELECT * FROM {collector}.outbox",
                f"INSERT INTO {collector}.orders VALUES ('X', 'x')",
                f"CREATE TABLE {collector}.planted (n int)",
                "CREATE TABLE public.planted (n int)",
                "CREATE SCHEMA planted",
                f"ALTER ROLE packline_{collector} PASSWORD 'taken'",
            ):
                with pytest.raises(asyncpg.InsufficientPrivilegeError):
                    await conn.execute(statement)
    finally:
        await collector_pool.close()
        await matcher_pool.close()
    user, _ = login_of(urls[matcher])
    with pytest.raises(asyncpg.InvalidPasswordError):  # the role logs in with its password only
        await asyncpg.connect(with_login(database_url, user, "not-the-password"))
