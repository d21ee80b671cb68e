"""Every state machine definition in infra/statemachines/ passes npm's asl-validator (the
ASL schema and its path expressions). moto's CreateStateMachine and its interpreter check
the same files in tests/integration/test_state_machines.py."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = ROOT / "node_modules" / ".bin" / "asl-validator"
FILES = sorted((ROOT / "infra" / "statemachines").glob("*.asl.json"))


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VALIDATOR), "--json-path", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_there_are_the_three_machines() -> None:
    assert [p.name for p in FILES] == [
        "close_children.asl.json",
        "consultation.asl.json",
        "wakeup.asl.json",
    ]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_asl_validator_accepts_the_definition(path: Path) -> None:
    result = validate(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_asl_validator_refuses_a_broken_definition(tmp_path: Path) -> None:
    """The check can fail: a Wait state with no time is refused."""
    broken = json.loads(FILES[-1].read_text())
    del broken["States"]["WaitUntil"]["TimestampPath"]
    path = tmp_path / "broken.asl.json"
    path.write_text(json.dumps(broken))

    assert validate(path).returncode != 0
