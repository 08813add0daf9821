"""The README stays true: every setting is in its table, and CI runs exactly its test command."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

from hub.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def env_names(model: type[BaseModel], prefix: str = "CAREHUB_") -> Iterator[str]:
    for name, field in model.model_fields.items():
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            yield from env_names(ann, f"{prefix}{name.upper()}__")
        else:
            yield f"{prefix}{name.upper()}"


def test_every_setting_is_documented() -> None:
    text = (ROOT / "README.md").read_text()
    table = text[text.index("## Settings") :]
    missing = [n for n in env_names(Settings) if n not in table and f"/ `__{n.rsplit('__', 1)[-1]}`" not in table]
    assert not missing, f"settings missing from the README table: {missing}"


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    command = re.search(r"^make test\b", readme, re.MULTILINE)
    assert command is not None
    ci = [
        line
        for line in (ROOT / ".ci/run").read_text().splitlines()
        if line and not line.startswith(("#", "set ", "cd "))
    ]
    assert ci == ["make test"]
