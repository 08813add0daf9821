"""Zigbee2MQTT, 1.x and 2.x.

Topics under a configurable base topic (default `zigbee2mqtt`); a friendly name may itself contain `/`:
- `<base>/<name>`: the device's state, a JSON object that repeats every attribute Z2M knows, so only changes
  are reported (`changes.LastKnown`). `null` (after a Z2M restart) means unknown; numbers may come as strings.
- `<base>/<name>/availability`: `online`/`offline` (1.x) or `{"state": "online"}` (2.x), retained.
- `<base>/<name>/action`: the legacy action topic, a plain string.
- `<base>/<name>/set|get[/<attribute>]`: commands, the hub's own among them: ignored.
- `<base>/bridge/state`: the bridge's availability, as device `bridge` (register it with kind `gateway`).
  `<base>/bridge/devices` and `<base>/bridge/event` announce devices, which become pending until a technician
  claims them. Other bridge topics are ignored.

A device may be registered by friendly name or by IEEE address: the adapter learns which friendly name belongs to
which address from `bridge/devices`, `bridge/event` and the nested `device` object, and offers the address as a
second identity.

Time: Z2M sends no timestamp. `last_seen` (Z2M `advanced.last_seen`: ISO_8601, ISO_8601_local or epoch) is used
when present, else the receive time. With last_seen a redelivered message maps to the same rows. Without it, a
message redelivered after a crash between commit and acknowledgement gets a new time: a repeated state changes
nothing that matters, but an event in it (a button press) is stored twice. Enable last_seen in production.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from devices.adapters import zigbee2mqtt_fields as fields
from devices.adapters.base import Announcement, Command, LockEvent, Outgoing, Parsed, Reading
from devices.adapters.changes import MAX_DEVICES, LastKnown, changed, rose
from devices.adapters.native import loads, parse_ts
from devices.errors import BadCommand, BadMessage

BRIDGE = "bridge"
BRIDGE_EVENTS = frozenset({"device_joined", "device_interview", "device_leave", "device_announce"})
DEVICE_LIST_LIMIT = 8 * 1024 * 1024  # bridge/devices carries every device's definition
COMMANDS = {"lock": "LOCK", "unlock": "UNLOCK"}


class Zigbee2MQTTAdapter:
    name = "zigbee2mqtt"
    session_liveness = False
    remembers = True

    def __init__(self, base_topic: str = "zigbee2mqtt") -> None:
        base = base_topic.strip("/")
        if not base or "+" in base or "#" in base:
            raise ValueError(f"Zigbee2MQTT base topic {base_topic!r} must be a topic without wildcards")
        self.base = base
        self._prefix = base + "/"
        self._cut = len(self._prefix)
        self._known = LastKnown()  # by metric, for change detection
        self._raw = LastKnown()  # by attribute, the raw value last seen: a repeat is skipped before converting
        self._names: dict[str, str] = {}  # friendly name -> IEEE address
        # A device's state topic -> (friendly name, last-known values, last raw values): the hot path's shortcut.
        self._routes: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {}

    def topic_filters(self) -> list[str]:
        return [self._prefix + "#"]

    def owns(self, topic: str) -> bool:
        return topic.startswith(self._prefix)

    def identify(self, topic: str) -> str | None:
        rest = topic[self._cut :]
        if rest.startswith("bridge/"):
            return BRIDGE
        return _split(rest)[0] or None

    def payload_limit(self, topic: str, default: int) -> int:
        return max(default, DEVICE_LIST_LIMIT) if topic.endswith("/bridge/devices") else default

    def parse(self, topic: str, payload: bytes, received_at: datetime) -> Parsed | None:
        route = self._routes.get(topic)
        if route is not None:  # a device's state topic, seen before
            try:
                return self._state(route, payload, received_at)
            except BadMessage as err:
                err.adapter, err.external_id = self.name, route[0]
                raise
        return self._parse_new(topic, payload, received_at)

    def _parse_new(self, topic: str, payload: bytes, received_at: datetime) -> Parsed | None:
        rest = topic[self._cut :]
        name = BRIDGE
        try:
            if rest.startswith("bridge/"):
                return self._bridge(rest[7:], payload, received_at)
            name, channel = _split(rest)
            if channel == "command":
                return None
            if not name:
                raise BadMessage("bad_topic", f"expected {self._prefix}<friendly_name>")
            if channel == "state":
                return self._state(self._route(topic, name), payload, received_at)
            if channel == "availability":
                value = _availability(payload)
                return Parsed(self.name, name, [Reading(received_at, "availability", value)],
                              alt_id=self._alt(name, None), alive=value == 1.0, lenient=True)  # fmt: skip
            return self._action_topic(name, payload, received_at)
        except BadMessage as err:
            err.adapter, err.external_id = self.name, name
            raise

    def command(self, external_id: str, command: Command) -> Outgoing:
        word = COMMANDS.get(command.action)
        if word is None:
            raise BadCommand(f"zigbee2mqtt devices take {', '.join(COMMANDS)}, not {command.action!r}")
        body: dict[str, str] = {"state": word}
        if command.code is not None:
            body["code"] = command.code
        return Outgoing(f"{self._prefix}{external_id}/set", orjson.dumps(body))

    # -- device topics -----------------------------------------------------------------------------------------

    def _route(self, topic: str, name: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
        if len(self._routes) >= MAX_DEVICES:
            self._routes.clear()
        route = self._routes[topic] = (name, self._known.of(name), self._raw.of(name))
        return route

    def _state(
        self, route: tuple[str, dict[str, Any], dict[str, Any]], payload: bytes, received_at: datetime
    ) -> Parsed:
        name, known, raw_known = route
        doc = loads(payload, self.name, name)
        if not isinstance(doc, dict):
            raise BadMessage("wrong_type", "a Zigbee2MQTT state must be a JSON object")
        last_seen = doc.get("last_seen")
        ts = received_at if last_seen is None or last_seen == "" else parse_ts(last_seen)
        readings, updates, special = fields.common(doc, known, raw_known, ts)
        lock_events: tuple[LockEvent, ...] = ()
        if special is not None:
            lock_events = _special(special, doc, ts, known, readings)
        for key, metric, raw, value in updates:  # only now: a message refused half-way must not change memory
            raw_known[key] = raw
            known[metric] = value
        return Parsed(self.name, name, readings, lock_events, alt_id=self._alt(name, doc), lenient=True)

    def _action_topic(self, name: str, payload: bytes, received_at: datetime) -> Parsed:
        word = payload.decode("utf-8", errors="replace").strip()
        events, lock_events = fields.action(word, received_at, None)
        return Parsed(self.name, name, events, lock_events, alt_id=self._alt(name, None), lenient=True)

    def _alt(self, name: str, doc: dict[str, Any] | None) -> str | None:
        ieee = self._names.get(name)
        if ieee is None and doc is not None:
            device = doc.get("device")
            if isinstance(device, dict):
                ieee = fields.clean(device.get("ieeeAddr"))
                if ieee is not None and len(self._names) < MAX_DEVICES:
                    self._names[name] = ieee
        return None if ieee == name else ieee

    # -- bridge ------------------------------------------------------------------------------------------------

    def _bridge(self, what: str, payload: bytes, received_at: datetime) -> Parsed | None:
        if what == "state":
            value = _availability(payload)
            return Parsed(self.name, BRIDGE, [Reading(received_at, "availability", value)],
                          alive=value == 1.0, lenient=True)  # fmt: skip
        if what == "devices":
            return self._device_list(loads(payload, self.name, BRIDGE))
        if what == "event":
            return self._event(loads(payload, self.name, BRIDGE))
        return None  # info, config, logging, groups, definitions, request/response: nothing about devices

    def _device_list(self, doc: object) -> Parsed:
        if not isinstance(doc, list):
            raise BadMessage("wrong_type", "bridge/devices must be a JSON array")
        names: dict[str, str] = {}
        announced = []
        for entry in doc:
            if not isinstance(entry, dict) or entry.get("type") == "Coordinator":
                continue
            ieee, friendly = fields.clean(entry.get("ieee_address")), fields.clean(entry.get("friendly_name"))
            if ieee is None:
                continue
            if friendly is not None:
                names[friendly] = ieee
            model, vendor = fields.definition(entry.get("definition"))
            alias = friendly if friendly != ieee else None
            announced.append(Announcement(self.name, ieee, alias, "bridge/devices", model, vendor))
        self._names = names
        return Parsed(self.name, BRIDGE, [], announced=tuple(announced))

    def _event(self, doc: object) -> Parsed | None:
        if not isinstance(doc, dict):
            raise BadMessage("wrong_type", "bridge/event must be a JSON object")
        event, data = doc.get("type"), doc.get("data")
        if event not in BRIDGE_EVENTS or not isinstance(data, dict):
            return None
        ieee, friendly = fields.clean(data.get("ieee_address")), fields.clean(data.get("friendly_name"))
        if ieee is None:
            return None
        if friendly is not None:
            self._names[friendly] = ieee
        model, vendor = fields.definition(data.get("definition"))
        alias = friendly if friendly != ieee else None
        return Parsed(
            self.name, BRIDGE, [], announced=(Announcement(self.name, ieee, alias, str(event), model, vendor),)
        )


def _special(
    special: dict[str, Any], doc: dict[str, Any], ts: datetime, known: dict[str, float], readings: list[Reading]
) -> tuple[LockEvent, ...]:
    """The attributes that need the whole message: a self-test is not smoke, a lock's state lagging its action
    is stale, levels repeated in every message raise one event per rise. Adds to `readings`."""
    levels, edges = fields.levels(special)
    action = special.get("action")
    events, lock_events = fields.action(action, ts, doc) if action else ([], ())
    if lock_events:
        fields.drop_lagging_state(levels, lock_events[0].action)
    readings += [Reading(ts, m, float(v)) for m, v in levels.items() if changed(known, m, v)]
    readings += [Reading(ts, fields.EDGE_METRICS[k], v) for k, v in edges.items() if rose(known, "~" + k, v)]
    readings += events
    return lock_events


def _split(rest: str) -> tuple[str, str]:
    """(friendly name, channel) where channel is state, availability, action or command."""
    head, _, last = rest.rpartition("/")
    if last in ("set", "get"):
        return head, "command"
    if head:
        before, _, prev = head.rpartition("/")
        if prev in ("set", "get"):
            return before, "command"  # <name>/set/<attribute>
        if last == "availability" or last == "action":
            return head, last
    return rest, "state"


def _availability(payload: bytes) -> float:
    text: object = payload.strip()
    if isinstance(text, bytes) and text.startswith(b"{"):
        doc = loads(payload, "zigbee2mqtt", None)
        text = doc.get("state", b"") if isinstance(doc, dict) else b""
        text = text.encode() if isinstance(text, str) else b""
    if text == b"online":
        return 1.0
    if text == b"offline":
        return 0.0
    raise BadMessage("wrong_type", 'availability must be online/offline or {"state": "online"|"offline"}')
