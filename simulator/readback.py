"""Reading back from the hub's database what it stored of a run: rows, messages, dead letters.

A run's devices are new (a fresh namespace), so every row of theirs belongs to the run. A message is stored when
its rows are: all rows of one message share one time (the payload's, or the arrival time where the format has
none) and no two messages of a device share one, so a device's stored messages are its distinct row times.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

import psycopg
from psycopg import AsyncConnection

COUNT_ROWS = "SELECT count(*) FROM readings WHERE device_id BETWEEN %s AND %s"
STORED_BY_DEVICE = """
SELECT device_id, count(DISTINCT ts), count(*) FROM readings WHERE device_id BETWEEN %s AND %s GROUP BY device_id
"""
DEAD_LETTERS = """
SELECT reason, count(*) FROM dead_letters
WHERE received_at >= %s AND (external_id LIKE %s OR external_id = ANY(%s)) GROUP BY reason ORDER BY reason
"""
ALERTS_TABLE = "SELECT to_regclass('alerts') IS NOT NULL"
LAST_COMMIT = """
SELECT extract(epoch FROM max(pg_xact_commit_timestamp(xmin))) FROM readings WHERE device_id BETWEEN %s AND %s
"""


class Readback:
    def __init__(self, conn: AsyncConnection, device_ids: Collection[int]) -> None:
        self.conn = conn
        self.ids = frozenset(device_ids)
        self.lo, self.hi = (min(self.ids), max(self.ids)) if self.ids else (0, -1)

    async def rows(self) -> int:
        cur = await self.conn.execute(COUNT_ROWS, (self.lo, self.hi))
        row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def stored(self) -> dict[int, tuple[int, int]]:
        """Per device: (messages stored, rows stored)."""
        cur = await self.conn.execute(STORED_BY_DEVICE, (self.lo, self.hi))
        return {d: (int(m), int(r)) for d, m, r in await cur.fetchall() if d in self.ids}

    async def dead_letters(self, since: datetime, prefix: str, other_ids: list[str]) -> dict[str, int]:
        cur = await self.conn.execute(DEAD_LETTERS, (since, prefix.replace("%", r"\%") + "%", other_ids))
        return {reason: int(n) for reason, n in await cur.fetchall()}

    async def last_commit(self) -> float | None:
        """Epoch seconds of the last commit that wrote the run's rows, where the server tracks commit
        timestamps (track_commit_timestamp); None where it does not."""
        try:
            cur = await self.conn.execute(LAST_COMMIT, (self.lo, self.hi))
        except psycopg.Error:
            return None
        row = await cur.fetchone()
        return float(row[0]) if row and row[0] is not None else None

    async def has_alerts(self) -> bool:
        cur = await self.conn.execute(ALERTS_TABLE)
        row = await cur.fetchone()
        return bool(row and row[0])


def lost_messages(expected: Mapping[int, int], stored: Mapping[int, tuple[int, int]]) -> tuple[int, int]:
    """(messages lost, messages stored beyond expectation) over devices: a device short of its expected stored
    messages lost the difference; one with more had a repeat stored again (another ingest worker, a restart)."""
    lost = extra = 0
    for device, want in expected.items():
        got = stored.get(device, (0, 0))[0]
        lost += max(0, want - got)
        extra += max(0, got - want)
    extra += sum(m for d, (m, _) in stored.items() if d not in expected)
    return lost, extra
