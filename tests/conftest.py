"""Session fixtures start a real PostgreSQL and a real Mosquitto; each test gets a fresh database made from a
migrated template."""

from __future__ import annotations

import asyncio
import itertools
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import AsyncConnection

from access import service as access_service
from access.schemas import Role, UserCreate
from hub import db
from hub.api.app import create_app
from hub.ingest.worker import Ingestor
from hub.settings import Settings
from tests import servers

TEMPLATE = "carehub_template"
_counter = itertools.count()


@pytest.fixture(scope="session")
def pg() -> Iterator[servers.Postgres]:
    with servers.postgres() as server:
        with psycopg.connect(server.admin_url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        asyncio.run(db.migrate(server.url(TEMPLATE)))
        yield server


@pytest.fixture(scope="session")
def broker() -> Iterator[servers.Mosquitto]:
    with servers.mosquitto() as server:
        yield server


@pytest.fixture
def db_url(pg: servers.Postgres) -> Iterator[str]:
    """A fresh, migrated database for this test."""
    name = f"t_{os.getpid()}_{next(_counter)}"
    with psycopg.connect(pg.admin_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    yield pg.url(name)
    with psycopg.connect(pg.admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
async def conn(db_url: str) -> AsyncIterator[AsyncConnection]:
    async with await AsyncConnection.connect(db_url, autocommit=True) as c:
        yield c


@pytest.fixture
def settings(broker: servers.Mosquitto, db_url: str) -> Settings:
    return Settings.model_validate(
        {
            "database": {"url": db_url, "pool_min": 1, "pool_max": 4},
            # Own shared-subscription group per test: Mosquitto keeps handing a group's messages to members whose
            # persistent session outlives them (see the README on retiring an ingest worker).
            "mqtt": {"host": "127.0.0.1", "port": broker.port, "shared_group": f"g{uuid.uuid4().hex[:8]}"},
            "ingest": {"client_id": f"test-ingest-{uuid.uuid4().hex[:8]}", "batch_max_wait_ms": 20},
        }
    )


@dataclass
class Tokens:
    admin: str
    operator: str
    technician: str
    homecare: str
    homecare_other_team: str
    team_id: int
    other_team_id: int


@pytest.fixture
async def tokens(conn: AsyncConnection) -> Tokens:
    cur = await conn.execute("INSERT INTO teams (name) VALUES ('Bergenhus'), ('Årstad') RETURNING id")
    team, other = [r[0] for r in await cur.fetchall()]

    async def make(name: str, role: Role, team_id: int | None = None) -> str:
        return (await access_service.create_user(conn, UserCreate(name=name, role=role, team_id=team_id))).token

    return Tokens(
        admin=await make("ada", Role.ADMIN),
        operator=await make("olav", Role.OPERATOR),
        technician=await make("tore", Role.TECHNICIAN),
        homecare=await make("hanne", Role.HOMECARE, team),
        homecare_other_team=await make("hilde", Role.HOMECARE, other),
        team_id=team,
        other_team_id=other,
    )


class API:
    """An HTTP client on the app with one token per role."""

    def __init__(self, client: httpx.AsyncClient, tokens: Tokens) -> None:
        self.client = client
        self.tokens = tokens

    async def request(self, method: str, path: str, as_: str | None = "admin", **kw: object) -> httpx.Response:
        headers = {"Authorization": f"Bearer {getattr(self.tokens, as_)}"} if as_ else {}
        return await self.client.request(method, f"/api/v1{path}", headers=headers, **kw)  # type: ignore[arg-type]

    async def ok(self, method: str, path: str, as_: str = "admin", **kw: object) -> Any:
        r = await self.request(method, path, as_, **kw)
        assert r.status_code < 300, (r.status_code, r.text)
        return r.json()


@pytest.fixture
async def api(settings: Settings, db_url: str, tokens: Tokens) -> AsyncIterator[API]:
    app = create_app(settings, db_url)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
            yield API(client, tokens)


@asynccontextmanager
async def running_ingest(settings: Settings) -> AsyncIterator[Ingestor]:
    """An ingest worker in this event loop, connected and subscribed when the block starts."""
    stop = asyncio.Event()
    ingestor = Ingestor(settings, settings.database.url.get_secret_value())  # type: ignore[union-attr]
    task = asyncio.create_task(ingestor.run(stop))
    ready = asyncio.create_task(ingestor.ready.wait())
    await asyncio.wait({task, ready}, timeout=15, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        task.result()
    assert ingestor.ready.is_set(), "ingest did not connect within 15 s"
    try:
        yield ingestor
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)


@pytest.fixture
async def ingest(settings: Settings) -> AsyncIterator[Ingestor]:
    async with running_ingest(settings) as ingestor:
        yield ingestor
