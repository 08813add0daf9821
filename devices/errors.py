"""Errors of the devices package; all subclass `DevicesError`."""

from core.errors import Conflict, DomainError, Invalid, NotFound


class DevicesError(DomainError):
    """Root error of the devices package."""


class BadMessage(DevicesError):
    """An MQTT message that cannot become readings. `reason` is a short stable code kept in dead letters."""

    def __init__(self, reason: str, detail: str = "", *, adapter: str | None = None, external_id: str | None = None):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.adapter = adapter
        self.external_id = external_id


class RegistryNotFound(DevicesError, NotFound):
    """A team, home, resident or device that does not exist."""


class RegistryConflict(DevicesError, Conflict):
    """A duplicate name or device identity, or a change the current state does not allow."""


class RegistryInvalid(DevicesError, Invalid):
    """A registry change whose content cannot be accepted (unknown kind, unknown adapter)."""


class BadCommand(DevicesError, Invalid):
    """A command the device's kind or gateway format cannot carry out (e.g. unlock for a motion sensor)."""
