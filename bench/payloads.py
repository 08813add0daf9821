"""The benchmark's load: per publisher one registered device and its lines, in one gateway format."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import psycopg


@dataclass(frozen=True, slots=True)
class Load:
    streams: list[tuple[str, bytes]]  # (topic, newline-separated payloads) per publisher
    filter: str  # topic filter that sees all of it
    rows: int  # readings the hub must store for all of it


def _register(url: str, adapter: str, ids: list[str], kind: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        team = conn.execute("INSERT INTO teams (name) VALUES (%s) RETURNING id", (f"bench-{adapter}",)).fetchone()[0]  # type: ignore[index]
        home = conn.execute("INSERT INTO homes (team_id, label) VALUES (%s, 'bench') RETURNING id", (team,)).fetchone()[
            0
        ]  # type: ignore[index]
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO devices (adapter, external_id, kind, home_id) VALUES (%s, %s, %s, %s)",
                [(adapter, i, kind, home) for i in ids],
            )


def native(url: str, messages: int, publishers: int, start: datetime) -> Load:
    """`{"ts": ..., "metric": "temperature", "value": ...}`: one reading per message, ~80 bytes."""
    ids = [f"bench-native-{p}" for p in range(publishers)]
    _register(url, "native", ids, "climate")
    streams = []
    per = messages // publishers
    for ext in ids:
        stamps = ((start + timedelta(milliseconds=i)).isoformat() for i in range(per))
        lines = (f'{{"ts":"{ts}","metric":"temperature","value":{15 + (i % 100) / 10}}}' for i, ts in enumerate(stamps))
        streams.append((f"carehub/v1/devices/{ext}/events", "\n".join(lines).encode() + b"\n"))
    return Load(streams, "carehub/v1/devices/+/events", rows=per * publishers)


def zigbee2mqtt(url: str, messages: int, publishers: int, start: datetime) -> Load:
    """What a Zigbee2MQTT climate sensor publishes (~140 bytes): every attribute repeated in each message, a new
    temperature each time, `last_seen` on. The adapter reports changes only, so each message is one new row
    (plus battery, humidity and link quality once per device)."""
    ids = [f"bench/climate-{p}" for p in range(publishers)]  # friendly names may contain "/"
    _register(url, "zigbee2mqtt", ids, "climate")
    streams = []
    per = messages // publishers
    for name in ids:
        stamps = ((start + timedelta(milliseconds=i)).isoformat() for i in range(per))
        lines = (
            f'{{"battery":91,"humidity":41.5,"linkquality":132,"temperature":{15 + (i % 100) / 10},'
            f'"voltage":2995,"last_seen":"{ts}"}}'
            for i, ts in enumerate(stamps)
        )
        streams.append((f"zigbee2mqtt/{name}", "\n".join(lines).encode() + b"\n"))
    return Load(streams, "zigbee2mqtt/#", rows=per * publishers + 3 * publishers)


FORMATS = {"native": native, "zigbee2mqtt": zigbee2mqtt}


def build(fmt: str, url: str, messages: int, publishers: int, start: datetime) -> Load:
    if messages % publishers:
        raise ValueError("--messages must divide evenly among --publishers")
    return FORMATS[fmt](url, messages, publishers, start)
