"""API models for readings."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel


class Bucket(StrEnum):
    MINUTE = "1m"
    FIVE_MINUTES = "5m"
    FIFTEEN_MINUTES = "15m"
    HOUR = "1h"
    SIX_HOURS = "6h"
    DAY = "1d"

    @property
    def width(self) -> timedelta:
        return _WIDTHS[self]


_WIDTHS = {
    Bucket.MINUTE: timedelta(minutes=1),
    Bucket.FIVE_MINUTES: timedelta(minutes=5),
    Bucket.FIFTEEN_MINUTES: timedelta(minutes=15),
    Bucket.HOUR: timedelta(hours=1),
    Bucket.SIX_HOURS: timedelta(hours=6),
    Bucket.DAY: timedelta(days=1),
}


class ReadingBucket(BaseModel):
    bucket: datetime
    metric: str
    n: int
    avg: float
    min: float
    max: float


class ReadingSeries(BaseModel):
    device_id: int
    start: datetime
    end: datetime
    bucket: Bucket
    source: str  # "readings" (raw) or "readings_hourly" (rollup)
    items: list[ReadingBucket]
