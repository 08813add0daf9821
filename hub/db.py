"""Database: connection pool, numbered SQL migrations, and which storage path (TimescaleDB or plain) is in use."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib import resources

import psycopg
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

log = logging.getLogger(__name__)

MIGRATIONS_PACKAGE = "hub.migrations"
_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+?)(?:\.(timescale|postgres))?\.sql$")
_LOCK_KEY = 0x0CA5E4B  # advisory lock: one migrator at a time


@dataclass(frozen=True, slots=True, order=True)
class Migration:
    version: int
    name: str
    variant: str  # "any", "timescale" or "postgres"
    sql: str


def available_migrations() -> list[Migration]:
    found = []
    for entry in resources.files(MIGRATIONS_PACKAGE).iterdir():
        match = _NAME.match(entry.name)
        if match:
            version, name, variant = match.groups()
            found.append(Migration(int(version), name, variant or "any", entry.read_text()))
    return sorted(found)


def choose(migrations: list[Migration], timescale: bool) -> list[Migration]:
    """One migration per version: the TimescaleDB or plain variant where a file has both."""
    wanted = "timescale" if timescale else "postgres"
    chosen: dict[int, Migration] = {}
    for m in migrations:
        if m.variant in ("any", wanted):
            if m.version in chosen:
                raise RuntimeError(f"two migrations for version {m.version}: {chosen[m.version].name}, {m.name}")
            chosen[m.version] = m
    return [chosen[v] for v in sorted(chosen)]


async def timescale_available(conn: AsyncConnection) -> bool:
    cur = await conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'")
    return await cur.fetchone() is not None


async def timescale_installed(conn: AsyncConnection) -> bool:
    cur = await conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'")
    return await cur.fetchone() is not None


async def migrate(conninfo: str) -> list[str]:
    """Apply the migrations not yet recorded; idempotent. Returns the names applied in this call."""
    applied: list[str] = []
    async with await AsyncConnection.connect(conninfo, autocommit=True) as conn:
        await conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_KEY,))
        try:
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version int PRIMARY KEY, name text NOT NULL, variant text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            )
            timescale = await timescale_installed(conn)
            cur = await conn.execute("SELECT count(*) FROM schema_migrations")
            row = await cur.fetchone()
            if row is not None and row[0] == 0 and await timescale_available(conn):
                await conn.execute("CREATE EXTENSION IF NOT EXISTS timescaledb")
                timescale = True
            cur = await conn.execute("SELECT version FROM schema_migrations")
            done = {r[0] for r in await cur.fetchall()}
            for m in choose(available_migrations(), timescale):
                if m.version in done:
                    continue
                async with conn.transaction():
                    await conn.execute(m.sql.encode())
                    await conn.execute(
                        "INSERT INTO schema_migrations (version, name, variant) VALUES (%s, %s, %s)",
                        (m.version, m.name, m.variant),
                    )
                log.info("applied migration %03d_%s (%s)", m.version, m.name, m.variant)
                applied.append(f"{m.version:03d}_{m.name}")
        finally:
            await conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_KEY,))
    return applied


async def apply_retention(conn: AsyncConnection, readings_days: int) -> None:
    """On TimescaleDB, (re)install the retention policy to match the setting. Plain PostgreSQL: the scheduler
    deletes expired rows instead (`devices.readings.repo.delete_older_than`)."""
    if not await timescale_installed(conn):
        return
    await conn.execute("SELECT remove_retention_policy('readings', if_exists => true)")
    await conn.execute(
        "SELECT add_retention_policy('readings', drop_after => make_interval(days => %s))", (readings_days,)
    )


def open_pool(conninfo: str, min_size: int, max_size: int) -> AsyncConnectionPool:
    """A pool not yet opened (`open=False`): the lifespan opens and closes it."""
    return AsyncConnectionPool(conninfo, min_size=min_size, max_size=max_size, open=False)


class DatabaseUnavailable(Exception):
    """The database cannot be reached."""


async def check(conninfo: str) -> None:
    try:
        async with await AsyncConnection.connect(conninfo, connect_timeout=5) as conn:
            await conn.execute("SELECT 1")
    except psycopg.OperationalError as err:
        raise DatabaseUnavailable(str(err)) from err
