"""Periodic jobs: the hourly rollup (plain PostgreSQL), retention, device health checks. Each run holds an advisory
lock, so several API processes can each run a scheduler without doing the work twice."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from devices.deadletters import repo as dead_repo
from devices.health import service as health_service
from devices.pending import repo as pending_repo
from devices.readings import lock_repo
from devices.readings import service as readings
from hub import db
from hub.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    every: float  # seconds
    run: Callable[[AsyncConnection], Awaitable[object]]
    lock_key: int


def jobs(settings: Settings, timescale: bool, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> list[Job]:
    """The periodic jobs; `clock` is injectable so tests can move time past a supervision interval."""
    days = settings.retention.readings_days

    async def rollup(conn: AsyncConnection) -> object:
        return await readings.refresh_rollup(conn, timescale=timescale)

    async def retention(conn: AsyncConnection) -> object:
        removed = await readings.apply_retention(conn, days=days, timescale=timescale)
        cutoff = datetime.now(UTC) - timedelta(days=settings.retention.dead_letters_days)
        async with conn.transaction():
            removed_dead = await dead_repo.delete_older_than(conn, cutoff)
            removed_pending = await pending_repo.delete_stale(conn, cutoff)
            removed_locks = await lock_repo.delete_older_than(conn, datetime.now(UTC) - timedelta(days=days))
        return {"readings": removed, "dead_letters": removed_dead, "pending": removed_pending, "locks": removed_locks}

    async def device_health(conn: AsyncConnection) -> object:
        return await health_service.run_checks(conn, clock())

    return [
        Job("rollup", 30, rollup, 0x0CA5E01),
        Job("retention", 3600, retention, 0x0CA5E02),
        Job("device-health", 60, device_health, 0x0CA5E03),
    ]


async def run_once(pool: AsyncConnectionPool, job: Job) -> object:
    """Run `job` unless another process holds its lock. Jobs open their own transactions (autocommit outside)."""
    async with pool.connection() as conn:
        await conn.set_autocommit(True)
        try:
            cur = await conn.execute("SELECT pg_try_advisory_lock(%s)", (job.lock_key,))
            row = await cur.fetchone()
            if not row or not row[0]:
                return None
            try:
                return await job.run(conn)
            finally:
                await conn.execute("SELECT pg_advisory_unlock(%s)", (job.lock_key,))
        finally:
            await conn.set_autocommit(False)


async def run_forever(pool: AsyncConnectionPool, settings: Settings) -> None:
    async with pool.connection() as conn:
        timescale = await db.timescale_installed(conn)
        await db.apply_retention(conn, settings.retention.readings_days)
    tasks = [asyncio.create_task(_loop(pool, job), name=f"job-{job.name}") for job in jobs(settings, timescale)]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()


async def _loop(pool: AsyncConnectionPool, job: Job) -> None:
    failing = False
    while True:
        try:
            result = await run_once(pool, job)
            if failing:
                log.warning("job %s works again", job.name)
                failing = False
            log.debug("job %s: %s", job.name, result)
        except (psycopg.Error, TimeoutError) as err:
            if not failing:
                log.warning("job %s failed, will retry: %s", job.name, err)
                failing = True
        await asyncio.sleep(job.every)
