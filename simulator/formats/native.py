"""CareHub's own format: `carehub/v1/devices/<id>/events` with the reading time in the payload, and the retained
`.../status` (`online`/`offline`, also the device's last will)."""

from __future__ import annotations

import orjson

from simulator.events import OFFLINE, ONLINE, Event
from simulator.formats.message import Message, state_word
from simulator.layout import DeviceSpec, HomeSpec
from simulator.timebase import iso

PREFIX = "carehub/v1/devices/"


class NativeEncoder:
    def encode(self, home: HomeSpec, dev: DeviceSpec, event: Event) -> list[Message]:
        if event.kind in (ONLINE, OFFLINE):
            body = b"online" if event.kind == ONLINE else b"offline"
            return [Message(event.t, f"{PREFIX}{dev.external_id}/status", body, True, dev, home.index)]
        if not event.values:
            return []
        ts = iso(event.t)
        if len(event.values) == 1:
            metric, value = event.values[0]
            doc: dict[str, object] = {"ts": ts, "metric": metric, "value": state_word(metric, value)}
        else:
            doc = {"ts": ts, "values": {m: state_word(m, v) for m, v in event.values}}
        return [Message(event.t, f"{PREFIX}{dev.external_id}/events", orjson.dumps(doc), False, dev, home.index)]
