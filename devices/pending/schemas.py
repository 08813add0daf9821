"""Pending devices inside ingest (`Sighting`) and on the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from devices.adapters import Announcement
from devices.registry.schemas import DeviceRead


@dataclass(frozen=True, slots=True)
class Sighting:
    """One announcement or one message from an unregistered device, as ingest saw it."""

    announcement: Announcement
    at: datetime
    messages: int  # 1 for a message kept in dead letters, 0 for an announcement


class PendingRead(BaseModel):
    id: int
    adapter: str
    external_id: str
    alias: str | None
    event: str
    model: str | None
    vendor: str | None
    first_seen: datetime
    last_seen: datetime
    messages: int


class PendingPage(BaseModel):
    items: list[PendingRead]
    limit: int
    offset: int


class ClaimRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    kind: str = Field(min_length=1, max_length=50, description="A kind from GET /catalogue.")
    home_id: int
    room: str | None = Field(default=None, max_length=100)


class ClaimResult(BaseModel):
    device: DeviceRead
    replayed: int = Field(description="Messages kept in dead letters while pending, now stored as readings.")
    still_dead: int = Field(description="Kept messages that still cannot be stored (their reason is updated).")
