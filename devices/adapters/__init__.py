"""Payload adapters: one module per gateway format behind the `Adapter` interface in `base`."""

from devices.adapters.base import Adapter, Command, Outgoing, Parsed, Reading
from devices.adapters.native import NativeAdapter


def all_adapters() -> list[Adapter]:
    """Every gateway format the hub understands, in the order topics are matched."""
    return [NativeAdapter()]


__all__ = ["Adapter", "Command", "NativeAdapter", "Outgoing", "Parsed", "Reading", "all_adapters"]
