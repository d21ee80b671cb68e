"""`python -X importtime -c "import app"`: the import cost a cold Lambda pays for app.py."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class ImportLine:
    module: str
    self_us: int
    cumulative_us: int
    depth: int  # 0: imported at top level


@dataclass(frozen=True)
class ImportTimes:
    mode: str
    runs: int
    median_ms: float  # cumulative of the top-level `app` line
    all_ms: list[float]
    slowest: list[tuple[str, float, float]]  # module, median self ms, median cumulative ms


def parse(stderr: str) -> list[ImportLine]:
    lines = []
    for raw in stderr.splitlines():
        if not raw.startswith("import time:") or "imported package" in raw:
            continue
        self_us, cumulative_us, name = raw.removeprefix("import time:").split("|", 2)
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        lines.append(ImportLine(name.strip(), int(self_us), int(cumulative_us), depth))
    return lines


def app_subtree(lines: list[ImportLine]) -> list[ImportLine]:
    """The lines `import app` caused (printed children first, ending with `app` itself),
    without the interpreter's own start-up imports."""
    start = 0
    for index, line in enumerate(lines):
        if line.depth == 0:
            if line.module == "app":
                return lines[start : index + 1]
            start = index + 1
    raise RuntimeError("no top-level `app` line in the -X importtime output")


def run_once(env: dict[str, str]) -> list[ImportLine]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return parse(result.stderr)


def measure(mode: str, env: dict[str, str], runs: int, warmup: int = 0) -> ImportTimes:
    for _ in range(warmup):
        run_once(env)
    results = [app_subtree(run_once(env)) for _ in range(runs)]
    totals = [lines[-1].cumulative_us / 1000 for lines in results]
    self_ms: dict[str, list[float]] = {}
    cumulative_ms: dict[str, list[float]] = {}
    for lines in results:
        for line in lines:
            self_ms.setdefault(line.module, []).append(line.self_us / 1000)
            cumulative_ms.setdefault(line.module, []).append(line.cumulative_us / 1000)
    medians = {m: statistics.median(v) for m, v in self_ms.items()}
    slowest = sorted(medians, key=lambda m: medians[m], reverse=True)[:5]
    return ImportTimes(
        mode,
        runs,
        statistics.median(totals),
        totals,
        [(m, medians[m], statistics.median(cumulative_ms[m])) for m in slowest],
    )


def measure_both(runs: int = 5) -> list[ImportTimes]:
    """Two modes. Cached: every module's bytecode in a private cache outside the tree,
    filled by one warm-up run. Source: app.py and chalicelib compiled on every run
    (nothing is written; installed packages keep the .pyc that pip wrote)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    with tempfile.TemporaryDirectory(prefix="servit-pycache-") as cache:
        cached = measure("bytecode cached", dict(base, PYTHONPYCACHEPREFIX=cache), runs, 1)
    has_cache = any((ROOT / "chalicelib").rglob("__pycache__"))
    mode = "app + chalicelib compiled from source on each run"
    if has_cache:
        mode = "no bytecode writes (chalicelib has a __pycache__, so partly cached)"
    source = measure(mode, dict(base, PYTHONDONTWRITEBYTECODE="1"), runs)
    return [cached, source]
