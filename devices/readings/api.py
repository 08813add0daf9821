"""Readings of one device over a time range, in time buckets."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from access.deps import require
from access.schemas import Principal, Role
from access.service import audit
from core.deps import ConnDep
from core.pagination import Id
from devices.readings import service
from devices.readings.schemas import Bucket, ReadingSeries

router = APIRouter(tags=["readings"])

ReadingViewer = Annotated[Principal, Depends(require(Role.OPERATOR, Role.TECHNICIAN, Role.HOMECARE, Role.ADMIN))]


@router.get("/devices/{device_id}/readings")
async def device_readings(
    conn: ConnDep,
    who: ReadingViewer,
    device_id: Id,
    start: Annotated[datetime | None, Query(description="ISO 8601 with offset; default end - 24 h")] = None,
    end: Annotated[datetime | None, Query(description="ISO 8601 with offset; default now")] = None,
    bucket: Bucket = Bucket.FIVE_MINUTES,
    metric: Annotated[str | None, Query(max_length=50)] = None,
) -> ReadingSeries:
    result = await service.series(
        conn, device_id=device_id, team=who.team_scope(), start=start, end=end, bucket=bucket, metric=metric
    )
    await audit(
        conn, who, "read", f"device/{device_id}/readings", f"{result.start.isoformat()}..{result.end.isoformat()}"
    )
    return result
