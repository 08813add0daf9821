"""A simulated home's devices: which catalogue kinds, in which rooms, speaking which gateway format.

Every home has the same fifteen devices (five motion sensors, front-door contact and lock, bed sensor, worn alarm
button, two smoke and two water detectors, a climate sensor, a fall radar in the bathroom). What differs is the
gateway profile, chosen per home from a configurable mix:

- `native`: everything speaks CareHub's own format;
- `zigbee2mqtt`: a Zigbee2MQTT gateway for every kind it has a device for, the lock included;
- `nuki`: Zigbee2MQTT sensors with a Nuki smart lock.

Kinds a gateway has no device for (the bed sensor on Zigbee) stay native, as a vendor hub would publish them.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.catalogue import KINDS
from simulator.errors import SimulatorError
from simulator.timebase import text_key

BEDROOM, BATHROOM, KITCHEN, LIVING, HALLWAY = "bedroom", "bathroom", "kitchen", "living room", "hallway"
ROOMS = (BEDROOM, BATHROOM, KITCHEN, LIVING, HALLWAY)

# (key, kind, room); the key names the device within its home.
DEVICE_SET: tuple[tuple[str, str, str], ...] = (
    *((f"motion-{room.split()[0]}", "motion", room) for room in ROOMS),
    ("door-front", "contact", HALLWAY),
    ("lock-front", "smart_lock", HALLWAY),
    ("bed", "bed_occupancy", BEDROOM),
    ("button", "emergency_button", "worn"),
    ("smoke-kitchen", "smoke", KITCHEN),
    ("smoke-hallway", "smoke", HALLWAY),
    ("water-bathroom", "water_leak", BATHROOM),
    ("water-kitchen", "water_leak", KITCHEN),
    ("climate-living", "climate", LIVING),
    ("fall-bathroom", "fall_detector", BATHROOM),
)

NATIVE, Z2M, NUKI = "native", "zigbee2mqtt", "nuki"
FORMATS = (NATIVE, Z2M, NUKI)
Z2M_KINDS = frozenset({"motion", "contact", "smart_lock", "emergency_button", "smoke", "water_leak", "climate",
                       "fall_detector"})  # fmt: skip
PROFILES = (NATIVE, Z2M, NUKI)


@dataclass(frozen=True, slots=True)
class DeviceSpec:
    key: str
    kind: str
    room: str
    adapter: str
    external_id: str


@dataclass(frozen=True, slots=True)
class HomeSpec:
    index: int
    label: str
    profile: str
    timezone: str
    devices: tuple[DeviceSpec, ...]

    def device(self, key: str) -> DeviceSpec:
        for d in self.devices:
            if d.key == key:
                return d
        raise KeyError(key)

    def has(self, key: str) -> bool:
        return any(d.key == key for d in self.devices)


def motion_key(room: str) -> str:
    return f"motion-{room.split()[0]}"


def parse_mix(text: str) -> dict[str, float]:
    """`native=2,zigbee2mqtt=1,nuki=1` to normalised weights of the gateway profiles."""
    weights: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, raw = part.partition("=")
        if name not in PROFILES:
            raise SimulatorError(f"unknown gateway profile {name!r} in mix; known: {', '.join(PROFILES)}")
        try:
            weights[name] = float(raw or 1)
        except ValueError:
            raise SimulatorError(f"mix weight {raw!r} for {name} is not a number") from None
    total = sum(weights.values())
    if total <= 0 or any(w < 0 for w in weights.values()):
        raise SimulatorError(f"mix {text!r} needs non-negative weights with a positive sum")
    return {name: w / total for name, w in weights.items()}


def profile_for(index: int, mix: dict[str, float]) -> str:
    """A low-discrepancy choice: any run of homes follows the mix closely, with no random stream involved."""
    point = (index * 0.6180339887498949) % 1.0
    acc = 0.0
    for name, weight in mix.items():
        acc += weight
        if point < acc:
            return name
    return next(reversed(mix))


def adapter_for(kind: str, profile: str) -> str:
    if profile == NATIVE or kind not in Z2M_KINDS:
        return NATIVE
    if kind == "smart_lock" and profile == NUKI:
        return NUKI
    return Z2M


def external_id(namespace: str, index: int, key: str, adapter: str) -> str:
    """The gateway's identity of the device: a native id, a Zigbee friendly name (with a `/`, as people name
    them by room), or a Nuki id (eight hex digits; the namespace picks the upper half)."""
    if adapter == NUKI:
        return f"{(text_key(namespace) & 0xFFFF) << 16 | (index & 0xFFFF):08X}"
    if adapter == Z2M:
        return f"{namespace}-h{index}/{key}"
    return f"{namespace}-h{index}-{key}"


def build_home(namespace: str, index: int, mix: dict[str, float], timezone: str = "Europe/Oslo") -> HomeSpec:
    profile = profile_for(index, mix)
    devices = []
    for key, kind, room in DEVICE_SET:
        if kind not in KINDS:
            raise SimulatorError(f"device kind {kind!r} is not in the catalogue")
        adapter = adapter_for(kind, profile)
        devices.append(DeviceSpec(key, kind, room, adapter, external_id(namespace, index, key, adapter)))
    return HomeSpec(index, f"{namespace} home {index}", profile, timezone, tuple(devices))
