"""What the attributes of a Zigbee2MQTT state message mean in the catalogue's terms (tables and pure functions)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from devices.adapters.base import LockEvent, Reading
from devices.adapters.convert import flag, number
from devices.catalogue import (
    ACTION_FAILED,
    ACTION_LOCK,
    ACTION_UNLOCK,
    BUTTON_DOUBLE,
    BUTTON_HOLD,
    BUTTON_SINGLE,
    FALL_ALARM,
    FALL_WARNING,
    LOCK_LOCKED,
    LOCK_NOT_FULLY_LOCKED,
    LOCK_UNLOCKED,
    METRICS,
)

NUMBERS = {
    "battery": "battery",
    "temperature": "temperature",
    "humidity": "humidity",
    "linkquality": "link_quality",
    "power": "power",
}
# attribute -> (metric, inverted). `contact` true means the door is CLOSED.
FLAGS = {
    "occupancy": ("motion", False),
    "presence": ("motion", False),
    "contact": ("door_open", True),
    "water_leak": ("water_leak", False),
    "tamper": ("tamper", False),
    "battery_low": ("battery_low", False),
    "smoke": ("smoke", False),
}
# Levels repeated in every message whose rise is an event: the smoke detector's self-test button, an IAS
# emergency pendant, a fall radar's status.
EDGE_METRICS = {"test": "smoke_test", "sos": "button_press", "fall": "fall"}
FALL = {"normal": 0.0, "fall_warning": FALL_WARNING, "fall_alarm": FALL_ALARM, "falling": FALL_ALARM}
BUTTON = {
    "single": BUTTON_SINGLE,
    "double": BUTTON_DOUBLE,
    "hold": BUTTON_HOLD,
    "long": BUTTON_HOLD,
    "sos": BUTTON_SINGLE,
    "emergency": BUTTON_SINGLE,
}
LOCK_ACTIONS = {
    "lock": ACTION_LOCK,
    "one_touch_lock": ACTION_LOCK,
    "key_lock": ACTION_LOCK,
    "auto_lock": ACTION_LOCK,
    "schedule_lock": ACTION_LOCK,
    "manual_lock": ACTION_LOCK,
    "unlock": ACTION_UNLOCK,
    "key_unlock": ACTION_UNLOCK,
    "schedule_unlock": ACTION_UNLOCK,
    "manual_unlock": ACTION_UNLOCK,
}
LOCK_STATES = {"locked": LOCK_LOCKED, "unlocked": LOCK_UNLOCKED, "not_fully_locked": LOCK_NOT_FULLY_LOCKED}
STATE_WORDS = {"LOCK": LOCK_LOCKED, "UNLOCK": LOCK_UNLOCKED}  # `state` of a lock; ON/OFF of a plug is not ours

_BOUNDS = {key: (metric, METRICS[metric].min, METRICS[metric].max) for key, metric in NUMBERS.items()}
_NUMBER, _FLAG, _EDGE, _WORD = "number", "flag", "edge", "word"
_WHAT = {
    **dict.fromkeys(NUMBERS, _NUMBER),
    **dict.fromkeys(FLAGS, _FLAG),
    **dict.fromkeys(("test", "sos"), _EDGE),
    **dict.fromkeys(("lock_state", "state", "fall_status", "status"), _WORD),
}


_SPECIAL = "special"
# The one-pass fast path takes numbers and plain flags; the rest needs the message as a whole (smoke and its
# self-test, a lock's state and action, fall status, sos) and goes through `levels`.
_FAST = {key: _SPECIAL if what not in (_NUMBER, _FLAG) or key == "smoke" else what for key, what in _WHAT.items()}
_FAST["action"] = _SPECIAL


def common(
    doc: dict[str, Any], known: dict[str, float], raw_known: dict[str, Any], ts: datetime
) -> tuple[list[Reading], list[tuple[str, str, Any, float]], dict[str, Any] | None]:
    """One pass over a state message: readings of the numbers and plain flags that changed; what to remember
    once the whole message is accepted, as (attribute, metric, raw, value); and the attributes that need
    `levels` (None if none). An attribute repeated exactly as last time (most of them, in Zigbee2MQTT) costs two
    dictionary lookups; one that means nothing to the catalogue (voltage, last_seen) costs one."""
    readings: list[Reading] = []
    updates: list[tuple[str, str, Any, float]] = []
    special: dict[str, Any] | None = None
    for key, raw in doc.items():
        what = _FAST.get(key)
        if what is None or raw is None:
            continue
        if what is _SPECIAL:
            if special is None:
                special = {}
            special[key] = raw
            continue
        if raw_known.get(key, _MISSING) == raw:
            continue
        if what is _NUMBER:
            # A plain number in range (NaN fails the comparison) needs no more checking; `number` for the rest.
            metric, lo, hi = _BOUNDS[key]
            kind = type(raw)
            value = raw if (kind is float or kind is int) and lo <= raw <= hi else number(metric, raw)
        else:
            metric, inverted = FLAGS[key]
            value = 1.0 if raw is True else 0.0 if raw is False else flag(metric, raw)
            if inverted:
                value = 1.0 - value
        updates.append((key, metric, raw, value))
        if known.get(metric) != value:
            readings.append(Reading(ts, metric, float(value)))
    return readings, updates, special


_MISSING = object()


def levels(doc: dict[str, Any]) -> tuple[dict[str, float], dict[str, float]]:
    """(states and numbers by metric, edge levels by source) in a state message; nulls are unknown, skipped."""
    found: dict[str, float] = {}
    edges: dict[str, float] = {}
    for key, raw in doc.items():
        what = _WHAT.get(key)
        if what is None or raw is None:
            continue
        if what is _NUMBER:
            # Fast path for a plain number in range (NaN fails the comparison); `number` for the rest.
            metric, lo, hi = _BOUNDS[key]
            kind = type(raw)
            found[metric] = raw if (kind is float or kind is int) and lo <= raw <= hi else number(metric, raw)
        elif what is _FLAG:
            metric, inverted = FLAGS[key]
            value = 1.0 if raw is True else 0.0 if raw is False else flag(metric, raw)
            found[metric] = 1.0 - value if inverted else value
        elif what is _EDGE:
            edges[key] = flag(EDGE_METRICS[key], raw)
        elif isinstance(raw, str):
            _words(key, raw, found, edges)
    if edges.get("test"):
        found.pop("smoke", None)  # a self-test is not a fire
    return found, edges


def _words(key: str, raw: str, found: dict[str, float], edges: dict[str, float]) -> None:
    if key == "lock_state":
        code = LOCK_STATES.get(raw)
        if code is not None:
            found["lock_state"] = code
    elif key == "state":
        code = STATE_WORDS.get(raw)
        if code is not None and "lock_state" not in found:
            found["lock_state"] = code
    elif key == "fall_status":
        edges["fall"] = FALL.get(raw, 0.0)
    elif key == "status" and raw in FALL:
        edges["fall"] = FALL[raw]


def action(raw: object, ts: datetime, doc: dict[str, Any] | None) -> tuple[list[Reading], tuple[LockEvent, ...]]:
    """The event in a transient `action`: a button press or a lock operation. `""` (older Z2M clearing the
    action after each one) and actions that are not care events (a remote's arrows) give nothing."""
    if not isinstance(raw, str) or not raw:
        return [], ()
    code = BUTTON.get(raw)
    if code is not None:
        return [Reading(ts, "button_press", code)], ()
    code = LOCK_ACTIONS.get(raw)
    if code is None and "_failure" in raw:
        code = ACTION_FAILED  # unlock_failure_invalid_pin_or_id, lock_failure_invalid_schedule, ...
    if code is None:
        return [], ()
    source = clean(doc.get("action_source_name")) if doc else None
    user = clean(doc.get("action_user")) if doc else None
    return [Reading(ts, "lock_action", code)], (LockEvent(ts, code, clean(raw) or "?", source, user),)


def drop_lagging_state(found: dict[str, float], action_code: float) -> None:
    """A lock's `state` can lag its `action`: a message saying "unlock" may still carry LOCK. A state that
    contradicts the action in the same message is stale; the next message brings the new one."""
    state = found.get("lock_state")
    if (action_code == ACTION_UNLOCK and state == LOCK_LOCKED) or (
        action_code == ACTION_LOCK and state == LOCK_UNLOCKED
    ):
        del found["lock_state"]


def definition(raw: object) -> tuple[str | None, str | None]:
    """(model, vendor) of a bridge/devices entry's definition; `null` for unsupported devices."""
    if not isinstance(raw, dict):
        return None, None
    return clean(raw.get("model")), clean(raw.get("vendor"))


def clean(raw: object, limit: int = 200) -> str | None:
    """A short text from a payload, safe to store (no NUL, bounded), or None."""
    if raw is None or isinstance(raw, dict | list):
        return None
    text = str(raw).replace("\x00", "").strip()[:limit]
    return text or None
