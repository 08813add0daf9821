"""The hot path: each MQTT message becomes rows or a dead letter in the open batch, with no task per message."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from devices.adapters import Announcement, Parsed
from devices.deadletters.schemas import DeadLetter
from devices.errors import BadMessage
from devices.health.seen import SeenThrottle
from devices.normalise import Normaliser, fit_kind
from devices.pending.schemas import Sighting
from devices.readings.lock_repo import LockRow
from devices.readings.repo import Row
from devices.registry.cache import CachedDevice, DeviceCache

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Unresolved:
    """A message whose device was not in the cache: the writer asks the database before dead-lettering it."""

    topic: str
    payload: bytes
    received_at: datetime
    parsed: Parsed
    retained: bool = False


@dataclass(slots=True)
class Batch:
    generation: int  # which MQTT connection the packet ids belong to
    opened: float = field(default_factory=time.monotonic)
    packet_ids: list[int] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    dead: list[DeadLetter] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)
    lock_events: list[LockRow] = field(default_factory=list)
    sightings: list[Sighting] = field(default_factory=list)  # pending devices: announced or unknown
    seen: dict[int, datetime] = field(default_factory=dict)  # device id -> latest sign of life in this batch
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
        self.seen_throttle = SeenThrottle()

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
            if parsed.announced:
                batch.sightings.extend(Sighting(a, received_at, 0) for a in parsed.announced)
                if not parsed.readings:
                    return
            device = self.cache.get(parsed.adapter, parsed.external_id)
            if device is None and parsed.alt_id is not None:
                device = self.cache.get(parsed.adapter, parsed.alt_id)
            if device is None:
                batch.unresolved.append(Unresolved(topic, payload, received_at, parsed, retain))
                return
            refused = self.accept(batch, device, parsed, received_at, retain)
            if refused:
                raise BadMessage("metric_not_for_kind", refused)
        except BadMessage as err:
            if parsed is not None and err.external_id is None:
                err.adapter, err.external_id = parsed.adapter, parsed.external_id
            self.dead_letter(batch, topic, payload, received_at, err)

    def accept(self, batch: Batch, device: CachedDevice, parsed: Parsed, received_at: datetime, retain: bool) -> str:
        """File a message of a known device; returns what is worth a dead letter about it ("" if nothing). A
        retained message is replayed on subscribe: not a sign of life."""
        if parsed.alive and not retain:
            batch.seen[device.id] = received_at
        if not parsed.readings:
            return ""
        readings, refused = fit_kind(device.kind, parsed, retain)
        device_id = device.id
        batch.rows.extend([(ts, device_id, metric, value) for ts, metric, value in readings])
        if parsed.lock_events and not retain and any(r.metric == "lock_action" for r in readings):
            batch.lock_events.extend((e.ts, device_id, e.action, e.name, e.source, e.user) for e in parsed.lock_events)
        return refused

    def dead_letter(self, batch: Batch, topic: str, payload: bytes, received_at: datetime, err: BadMessage) -> None:
        batch.dead.append(DeadLetter(received_at, topic, payload, err.reason, err.detail, err.adapter, err.external_id))
        self.dead_by_reason[err.reason] = self.dead_by_reason.get(err.reason, 0) + 1
        if err.reason not in self.reasons_seen:
            self.reasons_seen.add(err.reason)
            # Topic and reason only: payloads may hold health data and stay in the database.
            log.warning("dead letter (%s) on %s; further ones with this reason are counted", err.reason, topic)

    def resolve(self, batch: Batch) -> None:
        """After the writer refreshed the cache: file each unresolved message as rows or a dead letter. A message
        from a device still unknown is kept as a dead letter and its device becomes pending (never trusted)."""
        for item in batch.unresolved:
            p = item.parsed
            device = self.cache.get(p.adapter, p.external_id)
            if device is None and p.alt_id is not None:
                device = self.cache.get(p.adapter, p.alt_id)
            try:
                if device is None:
                    identity = p.alt_id or p.external_id
                    alias = p.external_id if p.alt_id else None
                    batch.sightings.append(Sighting(Announcement(p.adapter, identity, alias), item.received_at, 1))
                    raise BadMessage(
                        "unknown_device", f"no active {p.adapter} device {identity!r} is registered; it is pending",
                        adapter=p.adapter, external_id=identity,
                    )  # fmt: skip
                refused = self.accept(batch, device, p, item.received_at, item.retained)
                if refused:
                    raise BadMessage("metric_not_for_kind", refused)
            except BadMessage as err:
                err.adapter, err.external_id = p.adapter, err.external_id or p.external_id
                self.dead_letter(batch, item.topic, item.payload, item.received_at, err)
        batch.unresolved.clear()
