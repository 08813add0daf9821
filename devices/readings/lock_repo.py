"""SQL for lock events: the source and user beside each `lock_action` reading."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from psycopg import AsyncConnection
from psycopg.rows import class_row

from devices.readings.schemas import LockEventRead

LockRow = tuple[datetime, int, float, str, str | None, str | None]  # (ts, device_id, action, name, source, user)

INSERT_LOCK_EVENT = """
INSERT INTO lock_events (ts, device_id, action, name, source, user_ref) VALUES (%s, %s, %s, %s, %s, %s)
ON CONFLICT (device_id, ts, action) DO NOTHING
"""
LIST_LOCK_EVENTS = """
SELECT ts, device_id, action::int AS action, name, source, user_ref AS user
FROM lock_events WHERE device_id = ANY(%(devices)s) AND ts >= %(start)s AND ts < %(end)s
ORDER BY ts DESC LIMIT %(limit)s
"""
DELETE_OLD = "DELETE FROM lock_events WHERE ts < %s"


async def insert_many(conn: AsyncConnection, rows: Sequence[LockRow]) -> None:
    async with conn.cursor() as cur:
        await cur.executemany(INSERT_LOCK_EVENT, [(ts, d, int(a), n, s, u) for ts, d, a, n, s, u in rows])


async def list_for(
    conn: AsyncConnection, devices: list[int], start: datetime, end: datetime, limit: int
) -> list[LockEventRead]:
    async with conn.cursor(row_factory=class_row(LockEventRead)) as cur:
        await cur.execute(LIST_LOCK_EVENTS, {"devices": devices, "start": start, "end": end, "limit": limit})
        return await cur.fetchall()


async def delete_older_than(conn: AsyncConnection, cutoff: datetime) -> int:
    cur = await conn.execute(DELETE_OLD, (cutoff,))
    return cur.rowcount
