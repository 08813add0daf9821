"""Ingest benchmark: the hub's durable ingest rate against the broker's own ceiling, in the same run.

    python -m bench.ingest [--messages 200000] [--publishers 4] [--repeat 3]

Each round, on a throwaway Mosquitto and PostgreSQL (fsync on):
- ceiling: the load into `mosquitto_sub -q 1` (a plain C subscriber), time from first publish to last message;
- hub x1: one `carehub ingest` process; rows committed / time from first publish to the last commit;
- hub x2: two processes on one MQTT 5 shared subscription.
Publishers are `mosquitto_pub -l -q 1`, one device topic each. The last commit time is PostgreSQL's own commit
timestamp (track_commit_timestamp) where the server allows it, else the moment polling saw the last row.
Peak memory is the ingest process's VmHWM. Prints a table, then one line of JSON with the same figures.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from bench import payloads
from tests import servers

POLL_SECONDS = 0.25


def start_publishers(port: int, streams: list[tuple[str, bytes]]) -> tuple[list[subprocess.Popen[bytes]], float]:
    """One `mosquitto_pub -l` per (topic, lines); returns the processes and the wall time of the first write."""
    procs = [
        subprocess.Popen(
            ["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-q", "1", "-l", "-t", topic],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for topic, _ in streams
    ]
    time.sleep(0.3)  # let them connect, so the clock measures delivery, not process start-up
    t0 = time.time()
    for proc, (_, lines) in zip(procs, streams, strict=True):
        assert proc.stdin is not None
        threading.Thread(target=_feed, args=(proc.stdin, lines), daemon=True).start()
    return procs, t0


def _feed(stdin: object, lines: bytes) -> None:
    stdin.write(lines)  # type: ignore[attr-defined]
    stdin.flush()  # type: ignore[attr-defined]
    # stdin stays open: `mosquitto_pub -l` drops queued QoS 1 messages when it closes (performance.md).


def stop_publishers(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        if p.stdin:
            p.stdin.close()
    for p in procs:
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()


def ceiling(port: int, streams: list[tuple[str, bytes]], total: int, topic_filter: str) -> float:
    sub = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-V", "5", "-q", "1",
                            "-C", str(total), "-t", topic_filter, "-i", f"ceiling-{uuid.uuid4().hex[:6]}",
                            # the same wide window the hub asks for, so the broker shows its best
                            "-D", "connect", "receive-maximum", "65535"],
                           stdout=subprocess.DEVNULL)  # fmt: skip
    time.sleep(0.3)
    procs, t0 = start_publishers(port, streams)
    try:
        sub.wait(120)
        return total / (time.time() - t0)
    finally:
        stop_publishers(procs)
        if sub.poll() is None:
            sub.kill()


def ingest_env(url: str, port: int, client_id: str, group: str, *, gateways: bool = True) -> dict[str, str]:
    return {**os.environ, "CAREHUB_DATABASE__URL": url, "CAREHUB_MQTT__HOST": "127.0.0.1",
            "CAREHUB_MQTT__PORT": str(port), "CAREHUB_MQTT__SHARED_GROUP": group,
            "CAREHUB_INGEST__CLIENT_ID": client_id, "CAREHUB_LOG_JSON": "false",
            "CAREHUB_INGEST__GATEWAYS": "true" if gateways else "false"}  # fmt: skip


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass(frozen=True)
class Run:
    rate: float  # msg/s
    peak_mb: float = 0.0
    rows: int = 0
    clock: str = ""


def hub_run(url: str, port: int, load: payloads.Load, messages: int, workers: int, logdir: Path) -> Run:
    """Messages per second from the first publish to the last commit, once every expected row is stored."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("TRUNCATE readings, dead_letters")
        group = f"bench{uuid.uuid4().hex[:6]}"
        ids = [f"bench-ingest-{uuid.uuid4().hex[:6]}" for _ in range(workers)]
        logs = [logdir / f"{i}.log" for i in ids]
        # The first worker owns the gateway topics; the native ones are shared (`CAREHUB_INGEST__GATEWAYS`).
        procs = [
            _start_ingest(url, port, i, group, log, n == 0) for n, (i, log) in enumerate(zip(ids, logs, strict=True))
        ]
        try:
            _wait_for(lambda: all(log.exists() and "connected to MQTT" in log.read_text() for log in logs), 30)
            pubs, t0 = start_publishers(port, load.streams)
            try:
                seen_at = _wait_rows(conn, load.rows)
            finally:
                stop_publishers(pubs)
            last_commit, method = _last_commit(conn, seen_at)
            peak = max(peak_rss_mb(p.pid) for p in procs)
            stored = int(conn.execute("SELECT count(*) FROM readings").fetchone()[0])  # type: ignore[index]
        finally:
            for p in procs:
                p.send_signal(signal.SIGTERM)
            for p in procs:
                p.wait(30)
            for i in ids:  # end the sessions, so the broker stops queueing for them in later rounds
                retire = [sys.executable, "-m", "hub", "ingest", "--retire"]
                subprocess.run(retire, env=ingest_env(url, port, i, group), check=True, capture_output=True)
    if stored != load.rows:
        raise RuntimeError(f"stored {stored} rows, expected {load.rows}")
    return Run(rate=messages / (last_commit - t0), peak_mb=peak, rows=stored, clock=method)


def _start_ingest(
    url: str, port: int, client_id: str, group: str, log: Path, gateways: bool
) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "hub", "ingest"],
            env=ingest_env(url, port, client_id, group, gateways=gateways),
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _wait_for(cond: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        time.sleep(0.05)


def _wait_rows(conn: psycopg.Connection, total: int, timeout: float = 180) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        n = conn.execute("SELECT count(*) FROM readings").fetchone()[0]  # type: ignore[index]
        if n >= total:
            return time.time()
        time.sleep(POLL_SECONDS)
    raise TimeoutError(f"only {n} of {total} rows after {timeout} s")


def _last_commit(conn: psycopg.Connection, seen_at: float) -> tuple[float, str]:
    try:
        row = conn.execute("SELECT extract(epoch FROM max(pg_xact_commit_timestamp(xmin))) FROM readings").fetchone()
        if row and row[0] is not None:
            return float(row[0]), "commit_timestamp"
    except psycopg.Error:
        pass
    return seen_at, f"polling (+{POLL_SECONDS} s worst case)"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--messages", type=int, default=200_000)
    ap.add_argument("--publishers", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--formats",
        default="native,zigbee2mqtt",
        help="comma-separated payload formats: " + ", ".join(payloads.FORMATS),
    )
    args = ap.parse_args()
    formats = args.formats.split(",")
    results: dict[str, list[Run]] = {}
    with servers.postgres(("track_commit_timestamp=on",)) as pg, servers.mosquitto() as mq, \
            tempfile.TemporaryDirectory(prefix="carehub-bench-") as tmp:  # fmt: skip
        url = pg.url("bench")
        with psycopg.connect(pg.admin_url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE bench")
        subprocess.run([sys.executable, "-m", "hub", "migrate"], env={**os.environ, "CAREHUB_DATABASE__URL": url},
                       check=True, capture_output=True)  # fmt: skip
        start = datetime.now(UTC) - timedelta(hours=2)
        loads = {f: payloads.build(f, url, args.messages, args.publishers, start) for f in formats}
        for r in range(args.repeat):
            print(f"round {r + 1}/{args.repeat} ...", file=sys.stderr, flush=True)
            first = loads[formats[0]]
            rate = ceiling(mq.port, first.streams, args.messages, first.filter)
            results.setdefault("ceiling", []).append(Run(rate))
            for f in formats:
                for workers in (1, 2) if f == "native" else (1,):
                    key = f"{f} x{workers}"
                    run = hub_run(url, mq.port, loads[f], args.messages, workers, Path(tmp))
                    results.setdefault(key, []).append(run)
    report(results, args.messages, args.publishers)
    return 0


def report(results: dict[str, list[Run]], messages: int, publishers: int) -> None:
    ceil = statistics.median(r.rate for r in results["ceiling"])
    rounds = len(results["ceiling"])
    figures: dict[str, float | int | str] = {
        "messages": messages, "publishers": publishers, "rounds": rounds, "ceiling_msg_s": round(ceil),
    }  # fmt: skip
    print(f"\n{messages} messages, {publishers} publishers, QoS 1, median of {rounds} rounds")
    print(f"{'path':<16}{'msg/s':>10}{'x ceiling':>11}{'peak MB':>9}   rounds (msg/s)")
    for key, runs in results.items():
        rate = statistics.median(r.rate for r in runs)
        peak = max(r.peak_mb for r in runs)
        shown = f"{peak:>9.0f}" if key != "ceiling" else " " * 9
        print(f"{key:<16}{rate:>10.0f}{rate / ceil:>11.2f}{shown}   {[round(r.rate) for r in runs]}")
        if key == "ceiling":
            continue
        name = key.replace(" ", "_")
        figures[f"{name}_msg_s"] = round(rate)
        figures[f"{name}_ratio"] = round(rate / ceil, 3)
        figures[f"{name}_peak_mb"] = round(peak, 1)
        figures["clock"] = runs[0].clock
    if "native x1" in results and "zigbee2mqtt x1" in results:
        native = statistics.median(r.rate for r in results["native x1"])
        z2m = statistics.median(r.rate for r in results["zigbee2mqtt x1"])
        figures["zigbee2mqtt_vs_native"] = round(z2m / native, 3)
        print(f"zigbee2mqtt / native: {z2m / native:.2f}")
    print(json.dumps(figures))


if __name__ == "__main__":
    sys.exit(main())
