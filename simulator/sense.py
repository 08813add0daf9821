"""From where the resident (and any visitor) is to what each device observes.

Motion sensors fire on entering a room and re-trigger while someone moves there (no sooner than a blind time
after the last trigger), and report no motion once nobody has moved for the occupancy timeout, as Zigbee2MQTT's
`occupancy_timeout` does. The bed sensor follows sleep; the door and the lock follow every passage through the
front door: unlock, open, close, and the lock's auto-lock behind.

Every segment draws from its own random stream keyed by its start, so a window of time senses the same events
however it was cut.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

from devices.catalogue import ACTION_LOCK, ACTION_UNLOCK, FALL_ALARM, LOCK_LOCKED, LOCK_UNLOCKED
from simulator.events import Act, Event, Segment, Visit
from simulator.layout import BATHROOM, HALLWAY, HomeSpec, motion_key
from simulator.timebase import MINUTE, SECOND

BLIND = 30 * SECOND
OCCUPANCY_TIMEOUT = 90 * SECOND
MARGIN = 2 * OCCUPANCY_TIMEOUT  # how far outside a window sensing must look to get its edges right


def sense(home: HomeSpec, seed: int, segments: Sequence[Segment], visits: Iterable[Visit]) -> list[Event]:
    events: list[Event] = []
    triggers: list[Event] = []
    for i, seg in enumerate(segments):
        rng = random.Random(f"{seed}:{home.index}:seg:{seg.start}")
        triggers += _motion(seg.room, seg.start, seg.end, seg.level, rng)
        prev = segments[i - 1] if i else None
        nxt = segments[i + 1] if i + 1 < len(segments) else None
        events += _bed(seg, prev, nxt)
        if seg.act is Act.OUT:
            events += door_passage(seg.start, "resident", rng)
            events += door_passage(seg.end - 20 * SECOND, "resident", rng)
        if seg.act is Act.FLOOR and seg.room == BATHROOM and home.has("fall-bathroom"):
            events.append(
                Event(seg.start + rng.randint(2, 15) * SECOND, "fall-bathroom", (("fall", float(FALL_ALARM)),))
            )
    for v in visits:
        rng = random.Random(f"{seed}:{home.index}:visit:{v.start}")
        events += door_passage(v.start, v.actor, rng)
        events += _visitor_motion(v, rng)
        events += door_passage(v.end, v.actor, rng)
    events += triggers
    events += motion_ends([e for e in events if e.device.startswith("motion-")])
    if home.has("fall-bathroom"):  # the radar sees presence in the bathroom as the motion sensor does
        bathroom = motion_key(BATHROOM)
        events += [Event(e.t, "fall-bathroom", e.values) for e in events if e.device == bathroom]
    return events


def _motion(room: str, start: int, end: int, level: float, rng: random.Random) -> list[Event]:
    if not room:
        return []
    key = motion_key(room)
    t = start + rng.randint(1, 4) * SECOND
    if level <= 0:
        return [Event(t, key, (("motion", 1.0),))] if end - start > 5 * SECOND else []
    out = []
    while t < end:
        out.append(Event(t, key, (("motion", 1.0),)))
        t += BLIND + int(rng.expovariate(level) * MINUTE)
    return out


def motion_ends(triggers: list[Event]) -> list[Event]:
    """`motion` 0 once a sensor has seen nothing for the occupancy timeout."""
    by_device: dict[str, list[int]] = {}
    for e in triggers:
        if e.values == (("motion", 1.0),):
            by_device.setdefault(e.device, []).append(e.t)
    out = []
    for device, times in by_device.items():
        times.sort()
        for t, nxt in zip(times, [*times[1:], None], strict=True):
            if nxt is None or nxt - t > OCCUPANCY_TIMEOUT:
                out.append(Event(t + OCCUPANCY_TIMEOUT, device, (("motion", 0.0),)))
    return out


def _bed(seg: Segment, prev: Segment | None, nxt: Segment | None) -> list[Event]:
    if seg.act is not Act.SLEEP:
        return []
    out = []
    if prev is None or prev.act is not Act.SLEEP:
        out.append(Event(seg.start + 20 * SECOND, "bed", (("in_bed", 1.0),)))
    if nxt is not None and nxt.act is not Act.SLEEP:
        out.append(Event(seg.end, "bed", (("in_bed", 0.0),)))
    return out


def door_passage(t: int, actor: str, rng: random.Random) -> list[Event]:
    """Unlock, open, close, and the lock's auto-lock once the door is shut."""
    opened = t + rng.randint(3, 8) * SECOND
    closed = opened + rng.randint(5, 20) * SECOND
    locked = closed + rng.randint(15, 30) * SECOND
    return [
        Event(
            t, "lock-front", (("lock_action", float(ACTION_UNLOCK)), ("lock_state", float(LOCK_UNLOCKED))), actor=actor
        ),
        Event(opened, "door-front", (("door_open", 1.0),)),
        Event(opened, "lock-front", (("door_open", 1.0),)),
        Event(closed, "door-front", (("door_open", 0.0),)),
        Event(closed, "lock-front", (("door_open", 0.0),)),
        Event(
            locked,
            "lock-front",
            (("lock_action", float(ACTION_LOCK)), ("lock_state", float(LOCK_LOCKED))),
            actor="auto",
        ),
    ]


def _visitor_motion(v: Visit, rng: random.Random) -> list[Event]:
    out = _motion(HALLWAY, v.start + 5 * SECOND, v.start + MINUTE, 2.0, rng)
    t = v.start + MINUTE
    share = max(MINUTE, (v.end - t - MINUTE) // max(1, len(v.rooms)))
    for room in v.rooms:
        out += _motion(room, t, t + share, 1.5, rng)
        t += share
    return out + _motion(HALLWAY, v.end - MINUTE, v.end, 2.0, rng)
