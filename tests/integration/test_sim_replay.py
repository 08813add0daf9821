"""Each real recording replayed through a real Mosquitto into the real hub arrives as the right devices' events.

The recordings live outside the repository (`../shared/data`, or `CAREHUB_SIM_DATA`); tests that need them skip
when they are absent. The CASAS format is checked on a few lines written here in that format.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import pytest
from psycopg import AsyncConnection

from hub.ingest.worker import Ingestor
from simulator.layout import NATIVE, Z2M
from simulator.publish import Publisher
from simulator.register import HubAPI, register_all
from simulator.replay import datasets, player
from simulator.replay.recordings import Recording, read_casas
from tests import servers
from tests.conftest import API
from tests.helpers import eventually

DATA = Path(os.environ.get("CAREHUB_SIM_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"the shared recordings are not at {DATA}")

CASAS = """\
2010-11-04 05:40:51.303739 M004 ON Sleep="begin"
2010-11-04 05:40:52.342105 M005 OFF
2010-11-04 05:41:01.2 D002 OPEN
2010-11-04 05:41:02 D002 CLOSE
2010-11-04 05:41:02.8 L003 ON
2010-11-04 05:43:25.030217 T001 21.5
2010-11-04 05:43:26.101 M004 OFF Sleep="end"
2010-11-04 05:43:26.101 M004 ON
2010-11-04 06:10:00.5 MA013 ON Bed_to_Toilet begin
"""


async def replay_into_hub(api: API, conn: AsyncConnection, port: int, rec: Recording, gateway: str) -> None:
    namespace = f"rp{uuid.uuid4().hex[:6]}"
    spec = player.home_for(rec, namespace, 0, gateway)
    hub = HubAPI(api.client, api.tokens.admin)
    registry, _ = await register_all(hub, api.tokens.team_id, [spec])
    events = player.events(rec, player.weeks_shift(rec, int(time.time() * 1000)))
    source = player.Replay(spec, events, seed=1)
    pub = Publisher("127.0.0.1", port, 2, f"replay-{namespace}")
    await pub.connect()
    for msg in source.take(events[-1].t + 10_000):
        await pub.send(msg)
    await pub.drain()
    await pub.close()
    by_key = {d.key: registry[(d.adapter, d.external_id)] for d in spec.devices}
    want = sorted((by_key[e.device], e.values[0][0], e.t, e.values[0][1]) for e in events)

    async def stored() -> list[tuple[int, str, int, float]] | None:
        cur = await conn.execute(
            "SELECT device_id, metric, (extract(epoch FROM ts) * 1000)::bigint, value FROM readings"
            " WHERE device_id = ANY(%s) AND metric = ANY(%s) ORDER BY 1, 2, 3",
            (list(by_key.values()), sorted({s.metric for s in rec.sensors.values()})),
        )
        rows = [tuple(r) for r in await cur.fetchall()]
        return rows if len(rows) >= len(want) else None

    got = await eventually(stored, timeout=120, every=0.5)
    assert sorted(got) == want  # every event, on its own device, with its value and its (shifted) time


@needs_data
@pytest.mark.parametrize("name", sorted(datasets.LOADERS))
async def test_recording_arrives_as_the_right_devices_events(
    name: str, api: API, conn: AsyncConnection, ingest: Ingestor, broker: servers.Mosquitto
) -> None:
    rec = datasets.load(name, DATA)
    assert len(rec.sensors) >= 10
    await replay_into_hub(api, conn, broker.port, rec, NATIVE)


@needs_data
async def test_a_recording_replayed_through_zigbee2mqtt_keeps_its_times(
    api: API, conn: AsyncConnection, ingest: Ingestor, broker: servers.Mosquitto
) -> None:
    rec = datasets.load("ordonez:A", DATA)
    assert any(d.adapter == Z2M for d in player.home_for(rec, "x", 0, Z2M).devices)
    await replay_into_hub(api, conn, broker.port, rec, Z2M)


async def test_casas_events_arrive_as_motion_door_and_temperature(
    api: API, conn: AsyncConnection, ingest: Ingestor, broker: servers.Mosquitto, tmp_path: Path
) -> None:
    path = tmp_path / "casas.txt"
    path.write_text(CASAS)
    rec = read_casas(path)
    assert {s.name: s.kind for s in rec.sensors.values()} == {
        "M004": "motion", "M005": "motion", "D002": "contact", "T001": "climate", "MA013": "motion"
    }  # fmt: skip
    assert rec.skipped == {"L003": 1}
    assert [(r.sensor, r.value) for r in rec.events if r.sensor == "m004"] == [
        ("m004", 1.0),
        ("m004", 0.0),
        ("m004", 1.0),
    ]
    await replay_into_hub(api, conn, broker.port, rec, NATIVE)
