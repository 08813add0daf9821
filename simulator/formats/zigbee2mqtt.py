"""Zigbee2MQTT as a gateway really publishes, built from the shared payload fixtures.

Each kind's state message has exactly the attributes of its fixture (`devices/adapters/fixtures/zigbee2mqtt`),
and like Z2M every message repeats the last known value of each. Homes differ in gateway version and options,
fixed by the home's index: Z2M 2.x with `{"state": "online"}` availability and ISO `last_seen` (most homes), or
1.x with plain `online`, epoch `last_seen`, an `action: ""` after each button action, and in a few homes numbers
sent as strings; some 2.x gateways have just been set up, so attributes not yet reported are `null`. Lock actions
come as the lock sends them: an unlock still carrying the old `LOCK` state, with the new state just after.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import orjson

from devices.adapters.examples import load
from devices.catalogue import ACTION_UNLOCK, BUTTON_HOLD, FALL_ALARM, LOCK_LOCKED
from simulator.events import OFFLINE, ONLINE, Event
from simulator.formats.message import Message
from simulator.layout import DeviceSpec, HomeSpec
from simulator.periodic import values as report_values
from simulator.timebase import iso

BASE = "zigbee2mqtt"
TEMPLATES = {"motion": "motion_battery_report", "contact": "contact_open", "emergency_button": "button_single",
             "smoke": "smoke_alarm", "water_leak": "water_leak", "climate": "climate", "fall_detector": "fall_alarm",
             "smart_lock": "lock_unlocked"}  # fmt: skip
TRANSIENT = frozenset({"action", "action_source_name", "action_user", "last_seen"})
DEFAULTS: dict[str, object] = {"occupancy": False, "presence": False, "contact": True, "water_leak": False,
                               "smoke": False, "test": False, "trouble": False, "supervision_reports": True,
                               "tamper": False, "battery_low": False, "fall_status": "normal",
                               "lock_state": "locked", "state": "LOCK"}  # fmt: skip
LOCK_WORDS = {"resident": ("unlock", "keypad", 1), "staff": ("unlock", "rf", None)}
STATE_LAG_MS = 700


@dataclass(frozen=True, slots=True)
class Flavour:
    version: int
    epoch_last_seen: bool
    strings: bool
    fresh: bool


def flavour(home_index: int) -> Flavour:
    """Gateway version and options of a home: an even spread over home indices, so any run has them all."""
    u = (home_index * 0.7548776662466927 + 0.31) % 1.0
    if u < 0.7:
        return Flavour(2, False, False, u < 0.07)
    return Flavour(1, True, u >= 0.95, False)


@cache
def template_keys(kind: str) -> tuple[str, ...]:
    doc = orjson.loads(load(BASE, TEMPLATES[kind]).payload)
    return tuple(k for k in doc if k not in TRANSIENT)


class Zigbee2MQTTEncoder:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._shadow: dict[str, dict[str, object]] = {}

    def encode(self, home: HomeSpec, dev: DeviceSpec, event: Event) -> list[Message]:
        fl = flavour(home.index)
        if event.kind in (ONLINE, OFFLINE):
            word = "online" if event.kind == ONLINE else "offline"
            body = orjson.dumps({"state": word}) if fl.version == 2 else word.encode()
            return [Message(event.t, f"{BASE}/{dev.external_id}/availability", body, True, dev, home.index)]
        shadow = self._shadow.get(dev.external_id)
        if shadow is None:
            shadow = self._shadow[dev.external_id] = self._initial(home, dev, event.t, fl)
        extra: dict[str, object] = {}
        lagging: dict[str, object] = {}
        for metric, value in event.values:
            _apply(shadow, dev.kind, metric, value, extra, lagging, event.actor)
        out = [self._message(home.index, dev, event.t, shadow, extra, fl)]
        if lagging:
            shadow.update(lagging)
            out.append(self._message(home.index, dev, event.t + STATE_LAG_MS, shadow, {}, fl))
        if "action" in extra and fl.version == 1 and dev.kind == "emergency_button":
            out.append(self._message(home.index, dev, event.t, shadow, {"action": ""}, fl))
        if shadow.get("fall_status") not in (None, "normal"):
            shadow["fall_status"] = "normal"
        return out

    def _initial(self, home: HomeSpec, dev: DeviceSpec, t: int, fl: Flavour) -> dict[str, object]:
        keys = template_keys(dev.kind)
        if fl.fresh:
            return dict.fromkeys(keys)
        shadow: dict[str, object] = {k: DEFAULTS.get(k) for k in keys}
        for metric, value in report_values(home, self.seed, dev, t):
            _apply(shadow, dev.kind, metric, value, {}, {}, "")
        return shadow

    def _message(
        self, home: int, dev: DeviceSpec, t: int, shadow: dict[str, object], extra: dict[str, object], fl: Flavour
    ) -> Message:
        doc = {**shadow, **extra}
        if fl.strings:
            doc = {k: _as_string(k, v) for k, v in doc.items()}
        doc["last_seen"] = t if fl.epoch_last_seen else iso(t).replace("+00:00", "Z")
        body = orjson.dumps(dict(sorted(doc.items())))
        return Message(t, f"{BASE}/{dev.external_id}", body, False, dev, home)


def _apply(
    shadow: dict[str, object], kind: str, metric: str, value: float, extra: dict[str, object],
    lagging: dict[str, object], actor: str,
) -> None:  # fmt: skip
    """Fold one reading into the device's attributes (`extra` for transient ones, `lagging` for a lock state
    that the lock reports just after its action)."""
    if metric == "motion":
        _set(shadow, "presence" if kind == "fall_detector" else "occupancy", value != 0.0)
    elif metric == "door_open":
        _set(shadow, "contact", value == 0.0)
    elif metric in ("water_leak", "smoke", "battery_low", "tamper"):
        _set(shadow, metric, value != 0.0)
    elif metric == "battery":
        _set(shadow, "battery", int(value))
        _set(shadow, "voltage", 2700 + 3 * int(value))
    elif metric == "link_quality":
        _set(shadow, "linkquality", int(value))
    elif metric in ("temperature", "humidity"):
        _set(shadow, metric, value)
    elif metric == "button_press":
        extra["action"] = "hold" if value == BUTTON_HOLD else "single"
    elif metric == "fall":
        _set(shadow, "fall_status", "fall_alarm" if value == FALL_ALARM else "fall_warning")
    elif metric == "lock_action":
        _lock_action(value, actor, extra)
    elif metric == "lock_state":
        words = {"lock_state": "locked", "state": "LOCK"} if value == LOCK_LOCKED else {}
        words = words or {"lock_state": "unlocked", "state": "UNLOCK"}
        (lagging if "action" in extra and extra["action"] != "auto_lock" else shadow).update(words)


def _lock_action(value: float, actor: str, extra: dict[str, object]) -> None:
    if value == ACTION_UNLOCK:
        action, source, user = LOCK_WORDS.get(actor, ("manual_unlock", "manual", None))
    else:
        action, source, user = "auto_lock", "rf", None
    extra.update({"action": action, "action_source_name": source, "action_user": user})


def _set(shadow: dict[str, object], key: str, value: object) -> None:
    if key in shadow:
        shadow[key] = value


def _as_string(key: str, value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return str(value) if key == "linkquality" else f"{value:.2f}"
