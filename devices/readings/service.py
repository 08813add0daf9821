"""Reading queries and the jobs that keep the readings tables in shape (rollup refresh, retention)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from psycopg import AsyncConnection

from devices.errors import RegistryInvalid
from devices.readings import repo
from devices.readings.schemas import Bucket, ReadingSeries
from devices.registry import repo as registry_repo
from devices.registry.service import get_device

MAX_BUCKETS = 10_000
REFRESH_OVERLAP = timedelta(hours=1)


async def series(
    conn: AsyncConnection,
    *,
    device_id: int,
    team: int | None,
    start: datetime | None,
    end: datetime | None,
    bucket: Bucket,
    metric: str | None,
) -> ReadingSeries:
    await get_device(conn, device_id, team)
    lineage = await registry_repo.lineage(conn, device_id)  # a replacement inherits its predecessors' history
    end = end or datetime.now(UTC)
    start = start or end - timedelta(hours=24)
    if start.tzinfo is None or end.tzinfo is None:
        raise RegistryInvalid("start and end need a UTC offset, e.g. 2026-11-22T08:00:00Z")
    if start >= end:
        raise RegistryInvalid("start must be before end")
    if (end - start) / bucket.width > MAX_BUCKETS:
        raise RegistryInvalid(f"more than {MAX_BUCKETS} buckets of {bucket.value}: pick a wider bucket")
    rollup = bucket.width >= timedelta(hours=1)
    items = await repo.buckets(
        conn, device_ids=lineage, start=start, end=end, width=bucket.width, metric=metric, rollup=rollup
    )
    return ReadingSeries(
        device_id=device_id, start=start, end=end, bucket=bucket,
        source="readings_hourly" if rollup else "readings", items=items,
    )  # fmt: skip


async def refresh_rollup(conn: AsyncConnection, *, timescale: bool) -> int:
    """Plain PostgreSQL: recompute the hourly rollup from the oldest hour ingest touched. TimescaleDB's
    continuous aggregate policy does this itself."""
    if timescale:
        return 0
    async with conn.transaction():
        dirty = await repo.take_dirty(conn)
        if dirty is None:
            return 0
        since = datetime.fromtimestamp((dirty.timestamp() // 3600) * 3600, UTC)
        return await repo.refresh_rollup(conn, since)


async def apply_retention(conn: AsyncConnection, *, days: int, timescale: bool, batch: int = 50_000) -> int:
    """Plain PostgreSQL: delete readings older than the retention, in bounded batches."""
    if timescale:
        return 0
    cutoff = datetime.now(UTC) - timedelta(days=days)
    deleted = 0
    while True:
        async with conn.transaction():
            n = await repo.delete_older_than(conn, cutoff, batch)
        deleted += n
        if n < batch:
            break
    async with conn.transaction():
        await repo.delete_rollup_older_than(conn, cutoff)
    return deleted
