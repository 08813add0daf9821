"""Device health inside the checks (`HealthFacts`, `Verdict`, `HealthPolicy`) and on the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel

from devices.registry.schemas import DeviceEventRead, DeviceRead


@dataclass(frozen=True, slots=True)
class HealthPolicy:
    low_battery_percent: float = 20.0
    low_battery_sustain: timedelta = timedelta(hours=6)  # low for this long, not one dip
    offline_grace: timedelta = timedelta(minutes=10)  # an offline notice (last will) must stand this long
    battery_horizon: timedelta = timedelta(days=30)  # how far back readings are looked at


@dataclass(frozen=True, slots=True)
class HealthFacts:
    """What the database knows about one active device, as of one check."""

    device_id: int
    adapter: str
    kind: str
    home_id: int | None
    created_at: datetime
    last_seen: datetime | None
    battery: float | None
    battery_low: float | None
    link_quality: float | None
    availability: float | None
    availability_at: datetime | None
    battery_run_start: datetime | None  # first battery reading below the threshold since the last one above
    flag_run_start: datetime | None  # first battery_low=1 since the last battery_low=0


@dataclass(frozen=True, slots=True)
class Verdict:
    offline: bool
    offline_since: datetime | None
    low_battery: bool
    low_battery_since: datetime | None


class AlertKind(StrEnum):
    DEVICE_OFFLINE = "device_offline"
    LOW_BATTERY = "low_battery"


class AlertStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    CLEARED = "cleared"


class DeviceHealthRead(BaseModel):
    device_id: int
    adapter: str
    external_id: str
    kind: str
    home_id: int | None
    room: str | None
    checked_at: datetime | None  # None: not checked yet
    last_seen: datetime | None
    battery: float | None
    battery_low: bool | None
    link_quality: float | None
    available: bool | None
    offline: bool
    offline_since: datetime | None
    low_battery: bool
    low_battery_since: datetime | None


class DeviceHealthPage(BaseModel):
    items: list[DeviceHealthRead]
    limit: int
    offset: int


class TechnicalAlertRead(BaseModel):
    id: int
    kind: AlertKind
    device_id: int
    home_id: int | None
    severity: str
    audience: str
    status: AlertStatus
    detail: str
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: int | None
    cleared_at: datetime | None


class TechnicalAlertPage(BaseModel):
    items: list[TechnicalAlertRead]
    limit: int
    offset: int


class DeviceHistory(BaseModel):
    device: DeviceRead
    lineage: list[int]  # this device and those it replaced; their readings are this device's history
    events: list[DeviceEventRead]
    alerts: list[TechnicalAlertRead]
    health: DeviceHealthRead | None


class CheckSummary(BaseModel):
    checked: int
    offline: int
    low_battery: int
    raised: int
    cleared: int
