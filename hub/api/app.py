"""`create_app()`: the FastAPI application, its lifespan (the connection pool) and its routers."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse

from access import api as access_api
from core.deps import PoolDep
from devices.adapters import all_adapters
from devices.deadletters import api as deadletters_api
from devices.health import api as device_health_api
from devices.pending import api as pending_api
from devices.readings import api as readings_api
from devices.registry import api as registry_api
from hub import db, scheduler
from hub.api import errors
from hub.settings import Settings

API_PREFIX = "/api/v1"

health = APIRouter(tags=["health"])


@health.get("/health")
async def liveness() -> dict[str, str]:
    """The process is up. No authentication."""
    return {"status": "ok"}


@health.get("/ready", response_model=None)
async def readiness(pool: PoolDep) -> JSONResponse | dict[str, object]:
    """The database answers and is migrated. No authentication."""
    try:
        async with pool.connection(timeout=2) as conn:
            cur = await conn.execute("SELECT count(*) FROM schema_migrations")
            row = await cur.fetchone()
            timescale = await db.timescale_installed(conn)
    except Exception as err:  # any failure here means "not ready", which is the answer
        return JSONResponse({"status": "unavailable", "reason": type(err).__name__}, status_code=503)
    return {"status": "ready", "migrations": row[0] if row else 0, "timescaledb": timescale}


def create_app(settings: Settings, conninfo: str, *, run_scheduler: bool = False) -> FastAPI:
    """The API on `conninfo`. With `run_scheduler`, the periodic jobs run in this process too."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = db.open_pool(conninfo, settings.database.pool_min, settings.database.pool_max)
        await pool.open()
        app.state.pool = pool
        jobs = asyncio.create_task(scheduler.run_forever(pool, settings)) if run_scheduler else None
        try:
            yield
        finally:
            if jobs is not None:
                jobs.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await jobs
            await pool.close()

    app = FastAPI(
        title="CareHub",
        version="0.1.0",
        description="Welfare-technology hub for municipal home care. Every endpoint but health needs a bearer "
        "token from `carehub users add`.",
        lifespan=lifespan,
        docs_url=f"{API_PREFIX}/docs",
        openapi_url=f"{API_PREFIX}/openapi.json",
    )
    errors.install(app)
    app.state.adapter_factory = lambda: all_adapters(zigbee2mqtt_base_topic=settings.adapters.zigbee2mqtt_base_topic)
    # Device health and pending devices before the registry: /devices/health and /devices/pending must not be
    # taken for /devices/{device_id}.
    routers = (health, access_api.router, device_health_api.router, pending_api.router, registry_api.router,
               readings_api.router, deadletters_api.router)  # fmt: skip
    for router in routers:
        app.include_router(router, prefix=API_PREFIX)
    return app
