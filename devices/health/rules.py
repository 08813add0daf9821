"""The health verdict for one device: pure, so the clock and the policy are the caller's."""

from __future__ import annotations

from datetime import datetime, timedelta

from devices.catalogue import KINDS
from devices.health.schemas import HealthFacts, HealthPolicy, Verdict


def assess(facts: HealthFacts, now: datetime, policy: HealthPolicy, session_liveness: bool) -> Verdict:
    offline_since = _offline_since(facts, now, policy, session_liveness)
    low_since = _low_battery_since(facts, now, policy)
    return Verdict(offline_since is not None, offline_since, low_since is not None, low_since)


def _offline_since(facts: HealthFacts, now: datetime, policy: HealthPolicy, session_liveness: bool) -> datetime | None:
    """Offline when silent past its kind's supervision interval (counted from registration if never heard),
    or when it (or its gateway, or its last will) said offline and nothing alive came after, for the grace
    period. Devices that hold their own session (Nuki) and gateways are silent by nature: only the notice counts."""
    candidates = []
    kind = KINDS.get(facts.kind)
    supervision = kind.supervision_seconds if kind is not None else 0
    if supervision and not session_liveness:
        heard = max(facts.last_seen or facts.created_at, facts.created_at)
        deadline = heard + timedelta(seconds=supervision)
        if now > deadline:
            candidates.append(deadline)
    at = facts.availability_at
    if (
        facts.availability == 0.0
        and at is not None
        and (facts.last_seen is None or at >= facts.last_seen)
        and now - at >= policy.offline_grace
    ):
        candidates.append(at)
    return min(candidates) if candidates else None


def _low_battery_since(facts: HealthFacts, now: datetime, policy: HealthPolicy) -> datetime | None:
    """Low battery when every battery reading for `low_battery_sustain` was below the threshold (or the device's
    own low-battery flag stood that long); one dip followed by a normal reading is not low."""
    candidates = []
    if (
        facts.battery is not None
        and facts.battery < policy.low_battery_percent
        and facts.battery_run_start is not None
        and now - facts.battery_run_start >= policy.low_battery_sustain
    ):
        candidates.append(facts.battery_run_start)
    if (
        facts.battery_low == 1.0
        and facts.flag_run_start is not None
        and now - facts.flag_run_start >= policy.low_battery_sustain
    ):
        candidates.append(facts.flag_run_start)
    return min(candidates) if candidates else None
