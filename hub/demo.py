"""`carehub demo`: the whole hub on one machine with no servers to install.

An embedded PostgreSQL (PyPI wheel) and an in-process MQTT broker unless settings point at real ones; migrations;
demo homes with devices and one user per role; a live stream of device messages; ingest; the API on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator
from dataclasses import dataclass

import uvicorn
from psycopg import AsyncConnection

from access import service as access_service
from access.errors import UserNotFound
from access.schemas import Role, UserCreate
from hub import db, embedded, runtime
from hub.api.app import create_app
from hub.ingest.worker import Ingestor
from hub.settings import Settings
from simulator import demo as simulated

log = logging.getLogger(__name__)

DEMO_TEAM = "Demo team Bergenhus"


@dataclass(frozen=True, slots=True)
class Seeded:
    devices: list[tuple[str, str]]  # (external id, kind) of every demo device
    tokens: dict[str, str]  # role -> bearer token


async def run_demo(settings: Settings, *, homes: int, seconds: float) -> int:
    conninfo = await asyncio.to_thread(runtime.conninfo, settings)
    await db.migrate(conninfo)
    broker = None
    if settings.mqtt.host is None:
        port = embedded.free_port(settings.mqtt.port)
        broker = await embedded.start_broker(port)
        # amqtt speaks MQTT 3.1.1 only: no shared subscriptions there.
        mqtt = settings.mqtt.model_copy(update={"host": "127.0.0.1", "port": port, "version": 4, "shared_group": ""})
        settings = settings.model_copy(update={"mqtt": mqtt})
    api_port = embedded.free_port(settings.api.port)
    async with await AsyncConnection.connect(conninfo, autocommit=True) as conn:
        seeded = await seed(conn, homes)
    try:
        return await _serve(settings, conninfo, seeded, api_port, seconds)
    finally:
        if broker is not None:
            await broker.shutdown()


async def _serve(settings: Settings, conninfo: str, seeded: Seeded, api_port: int, seconds: float) -> int:
    app = create_app(settings, conninfo, run_scheduler=True)
    server = _Server(uvicorn.Config(app, host=settings.api.host, port=api_port, log_config=None))
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: setattr(server, "should_exit", True))
    stop = asyncio.Event()
    ingestor = Ingestor(settings, conninfo)
    assert settings.mqtt.host is not None
    tasks = [
        asyncio.create_task(ingestor.run(stop), name="demo-ingest"),
        asyncio.create_task(
            simulated.run(settings.mqtt.host, settings.mqtt.port, seeded.devices, stop), name="demo-stream"
        ),
    ]
    if seconds:
        loop.call_later(seconds, lambda: setattr(server, "should_exit", True))
    _banner(settings.api.host, api_port, settings, seeded)
    try:
        await server.serve()  # returns on Ctrl+C / SIGTERM or after --seconds
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    return 0


class _Server(uvicorn.Server):
    """Uvicorn re-raises a captured Ctrl+C/SIGTERM after serving, which would kill the process before the
    demo stops ingest, the broker and the embedded PostgreSQL. The demo handles those signals itself."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def seed(conn: AsyncConnection, homes: int) -> Seeded:
    """Demo team, homes, residents and devices (once), and a fresh token for each demo user (every start)."""
    cur = await conn.execute("SELECT id FROM teams WHERE name = %s", (DEMO_TEAM,))
    row = await cur.fetchone()
    if row is None:
        await simulated.seed(conn, DEMO_TEAM, homes)
    cur = await conn.execute(
        "SELECT d.external_id, d.kind FROM devices d JOIN homes h ON h.id = d.home_id JOIN teams t ON t.id = h.team_id"
        " WHERE t.name = %s AND d.status = 'active' ORDER BY d.id",
        (DEMO_TEAM,),
    )
    devices = [(ext, kind) for ext, kind in await cur.fetchall()]
    cur = await conn.execute("SELECT id FROM teams WHERE name = %s", (DEMO_TEAM,))
    team = (await cur.fetchone() or (None,))[0]
    tokens = {role.value: await _token(conn, f"demo-{role.value}", role, team) for role in Role}
    return Seeded(devices, tokens)


async def _token(conn: AsyncConnection, name: str, role: Role, team: int | None) -> str:
    try:
        return (await access_service.issue_token(conn, name, revoke_old=True)).token
    except UserNotFound:
        data = UserCreate(name=name, role=role, team_id=team if role is Role.HOMECARE else None)
        return (await access_service.create_user(conn, data)).token


def _banner(host: str, port: int, settings: Settings, seeded: Seeded) -> None:
    base = f"http://{host}:{port}"
    lines = [
        "",
        "CareHub demo is running (Ctrl+C to stop).",
        f"  API docs:  {base}/api/v1/docs",
        f"  MQTT:      {settings.mqtt.host}:{settings.mqtt.port}  (publish to carehub/v1/devices/<id>/events)",
        f"  Devices:   {len(seeded.devices)} demo devices streaming",
        "  Tokens (send as 'Authorization: Bearer <token>'):",
        *[f"    {role:<11} {token}" for role, token in seeded.tokens.items()],
        "  Try:",
        f"    curl -H 'Authorization: Bearer {seeded.tokens['technician']}' {base}/api/v1/devices",
        f"    curl -H 'Authorization: Bearer {seeded.tokens['operator']}' '{base}/api/v1/devices/1/readings?bucket=1m'",
        "",
    ]
    with contextlib.suppress(OSError):
        print("\n".join(lines), flush=True)
