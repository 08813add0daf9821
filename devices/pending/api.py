"""Pending devices for technicians: what announced itself, and claiming it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from access.deps import Technician
from core.deps import ConnDep
from core.pagination import Id, Limit, Offset
from devices.adapters.deps import AdaptersDep
from devices.pending import service
from devices.pending.schemas import ClaimRequest, ClaimResult, PendingPage

router = APIRouter(tags=["devices"])


@router.get("/devices/pending")
async def pending_devices(
    conn: ConnDep,
    _: Technician,
    adapter: Annotated[str | None, Query(max_length=50)] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> PendingPage:
    """Devices that announced themselves or sent messages under an unknown id; never trusted until claimed."""
    return PendingPage(items=await service.list_pending(conn, adapter, limit, offset), limit=limit, offset=offset)


@router.post("/devices/pending/{pending_id}/claim", status_code=status.HTTP_201_CREATED)
async def claim(
    conn: ConnDep, who: Technician, adapters: AdaptersDep, pending_id: Id, body: ClaimRequest
) -> ClaimResult:
    """Make a pending device active in a home and room; the messages it sent while pending are replayed."""
    return await service.claim(conn, pending_id, body, adapters, who.user_id)
