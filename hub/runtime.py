"""Resolve where the database and broker are, from settings, before any command runs."""

from __future__ import annotations

from hub import embedded
from hub.settings import Settings


class NotConfigured(Exception):
    """A setting the command needs is missing."""


def conninfo(settings: Settings) -> str:
    """The configured database, or the embedded one (started if needed) when none is configured."""
    if settings.database.url is not None:
        return settings.database.url.get_secret_value()
    return embedded.start_postgres(settings.database.embedded_dir)


def require_broker(settings: Settings) -> None:
    if settings.mqtt.host is None:
        raise NotConfigured("set CAREHUB_MQTT__HOST (or run `carehub demo`, which starts its own broker)")
