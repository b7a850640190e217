"""One database role per service: `packline_<service>` logs in, owns its own schema (so it can
migrate it) and has no rights on any other schema or on `public`. An admin DSN provisions it."""

from urllib.parse import quote, unquote, urlsplit, urlunsplit

import asyncpg

_PROVISION_LOCK = "packline:provision-roles"


def role_for(service: str) -> str:
    return f"packline_{service}"


def login_of(url: str) -> tuple[str, str]:
    """The user and password a DSN logs in with ("" when it names none)."""
    parts = urlsplit(url)
    return unquote(parts.username or ""), unquote(parts.password or "")


def with_login(url: str, user: str, password: str) -> str:
    """The same DSN (host, socket, database, options) logging in as another user."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    login = quote(user, safe="") + (":" + quote(password, safe="") if password else "")
    return urlunsplit(parts._replace(netloc=f"{login}@{host}"))


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


async def provision(admin_url: str, service_url: str, schema: str) -> str | None:
    """Make the login role named in `service_url` (with its password) the owner of `schema`
    and of everything in it, with no rights elsewhere; returns the role's name.

    None when `service_url` logs in as the admin itself (a deployment not yet split into
    roles): then nothing changes. Safe to run again and from several replicas at once.
    """
    role, password = login_of(service_url)
    admin = await asyncpg.connect(admin_url)
    try:
        if not role or role == await admin.fetchval("SELECT current_user"):
            return None
        async with admin.transaction():
            await admin.execute("SELECT pg_advisory_xact_lock(hashtext($1))", _PROVISION_LOCK)
            await _login_role(admin, role, password)
            await _own_schema(admin, role, schema)
            await _nothing_else(admin, role, schema)
        return role
    finally:
        await admin.close()


async def _login_role(admin: asyncpg.Connection, role: str, password: str) -> None:
    exists = await admin.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
    verb = "ALTER" if exists else "CREATE"
    secret = f"PASSWORD {_literal(password)}" if password else "PASSWORD NULL"
    await admin.execute(
        f"{verb} ROLE {_ident(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION"
        f" NOBYPASSRLS {secret}"
    )
    database = await admin.fetchval("SELECT current_database()")
    await admin.execute(f"GRANT CONNECT ON DATABASE {_ident(database)} TO {_ident(role)}")


async def _own_schema(admin: asyncpg.Connection, role: str, schema: str) -> None:
    """The role owns the schema and every object an earlier (admin-run) migration made in it."""
    await admin.execute(
        f"CREATE SCHEMA IF NOT EXISTS {_ident(schema)} AUTHORIZATION {_ident(role)}"
    )
    await admin.execute(f"ALTER SCHEMA {_ident(schema)} OWNER TO {_ident(role)}")
    # tables first: their identity/serial sequences follow them; then what is left
    for kinds in (["r", "p", "v", "m", "f"], ["S"]):
        relations = await admin.fetch(
            """
            SELECT c.oid::regclass::text AS name FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relkind::text = ANY($2::text[])
              AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = $3)
            """,
            schema,
            kinds,
            role,
        )
        for relation in relations:
            await admin.execute(f"ALTER TABLE {relation['name']} OWNER TO {_ident(role)}")
    functions = await admin.fetch(
        """
        SELECT p.oid::regprocedure::text AS name FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = $1 AND p.proowner <> (SELECT oid FROM pg_roles WHERE rolname = $2)
        """,
        schema,
        role,
    )
    for function in functions:
        await admin.execute(f"ALTER ROUTINE {function['name']} OWNER TO {_ident(role)}")


async def _nothing_else(admin: asyncpg.Connection, role: str, schema: str) -> None:
    await admin.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    await admin.execute(f"REVOKE ALL ON SCHEMA public FROM {_ident(role)}")
    others = await admin.fetch(
        """
        SELECT nspname FROM pg_namespace
        WHERE nspname <> $1 AND nspname <> 'information_schema' AND nspname NOT LIKE 'pg\\_%'
        """,
        schema,
    )
    for other in others:
        await admin.execute(f"REVOKE ALL ON SCHEMA {_ident(other['nspname'])} FROM {_ident(role)}")
