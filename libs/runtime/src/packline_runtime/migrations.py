"""Numbered-SQL migration runner: `NNN_name.sql` files applied once each, in order, per schema.

The runtime's own tables (inbox, outbox, dead letters) are migration 000 of every schema.
"""

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from packline_runtime.db import Conn, ensure_schema

_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
RUNTIME_MIGRATIONS = Path(str(resources.files("packline_runtime") / "sql"))


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load(directory: Path) -> list[Migration]:
    found: list[Migration] = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise ValueError(f"migration file {path} must be named NNN_lower_snake.sql")
        found.append(Migration(int(match.group(1)), path.name, path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise ValueError(f"two migrations share a number in {directory}")
    return found


async def migrate(
    conn: Conn, schema: str, directory: Path, runtime: Path = RUNTIME_MIGRATIONS
) -> list[str]:
    """Apply the runtime's and then the service's pending migrations; returns what was applied.

    An advisory lock keyed on the schema makes concurrent replicas wait for each other.
    (`runtime` is another directory only in tests that upgrade an older schema.)
    """
    pending = [("runtime", m) for m in load(runtime)] + [("service", m) for m in load(directory)]
    applied: list[str] = []
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"migrate:{schema}")
        await ensure_schema(conn, schema)
        await conn.execute(
            f'CREATE TABLE IF NOT EXISTS "{schema}".schema_migrations ('
            " scope text NOT NULL, version int NOT NULL, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (scope, version))"
        )
        done = {
            (r["scope"], r["version"])
            for r in await conn.fetch(f'SELECT scope, version FROM "{schema}".schema_migrations')
        }
        await conn.execute(f'SET LOCAL search_path TO "{schema}"')
        for scope, migration in pending:
            if (scope, migration.version) in done:
                continue
            await conn.execute(migration.sql)
            await conn.execute(
                "INSERT INTO schema_migrations (scope, version, name) VALUES ($1, $2, $3)",
                scope,
                migration.version,
                migration.name,
            )
            applied.append(f"{scope}/{migration.name}")
    return applied
