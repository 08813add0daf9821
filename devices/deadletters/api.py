"""Dead letters for technicians: what ingest could not store, and why."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from access.deps import Technician
from core.deps import ConnDep
from core.pagination import Limit, Offset
from devices.deadletters import repo
from devices.deadletters.schemas import DeadLetterPage

router = APIRouter(tags=["devices"])


@router.get("/dead-letters")
async def dead_letters(
    conn: ConnDep,
    _: Technician,
    reason: Annotated[str | None, Query(max_length=50)] = None,
    since: datetime | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> DeadLetterPage:
    items = await repo.list_recent(conn, reason=reason, since=since, limit=limit, offset=offset)
    return DeadLetterPage(items=items, counts=await repo.count_by_reason(conn), limit=limit, offset=offset)
