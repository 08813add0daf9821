"""The adapters as API handlers get them, without importing `hub`.

`hub` puts a factory on `app.state.adapter_factory` (so its settings, e.g. the Zigbee2MQTT base topic, apply);
each request gets fresh adapters, whose per-device memory then starts empty (what replaying kept messages needs).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from devices.adapters import Adapter, all_adapters


def get_adapters(request: Request) -> list[Adapter]:
    factory = getattr(request.app.state, "adapter_factory", None)
    return list(factory()) if factory is not None else all_adapters()


AdaptersDep = Annotated[list[Adapter], Depends(get_adapters)]
