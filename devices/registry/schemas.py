"""API models of the registry: XCreate / XUpdate / XRead / XPage."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from zoneinfo import available_timezones

from pydantic import BaseModel, ConfigDict, Field, field_validator

Name = Field(min_length=1, max_length=200)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TeamCreate(_In):
    name: str = Name


class TeamRead(BaseModel):
    id: int
    name: str
    created_at: datetime


class HomeCreate(_In):
    team_id: int
    label: str = Field(min_length=1, max_length=200, description="How staff name the home; no address needed.")
    timezone: str = "Europe/Oslo"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in available_timezones():
            raise ValueError(f"unknown time zone {value!r}")
        return value


class HomeUpdate(_In):
    label: str | None = Field(default=None, min_length=1, max_length=200)
    team_id: int | None = None


class HomeRead(BaseModel):
    id: int
    team_id: int
    label: str
    timezone: str
    created_at: datetime


class ResidentCreate(_In):
    home_id: int
    display_name: str = Field(min_length=1, max_length=200, description="A name or pseudonym; no national ID.")


class ResidentUpdate(_In):
    display_name: str | None = Field(default=None, min_length=1, max_length=200)
    home_id: int | None = None


class ResidentRead(BaseModel):
    id: int
    home_id: int
    team_id: int
    display_name: str
    created_at: datetime
    archived_at: datetime | None


class DeviceStatus(StrEnum):
    ACTIVE = "active"
    PENDING = "pending"
    RETIRED = "retired"


class DeviceCreate(_In):
    adapter: str = Field(min_length=1, max_length=50, description="Gateway format: native, zigbee2mqtt, nuki.")
    external_id: str = Field(min_length=1, max_length=200, description="Native id, Zigbee friendly name, Nuki id.")
    kind: str = Field(min_length=1, max_length=50, description="A kind from GET /catalogue.")
    home_id: int
    room: str | None = Field(default=None, max_length=100)


class DeviceUpdate(_In):
    home_id: int | None = None
    room: str | None = Field(default=None, max_length=100)


class DeviceReplace(_In):
    """The device that takes an old one's place: it inherits home, room, kind (unless given) and history."""

    adapter: str | None = Field(default=None, max_length=50, description="Default: the old device's adapter.")
    external_id: str = Field(min_length=1, max_length=200)
    kind: str | None = Field(default=None, max_length=50, description="Default: the old device's kind.")


class DeviceRead(BaseModel):
    id: int
    adapter: str
    external_id: str
    kind: str
    home_id: int | None
    room: str | None
    status: DeviceStatus
    created_at: datetime
    updated_at: datetime
    replaced_by: int | None = None
    alias: str | None = None  # another name it goes by, learnt from its gateway (Zigbee friendly name)


class DeviceEventRead(BaseModel):
    id: int
    device_id: int
    at: datetime
    event: str  # registered, claimed, moved, replaced, replacement, retired
    detail: str
    user_id: int | None


class DevicePage(BaseModel):
    items: list[DeviceRead]
    limit: int
    offset: int
