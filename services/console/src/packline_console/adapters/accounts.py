"""SQL for the console's own tables: users, sessions, failed sign-ins."""

from datetime import datetime

import asyncpg

from packline_console.domain.accounts import Session, User
from packline_runtime.db import Conn

_USER = "u.user_id, u.email, u.seller_id, u.role"


def _user(row: asyncpg.Record) -> User:
    return User(
        user_id=row["user_id"], email=row["email"], seller_id=row["seller_id"], role=row["role"]
    )


async def add_user(
    conn: Conn, email: str, seller_id: str | None, role: str, password_hash: str
) -> User | None:
    """The new user, or None when the email is taken."""
    row = await conn.fetchrow(
        """
        INSERT INTO users (email, seller_id, role, password_hash) VALUES ($1, $2, $3, $4)
        ON CONFLICT (lower(email)) DO NOTHING
        RETURNING user_id, email, seller_id, role
        """,
        email,
        seller_id,
        role,
        password_hash,
    )
    return _user(row) if row else None


async def credentials(conn: Conn, email: str) -> tuple[User, str] | None:
    row = await conn.fetchrow(
        f"SELECT {_USER}, u.password_hash FROM users u WHERE lower(u.email) = $1", email
    )
    return (_user(row), row["password_hash"]) if row else None


async def set_password_hash(conn: Conn, user_id: int, password_hash: str) -> None:
    await conn.execute(
        "UPDATE users SET password_hash = $2 WHERE user_id = $1", user_id, password_hash
    )


async def seller_users(conn: Conn, seller_id: str, limit: int, offset: int) -> list[User]:
    rows = await conn.fetch(
        f"SELECT {_USER} FROM users u WHERE u.seller_id = $1 ORDER BY lower(u.email)"
        " LIMIT $2 OFFSET $3",
        seller_id,
        limit,
        offset,
    )
    return [_user(r) for r in rows]


async def seller_user(conn: Conn, seller_id: str, user_id: int) -> User | None:
    row = await conn.fetchrow(
        f"SELECT {_USER} FROM users u WHERE u.seller_id = $1 AND u.user_id = $2",
        seller_id,
        user_id,
    )
    return _user(row) if row else None


async def count_owners(conn: Conn, seller_id: str) -> int:
    return int(
        await conn.fetchval(
            "SELECT count(*) FROM users WHERE seller_id = $1 AND role = 'owner'", seller_id
        )
    )


async def set_role(conn: Conn, user_id: int, role: str) -> None:
    await conn.execute("UPDATE users SET role = $2 WHERE user_id = $1", user_id, role)


async def remove_user(conn: Conn, user_id: int) -> None:
    await conn.execute("DELETE FROM users WHERE user_id = $1", user_id)


async def end_sessions_of(conn: Conn, user_id: int) -> None:
    await conn.execute("DELETE FROM sessions WHERE user_id = $1", user_id)


async def add_session(conn: Conn, key: str, user_id: int, csrf_token: str, now: datetime) -> None:
    await conn.execute(
        "INSERT INTO sessions (session_id, user_id, csrf_token, created_at, last_seen_at)"
        " VALUES ($1, $2, $3, $4, $4)",
        key,
        user_id,
        csrf_token,
        now,
    )


async def session(conn: Conn, key: str) -> Session | None:
    row = await conn.fetchrow(
        f"""
        SELECT {_USER}, s.session_id, s.csrf_token, s.created_at, s.last_seen_at
        FROM sessions s JOIN users u USING (user_id) WHERE s.session_id = $1
        """,
        key,
    )
    if row is None:
        return None
    return Session(
        key=row["session_id"],
        user=_user(row),
        csrf_token=row["csrf_token"],
        created_at=row["created_at"],
        last_seen_at=row["last_seen_at"],
    )


async def touch_session(conn: Conn, key: str, now: datetime) -> None:
    await conn.execute("UPDATE sessions SET last_seen_at = $2 WHERE session_id = $1", key, now)


async def end_session(conn: Conn, key: str) -> None:
    await conn.execute("DELETE FROM sessions WHERE session_id = $1", key)


async def end_expired_sessions(conn: Conn, idle_since: datetime, created_since: datetime) -> None:
    await conn.execute(
        "DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2", idle_since, created_since
    )


async def record_failure(conn: Conn, email: str, address: str, now: datetime) -> None:
    await conn.execute(
        "INSERT INTO sign_in_failures (email, address, failed_at) VALUES ($1, $2, $3)",
        email,
        address,
        now,
    )


async def recent_failures(
    conn: Conn, column: str, value: str, since: datetime
) -> tuple[int, datetime | None]:
    """How many failures for this email or address since `since`, and the newest's time."""
    if column not in ("email", "address"):
        raise ValueError(column)
    row = await conn.fetchrow(
        f"SELECT count(*) AS n, max(failed_at) AS newest FROM sign_in_failures"
        f" WHERE {column} = $1 AND failed_at > $2",
        value,
        since,
    )
    assert row is not None
    return int(row["n"]), row["newest"]


async def forget_failures(conn: Conn, email: str, before: datetime) -> None:
    """A good sign-in clears the account's failures; old rows of anyone are pruned."""
    await conn.execute(
        "DELETE FROM sign_in_failures WHERE email = $1 OR failed_at < $2", email, before
    )
