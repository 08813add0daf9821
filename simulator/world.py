"""Many homes at once: each home's events generated a span ahead, merged in time order, encoded as messages.

Homes extend their own event streams one simulated hour at a time, with staggered boundaries so the work is
spread evenly; a heap holds each home's next due time, so taking the next slice of time touches only the homes
that have something due in it. `take(until)` returns the messages due before `until`, in order.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Sequence

from simulator.events import ONLINE, Event
from simulator.formats import Formats, Message
from simulator.home import HomeModel
from simulator.timebase import HOUR, MINUTE, text_key, unit

SPAN = HOUR
ANNOUNCE_WITHIN = MINUTE


class World:
    def __init__(self, homes: Sequence[HomeModel], start: int, seed: int, *, announce: bool = False) -> None:
        self.homes = list(homes)
        self.seed = seed
        self.formats = Formats(seed)
        self._pending: list[deque[Event]] = [deque() for _ in self.homes]
        self._horizon: list[int] = []
        for i, home in enumerate(self.homes):
            # Staggered, but never before the announcements are all out: pending must stay in time order.
            first = start + max(ANNOUNCE_WITHIN, int(unit(seed, home.spec.index, 99) * SPAN) + 1)
            first_events = home.events(start, first)
            if announce:
                first_events = sorted(first_events + _announcements(home, start, seed), key=lambda e: e.t)
            self._pending[i].extend(first_events)
            self._horizon.append(first)
        self._devices = [{d.key: d for d in h.spec.devices} for h in self.homes]
        self._due = [(self._next_due(i), i) for i in range(len(self.homes))]
        heapq.heapify(self._due)
        self.events_generated = 0

    def _next_due(self, i: int) -> int:
        pending = self._pending[i]
        return pending[0].t if pending else self._horizon[i]

    def _take_home(self, i: int, until: int) -> list[Event]:
        pending = self._pending[i]
        home = self.homes[i]
        while self._horizon[i] < until:
            h = self._horizon[i]
            pending.extend(home.events(h, h + SPAN))
            self._horizon[i] = h + SPAN
        out = []
        while pending and pending[0].t < until:
            out.append(pending.popleft())
        return out

    def take_events(self, until: int) -> list[tuple[Event, int]]:
        """(event, home position) due before `until`, in time order."""
        found: list[tuple[Event, int]] = []
        due = self._due
        while due and due[0][0] < until:
            _, i = heapq.heappop(due)
            found.extend((e, i) for e in self._take_home(i, until))
            heapq.heappush(due, (self._next_due(i), i))
        found.sort(key=lambda item: (item[0].t, item[1]))
        self.events_generated += len(found)
        return found

    def take(self, until: int) -> list[Message]:
        out: list[Message] = []
        encode = self.formats.encode
        for event, i in self.take_events(until):
            out += encode(self.homes[i].spec, self._devices[i][event.device], event)
        return out


def _announcements(home: HomeModel, start: int, seed: int) -> list[Event]:
    """Every device says it is online as the run starts (a gateway publishing availability after a restart)."""
    return sorted(
        (Event(start + int(unit(seed, home.spec.index, text_key(d.key)) * ANNOUNCE_WITHIN), d.key, (), ONLINE)
         for d in home.spec.devices),
        key=lambda e: e.t,
    )  # fmt: skip
