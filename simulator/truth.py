"""Ground truth: every injection as one JSON line (home, kind, start, end, device, room, details).

Evaluation and tests read it back with `read`. Times are ISO 8601 in UTC; `end` is null for an injection that
lasts past the run (a rising trend, a battery nobody has replaced yet).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO

import orjson

from simulator.inject import Detail, Injection
from simulator.layout import HomeSpec
from simulator.timebase import iso


@dataclass(frozen=True, slots=True)
class Truth:
    home: str  # the home's label as registered
    home_index: int
    kind: str
    start: datetime
    end: datetime | None
    device: str | None  # the device's external id, for injections that concern one device
    room: str | None
    details: Mapping[str, Detail] = field(default_factory=dict)


def to_line(inj: Injection, home: HomeSpec) -> bytes:
    device = home.device(inj.device).external_id if inj.device else None
    doc = {
        "home": home.label, "home_index": home.index, "kind": inj.kind, "start": iso(inj.start),
        "end": iso(inj.end) if inj.end is not None else None, "device": device, "room": inj.room or None,
        "details": dict(inj.details),
    }  # fmt: skip
    return orjson.dumps(doc) + b"\n"


def write(out: IO[bytes], injections: Iterable[Injection], homes: Mapping[int, HomeSpec]) -> int:
    n = 0
    for inj in injections:
        out.write(to_line(inj, homes[inj.home]))
        n += 1
    return n


def read(path: Path) -> list[Truth]:
    out = []
    for line in path.read_bytes().splitlines():
        if not line.strip():
            continue
        doc = orjson.loads(line)
        out.append(
            Truth(
                doc["home"], doc["home_index"], doc["kind"], datetime.fromisoformat(doc["start"]),
                datetime.fromisoformat(doc["end"]) if doc["end"] else None, doc["device"], doc["room"],
                doc["details"],
            )
        )  # fmt: skip
    return out
