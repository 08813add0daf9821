"""Periodic reports: what devices send when nothing happens.

Battery Zigbee devices (Aqara and the like) check in about every 50 minutes with everything they know; a climate
sensor reports every 10 minutes; a smart lock reports its battery every few hours. Values are smooth functions of
time plus noise fixed by the report's coordinates, so any window yields the same reports. Batteries drain from
100 % to 30 % over about 400 days and are then replaced, so a low battery only ever comes from an injection.
"""

from __future__ import annotations

import math

from simulator.events import REPORT, Event
from simulator.layout import DeviceSpec, HomeSpec
from simulator.timebase import DAY, HOUR, MINUTE, SECOND, text_key, unit

PERIOD = {"climate": 10 * MINUTE, "smart_lock": 6 * HOUR}
DEFAULT_PERIOD = 50 * MINUTE
MAINS_POWERED = frozenset({"bed_occupancy", "fall_detector"})
WITH_TEMPERATURE = frozenset({"motion", "smoke", "climate"})
BATTERY_LIFE_DAYS = 400
LOW_BATTERY = 7


def reports(home: HomeSpec, seed: int, t0: int, t1: int, low_from: dict[str, int] | None = None) -> list[Event]:
    """Every periodic report of the home's devices in [t0, t1). `low_from` maps a device key to the time its
    battery was made to run low."""
    out = []
    low_from = low_from or {}
    for dev in home.devices:
        salt = text_key(dev.key)
        period = PERIOD.get(dev.kind, DEFAULT_PERIOD)
        phase = int(unit(seed, home.index, salt) * period)
        k = (t0 - phase) // period - 1
        while True:
            t = phase + k * period + int(unit(seed, home.index, salt, k) * 5 * SECOND)
            if t >= t1:
                break
            if t >= t0:
                low = dev.key in low_from and t >= low_from[dev.key]
                out.append(Event(t, dev.key, values(home, seed, dev, t, low), REPORT))
            k += 1
    return out


def values(home: HomeSpec, seed: int, dev: DeviceSpec, t: int, low: bool = False) -> tuple[tuple[str, float], ...]:
    salt = text_key(dev.key)
    out: list[tuple[str, float]] = []
    if dev.kind not in MAINS_POWERED:
        out.append(("battery", float(LOW_BATTERY) if low else battery(seed, home.index, salt, t)))
        if low:
            out.append(("battery_low", 1.0))
    out.append(("link_quality", float(int(40 + 160 * unit(seed, home.index, salt, 7) + 20 * unit(t, salt)))))
    if dev.kind in WITH_TEMPERATURE:
        out.append(("temperature", temperature(seed, home.index, salt, t)))
    if dev.kind == "climate":
        out.append(("humidity", float(round(35 + 10 * unit(seed, home.index) + 4 * unit(t, salt, 1)))))
    return tuple(out)


def battery(seed: int, home: int, salt: int, t: int) -> float:
    days = t / DAY + unit(seed, home, salt, 3) * BATTERY_LIFE_DAYS
    used = (days % BATTERY_LIFE_DAYS) / BATTERY_LIFE_DAYS
    return float(round(100 - 70 * used))


def temperature(seed: int, home: int, salt: int, t: int) -> float:
    base = 19.5 + 3 * unit(seed, home) + unit(seed, home, salt, 5) - 0.5
    daily = 0.8 * math.sin(2 * math.pi * ((t % DAY) / DAY - 0.45))
    return round(base + daily + 0.3 * (unit(t, salt, 2) - 0.5), 1)
