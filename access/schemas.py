"""Roles, the authenticated principal, and the user API models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Role(StrEnum):
    OPERATOR = "operator"  # alarm centre: live alert queue
    HOMECARE = "homecare"  # home-care team member: own team's residents and flags, digital keys
    TECHNICIAN = "technician"  # devices and their health
    ADMIN = "admin"  # users, teams, roles, retention


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: int
    name: str
    role: Role
    team_id: int | None

    def team_scope(self) -> int | None:
        """The only team whose residents this user may see, or None for no team restriction."""
        return self.team_id if self.role is Role.HOMECARE else None


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    role: Role
    team_id: int | None = Field(default=None, description="Required for home-care users.")


class UserRead(BaseModel):
    id: int
    name: str
    role: Role
    team_id: int | None
    created_at: datetime
    disabled_at: datetime | None


class TokenRead(BaseModel):
    user: UserRead
    token: str = Field(description="Shown once. Send as `Authorization: Bearer <token>`.")
