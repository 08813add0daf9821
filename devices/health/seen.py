"""When each device was last heard from, written by ingest beside its readings.

A gateway reports changes only, so a device can be alive without producing readings: every message that is a
sign of life counts (not an offline notice, not a retained message replayed on subscribe). Ingest writes at most
one update per device per `SEEN_EVERY`, keeping the hot path cheap; supervision intervals are far longer.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from psycopg import AsyncConnection

SEEN_EVERY = timedelta(seconds=60)
TOUCH_SEEN = """
INSERT INTO device_seen (device_id, last_seen)
SELECT * FROM unnest(%s::bigint[], %s::timestamptz[]) ORDER BY 1
ON CONFLICT (device_id) DO UPDATE SET last_seen = GREATEST(device_seen.last_seen, EXCLUDED.last_seen)
"""


class SeenThrottle:
    """Remembers what ingest wrote, so it writes a device's last-seen time again only when it is worth it."""

    def __init__(self, every: timedelta = SEEN_EVERY) -> None:
        self.every = every
        self._written: dict[int, datetime] = {}

    def due(self, seen: Mapping[int, datetime]) -> dict[int, datetime]:
        written = self._written
        return {d: at for d, at in seen.items() if d not in written or at - written[d] >= self.every}

    def done(self, written: Mapping[int, datetime]) -> None:
        self._written.update(written)


async def touch(conn: AsyncConnection, seen: Mapping[int, datetime]) -> None:
    if seen:
        ids = sorted(seen)
        await conn.execute(TOUCH_SEEN, (ids, [seen[d] for d in ids]))
