"""A resident's habits: when they wake and go to bed, eat, use the toilet, go out and get home-care visits.

Times are minutes after local midnight. A profile is drawn once per home from that home's own random stream, so
homes differ but each is the same person on every run with the same seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Profile:
    wake: float  # mean wake time
    wake_sd: float  # day-to-day variation (minutes, standard deviation)
    bed: float  # mean bed time
    bed_sd: float
    lunch: float
    dinner: float
    toilet_per_hour: float  # daytime toilet visits
    night_toilet: float  # mean toilet visits per night
    out_chance: float  # chance on a given day of going out (shopping, day centre, family)
    out_minutes: float  # mean time out
    visits: tuple[float, ...]  # home-care visit times
    visit_minutes: float
    liveliness: float  # motion re-triggers per minute while active in a room


def draw_profile(rng: random.Random) -> Profile:
    wake = rng.uniform(6 * 60, 8.5 * 60)
    visits: list[float] = []
    if rng.random() < 0.6:
        visits.append(wake + rng.uniform(45, 120))  # morning help: medication, dressing
    if rng.random() < 0.3:
        visits.append(rng.uniform(12 * 60, 13.5 * 60))
    if rng.random() < 0.5:
        visits.append(rng.uniform(19.5 * 60, 21 * 60))
    return Profile(
        wake=wake,
        wake_sd=rng.uniform(10, 40),
        bed=rng.uniform(21.5 * 60, 23.5 * 60),
        bed_sd=rng.uniform(10, 40),
        lunch=rng.uniform(11.5 * 60, 13 * 60),
        dinner=rng.uniform(16.5 * 60, 18 * 60),
        toilet_per_hour=rng.uniform(0.2, 0.45),
        night_toilet=rng.uniform(0.3, 1.8),
        out_chance=rng.uniform(0.15, 0.7),
        out_minutes=rng.uniform(60, 180),
        visits=tuple(visits),
        visit_minutes=rng.uniform(15, 40),
        liveliness=rng.uniform(0.35, 0.9),
    )
