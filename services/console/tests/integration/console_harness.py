"""A console on a fresh PostgreSQL schema, a clock the test moves, and a browser-like client
(cookies kept, CSRF tokens read from the pages it gets)."""

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
from argon2 import PasswordHasher

from packline_console.adapters.passwords import Passwords
from packline_console.bootstrap import create_app
from packline_console.service_layer import users
from packline_console.settings import ConsoleSettings
from packline_runtime.tokens import Role, new_key_pair

# cheap parameters keep tests quick; production uses the library's defaults
FAST = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
PASSWORD = "correct horse battery"
CLOSED_PORT_URL = "http://127.0.0.1:9"  # discard: nothing listens, the service is "down"


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


# The console signs with this key in every test; the in-process services trust its public half.
SIGNING_KEY, VERIFYING_KEY = new_key_pair()


def settings(**overrides: Any) -> ConsoleSettings:
    private_pem = SIGNING_KEY
    urls = {
        f"{s}_url": CLOSED_PORT_URL
        for s in ("collector", "matcher", "bundler", "allocator", "waybill", "shipper")
    }
    values: dict[str, Any] = {"token_private_key": private_pem, **urls, **overrides}
    return ConsoleSettings(**values)


@dataclass
class Browser:
    client: httpx.AsyncClient

    async def csrf(self, path: str = "/dashboard") -> str:
        page = await self.client.get(path)
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.text) or re.search(
            r'name="csrf-token" content="([^"]+)"', page.text
        )
        assert found, f"no CSRF token on {path}: {page.status_code}"
        return found.group(1)

    async def sign_in(self, email: str, password: str = PASSWORD) -> httpx.Response:
        token = await self.csrf("/login")
        return await self.client.post(
            "/login", data={"email": email, "password": password, "csrf_token": token}
        )

    async def post_form(
        self, path: str, data: dict[str, str] | None = None, *, follow: bool = True
    ) -> httpx.Response:
        """A form sent, following the redirect-after-post to the page that shows what the change
        did (`follow=False`: the 303 itself)."""
        token = await self.csrf()
        return await self.client.post(
            path,
            data={**(data or {}), "csrf_token": token},
            follow_redirects=follow,
        )


@dataclass
class Harness:
    pool: asyncpg.Pool
    passwords: Passwords
    clock: Clock
    app: Any

    async def user(self, email: str, role: Role = Role.OWNER, seller: str | None = "s1") -> int:
        made = await users.create_user(
            self.pool, self.passwords, email, None if role is Role.SRE else seller, role, PASSWORD
        )
        return made.user_id

    @asynccontextmanager
    async def browser(self, address: str = "10.0.0.1") -> AsyncIterator[Browser]:
        transport = httpx.ASGITransport(app=self.app, client=(address, 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://console.test") as c:
            yield Browser(c)


@asynccontextmanager
async def running_console(
    pool: asyncpg.Pool,
    console_settings: ConsoleSettings | None = None,
    passwords: Passwords | None = None,
    mounts: dict[str, httpx.AsyncBaseTransport] | None = None,
) -> AsyncIterator[Harness]:
    clock = Clock()
    chosen = passwords or Passwords(FAST)
    app = create_app(
        console_settings or settings(), pool=pool, passwords=chosen, clock=clock, mounts=mounts
    )
    async with app.router.lifespan_context(app):
        yield Harness(pool, chosen, clock, app)
