"""`python -m packline_console [serve | migrate | create-user --seller S --role R --email E]`.

create-user reads the password from stdin (a prompt on a terminal, else the first line), or
with --generate makes one and prints it once."""

import argparse
import asyncio
import getpass
import sys
import tempfile
from pathlib import Path

import uvicorn

from packline_console.adapters.passwords import Passwords, generated_password
from packline_console.bootstrap import MIGRATIONS, SERVICE, create_app, load_settings
from packline_console.domain.accounts import AccountError
from packline_console.service_layer import users
from packline_console.settings import ConsoleSettings
from packline_runtime.db import create_pool
from packline_runtime.migrations import migrate
from packline_runtime.roles import provision
from packline_runtime.tokens import Role


async def migrate_console(settings: ConsoleSettings) -> list[str]:
    """Provision the console's role (owner of its schema only) and apply its migrations; none
    of the runtime's inbox/outbox tables: the console consumes and publishes nothing."""
    await provision(
        settings.database_admin_url or settings.database_url, settings.database_url, SERVICE
    )
    pool = await create_pool(settings.database_url, SERVICE, min_size=1, max_size=1)
    try:
        with tempfile.TemporaryDirectory() as no_runtime_migrations:
            async with pool.acquire() as conn:
                return await migrate(conn, SERVICE, MIGRATIONS, runtime=Path(no_runtime_migrations))
    finally:
        await pool.close()


def _read_password(generate: bool) -> tuple[str, bool]:
    if generate:
        return generated_password(), True
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise SystemExit("the two passwords differ")
        return first, False
    return sys.stdin.readline().rstrip("\r\n"), False


async def _create_user(settings: ConsoleSettings, args: argparse.Namespace) -> int:
    role = Role(args.role)
    seller = None if role is Role.SRE else args.seller
    if role is not Role.SRE and not seller:
        raise SystemExit("--seller is needed for owner, operator and viewer")
    password, generated = _read_password(args.generate)
    pool = await create_pool(settings.database_url, SERVICE, min_size=1, max_size=1)
    try:
        user = await users.create_user(pool, Passwords(), args.email, seller, role, password)
    except AccountError as exc:
        print(f"create-user: {exc}", file=sys.stderr)
        return 1
    finally:
        await pool.close()
    print(f"created {user.role.value} {user.email}" + (f" of {seller}" if seller else ""))
    if generated:
        print(f"password: {password}   (shown once; change it in 설정 → 사용자)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m packline_console")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="run the console (default)")
    sub.add_parser("migrate", help="provision the console's role and apply its migrations")
    create = sub.add_parser("create-user", help="add a person who signs in to the console")
    create.add_argument("--email", required=True)
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--seller", default="", help="the seller (not for sre)")
    create.add_argument("--generate", action="store_true", help="make a password, print it once")
    args = parser.parse_args(argv)
    settings = load_settings()
    if args.command == "migrate":
        applied = asyncio.run(migrate_console(settings))
        print(f"{SERVICE}: {len(applied)} migration(s) applied {applied}")
        return 0
    if args.command == "create-user":
        return asyncio.run(_create_user(settings, args))
    uvicorn.run(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_level=settings.log_level.lower(),
        access_log=False,  # paths carry no recipient data, but keep the log for errors
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
