"""로그인: check a password, lock out repeated failures (per email and per client address),
open and close server-side sessions with idle and absolute expiry."""

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from packline_console.adapters import accounts
from packline_console.adapters.passwords import Passwords
from packline_console.domain.accounts import Session, normal_email
from packline_console.settings import ConsoleSettings

Clock = Callable[[], datetime]


class SignInRefused(Exception):
    """Wrong email or password: the answer never says which."""


class LockedOut(Exception):
    def __init__(self, until: datetime) -> None:
        super().__init__(f"locked until {until.isoformat()}")
        self.until = until


@dataclass(frozen=True)
class Opened:
    cookie: str  # the random id the browser keeps; the table keeps only its hash
    session: Session


def session_key(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()


class SignIn:
    def __init__(
        self, pool: asyncpg.Pool, settings: ConsoleSettings, passwords: Passwords, clock: Clock
    ) -> None:
        self.pool = pool
        self.settings = settings
        self.passwords = passwords
        self.clock = clock

    async def sign_in(
        self, email: str, password: str, address: str, replacing: str | None = None
    ) -> Opened:
        """A new session (never the one the browser came with: `replacing`, a cookie, is ended
        so a session id planted before sign-in opens nothing after it)."""
        email = normal_email(email)
        now = self.clock()
        s = self.settings
        async with self.pool.acquire() as conn:
            await self._refuse_if_locked(conn, email, address, now)
            found = await accounts.credentials(conn, email)
            good = self.passwords.verify(found[1] if found else None, password)
            if not good or found is None:
                await accounts.record_failure(conn, email, address, now)
                await self._refuse_if_locked(conn, email, address, now)
                raise SignInRefused
            user, stored = found
            if self.passwords.needs_rehash(stored):
                await accounts.set_password_hash(conn, user.user_id, self.passwords.hash(password))
            oldest_counted = now - timedelta(minutes=s.lockout_window_minutes + s.lockout_minutes)
            await accounts.forget_failures(conn, email, oldest_counted)
            await accounts.end_expired_sessions(
                conn,
                idle_since=now - timedelta(minutes=s.session_idle_minutes),
                created_since=now - timedelta(hours=s.session_absolute_hours),
            )
            if replacing:
                await accounts.end_session(conn, session_key(replacing))
            cookie = secrets.token_urlsafe(32)
            key = session_key(cookie)
            csrf = secrets.token_urlsafe(32)
            await accounts.add_session(conn, key, user.user_id, csrf, now)
        opened = Session(key=key, user=user, csrf_token=csrf, created_at=now, last_seen_at=now)
        return Opened(cookie, opened)

    async def _refuse_if_locked(
        self, conn: asyncpg.pool.PoolConnectionProxy, email: str, address: str, now: datetime
    ) -> None:
        s = self.settings
        since = now - timedelta(minutes=s.lockout_window_minutes)
        lasts = timedelta(minutes=s.lockout_minutes)
        for column, value, limit in (
            ("email", email, s.lockout_account_failures),
            ("address", address, s.lockout_address_failures),
        ):
            count, newest = await accounts.recent_failures(conn, column, value, since)
            if count >= limit and newest is not None and now < newest + lasts:
                raise LockedOut(newest + lasts)

    async def current(self, cookie: str | None) -> Session | None:
        """The live session of this cookie (its last-seen time moved on), or None: unknown,
        idle too long or past its absolute life (an expired one is deleted)."""
        if not cookie:
            return None
        key = session_key(cookie)
        now = self.clock()
        s = self.settings
        async with self.pool.acquire() as conn:
            found = await accounts.session(conn, key)
            if found is None:
                return None
            idle = now - found.last_seen_at > timedelta(minutes=s.session_idle_minutes)
            old = now - found.created_at > timedelta(hours=s.session_absolute_hours)
            if idle or old:
                await accounts.end_session(conn, key)
                return None
            await accounts.touch_session(conn, key, now)
        return found.model_copy(update={"last_seen_at": now})

    async def sign_out(self, session: Session) -> None:
        async with self.pool.acquire() as conn:
            await accounts.end_session(conn, session.key)
