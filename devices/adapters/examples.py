"""The real payload fixtures in `fixtures/<adapter>/<case>.json`, for tests and the simulator."""

from __future__ import annotations

from dataclasses import dataclass, replace
from importlib import resources

import orjson

FIXTURES = "fixtures"


@dataclass(frozen=True, slots=True)
class Example:
    adapter: str
    case: str
    topic: str
    payload: bytes  # exactly as published: a plain string as its bytes, any other JSON value as JSON
    expected: list[tuple[str, float]]  # (metric, value) a fresh adapter reports
    note: str

    def renamed(self, old: str, new: str) -> Example:
        """The same message from another device: `old` replaced by `new` in the topic."""
        return replace(self, topic=self.topic.replace(old, new, 1))

    def with_fields(self, **fields: object) -> Example:
        """The same JSON object payload with some fields changed (e.g. a current `last_seen`)."""
        doc = orjson.loads(self.payload)
        if not isinstance(doc, dict):
            raise TypeError(f"{self.adapter}/{self.case} has no JSON object payload")
        return replace(self, payload=orjson.dumps({**doc, **fields}))


def load(adapter: str, case: str) -> Example:
    path = resources.files("devices.adapters").joinpath(FIXTURES, adapter, f"{case}.json")
    return _example(adapter, case, path.read_bytes())


def cases(adapter: str) -> list[Example]:
    folder = resources.files("devices.adapters").joinpath(FIXTURES, adapter)
    found = [p for p in folder.iterdir() if p.name.endswith(".json")]
    return [_example(adapter, p.name.removesuffix(".json"), p.read_bytes()) for p in sorted(found, key=str)]


def _example(adapter: str, case: str, raw: bytes) -> Example:
    doc = orjson.loads(raw)
    payload = doc["payload"]
    body = payload.encode() if isinstance(payload, str) else orjson.dumps(payload)
    expected = [(e["metric"], float(e["value"])) for e in doc["expected"]]
    return Example(adapter, case, doc["topic"], body, expected, doc.get("note", ""))
