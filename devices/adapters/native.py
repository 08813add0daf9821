"""CareHub's own device format.

Topics: `carehub/v1/devices/{device_id}/events` (JSON readings), `.../status` (retained `online`/`offline`, also
the device's last will), `.../cmd` (hub to device). An event payload is either one reading
`{"ts": "2026-11-22T08:00:00Z", "metric": "temperature", "value": 21.5}` or several at one time
`{"ts": "...", "values": {"temperature": 21.5, "humidity": 40}}`. `ts` is ISO 8601 with an offset, or epoch
milliseconds; it is required, so a redelivered message maps to the same rows.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import orjson

from devices.adapters.base import Command, Outgoing, Parsed, Reading
from devices.catalogue import check_value
from devices.errors import BadMessage

PREFIX = "carehub/v1/devices/"


def parse_ts(raw: object) -> datetime:
    if isinstance(raw, str):
        try:
            ts = datetime.fromisoformat(raw)
        except ValueError:
            raise BadMessage("bad_timestamp", f"ts {raw[:40]!r} is not ISO 8601") from None
        if ts.tzinfo is None:
            raise BadMessage("bad_timestamp", "ts has no UTC offset")
        return ts
    if isinstance(raw, int) and not isinstance(raw, bool):
        try:
            return datetime.fromtimestamp(raw / 1000, UTC)
        except (OverflowError, OSError, ValueError):
            raise BadMessage("bad_timestamp", f"ts {raw} is not epoch milliseconds") from None
    if raw is None:
        raise BadMessage("missing_field", "ts is required")
    raise BadMessage("bad_timestamp", f"ts must be an ISO 8601 string or epoch ms, got {type(raw).__name__}")


class NativeAdapter:
    name = "native"
    session_liveness = False
    remembers = False  # every native message says what happened; nothing to compare with

    def topic_filters(self) -> list[str]:
        return [PREFIX + "+/events", PREFIX + "+/status"]

    def owns(self, topic: str) -> bool:
        return topic.startswith(PREFIX)

    def identify(self, topic: str) -> str | None:
        parts = topic[len(PREFIX) :].split("/")
        return parts[0] if len(parts) == 2 and parts[0] else None

    def payload_limit(self, topic: str, default: int) -> int:
        return default

    def parse(self, topic: str, payload: bytes, received_at: datetime) -> Parsed | None:
        parts = topic[len(PREFIX) :].split("/")
        if len(parts) != 2 or not parts[0]:
            raise BadMessage("bad_topic", f"expected {PREFIX}<device_id>/events|status")
        device_id, channel = parts
        if channel == "events":
            return Parsed(self.name, device_id, self._events(payload, device_id))
        if channel == "status":
            value = _status(payload, device_id)
            return Parsed(self.name, device_id, [Reading(received_at, "availability", value)], alive=value == 1.0)
        if channel == "cmd":
            return None  # our own command, seen by a wildcard subscriber
        raise BadMessage("bad_topic", f"unknown channel {channel!r}", adapter=self.name, external_id=device_id)

    def _events(self, payload: bytes, device_id: str) -> list[Reading]:
        doc = loads(payload, self.name, device_id)
        if not isinstance(doc, dict):
            raise BadMessage("wrong_type", "payload must be a JSON object", adapter=self.name, external_id=device_id)
        try:
            ts = parse_ts(doc.get("ts"))
            metric = doc.get("metric")
            if metric is not None:
                if not isinstance(metric, str):
                    raise BadMessage("wrong_type", "metric must be a string")
                if "value" not in doc:
                    raise BadMessage("missing_field", "value is required with metric")
                return [Reading(ts, metric, check_value(metric, doc["value"]))]
            values = doc.get("values")
            if not isinstance(values, dict) or not values:
                raise BadMessage("missing_field", "need metric and value, or a non-empty values object")
            return [Reading(ts, name, check_value(name, raw)) for name, raw in values.items()]
        except BadMessage as err:
            err.adapter, err.external_id = self.name, device_id
            raise

    def command(self, external_id: str, command: Command) -> Outgoing:
        return Outgoing(f"{PREFIX}{external_id}/cmd", orjson.dumps({"action": command.action}))


def loads(payload: bytes, adapter: str, external_id: str | None) -> object:
    """Parse JSON. orjson rejects NaN and Infinity, which some firmware sends; the slow stdlib parser (only on
    this error path) lets them through, so they are reported as non-finite values rather than as broken JSON."""
    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError as err:
        try:
            return json.loads(payload)
        except (ValueError, UnicodeDecodeError):
            raise BadMessage("malformed_json", str(err), adapter=adapter, external_id=external_id) from None


def _status(payload: bytes, device_id: str) -> float:
    text = payload.strip().lower()
    if text == b"online":
        return 1.0
    if text == b"offline":
        return 0.0
    raise BadMessage("wrong_type", "status must be online or offline", adapter="native", external_id=device_id)
