"""설정 → 사용자: an owner adds the seller's people, sets their roles, resets their passwords and
removes them; the CLI makes the first owner (and SRE accounts). A seller keeps one owner at least."""

import re

import asyncpg

from packline_console.adapters import accounts
from packline_console.adapters.passwords import Passwords
from packline_console.domain.accounts import (
    EMAIL_PATTERN,
    MIN_PASSWORD_LENGTH,
    AccountError,
    User,
    normal_email,
)
from packline_runtime.tokens import Role

SELLER_ROLES = (Role.OWNER, Role.OPERATOR, Role.VIEWER)


def _checked(email: str, password: str) -> str:
    email = normal_email(email)
    if not re.match(EMAIL_PATTERN, email) or len(email) > 254:
        raise AccountError("이메일 주소 형식이 아닙니다. 예: name@example.com")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"비밀번호는 {MIN_PASSWORD_LENGTH}자 이상이어야 합니다.")
    return email


async def create_user(
    pool: asyncpg.Pool,
    passwords: Passwords,
    email: str,
    seller_id: str | None,
    role: Role,
    password: str,
) -> User:
    email = _checked(email, password)
    if (role is Role.SRE) != (seller_id is None):
        raise AccountError("SRE 계정에는 판매자가 없고, 다른 역할에는 판매자가 있어야 합니다.")
    async with pool.acquire() as conn:
        user = await accounts.add_user(conn, email, seller_id, role.value, passwords.hash(password))
    if user is None:
        raise AccountError(f"{email}은(는) 이미 등록된 이메일입니다.")
    return user


async def _seller_user(
    conn: asyncpg.pool.PoolConnectionProxy, seller_id: str, user_id: int
) -> User:
    user = await accounts.seller_user(conn, seller_id, user_id)
    if user is None:
        raise LookupError(user_id)
    return user


async def set_role(pool: asyncpg.Pool, seller_id: str, user_id: int, role: Role) -> None:
    if role not in SELLER_ROLES:
        raise AccountError("역할은 대표, 운영자, 조회 전용 중 하나입니다.")
    async with pool.acquire() as conn, conn.transaction():
        user = await _seller_user(conn, seller_id, user_id)
        if (
            user.is_owner
            and role is not Role.OWNER
            and await accounts.count_owners(conn, seller_id) <= 1
        ):
            raise AccountError(
                "마지막 대표 계정의 역할은 바꿀 수 없습니다. 먼저 다른 대표를 지정하세요."
            )
        await accounts.set_role(conn, user_id, role.value)
        await accounts.end_sessions_of(conn, user_id)  # the new role applies from the next sign-in


async def reset_password(
    pool: asyncpg.Pool, passwords: Passwords, seller_id: str, user_id: int, password: str
) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"비밀번호는 {MIN_PASSWORD_LENGTH}자 이상이어야 합니다.")
    async with pool.acquire() as conn, conn.transaction():
        await _seller_user(conn, seller_id, user_id)
        await accounts.set_password_hash(conn, user_id, passwords.hash(password))
        await accounts.end_sessions_of(conn, user_id)


async def remove_user(pool: asyncpg.Pool, seller_id: str, user_id: int) -> None:
    async with pool.acquire() as conn, conn.transaction():
        user = await _seller_user(conn, seller_id, user_id)
        if user.is_owner and await accounts.count_owners(conn, seller_id) <= 1:
            raise AccountError("마지막 대표 계정은 삭제할 수 없습니다.")
        await accounts.remove_user(conn, user_id)


async def list_users(pool: asyncpg.Pool, seller_id: str, limit: int, offset: int) -> list[User]:
    async with pool.acquire() as conn:
        return await accounts.seller_users(conn, seller_id, limit, offset)
