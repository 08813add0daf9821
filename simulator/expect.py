"""What the hub will store of each message: the hub's own adapters, fed the same messages in the same order.

Gateway adapters report changes (Zigbee2MQTT repeats every attribute; Nuki republishes retained states), so how
many rows a message yields depends on what the same device sent before. Rather than restate those rules, the
simulator asks the adapters themselves, one fresh set per run, exactly as a single ingest worker holds them.
A message the adapters refuse is a defect in the simulator's formats and stops the run.
"""

from __future__ import annotations

from datetime import UTC, datetime

from devices.adapters import Adapter, Reading, all_adapters
from devices.errors import BadMessage
from devices.normalise import fit_kind
from simulator.errors import SimulatorError
from simulator.formats import Message


class Expectations:
    def __init__(self) -> None:
        self._adapters: dict[str, Adapter] = {a.name: a for a in all_adapters()}

    def readings(self, msg: Message) -> list[Reading]:
        """The rows the hub stores for `msg` ([] when it carries nothing new). Where the format has no time of
        its own (Nuki, availability) the hub stamps the arrival time; here that is the message's due time."""
        adapter = self._adapters.get(msg.device.adapter)
        if adapter is None or not adapter.owns(msg.topic):
            raise SimulatorError(f"no hub adapter {msg.device.adapter!r} owns topic {msg.topic!r}")
        try:
            parsed = adapter.parse(msg.topic, msg.payload, datetime.fromtimestamp(msg.t / 1000, UTC))
            if parsed is None:
                return []
            kept, dead_letter = fit_kind(msg.device.kind, parsed, retained=False)
        except BadMessage as err:
            raise SimulatorError(f"the hub would refuse {msg.topic} {msg.payload[:120]!r}: {err}") from err
        if dead_letter:
            raise SimulatorError(f"the hub would keep {msg.topic} as a dead letter: {dead_letter}")
        return kept
