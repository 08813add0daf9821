"""Nuki Smart Lock's built-in MQTT (3.0 Pro, 4th generation), API v1.5.

Topics `nuki/<NUKI_ID_HEX>/<name>` with plain-string payloads; state topics are retained and republished, so only
changes are reported. `state` codes become `lock_state` (transitions such as unlocking are not stored),
`doorsensorState` becomes `door_open` or `tamper`, `batteryCritical` and `batteryChargeState` the battery metrics,
`connected` (`true`, last will `false`) availability, and `lockActionEvent` (CSV `LockAction,Trigger,AuthID,
CodeID,X`) a `lock_action` with its source and user. Commands: `nuki/<id>/lockAction` `1` unlock / `2` lock at
QoS 2, not retained.

Time: Nuki messages carry none (the `timestamp` topic is a separate message), so the receive time is used; a
message redelivered after a crash between commit and acknowledgement is stored again at its new time.
Liveness: the lock holds its own MQTT session, so silence is normal; its last will is the offline signal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from devices.adapters.base import Command, LockEvent, Outgoing, Parsed, Reading
from devices.adapters.changes import LastKnown, changed
from devices.adapters.convert import flag, integer, number
from devices.catalogue import (
    ACTION_LOCK,
    ACTION_UNLATCH,
    ACTION_UNLOCK,
    LOCK_JAMMED,
    LOCK_LOCKED,
    LOCK_UNKNOWN,
    LOCK_UNLOCKED,
)
from devices.errors import BadCommand, BadMessage

PREFIX = "nuki/"
STATES = {0: LOCK_UNKNOWN, 1: LOCK_LOCKED, 3: LOCK_UNLOCKED, 5: LOCK_UNLOCKED, 6: LOCK_UNLOCKED, 254: LOCK_JAMMED,
          255: LOCK_UNKNOWN}  # fmt: skip
TRANSITIONS = frozenset({2, 4, 7})  # unlocking, locking, unlatching
DOOR = {2: ("door_open", 0.0), 3: ("door_open", 1.0), 240: ("tamper", 1.0)}
DOOR_UNKNOWN = frozenset({1, 4, 5, 16, 255})  # deactivated, unknown, calibrating, uncalibrated
ACTIONS = {1: ACTION_UNLOCK, 2: ACTION_LOCK, 3: ACTION_UNLATCH, 4: ACTION_UNLOCK, 5: ACTION_UNLATCH, 6: ACTION_LOCK}
NO_LOCK_ACTION = frozenset({80, 90})  # fob or button pressed with no action configured
TRIGGERS = {0: "app", 2: "button", 3: "time_control", 6: "auto_lock", 171: "homekit", 172: "mqtt"}
COMMANDS = {"unlock": b"1", "lock": b"2"}


class NukiAdapter:
    name = "nuki"
    session_liveness = True
    remembers = True

    def __init__(self) -> None:
        self._known = LastKnown()
        self._topics: dict[str, Callable[[str, bytes, datetime], Parsed | None]] = {
            "state": self._state,
            "doorsensorState": self._door,
            "batteryCritical": self._level("battery_low", flag),
            "batteryChargeState": self._level("battery", number),
            "connected": self._connected,
            "lockActionEvent": self._lock_action,
        }

    def topic_filters(self) -> list[str]:
        return [PREFIX + "#"]

    def owns(self, topic: str) -> bool:
        return topic.startswith(PREFIX)

    def identify(self, topic: str) -> str | None:
        parts = topic.split("/")
        return parts[1] if len(parts) == 3 and parts[1] else None

    def payload_limit(self, topic: str, default: int) -> int:
        return default

    def parse(self, topic: str, payload: bytes, received_at: datetime) -> Parsed | None:
        parts = topic.split("/")
        if len(parts) != 3 or not parts[1]:
            raise BadMessage("bad_topic", "expected nuki/<nuki_id>/<name>", adapter=self.name)
        handler = self._topics.get(parts[2])
        if handler is None:
            return None  # lockAction (our command), commandResponse, timestamp, firmware, mode, ...: nothing to store
        try:
            return handler(parts[1], payload, received_at)
        except BadMessage as err:
            err.adapter, err.external_id = self.name, parts[1]
            raise

    def command(self, external_id: str, command: Command) -> Outgoing:
        body = COMMANDS.get(command.action)
        if body is None:
            raise BadCommand(f"Nuki locks take {', '.join(COMMANDS)}, not {command.action!r}")
        return Outgoing(f"{PREFIX}{external_id}/lockAction", body, qos=2, retain=False)

    def _changes(self, nuki_id: str, ts: datetime, values: list[tuple[str, float]], alive: bool = True) -> Parsed:
        known = self._known.of(nuki_id)
        readings = [Reading(ts, m, v) for m, v in values if changed(known, m, v)]
        return Parsed(self.name, nuki_id, readings, alive=alive, lenient=True)

    def _state(self, nuki_id: str, payload: bytes, ts: datetime) -> Parsed:
        code = integer("state", payload)
        if code in TRANSITIONS:
            return Parsed(self.name, nuki_id, [], lenient=True)
        if code not in STATES:
            raise BadMessage("out_of_range", f"unknown Nuki lock state {code}")
        return self._changes(nuki_id, ts, [("lock_state", STATES[code])])

    def _door(self, nuki_id: str, payload: bytes, ts: datetime) -> Parsed:
        code = integer("doorsensorState", payload)
        if code in DOOR_UNKNOWN:
            return Parsed(self.name, nuki_id, [], lenient=True)
        if code not in DOOR:
            raise BadMessage("out_of_range", f"unknown Nuki door sensor state {code}")
        return self._changes(nuki_id, ts, [DOOR[code]])

    def _level(self, metric: str, convert: Callable[[str, object], float]) -> Callable[[str, bytes, datetime], Parsed]:
        def handle(nuki_id: str, payload: bytes, ts: datetime) -> Parsed:
            text = payload.decode("utf-8", errors="replace").strip()
            return self._changes(nuki_id, ts, [(metric, convert(metric, text))])

        return handle

    def _connected(self, nuki_id: str, payload: bytes, ts: datetime) -> Parsed:
        value = flag("availability", payload.decode("utf-8", errors="replace"))
        # Every session change is reported (the last will matters even if the memory says "offline" already).
        self._known.of(nuki_id)["availability"] = value
        return Parsed(self.name, nuki_id, [Reading(ts, "availability", value)], alive=value == 1.0, lenient=True)

    def _lock_action(self, nuki_id: str, payload: bytes, ts: datetime) -> Parsed:
        fields = payload.decode("utf-8", errors="replace").strip().split(",")
        try:
            action, trigger, auth_id = int(fields[0]), int(fields[1]), int(fields[2])
        except (ValueError, IndexError):
            raise BadMessage(
                "wrong_type", f"lockActionEvent must be LockAction,Trigger,AuthID,... got {payload[:60]!r}"
            ) from None
        if action in NO_LOCK_ACTION:
            return Parsed(self.name, nuki_id, [], lenient=True)
        code = ACTIONS.get(action)
        if code is None:
            raise BadMessage("out_of_range", f"unknown Nuki LockAction {action}")
        source = TRIGGERS.get(trigger, f"trigger_{trigger}")
        event = LockEvent(ts, code, str(action), source, str(auth_id) if auth_id else None)
        return Parsed(self.name, nuki_id, [Reading(ts, "lock_action", code)], (event,), lenient=True)
