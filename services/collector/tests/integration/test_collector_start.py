"""The collector's start on a database of its own (so its `collector` schema is the test's):
keys an older collector stored in plaintext are sealed by the service itself, and without a
secrets key an account is refused with advice, not stored."""

import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from pydantic import SecretStr

from packline_collector.bootstrap import MIGRATIONS, SERVICE, CollectorSettings, create_app
from packline_launcher.testing_tokens import TestTokens
from packline_runtime.db import create_pool
from packline_runtime.migrations import migrate

SEALING = "012_sealed_marketplace_keys.sql"
ACCESS_KEY, SECRET_KEY, CLIENT_SECRET = "access-0123456789", "secret-0123456789", "naver-0123456"


@pytest.fixture
async def own_database(database_url: str) -> AsyncIterator[str]:
    name = f"collector_start_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(database_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield urlunsplit(urlsplit(database_url)._replace(path=f"/{name}"))
        await admin.execute(f'DROP DATABASE "{name}"')
    finally:
        await admin.close()


async def _deployed_before(url: str) -> None:
    """The collector's schema as migrations before 012 left it, with two accounts' keys
    (disabled: no collection starts in the test)."""
    old = Path(tempfile.mkdtemp(prefix="packline-test-migrations-"))
    shutil.copytree(MIGRATIONS, old / "service", ignore=lambda _, names: [SEALING])
    pool = await create_pool(url, SERVICE, min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn:
            await migrate(conn, SERVICE, old / "service")
            for marketplace, login_id, access_key, secret in (
                ("COUPANG", "A0000001", ACCESS_KEY, SECRET_KEY),
                ("NAVER", "client-1", "", CLIENT_SECRET),
            ):
                await conn.execute(
                    """
                    INSERT INTO marketplace_accounts (account_id, seller_id, marketplace, name,
                        login_id, access_key, secret, base_url, enabled)
                    VALUES ($1, 's1', $2, 'shop', $3, $4, $5, '', false)
                    """,
                    uuid.uuid4(),
                    marketplace,
                    login_id,
                    access_key,
                    secret,
                )
    finally:
        await pool.close()
        shutil.rmtree(old)


async def test_the_collector_seals_plaintext_keys_of_an_older_database_when_it_starts(
    own_database: str, kafka_bootstrap: str, secrets_key: str
) -> None:
    await _deployed_before(own_database)
    settings = CollectorSettings(
        database_url=own_database,
        kafka_bootstrap=kafka_bootstrap,
        secrets_key=SecretStr(secrets_key),
        collect_tick_seconds=3600,
        push_tick_seconds=3600,
        mismatch_check_seconds=3600,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        pass
    conn = await asyncpg.connect(own_database)
    try:
        raw = "\n".join(
            r[0]
            for r in await conn.fetch(
                f"SELECT row_to_json(a)::text FROM {SERVICE}.marketplace_accounts a"
            )
        )
        hints = await conn.fetch(
            f"SELECT access_key_hint FROM {SERVICE}.marketplace_accounts ORDER BY marketplace"
        )
    finally:
        await conn.close()
    for key in (ACCESS_KEY, SECRET_KEY, CLIENT_SECRET):
        assert key not in raw and key.encode().hex() not in raw
    assert [h[0] for h in hints] == ["acce****", ""]


async def test_without_a_secrets_key_an_account_is_refused_with_advice(
    own_database: str, kafka_bootstrap: str, service_tokens: TestTokens
) -> None:
    settings = CollectorSettings(
        database_url=own_database, kafka_bootstrap=kafka_bootstrap, secrets_key=None
    )
    app = create_app(settings)
    body = {
        "marketplace": "NAVER",
        "name": "스마트스토어",
        "client_id": "client-1",
        "client_secret": CLIENT_SECRET,
    }
    async with (
        app.router.lifespan_context(app),  # no account yet: it starts
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://collector",
            headers=service_tokens.headers("s1"),
        ) as http,
    ):
        refused = await http.post("/accounts", json=body)
        listed = await http.get("/accounts")
    assert refused.status_code == 503, refused.text
    assert "set PACKLINE_SECRETS_KEY" in refused.json()["detail"]
    assert CLIENT_SECRET not in refused.text
    assert listed.json()["items"] == []
