"""Finish the Lambda bundle `chalice package` wrote (issue 11): keep what the functions use,
and ship bytecode so a cold start does not compile every module.

    .venv/bin/python infra/bundle.py OUT_DIR/sam.json OUT_DIR/deployment.zip

infra/package.sh runs it after `chalice package`. It rewrites the zip in place and writes
OUT_DIR/bundle.json (files and bytes before and after; bench/bundle.py reports them).

- **botocore keeps only the service models the functions call** (BOTOCORE_SERVICES): its
  data/ folder has a model for every AWS service, over 2,000 of the bundle's files and 16 of
  its 27 MB. Creating a client for any other service fails with UnknownServiceError, so a new
  service the code calls must be added here (tests/infra/test_bundle.py checks the clients the
  code names). boto3 itself is the Lambda runtime's (requirements.txt); it uses this botocore.
- **Dropped**: test suites inside packages, type stubs (.pyi, *-stubs): never imported.
  holidays stays whole: admins may pick any country it knows, and it loads each country's
  module and translations (locale/*.mo, needed even for the default language) on demand.
- **Bytecode**: a ``__pycache__/<module>.cpython-3XX.pyc`` beside every .py (but
  NOT_COMPILED's), compiled with
  ``--invalidation-mode unchecked-hash``: Lambda's code folder is read-only, so without them
  every cold start compiles the app and its packages again; unchecked, so neither the zip's
  timestamps (all 1980-01-01) nor hashing the sources at import matter. The build Python must
  be the runtime's minor version (the template's ``Runtime``), or the .pyc would be ignored:
  packaging fails otherwise. PYTHONPYCACHEPREFIX and PYTHONDONTWRITEBYTECODE (set by the
  Makefile) do not apply: each .pyc is written to an explicit path.

``unpack(zip, folder)`` unpacks a bundle to import it on this machine (tests, bench): the
bundle's native extensions are built for Lambda's architecture (arm64); where this machine's
differs, each is replaced by the same version's build from this interpreter's site-packages.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import os
import py_compile
import shutil
import sys
import sysconfig
import tempfile
import zipfile
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path, PurePosixPath
from typing import Any

# botocore service models kept (folder names under botocore/data): what chalicelib's code,
# pynamodb (dynamodb) and the X-Ray SDK's sampling (xray) create clients for, and a few
# the functions are likely to need next (each costs 10-200 KB zipped).
BOTOCORE_SERVICES = frozenset(
    {
        "apigatewaymanagementapi",  # issue 15: live notices (adapters/live_apigw.py)
        "cloudwatch",
        "cognito-idp",
        "dynamodb",
        "dynamodbstreams",
        "pinpoint-sms-voice-v2",  # End User Messaging SMS: texts (adapters/sms_eum.py)
        "s3",
        "scheduler",
        "secretsmanager",
        "ses",
        "sesv2",
        "sns",
        "sqs",
        "stepfunctions",
        "sts",
        "xray",
    }
)
LAMBDA_ROOT = "/var/task"  # where Lambda unpacks the bundle; names sources in tracebacks
PYC_DATE = (1980, 1, 1, 0, 0, 0)  # as Chalice's entries
ELF_MACHINES = {0x3E: "x86_64", 0xB7: "aarch64"}


def runtime_of(template: dict[str, Any]) -> str:
    """The one Python runtime ("python3.11") of every function in the SAM template."""
    runtimes = {
        resource["Properties"].get("Runtime")
        for resource in template["Resources"].values()
        if resource["Type"] in ("AWS::Serverless::Function", "AWS::Lambda::Function")
    }
    runtimes.discard(None)
    global_runtime = template.get("Globals", {}).get("Function", {}).get("Runtime")
    if global_runtime:
        runtimes.add(global_runtime)
    if len(runtimes) != 1:
        raise SystemExit(f"expected one Python runtime in the template, found {runtimes}")
    (runtime,) = runtimes
    return str(runtime)


def check_python(runtime: str) -> None:
    build = f"python{sys.version_info.major}.{sys.version_info.minor}"
    if runtime != build:
        raise SystemExit(
            f"the functions run {runtime}, but this is {build} ({sys.executable}): its "
            f"bytecode would be ignored there. Package with {runtime} (VENV=...)."
        )


def dropped(name: str) -> bool:
    """Whether a bundle entry is left out (see the module docstring)."""
    parts = PurePosixPath(name).parts
    if not parts:
        return False
    top = parts[0]
    if top == "botocore" and len(parts) > 3 and parts[1] == "data":
        return parts[2] not in BOTOCORE_SERVICES
    if top in ("app.py", "chalicelib", "templates"):
        return False
    if top.endswith("-stubs") or name.endswith(".pyi"):
        return True
    return "tests" in parts[1:-1] or "__pycache__" in parts


# Modules imported one at a time on demand (a holiday calendar's country): compiling one at
# first use costs milliseconds once per container; shipping .pyc for all ~300 would cost
# 1.4 MB zipped.
NOT_COMPILED = ("holidays/countries/", "holidays/financial/")


def compilable(name: str) -> bool:
    top = PurePosixPath(name).parts[0]
    if not name.endswith(".py") or top.endswith((".dist-info", ".data")) or top == "templates":
        return False
    return not name.startswith(NOT_COMPILED)


def pyc_name(name: str) -> str:
    path = PurePosixPath(name)
    tag = sys.implementation.cache_tag
    return str(path.parent / "__pycache__" / f"{path.stem}.{tag}.pyc").removeprefix("./")


def _compile(job: tuple[str, str, str]) -> str | None:
    source, target, shown = job
    try:
        py_compile.compile(
            source,
            cfile=target,
            dfile=shown,
            doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
    except py_compile.PyCompileError as error:
        return str(error)
    return None


def compile_sources(sources: dict[str, bytes], workdir: Path) -> dict[str, bytes]:
    """Bundle name of each .pyc -> its bytes, for the given .py sources."""
    jobs = []
    for name, data in sources.items():
        source = workdir / "src" / name
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_bytes(data)
        jobs.append((str(source), str(workdir / "pyc" / pyc_name(name)), f"{LAMBDA_ROOT}/{name}"))
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        errors = [e for e in pool.map(_compile, jobs, chunksize=64) if e]
    ours = [e for e in errors if "chalicelib" in e or "app.py" in e]
    if ours:
        raise SystemExit("cannot compile the app:\n" + "\n".join(ours))
    for error in errors:  # a vendored file for another Python version: never imported
        print(f"bundle: not compiled: {error.splitlines()[0]}", file=sys.stderr)
    out = {}
    for name in sources:
        pyc = workdir / "pyc" / pyc_name(name)
        if pyc.exists():
            out[pyc_name(name)] = pyc.read_bytes()
    return out


def stats(infos: Iterable[zipfile.ZipInfo], zipped: int) -> dict[str, int]:
    infos = [i for i in infos if not i.is_dir()]
    return {
        "files": len(infos),
        "unzipped_bytes": sum(i.file_size for i in infos),
        "zipped_bytes": zipped,
        "pyc_files": sum(1 for i in infos if i.filename.endswith(".pyc")),
        "botocore_files": sum(1 for i in infos if i.filename.startswith("botocore/")),
    }


def finish(template_path: Path, bundle: Path) -> dict[str, Any]:
    """Trim the bundle and add bytecode, in place; returns before/after figures."""
    template = json.loads(template_path.read_text(encoding="utf-8"))
    runtime = runtime_of(template)
    check_python(runtime)
    with zipfile.ZipFile(bundle) as zin:
        infos = zin.infolist()
        before = stats(infos, bundle.stat().st_size)
        kept = [i for i in infos if not dropped(i.filename)]
        contents = {i.filename: zin.read(i) for i in kept}
    sources = {n: data for n, data in contents.items() if compilable(n)}
    with tempfile.TemporaryDirectory(prefix="servit-bundle-") as work:
        bytecode = compile_sources(sources, Path(work))
    partial = bundle.with_name(bundle.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in kept:
            zout.writestr(info, contents[info.filename])
        for name in sorted(bytecode):
            info = zipfile.ZipInfo(name, date_time=PYC_DATE)
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, bytecode[name])
    os.replace(partial, bundle)
    with zipfile.ZipFile(bundle) as z:
        after = stats(z.infolist(), bundle.stat().st_size)
    figures = {
        "runtime": runtime,
        "cache_tag": sys.implementation.cache_tag,
        "magic": importlib.util.MAGIC_NUMBER.hex(),
        "botocore_services": sorted(BOTOCORE_SERVICES),
        "before": before,
        "after": after,
    }
    bundle.with_name("bundle.json").write_text(json.dumps(figures, indent=2) + "\n")
    return figures


# --- unpacking a bundle on this machine (tests, bench) -------------------------------------


def elf_machine(path: Path) -> str | None:
    with path.open("rb") as f:
        header = f.read(20)
    if header[:4] != b"\x7fELF":
        return None
    little = header[5] == 1
    return ELF_MACHINES.get(int.from_bytes(header[18:20], "little" if little else "big"))


def host_machine() -> str | None:
    return elf_machine(Path(os.path.realpath(sys.executable)))


def _owners(folder: Path) -> dict[str, str]:
    """Bundle path -> the .dist-info folder whose RECORD lists it."""
    owners = {}
    for record in folder.glob("*.dist-info/RECORD"):
        for line in record.read_text(encoding="utf-8").splitlines():
            owners[line.split(",")[0]] = record.parent.name
    return owners


def unpack(bundle: Path, folder: Path) -> list[str]:
    """Unpack ``bundle`` into ``folder`` so this interpreter can import it; returns the
    native extensions replaced by this machine's build (none on arm64 Linux)."""
    with zipfile.ZipFile(bundle) as z:
        z.extractall(folder)
    host = host_machine()
    site = Path(sysconfig.get_paths()["platlib"])
    owners = _owners(folder)
    swapped = []
    for library in sorted(folder.rglob("*.so")):
        if elf_machine(library) in (host, None):
            continue
        relative = library.relative_to(folder)
        owner = owners.get(relative.as_posix())
        if owner is None or not (site / owner).is_dir():
            raise RuntimeError(f"{relative}: no same-version build here ({owner} not in {site})")
        module = relative.name.split(".")[0]
        candidates = [
            site / relative.parent / f"{module}{suffix}"
            for suffix in importlib.machinery.EXTENSION_SUFFIXES
        ]
        found = next((c for c in candidates if c.exists()), None)
        if found is None:
            raise RuntimeError(f"{relative}: no build of {module} in {site / relative.parent}")
        library.unlink()
        shutil.copy2(found, library.parent / found.name)
        swapped.append(relative.as_posix())
    return swapped


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: infra/bundle.py SAM_TEMPLATE DEPLOYMENT_ZIP", file=sys.stderr)
        return 2
    figures = finish(Path(argv[1]), Path(argv[2]))
    b, a = figures["before"], figures["after"]
    print(
        f"bundle: {b['files']:,} files, {b['zipped_bytes'] / 1e6:.1f} MB zipped -> "
        f"{a['files']:,} files ({a['pyc_files']:,} .pyc for {figures['runtime']}), "
        f"{a['zipped_bytes'] / 1e6:.1f} MB zipped"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
