"""How fast the simulator publishes into Mosquitto from one process (QoS 1, every PUBACK awaited).

    python -m bench.simulator [--homes 10000] [--messages 300000] [--connections 4] [--port P]

Three figures, each on the same broker (a throwaway Mosquitto unless --port names one on 127.0.0.1):
- generate: simulated homes' messages made per second of CPU (behaviour model and gateway formats);
- publish: those messages, made beforehand, published as fast as the broker acknowledges them;
- publish + subscriber: the same with `mosquitto_sub -q 1` receiving them all, so the broker also delivers;
- end to end: generating and publishing together, as `carehub simulate` does with no pacing.
Prints the figures for people, then one line of JSON with the same figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import uuid

from simulator.formats import Message
from simulator.home import HomeModel
from simulator.layout import build_home, parse_mix
from simulator.publish import Publisher
from simulator.timebase import MINUTE, parse_time
from simulator.world import World
from tests.servers import mosquitto

START = parse_time("2026-11-16T07:00:00", "Europe/Oslo")
STEP = 5 * MINUTE


def make_world(homes: int, seed: int) -> World:
    mix = parse_mix("native=1,zigbee2mqtt=1,nuki=1")
    return World([HomeModel(build_home(f"bench{seed}", i, mix), seed) for i in range(homes)], START, seed)


def generate(world: World, count: int) -> list[Message]:
    out: list[Message] = []
    t = START
    while len(out) < count:
        t += STEP
        out += world.take(t)
    return out[:count]


async def publish(port: int, messages: list[Message], connections: int) -> float:
    pub = Publisher("127.0.0.1", port, connections, f"sim-bench-{uuid.uuid4().hex[:6]}")
    await pub.connect()
    t0 = time.perf_counter()
    for m in messages:
        await pub.send(m)
    await pub.drain()
    elapsed = time.perf_counter() - t0
    await pub.close()
    return elapsed


async def publish_received(port: int, messages: list[Message], connections: int) -> tuple[float, int]:
    """Publish with a QoS 1 subscriber taking every message; (seconds until it has them all, messages it got)."""
    sub = await asyncio.create_subprocess_exec(
        "mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-V", "5", "-q", "1", "-C", str(len(messages)),
        "-t", "#", "-D", "connect", "receive-maximum", "65535", "-F", "x",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    await asyncio.sleep(0.5)
    t0 = time.perf_counter()
    await publish(port, messages, connections)
    out, _ = await asyncio.wait_for(sub.communicate(), 120)
    return time.perf_counter() - t0, out.count(b"\n")


async def end_to_end(port: int, world: World, count: int, connections: int) -> float:
    pub = Publisher("127.0.0.1", port, connections, f"sim-bench-{uuid.uuid4().hex[:6]}")
    await pub.connect()
    t0 = time.perf_counter()
    t = START
    while pub.sent < count:
        t += STEP
        for m in world.take(t)[: count - pub.sent]:
            await pub.send(m)
    await pub.drain()
    elapsed = time.perf_counter() - t0
    await pub.close()
    return elapsed


def run(args: argparse.Namespace, port: int) -> dict[str, float | int]:
    t0 = time.process_time()
    messages = generate(make_world(args.homes, 1), args.messages)
    gen = time.process_time() - t0
    n = len(messages)
    pub = asyncio.run(publish(port, messages, args.connections))
    sub_s, received = asyncio.run(publish_received(port, messages, args.connections))
    e2e = asyncio.run(end_to_end(port, make_world(args.homes, 2), n, args.connections))
    return {
        "homes": args.homes, "messages": n, "connections": args.connections,
        "mean_payload_bytes": round(sum(len(m.payload) for m in messages) / n, 1),
        "generate_msg_per_s": round(n / gen), "publish_msg_per_s": round(n / pub),
        "publish_with_subscriber_msg_per_s": round(n / sub_s), "subscriber_received": received,
        "end_to_end_msg_per_s": round(n / e2e),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.simulator", description=__doc__.split("\n\n")[0])
    p.add_argument("--homes", type=int, default=10_000)
    p.add_argument("--messages", type=int, default=300_000)
    p.add_argument("--connections", type=int, default=4)
    p.add_argument("--port", type=int, default=None, help="a broker on 127.0.0.1 (default: start a throwaway one)")
    args = p.parse_args(argv)
    if args.port is None:
        with mosquitto() as broker:
            figures = run(args, broker.port)
    else:
        figures = run(args, args.port)
    print(f"simulator publish benchmark: {figures['homes']} homes, {figures['messages']} messages "
          f"(mean payload {figures['mean_payload_bytes']} B), QoS 1, {figures['connections']} connections")  # fmt: skip
    for key in ("generate", "publish", "publish_with_subscriber", "end_to_end"):
        print(f"  {key.replace('_', ' '):<26} {figures[key + '_msg_per_s']:>10,} msg/s")
    print(f"  subscriber received        {figures['subscriber_received']:>10,} of {figures['messages']:,}")
    print(json.dumps(figures))
    return 0 if figures["subscriber_received"] == figures["messages"] else 1


if __name__ == "__main__":
    sys.exit(main())
