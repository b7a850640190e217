"""1,000 orders through all six stages on the embedded broker and PostgreSQL, with two
processes of every service, replayed events, a poison message and a SIGKILLed service."""

import asyncio
from typing import Any

import asyncpg
import pytest

from packline_launcher.stack import SERVICES, Stack

from .scenario import STACK_ENV, run_pipeline

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Any:
    s = Stack(tmp_path_factory.mktemp("e2e"), replicas=2, fresh=True, env=dict(STACK_ENV))
    s.start()
    try:
        yield s
    finally:
        s.stop()


def test_a_thousand_orders_ship_exactly_once_through_replicas_replays_and_a_crash(
    stack: Stack,
) -> None:
    run_pipeline(stack)


def test_every_service_logs_in_as_its_own_role_and_none_as_the_admin(stack: Stack) -> None:
    async def logins() -> tuple[dict[str, set[str]], int]:
        conn = await asyncpg.connect(stack.database_url)
        try:
            rows = await conn.fetch(
                "SELECT application_name, usename FROM pg_stat_activity"
                " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
            )
            admin = await conn.fetchval("SELECT current_user")
        finally:
            await conn.close()
        by_name: dict[str, set[str]] = {}
        for row in rows:
            by_name.setdefault(row["application_name"], set()).add(row["usename"])
        return by_name, sum(1 for r in rows if r["usename"] == admin)

    by_name, as_admin = asyncio.run(logins())
    assert {name: by_name.get(f"packline-{name}") for name in SERVICES} == {
        name: {f"packline_{name}"} for name in SERVICES
    }
    assert as_admin == 0, by_name
