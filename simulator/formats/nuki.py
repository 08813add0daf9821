"""Nuki Smart Lock's built-in MQTT: plain-string payloads on `nuki/<id>/<name>`, state topics retained.

An unlock goes through the motor's transition (`state` 2 unlocking, then 3 unlocked) and reports who did it in
`lockActionEvent`: the resident with their app or fob (Trigger 0 and their AuthID), home-care staff with a
digital key sent by the hub over MQTT (Trigger 172), the lock itself when it locks behind a closed door (auto
lock, Trigger 6). The door sensor, the battery and the lock's MQTT session (`connected`, last will `false`) have
topics of their own.
"""

from __future__ import annotations

from devices.catalogue import ACTION_UNLOCK
from simulator.events import OFFLINE, ONLINE, Event
from simulator.formats.message import Message
from simulator.layout import DeviceSpec, HomeSpec

PREFIX = "nuki/"
MOTOR_MS = 1200
TRIGGERS = {"resident": 0, "staff": 172, "auto": 6}
RESIDENT_AUTH_ID = 5234817


class NukiEncoder:
    def encode(self, home: HomeSpec, dev: DeviceSpec, event: Event) -> list[Message]:
        base = f"{PREFIX}{dev.external_id}/"

        def msg(t: int, name: str, body: str, retain: bool = True) -> Message:
            return Message(t, base + name, body.encode(), retain, dev, home.index)

        t = event.t
        if event.kind in (ONLINE, OFFLINE):
            return [msg(t, "connected", "true" if event.kind == ONLINE else "false")]
        values = dict(event.values)
        out: list[Message] = []
        action = values.get("lock_action")
        if action is not None:
            unlock = action == ACTION_UNLOCK
            trigger = TRIGGERS.get(event.actor, 0)
            auth = RESIDENT_AUTH_ID if event.actor == "resident" else 0
            out += [
                msg(t, "state", "2" if unlock else "4"),
                msg(t + MOTOR_MS, "state", "3" if unlock else "1"),
                msg(t + MOTOR_MS, "lockActionEvent", f"{1 if unlock else 2},{trigger},{auth},0,0", retain=False),
            ]
        if "door_open" in values:
            out.append(msg(t, "doorsensorState", "3" if values["door_open"] else "2"))
        if "battery" in values:
            out.append(msg(t, "batteryChargeState", str(int(values["battery"]))))
            out.append(msg(t, "batteryCritical", "true" if values.get("battery_low") else "false"))
        return out
