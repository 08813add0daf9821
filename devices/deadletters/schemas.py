"""Dead-letter records: inside ingest (`DeadLetter`) and on the API (`DeadLetterRead`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, field_validator


@dataclass(frozen=True, slots=True)
class DeadLetter:
    received_at: datetime
    topic: str
    payload: bytes
    reason: str
    detail: str
    adapter: str | None
    external_id: str | None


@dataclass(frozen=True, slots=True)
class KeptMessage:
    """A dead letter as replay needs it."""

    id: int
    received_at: datetime
    topic: str
    payload: bytes


class DeadLetterRead(BaseModel):
    id: int
    received_at: datetime
    topic: str
    payload: str  # shown as text; bytes that are not UTF-8 are escaped
    reason: str
    detail: str
    adapter: str | None
    external_id: str | None

    @field_validator("payload", mode="before")
    @classmethod
    def _as_text(cls, value: object) -> object:
        if isinstance(value, bytes | memoryview):
            return bytes(value).decode("utf-8", errors="backslashreplace")
        return value


class DeadLetterPage(BaseModel):
    items: list[DeadLetterRead]
    counts: dict[str, int]  # per reason, over the whole table
    limit: int
    offset: int
