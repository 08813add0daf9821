"""Time and deterministic noise for the behaviour model.

Simulated time is integer milliseconds since the Unix epoch (UTC), so event times are exact keys. A resident's
routine is planned in the home's local wall-clock time and converted here. Noise that must not depend on the
order in which things are generated (periodic reports) comes from a hash of its coordinates, not from a shared
random stream.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

SECOND = 1000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR

_MASK = (1 << 64) - 1


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_ms(day: date, minutes: float, tz: str) -> int:
    """Epoch ms of `minutes` after local midnight of `day` (may run past 24 h into the next day)."""
    naive = datetime.combine(day, time()) + timedelta(minutes=minutes)
    return int(naive.replace(tzinfo=zone(tz)).timestamp() * 1000)


def local_day(ms: int, tz: str) -> date:
    """The local calendar date at `ms`."""
    return datetime.fromtimestamp(ms / 1000, zone(tz)).date()


def iso(ms: int) -> str:
    """ISO 8601 with milliseconds and an explicit UTC offset."""
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds")


def parse_time(text: str, tz: str) -> int:
    """Epoch ms of an ISO 8601 date-time; one without an offset is local time in `tz`."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone(tz))
    return int(value.timestamp() * 1000)


def unit(*parts: int) -> float:
    """A uniform number in [0, 1) fixed by its integer coordinates. A tuple of ints hashes the same in every
    CPython process (only str and bytes hashing is salted), and its xxHash-style mixing spreads well enough for
    noise, at C speed."""
    return (hash(parts) & _MASK) / 18446744073709551616.0


@lru_cache(maxsize=4096)
def text_key(text: str) -> int:
    """A stable integer for a string (Python's own hash() is salted per process)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")
