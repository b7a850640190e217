"""asyncpg pool per service, bound to the service's own Postgres schema."""

import asyncpg
from asyncpg.pool import PoolConnectionProxy


async def create_pool(
    database_url: str, schema: str, *, min_size: int = 1, max_size: int = 5
) -> asyncpg.Pool:
    """A pool whose connections resolve unqualified names in `schema` (the service's own)."""
    admin = await asyncpg.connect(database_url)
    try:
        await admin.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    except asyncpg.UniqueViolationError:
        pass  # another replica created it at the same moment
    finally:
        await admin.close()
    pool = await asyncpg.create_pool(
        database_url,
        min_size=min_size,
        max_size=max_size,
        server_settings={"search_path": schema, "application_name": f"packline-{schema}"},
    )
    assert pool is not None
    return pool


# what a pool hands out and what asyncpg.connect returns; adapters accept either
Conn = asyncpg.Connection | PoolConnectionProxy
