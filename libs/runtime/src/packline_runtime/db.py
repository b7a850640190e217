"""asyncpg pool per service, bound to the service's own Postgres schema."""

import asyncpg
from asyncpg.pool import PoolConnectionProxy


async def create_pool(
    database_url: str, schema: str, *, min_size: int = 1, max_size: int = 5
) -> asyncpg.Pool:
    """A pool whose connections resolve unqualified names in `schema` (the service's own)."""
    first = await asyncpg.connect(database_url)
    try:
        await ensure_schema(first, schema)
    finally:
        await first.close()
    pool = await asyncpg.create_pool(
        database_url,
        min_size=min_size,
        max_size=max_size,
        server_settings={"search_path": schema, "application_name": f"packline-{schema}"},
    )
    assert pool is not None
    return pool


async def ensure_schema(conn: "Conn", schema: str) -> None:
    """Create the schema if it is missing. A service's own role (see roles.py) may not create
    schemas, and PostgreSQL checks that right even for IF NOT EXISTS: so look first."""
    if await conn.fetchval("SELECT 1 FROM pg_namespace WHERE nspname = $1", schema):
        return
    try:
        await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    except asyncpg.UniqueViolationError:
        pass  # another replica created it at the same moment
    except asyncpg.InsufficientPrivilegeError:
        raise RuntimeError(
            f"schema {schema} does not exist and this login may not create it: run"
            f" `python -m packline_{schema} migrate` with PACKLINE_DATABASE_ADMIN_URL set"
        ) from None


# what a pool hands out and what asyncpg.connect returns; adapters accept either
Conn = asyncpg.Connection | PoolConnectionProxy
