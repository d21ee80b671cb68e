"""The Lambda bundle infra/bundle.py finishes (issue 11): bytecode for the runtime's Python,
only the botocore models the code uses, and the app still imports from it with nothing else
on the path but the standard library and what the Lambda runtime provides (boto3)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from infra import bundle

pytestmark = pytest.mark.infra

ROOT = Path(__file__).resolve().parents[2]
# CPython's bytecode magic number per Lambda runtime (importlib.util.MAGIC_NUMBER there)
MAGIC = {"python3.11": 3495, "python3.12": 3531, "python3.13": 3571}
# The Lambda runtime provides boto3 (requirements.txt); it imports the bundle's botocore.
RUNTIME_PROVIDED = ("boto3", "s3transfer")
HOLIDAY_COUNTRIES = ("SE", "NO", "DK", "FI", "DE", "GB", "US")


@pytest.fixture(scope="module")
def names(packaged: Path) -> list[str]:
    with zipfile.ZipFile(packaged / "deployment.zip") as z:
        return z.namelist()


@pytest.fixture(scope="module")
def template(packaged: Path) -> dict[str, Any]:
    return json.loads((packaged / "sam.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_every_module_of_the_app_ships_bytecode_for_the_runtimes_python(
    packaged: Path, names: list[str], template: dict[str, Any]
) -> None:
    runtime = bundle.runtime_of(template)
    assert runtime == "python3.11"
    version = runtime.removeprefix("python").replace(".", "")
    magic = MAGIC[runtime].to_bytes(2, "little") + b"\r\n"
    ours = [
        n for n in names if n.endswith(".py") and (n == "app.py" or n.startswith("chalicelib/"))
    ]
    assert len(ours) > 50
    with zipfile.ZipFile(packaged / "deployment.zip") as z:
        for name in ours:
            path = PurePosixPath(name)
            pyc = str(path.parent / "__pycache__" / f"{path.stem}.cpython-{version}.pyc")
            pyc = pyc.removeprefix("./")
            assert pyc in names, name
            header = z.read(pyc)[:16]
            assert header[:4] == magic, name
            # flags 0b01: hash-based and unchecked, so zip timestamps never matter
            assert int.from_bytes(header[4:8], "little") == 0b01, name
    # vendored packages too
    assert "pynamodb/__pycache__/models.cpython-311.pyc" in names
    assert "chalice/__pycache__/app.cpython-311.pyc" in names


def test_packaging_refuses_a_python_other_than_the_runtimes() -> None:
    other = "python3.12" if sys.version_info[:2] != (3, 12) else "python3.11"
    with pytest.raises(SystemExit, match=other):
        bundle.check_python(other)
    two = {
        "Resources": {
            "A": {"Type": "AWS::Serverless::Function", "Properties": {"Runtime": "python3.11"}},
            "B": {"Type": "AWS::Serverless::Function", "Properties": {"Runtime": "python3.12"}},
        }
    }
    with pytest.raises(SystemExit):
        bundle.runtime_of(two)


def test_botocore_keeps_only_the_models_the_functions_use(names: list[str]) -> None:
    services = {
        n.split("/")[2] for n in names if n.startswith("botocore/data/") and n.count("/") > 2
    }
    assert services == bundle.BOTOCORE_SERVICES
    for kept in ("botocore/data/endpoints.json", "botocore/data/partitions.json"):
        assert kept in names
    assert not [n for n in names if n.endswith(".pyi") or "/tests/" in n]
    assert not [n for n in names if n.split("/")[0].endswith("-stubs")]


def clients_named(paths: Iterable[Path]) -> set[str]:
    """Service names in client("...") calls (boto3.client, session.client) in the code."""
    found = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("client", "create_client")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def test_every_service_the_functions_call_has_its_model_in_the_bundle() -> None:
    # chalicelib/ops runs on an operator's machine, with their own boto3
    code = [ROOT / "app.py", *(ROOT / "chalicelib").rglob("*.py")]
    named = clients_named(p for p in code if "ops" not in p.relative_to(ROOT).parts)
    assert {"s3", "sesv2", "cognito-idp", "secretsmanager"} <= named
    missing = named - bundle.BOTOCORE_SERVICES
    assert not missing, f"add {sorted(missing)} to infra/bundle.BOTOCORE_SERVICES"


IMPORT_CHECK = r"""
import importlib, json, pkgutil, sys, zoneinfo
bundle, runtime = sys.argv[1], sys.argv[2]
sys.path[:0] = [bundle, runtime]
out = {}
handlers = json.loads(sys.argv[3])
for function, handler in handlers.items():
    module, _, attribute = handler.rpartition(".")
    out[function] = callable(getattr(importlib.import_module(module), attribute))
import chalicelib
failed = {}
for info in pkgutil.walk_packages(chalicelib.__path__, "chalicelib."):
    try:
        importlib.import_module(info.name)
    except Exception as error:
        failed[info.name] = repr(error)
out["failed"] = failed
import holidays
out["holidays"] = {
    c: len(holidays.country_holidays(c, years=2026)) for c in json.loads(sys.argv[4])
}
out["stockholm"] = str(zoneinfo.ZoneInfo("Europe/Stockholm"))
import boto3, botocore.exceptions, botocore.session
keys = {"region_name": "eu-north-1", "aws_access_key_id": "x", "aws_secret_access_key": "y"}
session = botocore.session.get_session()
out["clients"] = sorted(
    s for s in json.loads(sys.argv[5]) if session.create_client(s, **keys) is not None
)
out["boto3"] = [type(boto3.client(s, **keys)).__name__ for s in ("s3", "sesv2", "cognito-idp")]
try:
    session.create_client("ec2", **keys)
    out["ec2"] = "created"
except botocore.exceptions.UnknownServiceError:
    out["ec2"] = "unknown"
out["outside"] = sorted(
    name for name, module in list(sys.modules.items())
    if getattr(module, "__file__", None)
    and not module.__file__.startswith((bundle, runtime, sys.base_prefix))
)
out["botocore"] = botocore.__file__
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def unpacked(packaged: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("bundle")
    bundle.unpack(packaged / "deployment.zip", folder / "task")
    runtime = folder / "runtime"
    runtime.mkdir()
    site = Path(sysconfig.get_paths()["purelib"])
    for package in RUNTIME_PROVIDED:
        (runtime / package).symlink_to(site / package)
    yield folder


def test_the_app_imports_from_the_bundle_alone(unpacked: Path, template: dict[str, Any]) -> None:
    # Given the unpacked bundle, boto3 as the runtime provides it, and nothing else but the
    # standard library (-S: no site-packages; -I: no PYTHON* variables; -B: read-only)
    handlers = {
        logical_id: resource["Properties"]["Handler"]
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }
    env = {"PATH": os.environ["PATH"], "AWS_DEFAULT_REGION": "eu-north-1"}
    result = subprocess.run(
        [
            sys.executable, "-I", "-S", "-B", "-c", IMPORT_CHECK,
            str(unpacked / "task"), str(unpacked / "runtime"), json.dumps(handlers),
            json.dumps(HOLIDAY_COUNTRIES), json.dumps(sorted(bundle.BOTOCORE_SERVICES)),
        ],
        cwd=unpacked / "task", env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)

    # Then every function's handler is there, and every chalicelib module imports
    assert {f: out[f] for f in handlers} == dict.fromkeys(handlers, True)
    assert out["failed"] == {}
    # holidays works for the countries customers use (its countries load lazily)
    assert all(count >= 5 for count in out["holidays"].values()), out["holidays"]
    assert out["stockholm"] == "Europe/Stockholm"
    # the bundle's botocore makes a client for each kept model, and for no other
    assert out["botocore"].startswith(str(unpacked / "task"))
    assert out["clients"] == sorted(bundle.BOTOCORE_SERVICES)
    assert out["boto3"] == ["S3", "SESV2", "CognitoIdentityProvider"]
    assert out["ec2"] == "unknown"
    assert out["outside"] == []


def test_the_bundle_is_smaller_than_chalices(packaged: Path) -> None:
    figures = json.loads((packaged / "bundle.json").read_text())
    before, after = figures["before"], figures["after"]
    assert after["botocore_files"] < before["botocore_files"] / 5
    assert after["zipped_bytes"] < before["zipped_bytes"] * 0.8
    assert after["pyc_files"] > 500 and before["pyc_files"] == 0
