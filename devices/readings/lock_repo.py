"""SQL for lock events: the source and user beside each `lock_action` reading."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from psycopg import AsyncConnection

LockRow = tuple[datetime, int, float, str, str | None, str | None]  # (ts, device_id, action, name, source, user)

INSERT_LOCK_EVENT = """
INSERT INTO lock_events (ts, device_id, action, name, source, user_ref) VALUES (%s, %s, %s, %s, %s, %s)
ON CONFLICT (device_id, ts, action) DO NOTHING
"""
DELETE_OLD = "DELETE FROM lock_events WHERE ts < %s"


async def insert_many(conn: AsyncConnection, rows: Sequence[LockRow]) -> None:
    async with conn.cursor() as cur:
        await cur.executemany(INSERT_LOCK_EVENT, [(ts, d, int(a), n, s, u) for ts, d, a, n, s, u in rows])


async def delete_older_than(conn: AsyncConnection, cutoff: datetime) -> int:
    cur = await conn.execute(DELETE_OLD, (cutoff,))
    return cur.rowcount
