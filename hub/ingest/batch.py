"""The hot path: each MQTT message becomes rows or a dead letter in the open batch, with no task per message."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from devices.adapters import Parsed
from devices.catalogue import check_kind
from devices.deadletters.schemas import DeadLetter
from devices.errors import BadMessage
from devices.normalise import Normaliser
from devices.readings.repo import Row
from devices.registry.cache import DeviceCache

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Unresolved:
    """A message whose device was not in the cache: the writer asks the database before dead-lettering it."""

    topic: str
    payload: bytes
    received_at: datetime
    parsed: Parsed


@dataclass(slots=True)
class Batch:
    generation: int  # which MQTT connection the packet ids belong to
    opened: float = field(default_factory=time.monotonic)
    packet_ids: list[int] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    dead: list[DeadLetter] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)
    messages: int = 0
    redelivered: bool = False

    def __len__(self) -> int:
        return self.messages


class Batcher:
    """Turns messages into the open batch. `on_message` is the MQTT client's callback."""

    def __init__(self, normaliser: Normaliser, cache: DeviceCache) -> None:
        self.normaliser = normaliser
        self.cache = cache
        self.batch = Batch(generation=0)
        self.reasons_seen: set[str] = set()
        self.dead_by_reason: dict[str, int] = {}

    def take(self, generation: int) -> Batch:
        full, self.batch = self.batch, Batch(generation=generation)
        return full

    def on_message(self, topic: str, payload: bytes, packet_id: int, dup: bool, retain: bool) -> None:
        batch = self.batch
        batch.messages += 1
        if packet_id:
            batch.packet_ids.append(packet_id)
        if dup:
            batch.redelivered = True
        received_at = datetime.now(UTC)
        parsed = None
        try:
            parsed = self.normaliser.parse(topic, payload, received_at)
            if parsed is None:
                return
            device = self.cache.get(parsed.adapter, parsed.external_id)
            if device is None:
                batch.unresolved.append(Unresolved(topic, payload, received_at, parsed))
                return
            rows = batch.rows
            for reading in parsed.readings:
                check_kind(device.kind, reading.metric)
            for ts, metric, value in parsed.readings:
                rows.append((ts, device.id, metric, value))
        except BadMessage as err:
            if parsed is not None and err.external_id is None:
                err.adapter, err.external_id = parsed.adapter, parsed.external_id
            self.dead_letter(batch, topic, payload, received_at, err)

    def dead_letter(self, batch: Batch, topic: str, payload: bytes, received_at: datetime, err: BadMessage) -> None:
        batch.dead.append(DeadLetter(received_at, topic, payload, err.reason, err.detail, err.adapter, err.external_id))
        self.dead_by_reason[err.reason] = self.dead_by_reason.get(err.reason, 0) + 1
        if err.reason not in self.reasons_seen:
            self.reasons_seen.add(err.reason)
            # Topic and reason only: payloads may hold health data and stay in the database.
            log.warning("dead letter (%s) on %s; further ones with this reason are counted", err.reason, topic)

    def resolve(self, batch: Batch) -> None:
        """After the writer refreshed the cache: file each unresolved message as rows or a dead letter."""
        for item in batch.unresolved:
            p = item.parsed
            device = self.cache.get(p.adapter, p.external_id)
            try:
                if device is None:
                    raise BadMessage(
                        "unknown_device", f"no active {p.adapter} device {p.external_id!r} is registered",
                        adapter=p.adapter, external_id=p.external_id,
                    )  # fmt: skip
                for r in p.readings:
                    check_kind(device.kind, r.metric)
            except BadMessage as err:
                err.adapter, err.external_id = p.adapter, p.external_id
                self.dead_letter(batch, item.topic, item.payload, item.received_at, err)
                continue
            batch.rows.extend((r.ts, device.id, r.metric, r.value) for r in p.readings)
        batch.unresolved.clear()
