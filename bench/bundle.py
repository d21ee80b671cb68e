"""`make bench`, part two: the Lambda bundle's size and a cold start's `import app` from it.

    .venv/bin/python bench/bundle.py [--out OUT_DIR] [--runs N]

Packages the app (infra/package.sh into a temporary folder, or uses OUT_DIR's package),
then reports the bundle's files and bytes as `chalice package` wrote it and as
infra/bundle.py finished it (OUT_DIR/bundle.json), and times `import app` the way a cold
Lambda container does it: from the unpacked bundle, read-only, in a fresh interpreter
(`-I -S -B`: no site-packages, no PYTHON* variables, no bytecode written), with the bytecode
the bundle ships and without it, against the floor `import pynamodb.models, chalice`.
Writes its section of docs/performance.md (between the ``<!-- bundle -->`` markers).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import stat
import statistics
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from infra import bundle  # noqa: E402

OUTPUT = ROOT / "docs" / "performance.md"
START, END = "<!-- bundle -->", "<!-- /bundle -->"
RUNS = 15
APP = "import app"
# app.py defers pynamodb's models (and botocore's session) to the first request that needs
# them: this is import app plus what the first DynamoDB call adds.
APP_FIRST = "import app, pynamodb.models"
FLOOR = "import pynamodb.models, chalice"
STATEMENTS = (APP, APP_FIRST, FLOOR)
TIMED = r"""
import sys, time
sys.path[:0] = [sys.argv[1], sys.argv[2]]
started = time.perf_counter()
exec(sys.argv[3])
print(time.perf_counter() - started)
"""


@dataclass(frozen=True)
class Timing:
    variant: str
    statement: str
    runs_ms: list[float]

    @property
    def min_ms(self) -> float:
        return min(self.runs_ms)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.runs_ms)


def package(out: Path | None, work: Path) -> Path:
    if out is not None:
        return out
    out = work / "package"
    print("packaging (infra/package.sh) ...", flush=True)
    subprocess.run(
        ["bash", str(ROOT / "infra" / "package.sh"), str(out)],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return out


def read_only(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def writable(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)


def time_once(task: Path, runtime: Path, statement: str) -> float:
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-B", "-c", TIMED, str(task), str(runtime), statement],
        cwd=task,
        env={"PATH": os.environ["PATH"], "AWS_DEFAULT_REGION": "eu-north-1"},
        capture_output=True,
        text=True,
        check=True,
    )
    return float(result.stdout.strip()) * 1000


def measure(folders: dict[str, Path], runtime: Path, runs: int) -> list[Timing]:
    """Variants and statements interleaved, so drift in the machine's load hits all alike."""
    times: dict[tuple[str, str], list[float]] = {}
    for task in folders.values():  # one unmeasured run each: the page cache
        for statement in STATEMENTS:
            time_once(task, runtime, statement)
    for _ in range(runs):
        for variant, task in folders.items():
            for statement in STATEMENTS:
                times.setdefault((variant, statement), []).append(
                    time_once(task, runtime, statement)
                )
    return [Timing(v, s, t) for (v, s), t in times.items()]


def mb(count: int) -> str:
    return f"{count / 1e6:.1f} MB"


def render(figures: dict[str, object], timings: list[Timing], swapped: list[str], load: str) -> str:
    before, after = figures["before"], figures["after"]
    assert isinstance(before, dict) and isinstance(after, dict)
    by = {(t.variant, t.statement): t for t in timings}
    rows = []
    for variant in dict.fromkeys(t.variant for t in timings):
        app, first, floor = (by[(variant, s)] for s in STATEMENTS)
        rows.append(
            f"| {variant} | {app.min_ms:.0f} ({app.median_ms:.0f}) "
            f"| {first.min_ms:.0f} ({first.median_ms:.0f}) "
            f"| {floor.min_ms:.0f} ({floor.median_ms:.0f}) "
            f"| {app.min_ms / floor.min_ms:.2f}× | {first.min_ms / floor.min_ms:.2f}× |"
        )
    runs = len(timings[0].runs_ms)
    services = ", ".join(str(s) for s in figures["botocore_services"])  # type: ignore[attr-defined]
    native = (
        f"The bundle's {len(swapped)} native extensions are built for arm64; on this "
        f"{bundle.host_machine()} machine each was replaced by the same version's build "
        "from the venv (everything else, bytecode included, is the bundle's)."
        if swapped
        else "The bundle's native extensions are this machine's architecture."
    )
    return "\n".join(
        [
            START,
            "## Lambda bundle: size and `import app` on a cold start (issue 11)",
            "",
            "By `bench/bundle.py` (`make bench` runs it after `bench/run.py`): `make package`'s",
            "`out/deployment.zip` as `chalice package` writes it and as `infra/bundle.py` finishes",
            "it (botocore with only the service models the functions use, no tests or type stubs,",
            f"bytecode for {figures['runtime']} added).",
            "",
            "| bundle | files | .pyc | botocore files | unzipped | zipped |",
            "|---|--:|--:|--:|--:|--:|",
            f"| as `chalice package` writes it | {before['files']:,} | {before['pyc_files']:,} "
            f"| {before['botocore_files']:,} | {mb(before['unzipped_bytes'])} "
            f"| {mb(before['zipped_bytes'])} |",
            f"| shipped (`infra/bundle.py`) | {after['files']:,} | {after['pyc_files']:,} "
            f"| {after['botocore_files']:,} | {mb(after['unzipped_bytes'])} "
            f"| {mb(after['zipped_bytes'])} |",
            "",
            f"botocore models kept: {services}. Lambda's limit is 250 MB unzipped (50 MB",
            "zipped applies to direct uploads; `make deploy` uploads through S3).",
            "",
            "`import app` as a cold container runs it: the bundle unpacked and made read-only,",
            "a fresh `python -I -S -B` each time (only the bundle, boto3 as the runtime provides",
            "it, and the standard library on the path; no bytecode written), timed inside the",
            f"process around the import; {runs} runs of each, interleaved: min ms (median);",
            f"{datetime.now(UTC):%Y-%m-%d}, {os.cpu_count()} cores, load average {load} at the "
            "start (the min is the figure to compare: the machine is shared).",
            f"Floor: `{FLOOR}` from the same folder. `app.py` defers pynamodb's models to the",
            f"first request that needs them, so `{APP_FIRST}` is the import a cold",
            "start's first DynamoDB call has paid for.",
            native,
            "",
            f"| bytecode | `{APP}` | `{APP_FIRST}` | floor | app / floor | app + models / floor |",
            "|---|--:|--:|--:|--:|--:|",
            *rows,
            END,
        ]
    )


def write(section: str) -> None:
    text = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else "# Performance\n"
    start, end = text.find(START), text.find(END)
    if start != -1 and end != -1:
        text = text[:start] + section + text[end + len(END) :]
    elif "<!-- ui -->" in text:
        at = text.index("<!-- ui -->")
        text = text[:at] + section + "\n\n" + text[at:]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    OUTPUT.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, help="use this infra/package.sh output")
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="servit-bench-bundle-") as tmp:
        work = Path(tmp)
        out = package(args.out, work)
        figures = json.loads((out / "bundle.json").read_text())
        shipped, stripped = work / "with", work / "without"
        swapped = bundle.unpack(out / "deployment.zip", shipped)
        bundle.unpack(out / "deployment.zip", stripped)
        for cache in list(stripped.rglob("__pycache__")):
            shutil.rmtree(cache)
        runtime = work / "runtime"  # boto3 as the Lambda runtime provides it
        runtime.mkdir()
        site = Path(sysconfig.get_paths()["purelib"])
        for name in ("boto3", "s3transfer"):
            (runtime / name).symlink_to(site / name)
        folders = {"shipped (.pyc in the bundle)": shipped, "none (compiled at import)": stripped}
        for folder in folders.values():
            read_only(folder)
        print(f"import app from the bundle, {args.runs} runs each ...", flush=True)
        try:
            timings = measure(folders, runtime, args.runs)
        finally:
            for folder in folders.values():
                writable(folder)
    section = render(figures, timings, swapped, load)
    write(section)
    print(section)
    print(f"written to {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
