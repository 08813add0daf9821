"""SQL for readings: bulk writes by binary COPY, bucketed reads, rollup refresh, retention.

Writes are idempotent through the unique key (device_id, metric, ts). The fast path COPYs straight into the
table; a batch that collides (a redelivery after a crash) is merged through a staging table instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from psycopg import AsyncConnection
from psycopg.rows import class_row

from devices.readings.schemas import ReadingBucket

Row = tuple[datetime, int, str, float]  # (ts, device_id, metric, value)

COPY_READINGS = "COPY readings (ts, device_id, metric, value) FROM STDIN (FORMAT BINARY)"
COPY_TYPES = ["timestamptz", "int8", "text", "float8"]
CREATE_STAGING = (
    "CREATE TEMP TABLE IF NOT EXISTS readings_staging (LIKE readings INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
)
COPY_STAGING = "COPY readings_staging (ts, device_id, metric, value) FROM STDIN (FORMAT BINARY)"
MERGE_STAGING = """
INSERT INTO readings (ts, device_id, metric, value)
SELECT DISTINCT ON (device_id, metric, ts) ts, device_id, metric, value FROM readings_staging
ON CONFLICT (device_id, metric, ts) DO NOTHING
"""
MARK_DIRTY = "UPDATE rollup_state SET dirty_from = LEAST(COALESCE(dirty_from, %(ts)s), %(ts)s) WHERE id = 1"

RAW_BUCKETS = """
SELECT date_bin(%(width)s, ts, TIMESTAMPTZ '2000-01-01') AS bucket, metric,
       count(*) AS n, avg(value) AS avg, min(value) AS min, max(value) AS max
FROM readings
WHERE device_id = ANY(%(devices)s) AND ts >= %(start)s AND ts < %(end)s
  AND (%(metric)s::text IS NULL OR metric = %(metric)s)
GROUP BY 1, 2 ORDER BY 2, 1
"""
ROLLUP_BUCKETS = """
SELECT date_bin(%(width)s, bucket, TIMESTAMPTZ '2000-01-01') AS bucket, metric,
       sum(n)::bigint AS n, sum(total) / sum(n) AS avg, min(min) AS min, max(max) AS max
FROM readings_hourly
WHERE device_id = ANY(%(devices)s) AND bucket >= %(start)s AND bucket < %(end)s
  AND (%(metric)s::text IS NULL OR metric = %(metric)s)
GROUP BY 1, 2 ORDER BY 2, 1
"""

TAKE_DIRTY = "SELECT dirty_from FROM rollup_state WHERE id = 1 FOR UPDATE"
CLEAR_DIRTY = "UPDATE rollup_state SET dirty_from = NULL WHERE id = 1"
REFRESH_ROLLUP = """
INSERT INTO readings_hourly (bucket, device_id, metric, n, total, min, max)
SELECT date_bin(INTERVAL '1 hour', ts, TIMESTAMPTZ '2000-01-01'), device_id, metric,
       count(*), sum(value), min(value), max(value)
FROM readings WHERE ts >= %s
GROUP BY 1, 2, 3
ON CONFLICT (device_id, metric, bucket) DO UPDATE
SET n = EXCLUDED.n, total = EXCLUDED.total, min = EXCLUDED.min, max = EXCLUDED.max
"""
DELETE_OLD = """
DELETE FROM readings WHERE ctid = ANY (ARRAY(SELECT ctid FROM readings WHERE ts < %s LIMIT %s))
"""
DELETE_OLD_ROLLUP = "DELETE FROM readings_hourly WHERE bucket < %s"


async def copy_rows(conn: AsyncConnection, rows: Sequence[Row], *, staging: bool = False) -> None:
    async with conn.cursor() as cur, cur.copy(COPY_STAGING if staging else COPY_READINGS) as copy:
        copy.set_types(COPY_TYPES)
        for row in rows:
            await copy.write_row(row)


async def merge_rows(conn: AsyncConnection, rows: Sequence[Row]) -> int:
    """Insert rows that are not yet stored; returns how many were new."""
    await conn.execute(CREATE_STAGING)
    await copy_rows(conn, rows, staging=True)
    cur = await conn.execute(MERGE_STAGING)
    return cur.rowcount


async def mark_dirty(conn: AsyncConnection, oldest: datetime) -> None:
    """Tell the rollup refresher that hours from `oldest` on have new rows. Run last, just before commit."""
    await conn.execute(MARK_DIRTY, {"ts": oldest})


async def buckets(
    conn: AsyncConnection,
    *,
    device_ids: list[int],
    start: datetime,
    end: datetime,
    width: timedelta,
    metric: str | None,
    rollup: bool,
) -> list[ReadingBucket]:
    """Buckets over the readings of all `device_ids` (a device and those it replaced)."""
    params = {"width": width, "devices": device_ids, "start": start, "end": end, "metric": metric}
    async with conn.cursor(row_factory=class_row(ReadingBucket)) as cur:
        await cur.execute(ROLLUP_BUCKETS if rollup else RAW_BUCKETS, params)
        return await cur.fetchall()


async def take_dirty(conn: AsyncConnection) -> datetime | None:
    cur = await conn.execute(TAKE_DIRTY)
    row = await cur.fetchone()
    return None if row is None else row[0]


async def refresh_rollup(conn: AsyncConnection, since: datetime) -> int:
    await conn.execute(CLEAR_DIRTY)
    cur = await conn.execute(REFRESH_ROLLUP, (since,))
    return cur.rowcount


async def delete_older_than(conn: AsyncConnection, cutoff: datetime, limit: int) -> int:
    cur = await conn.execute(DELETE_OLD, (cutoff, limit))
    return cur.rowcount


async def delete_rollup_older_than(conn: AsyncConnection, cutoff: datetime) -> int:
    cur = await conn.execute(DELETE_OLD_ROLLUP, (cutoff,))
    return cur.rowcount
