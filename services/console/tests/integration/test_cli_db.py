"""`python -m packline_console migrate | create-user`: the first owner of a seller, with a
password from stdin or generated and printed once; a platform SRE has no seller."""

import os
import re
import subprocess
import sys
import uuid

import asyncpg

from packline_console.adapters.passwords import Passwords
from packline_console.service_layer.sign_in import session_key
from packline_console.settings import ConsoleSettings


def _cli(database_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PACKLINE_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "packline_console", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_migrate_then_create_an_owner_and_an_sre(database_url: str) -> None:
    email = f"owner-{uuid.uuid4().hex[:8]}@demo.kr"
    migrated = _cli(database_url, "migrate")
    made = _cli(
        database_url,
        "create-user",
        "--seller",
        "seller-demo",
        "--role",
        "owner",
        "--email",
        email,
        "--generate",
    )
    typed = _cli(
        database_url,
        "create-user",
        "--role",
        "sre",
        "--email",
        f"sre-{email}",
        stdin="a long enough password\n",
    )
    again = _cli(
        database_url,
        "create-user",
        "--seller",
        "s",
        "--role",
        "owner",
        "--email",
        email,
        stdin="x" * 12 + "\n",
    )
    no_seller = _cli(
        database_url,
        "create-user",
        "--role",
        "viewer",
        "--email",
        f"v-{email}",
        stdin="x" * 12 + "\n",
    )

    assert migrated.returncode == 0, migrated.stderr
    assert made.returncode == 0, made.stderr
    shown = re.search(r"password: (\S+)", made.stdout)
    assert shown and f"created owner {email} of seller-demo" in made.stdout
    assert typed.returncode == 0 and "password" not in typed.stdout
    assert again.returncode == 1 and "이미 등록된" in again.stderr
    assert no_seller.returncode != 0 and "--seller" in no_seller.stderr
    conn = await asyncpg.connect(database_url)
    try:
        rows = {
            r["email"]: r
            for r in await conn.fetch(
                "SELECT email, seller_id, role, password_hash FROM console.users"
                " WHERE email = ANY($1::text[])",
                [email, f"sre-{email}"],
            )
        }
        runtime_tables = await conn.fetchval(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'console' AND tablename = 'outbox'"
        )
    finally:
        await conn.close()
    passwords = Passwords()
    assert rows[email]["seller_id"] == "seller-demo" and rows[email]["role"] == "owner"
    assert passwords.verify(rows[email]["password_hash"], shown.group(1))
    assert rows[f"sre-{email}"]["seller_id"] is None
    assert passwords.verify(rows[f"sre-{email}"]["password_hash"], "a long enough password")
    assert runtime_tables == 0  # the console publishes nothing: no outbox


def test_a_session_cookie_is_stored_only_as_its_hash() -> None:
    assert session_key("abc") != "abc" and len(session_key("abc")) == 64


def test_service_urls_come_from_settings() -> None:
    chosen = ConsoleSettings(shipper_url="http://shipper:9000/", token_private_key=None)
    assert chosen.service_url("shipper") == "http://shipper:9000"
