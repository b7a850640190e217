"""The service command line: `python -m packline_<stage> [serve|migrate]`."""

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI

from packline_runtime.db import create_pool
from packline_runtime.migrations import migrate
from packline_runtime.roles import provision
from packline_runtime.service import serve
from packline_runtime.settings import Settings


async def migrate_service(
    settings: Settings, schema: str, directory: Path, replay: bool = False
) -> list[str]:
    """Provision the service's role with the admin DSN, then migrate as that role (the owner of
    its schema), so the running service needs no more rights than its own schema."""
    admin_url = settings.database_admin_url or settings.database_url
    await provision(admin_url, settings.database_url, schema)
    pool = await create_pool(settings.database_url, schema, min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn:
            applied = await migrate(conn, schema, directory)
            if replay:
                # a fresh, empty broker (the embedded one keeps nothing): send everything again;
                # consumers' inboxes turn what they already handled into no-ops
                await conn.execute("UPDATE outbox SET published_at = NULL")
                # and the next broker met is taken as the one this outbox now publishes to
                await conn.execute("DELETE FROM broker_incarnation")
            return applied
    finally:
        await pool.close()


def run(
    service: str,
    settings: Settings,
    migrations: Path,
    create_app: Callable[[Settings], FastAPI],
    argv: list[str] | None = None,
) -> None:
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "serve"
    if command == "migrate":
        replay = "--replay-outbox" in args[1:]
        applied = asyncio.run(migrate_service(settings, service, migrations, replay))
        print(f"{service}: {len(applied)} migration(s) applied {applied}")
    elif command == "asyncapi":
        runtime = create_app(settings).state.packline
        print(runtime.asyncapi(), end="")
    elif command == "serve":
        serve(create_app(settings), settings)
    else:
        raise SystemExit(
            f"usage: python -m packline_{service} [serve | migrate [--replay-outbox] | asyncapi]"
        )
