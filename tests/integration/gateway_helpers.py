"""Helpers for gateway-format integration tests: register devices through the API, publish fixtures with the
real Mosquitto client, read back what was stored."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from psycopg import AsyncConnection

from devices.adapters.examples import Example, load
from tests.conftest import API
from tests.helpers import eventually, mosquitto_pub


async def make_home(api: API, label: str = "Flat 3B") -> int:
    home = await api.ok("POST", "/homes", as_="technician", json={"team_id": api.tokens.team_id, "label": label})
    assert isinstance(home, dict)
    return int(home["id"])


async def register(api: API, adapter: str, external_id: str, kind: str, home: int | None = None) -> dict[str, Any]:
    body = {"adapter": adapter, "external_id": external_id, "kind": kind, "home_id": home or await make_home(api)}
    device = await api.ok("POST", "/devices", as_="technician", json=body)
    assert isinstance(device, dict)
    return device


def fixture(adapter: str, case: str, device: str | None = None, as_: str | None = None) -> Example:
    """A fixture, optionally with the device in its topic (`device`, e.g. "hall/motion") renamed to `as_`."""
    example = load(adapter, case)
    return example.renamed(device, as_) if device and as_ else example


def publish(port: int, example: Example, *, retain: bool = False) -> None:
    mosquitto_pub(port, example.topic, example.payload, retain=retain)


async def readings(conn: AsyncConnection, device_id: int, metric: str | None = None) -> list[tuple[str, float]]:
    cur = await conn.execute(
        "SELECT metric, value FROM readings WHERE device_id = %s AND (%s::text IS NULL OR metric = %s)"
        " ORDER BY ts, metric",
        (device_id, metric, metric),
    )
    return [(m, v) for m, v in await cur.fetchall()]


async def wait_rows(
    conn: AsyncConnection, device_id: int, n: int, metric: str | None = None
) -> list[tuple[str, float]]:
    """The device's readings once there are at least `n` of them (ingest commits asynchronously)."""

    async def probe() -> list[tuple[str, float]]:
        rows = await readings(conn, device_id, metric)
        return rows if len(rows) >= n else []

    return await eventually(probe)


async def dead_letters(conn: AsyncConnection, topic: str) -> list[tuple[str, str | None]]:
    cur = await conn.execute("SELECT reason, external_id FROM dead_letters WHERE topic = %s ORDER BY id", (topic,))
    return [(r, e) for r, e in await cur.fetchall()]


def now_iso() -> str:
    return datetime.now(UTC).isoformat()
