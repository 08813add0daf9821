"""The benchmark's load: per publisher one registered device and its lines, in one gateway format."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import psycopg


@dataclass(frozen=True, slots=True)
class Load:
    streams: list[tuple[str, bytes]]  # (topic, newline-separated payloads) per publisher
    filter: str  # topic filter that sees all of it


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
    return Load(streams, "carehub/v1/devices/+/events")


FORMATS = {"native": native}


def build(fmt: str, url: str, messages: int, publishers: int, start: datetime) -> Load:
    if messages % publishers:
        raise ValueError("--messages must divide evenly among --publishers")
    return FORMATS[fmt](url, messages, publishers, start)
