"""The simulator's publish benchmark runs on its own throwaway Mosquitto and ends with its figures as JSON."""

from __future__ import annotations

import json

import pytest

from bench import simulator as bench


def test_the_publish_benchmark_prints_figures_then_the_same_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--homes", "40", "--messages", "3000", "--connections", "2"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    figures = json.loads(lines[-1])
    assert figures["messages"] == 3000
    assert figures["subscriber_received"] == 3000  # every message published reached a subscriber
    for key in ("generate", "publish", "publish_with_subscriber", "end_to_end"):
        assert figures[f"{key}_msg_per_s"] > 0
        assert any(line.strip().startswith(key.replace("_", " ")) for line in lines[:-1])
