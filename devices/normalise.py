"""From (topic, payload) to a device's readings: pick the adapter, bound the size, check the time window."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from devices.adapters import Adapter, Parsed, Reading
from devices.catalogue import EVENT_METRICS, KINDS, METRICS, MetricType
from devices.errors import BadMessage

NUMBER = MetricType.NUMBER


class Normaliser:
    def __init__(
        self,
        adapters: Sequence[Adapter],
        *,
        max_payload_bytes: int,
        max_future: timedelta,
        max_age: timedelta,
    ) -> None:
        self.adapters = list(adapters)
        self.max_payload_bytes = max_payload_bytes
        self.max_future = max_future
        self.max_age = max_age

    def topic_filters(self) -> list[str]:
        return [f for a in self.adapters for f in a.topic_filters()]

    def adapter_for(self, topic: str) -> Adapter:
        for adapter in self.adapters:
            if adapter.owns(topic):
                return adapter
        raise BadMessage("unknown_format", f"no adapter for topic {topic[:100]!r}")

    def parse(self, topic: str, payload: bytes, received_at: datetime) -> Parsed | None:
        """The message's readings (None if it carries nothing to store); BadMessage if it cannot be stored."""
        adapter = self.adapter_for(topic)
        if len(payload) > self.max_payload_bytes:
            limit = adapter.payload_limit(topic, self.max_payload_bytes)
            if len(payload) > limit:
                raise BadMessage("oversize", f"{len(payload)} bytes, limit {limit}", adapter=adapter.name,
                                 external_id=adapter.identify(topic))  # fmt: skip
        parsed = adapter.parse(topic, payload, received_at)
        if parsed is not None:
            self._check_times(parsed, received_at)
        return parsed

    def _check_times(self, parsed: Parsed, received_at: datetime) -> None:
        checked = received_at  # the receive time needs no check, and a message's readings mostly share one time
        for reading in parsed.readings:
            ts = reading.ts
            if ts is checked:
                continue
            checked = ts
            if ts > received_at + self.max_future:
                raise BadMessage(
                    "future_timestamp", f"{ts.isoformat()} is more than {self.max_future} ahead",
                    adapter=parsed.adapter, external_id=parsed.external_id,
                )  # fmt: skip
            if ts < received_at - self.max_age:
                raise BadMessage(
                    "too_old", f"{ts.isoformat()} is older than the retention of {self.max_age.days} days",
                    adapter=parsed.adapter, external_id=parsed.external_id,
                )  # fmt: skip


def fit_kind(kind_name: str, parsed: Parsed, retained: bool) -> tuple[list[Reading], str]:
    """The readings of `parsed` a device of this kind keeps, and what is worth a dead letter about the rest ("" if
    nothing). Native messages must fit the kind whole (BadMessage otherwise). Gateway messages (`lenient`) carry
    whatever the hardware knows: numbers the kind does not use (an Aqara contact's temperature) are dropped; a
    state or event it does not use (smoke from a device registered as climate) is stored nowhere, so the message
    is also kept as a dead letter, which points the technician at a device registered as the wrong kind. Only a
    message of which nothing fits is refused. A retained message is old news replayed on subscribe: its events
    did not just happen. Aliases map a gateway's metric to the kind's (a mat's occupancy is `in_bed`)."""
    readings = parsed.readings
    if retained:
        readings = [r for r in readings if r.metric not in EVENT_METRICS]
    kind = KINDS.get(kind_name)
    if kind is None or not readings:
        return readings, ""
    metrics = kind.metrics
    if all(r.metric in metrics for r in readings):
        return readings, ""
    if not parsed.lenient:
        bad = next(r.metric for r in readings if r.metric not in metrics)
        raise BadMessage("metric_not_for_kind", f"a {kind_name} device does not report {bad}")
    aliases = kind.aliases
    named = [r._replace(metric=aliases.get(r.metric, r.metric)) for r in readings]
    kept = [r for r in named if r.metric in metrics]
    if not kept:
        names = ", ".join(sorted({r.metric for r in readings}))
        raise BadMessage("metric_not_for_kind", f"a {kind_name} device reports none of {names}")
    dropped = sorted({r.metric for r in named if r.metric not in metrics and METRICS[r.metric].type is not NUMBER})
    detail = f"a {kind_name} device does not report {', '.join(dropped)}; the rest was stored" if dropped else ""
    return kept, detail
