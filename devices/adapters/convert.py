"""Value conversions shared by the gateway adapters: the loose types real devices send, made into floats."""

from __future__ import annotations

from devices.catalogue import check_value
from devices.errors import BadMessage

_TRUE = frozenset({"true", "on", "1"})
_FALSE = frozenset({"false", "off", "0"})


def number(metric: str, raw: object) -> float:
    """A number, also one sent as a string (older Zigbee2MQTT: `"battery": "97.00"`), checked against the
    catalogue's range."""
    if isinstance(raw, str):
        try:
            return check_value(metric, float(raw))
        except ValueError:
            raise BadMessage("wrong_type", f"{metric} needs a number, got {raw[:40]!r}") from None
    return check_value(metric, raw)


def flag(metric: str, raw: object) -> float:
    """A boolean as 1.0/0.0, also one sent as a string."""
    if raw is True:
        return 1.0
    if raw is False:
        return 0.0
    if isinstance(raw, str):
        text = raw.strip().lower()
        if text in _TRUE:
            return 1.0
        if text in _FALSE:
            return 0.0
    raise BadMessage("wrong_type", f"{metric} needs true or false, got {str(raw)[:40]!r}")


def integer(what: str, payload: bytes) -> int:
    """A plain-string integer payload (Nuki: `"3"`)."""
    try:
        return int(payload.strip())
    except ValueError:
        raise BadMessage("wrong_type", f"{what} needs an integer, got {payload[:40]!r}") from None
