"""A throwaway Mosquitto on a free loopback port, for the simulator's benchmark when no broker is given."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from simulator.errors import TargetRefused

CONF = """\
listener {port} 127.0.0.1
allow_anonymous true
persistence false
max_inflight_messages 0
max_queued_messages 0
max_packet_size 1048576
log_dest stderr
log_type error
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def mosquitto() -> Iterator[int]:
    """Start `mosquitto` (from PATH or /usr/sbin) and yield its port; stopped on exit."""
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if not Path(binary).exists():
        raise TargetRefused("mosquitto is not installed (Debian package mosquitto); or pass --port of a broker")
    with tempfile.TemporaryDirectory(prefix="carehub-sim-mqtt-") as tmp:
        port = free_port()
        conf = Path(tmp) / "mosquitto.conf"
        conf.write_text(CONF.format(port=port))
        proc = subprocess.Popen([binary, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 10
            while not _listening(port):
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise TargetRefused("mosquitto did not start")
                time.sleep(0.05)
            yield port
        finally:
            proc.terminate()
            proc.wait(10)
