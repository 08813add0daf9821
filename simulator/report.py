"""The load test's report: figures for people, then the same figures as one line of JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass
class Report:
    source: str
    homes: int
    devices: int
    profiles: dict[str, int]
    seed: int
    namespace: str
    registration: str
    sim_start: str
    sim_minutes: float
    speed: float
    messages_sent: int = 0
    publish_seconds: float = 0.0
    max_lag_seconds: float = 0.0
    max_lag_at_minute: float = 0.0  # simulated minute of the run at which publishing was furthest behind
    messages_storable: int = 0  # carry at least one new reading for the hub
    messages_nothing_new: int = 0  # repeats, transitions, clears: by design nothing to store
    rows_expected: int = 0
    messages_stored: int = 0
    rows_stored: int = 0
    messages_lost: int = 0
    messages_stored_again: int = 0
    dead_letters: dict[str, int] = field(default_factory=dict)
    hub_seconds: float = 0.0  # first message sent to last row seen committed
    injections: dict[str, int] = field(default_factory=dict)
    truth_file: str = ""
    stopped_by: str = ""  # a bound that ended the run early, or ""
    alert_latency_ms: dict[str, float] | None = None
    alert_latency_note: str = ""
    peak_rows_per_s: float = 0.0

    @property
    def sent_per_s(self) -> float:
        return self.messages_sent / self.publish_seconds if self.publish_seconds else 0.0

    @property
    def rows_per_s(self) -> float:
        return self.rows_stored / self.hub_seconds if self.hub_seconds else 0.0

    @property
    def ok(self) -> bool:
        return self.messages_lost == 0 and not self.dead_letters and self.messages_sent > 0

    def figures(self) -> dict[str, object]:
        doc = asdict(self)
        doc.update(sent_per_s=round(self.sent_per_s, 1), rows_per_s=round(self.rows_per_s, 1), ok=self.ok)
        return doc

    def text(self) -> str:
        f = self
        mix = ", ".join(f"{n} {p}" for p, n in sorted(f.profiles.items()))
        lines = [
            f"CareHub load test, {f.source}: {f.homes:,} homes, {f.devices:,} devices ({mix}), seed {f.seed}",
            f"  simulated {f.sim_minutes:g} min from {f.sim_start} at {f.speed:g}x; registration: {f.registration}",
            f"  sent        {f.messages_sent:>12,} messages in {f.publish_seconds:.1f} s = {f.sent_per_s:,.0f} msg/s"
            f" (at most {f.max_lag_seconds:.2f} s behind schedule, at simulated minute {f.max_lag_at_minute:g})",
            f"  storable    {f.messages_storable:>12,} messages with new readings, {f.rows_expected:,} rows;"
            f" {f.messages_nothing_new:,} carried nothing new (repeats, transitions)",
            f"  stored      {f.messages_stored:>12,} messages, {f.rows_stored:,} rows in {f.hub_seconds:.1f} s"
            f" = {f.rows_per_s:,.0f} rows/s committed (peak {f.peak_rows_per_s:,.0f}/s)",
            f"  lost        {f.messages_lost:>12,} messages (storable but not stored);"
            f" stored again: {f.messages_stored_again:,}",
            f"  dead letters {sum(f.dead_letters.values()):>11,} {f.dead_letters or ''}",
            f"  injections  {sum(f.injections.values()):>12,} {f.injections or ''} -> {f.truth_file or 'not written'}",
            f"  alarm to alert latency: {f.alert_latency_ms or 'not available'} {f.alert_latency_note}",
        ]
        if f.stopped_by:
            lines.append(f"  stopped early: {f.stopped_by}")
        lines.append(f"  result: {'OK, 0 messages lost' if f.ok else 'FAILED'}")
        return "\n".join(lines)

    def json_line(self) -> str:
        return json.dumps(self.figures(), sort_keys=True)
