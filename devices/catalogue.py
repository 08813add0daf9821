"""The device catalogue: which kinds of device exist and the normalised metrics each produces.

One definition used by ingest (validation), alerts, the simulator and the API. A reading is always
(time, device, metric, value) with a float value; booleans are 0/1 and events carry a code.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from devices.errors import BadMessage


class MetricType(StrEnum):
    NUMBER = "number"  # a measured quantity (temperature, battery %)
    STATE = "state"  # a boolean state held until it changes (door open, in bed), 1 or 0
    EVENT = "event"  # something that happened at one instant (button press, fall), value is a code


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    type: MetricType
    unit: str
    min: float
    max: float
    description: str


def _number(name: str, unit: str, lo: float, hi: float, text: str) -> Metric:
    return Metric(name, MetricType.NUMBER, unit, lo, hi, text)


def _state(name: str, text: str) -> Metric:
    return Metric(name, MetricType.STATE, "", 0, 1, text)


def _event(name: str, hi: float, text: str) -> Metric:
    return Metric(name, MetricType.EVENT, "", 0, hi, text)


# Codes carried by event and enumerated metrics.
BUTTON_SINGLE, BUTTON_DOUBLE, BUTTON_HOLD = 1, 2, 3
LOCK_LOCKED, LOCK_UNLOCKED, LOCK_NOT_FULLY_LOCKED, LOCK_JAMMED, LOCK_UNKNOWN = 1, 2, 3, 4, 0
ACTION_UNLOCK, ACTION_LOCK, ACTION_UNLATCH, ACTION_FAILED = 1, 2, 3, 9
FALL_WARNING, FALL_ALARM = 1, 2

METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        _state("motion", "Movement seen in the room"),
        _state("door_open", "Door or window open"),
        _state("in_bed", "Someone in bed"),
        _state("in_chair", "Someone in the chair"),
        _event("fall", 2, "Fall detected: 1 warning, 2 alarm"),
        _event("button_press", 3, "Safety alarm button: 1 single, 2 double, 3 hold"),
        _state("smoke", "Smoke detected"),
        _event("smoke_test", 1, "Smoke detector self-test (not a fire)"),
        _state("water_leak", "Water on the floor"),
        _number("temperature", "°C", -40, 85, "Air temperature"),
        _number("humidity", "%", 0, 100, "Relative humidity"),
        _number("power", "W", 0, 4000, "Power drawn by the plugged appliance"),
        _number("lock_state", "", 0, 4, "Lock: 1 locked, 2 unlocked, 3 not fully locked, 4 jammed, 0 unknown"),
        _event("lock_action", 9, "Lock operated: 1 unlock, 2 lock, 3 unlatch, 9 failed attempt"),
        _event("medication_taken", 1, "Dose taken from the dispenser"),
        _event("medication_missed", 1, "Dose not taken in its window"),
        _number("battery", "%", 0, 100, "Battery charge"),
        _state("battery_low", "Device reports its battery low"),
        _number("link_quality", "", 0, 255, "Radio link quality"),
        _state("availability", "Device online (1) or offline (0)"),
        _state("tamper", "Device casing opened or moved"),
    )
}

COMMON_METRICS = frozenset({"battery", "battery_low", "link_quality", "availability", "tamper"})


EVENT_METRICS = frozenset(m.name for m in METRICS.values() if m.type is MetricType.EVENT)


@dataclass(frozen=True, slots=True)
class DeviceKind:
    name: str
    metrics: frozenset[str]
    # Silent longer than this: offline. Set above the longest normal silence (a battery sensor that only reports
    # changes checks in every few hours), so it does not flap. 0: silence is normal; only the device's own
    # offline notice counts (a gateway that publishes on change).
    supervision_seconds: int
    description: str
    # A gateway's generic metric under the name this kind uses (a pressure mat's occupancy is someone in bed).
    aliases: Mapping[str, str] = field(default_factory=dict)


def _kind(
    name: str, metrics: set[str], supervision_seconds: int, text: str, aliases: Mapping[str, str] | None = None
) -> DeviceKind:
    return DeviceKind(name, frozenset(metrics) | COMMON_METRICS, supervision_seconds, text, aliases or {})


HOUR = 3600
KINDS: dict[str, DeviceKind] = {
    k.name: k
    for k in (
        _kind("motion", {"motion", "temperature"}, 2 * HOUR, "Passive infrared motion sensor in a room"),
        _kind("contact", {"door_open"}, 2 * HOUR, "Door or window contact"),
        _kind("bed_occupancy", {"in_bed"}, 2 * HOUR, "Pressure mat under the mattress", {"motion": "in_bed"}),
        _kind("chair_occupancy", {"in_chair"}, 2 * HOUR, "Pressure mat in a chair", {"motion": "in_chair"}),
        _kind("fall_detector", {"fall", "motion"}, 30 * 60, "Radar or wearable fall detector"),
        _kind("emergency_button", {"button_press"}, 25 * HOUR, "Safety alarm button, worn or on the wall"),
        _kind("smoke", {"smoke", "smoke_test", "temperature"}, 25 * HOUR, "Smoke detector"),
        _kind("water_leak", {"water_leak"}, 25 * HOUR, "Water leak sensor on the floor"),
        _kind("climate", {"temperature", "humidity"}, 2 * HOUR, "Temperature and humidity sensor"),
        _kind("power_plug", {"power"}, 30 * 60, "Smart plug measuring an appliance (kettle, stove)"),
        _kind("smart_lock", {"lock_state", "lock_action", "door_open"}, 2 * HOUR, "Door lock for digital keys"),
        _kind("medication_dispenser", {"medication_taken", "medication_missed"}, 25 * HOUR, "Pill dispenser"),
        _kind("gateway", set(), 0, "Zigbee2MQTT bridge or another gateway: online or offline"),
    )
}


def check_value(metric_name: str, raw: object) -> float:
    """The reading's value as a float, or BadMessage saying what is wrong with it."""
    metric = METRICS.get(metric_name)
    if metric is None:
        raise BadMessage("unknown_metric", f"metric {metric_name!r} is not in the catalogue")
    if raw is True or raw is False:
        if metric.type is MetricType.NUMBER:
            raise BadMessage("wrong_type", f"{metric_name} needs a number, got a boolean")
        return 1.0 if raw else 0.0
    if not isinstance(raw, int | float):
        raise BadMessage("wrong_type", f"{metric_name} needs a number, got {type(raw).__name__}")
    value = float(raw)
    if not math.isfinite(value):
        raise BadMessage("non_finite", f"{metric_name} is {value}")
    if not metric.min <= value <= metric.max:
        raise BadMessage("out_of_range", f"{metric_name}={value} outside [{metric.min:g}, {metric.max:g}]")
    return value


def check_kind(kind_name: str, metric_name: str) -> None:
    kind = KINDS.get(kind_name)
    if kind is not None and metric_name not in kind.metrics:
        raise BadMessage("metric_not_for_kind", f"a {kind_name} device does not report {metric_name}")
