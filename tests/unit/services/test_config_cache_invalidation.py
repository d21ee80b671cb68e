"""The config cache across processes: in the local stack the API (chalice local) and the
SMTP intake are two processes with a cache each; a change made through one is seen by
the very next read in the other (a shared generation file), while in AWS the cache keeps
its TTL. Two caches over one store stand for the two processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from chalicelib import bootstrap
from chalicelib import config as config_module
from chalicelib.adapters.config_cache import CachedConfigRepository, FileGeneration
from chalicelib.adapters.memory import InMemoryConfigRepository

RP = ("response_point", "kundtjanst")


class CountingStore(InMemoryConfigRepository):
    """DynamoDB as both processes see it; counts the reads that reach it."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0
        self.during_next_read: list[Any] = []  # callbacks run inside the next read

    def get(self, kind: str, item_id: str) -> dict[str, Any] | None:
        self.reads += 1
        value = super().get(kind, item_id)
        while self.during_next_read:
            self.during_next_read.pop()()
        return value

    def list(self, kind: str) -> list[dict[str, Any]]:
        self.reads += 1
        return super().list(kind)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store() -> CountingStore:
    shared = CountingStore()
    shared.put(*RP, {"id": "kundtjanst", "name": "Kundtjänst", "auto_acknowledge": True})
    return shared


def process(store: CountingStore, generation_file: Path | None, clock: Clock) -> Any:
    generation = FileGeneration(str(generation_file)) if generation_file else None
    return CachedConfigRepository(store, 30, monotonic=clock, generation=generation)


def test_a_change_made_in_the_api_process_is_seen_by_the_next_read_in_the_smtp_process(
    store: CountingStore, tmp_path: Path
) -> None:
    clock = Clock()
    api, smtp = (process(store, tmp_path / "config-generation", clock) for _ in range(2))
    assert smtp.get(*RP)["auto_acknowledge"] is True
    assert smtp.list("response_point")[0]["name"] == "Kundtjänst"

    api.put(*RP, {"id": "kundtjanst", "name": "Kundservice", "auto_acknowledge": False})

    assert smtp.get(*RP)["auto_acknowledge"] is False  # no time has passed
    assert smtp.list("response_point")[0]["name"] == "Kundservice"
    api.delete(*RP)
    assert smtp.get(*RP) is None
    assert smtp.list("response_point") == []


def test_between_changes_reads_come_from_the_cache(store: CountingStore, tmp_path: Path) -> None:
    clock = Clock()
    api, smtp = (process(store, tmp_path / "config-generation", clock) for _ in range(2))
    for _ in range(5):
        smtp.get(*RP)
        smtp.list("response_point")
        clock.now += 5
    assert store.reads == 2

    api.put(*RP, {"id": "kundtjanst", "name": "Kundservice"})
    smtp.get(*RP)
    smtp.get(*RP)
    assert store.reads == 3  # read again once, then cached under the new generation
    assert smtp.next_number("ticket", 1000) == 1000
    smtp.get(*RP)
    assert store.reads == 3  # a counter neither is cached nor moves the generation


def test_a_read_that_a_change_overtakes_is_not_kept(store: CountingStore, tmp_path: Path) -> None:
    """The change lands while the SMTP process reads: what it read may be the old value,
    so it must not be served from the cache afterwards."""
    clock = Clock()
    api, smtp = (process(store, tmp_path / "config-generation", clock) for _ in range(2))
    store.during_next_read.append(lambda: api.put(*RP, {"id": "kundtjanst", "name": "Kundservice"}))
    assert smtp.get(*RP)["name"] == "Kundtjänst"  # read before the change was stored
    assert smtp.get(*RP)["name"] == "Kundservice"


def test_the_generation_is_shared_between_processes(tmp_path: Path) -> None:
    path = tmp_path / "data" / "config-generation"
    here = FileGeneration(str(path))
    assert here.current() == 0
    here.bump()
    code = (
        "import sys; from chalicelib.adapters.config_cache import FileGeneration; "
        "g = FileGeneration(sys.argv[1]); g.bump(); g.bump()"
    )
    root = Path(__file__).resolve().parents[3]
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, cwd=root)
    assert here.current() == 3


def test_without_a_generation_other_containers_see_a_change_after_the_ttl_as_in_aws(
    store: CountingStore,
) -> None:
    clock = Clock()
    writer, reader = process(store, None, clock), process(store, None, clock)
    assert reader.get(*RP)["name"] == "Kundtjänst"
    writer.put(*RP, {"id": "kundtjanst", "name": "Kundservice"})
    assert writer.get(*RP)["name"] == "Kundservice"  # its own write: at once
    clock.now += 29
    assert reader.get(*RP)["name"] == "Kundtjänst"
    clock.now += 1
    assert reader.get(*RP)["name"] == "Kundservice"


def test_the_local_stack_shares_a_generation_file_and_aws_has_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = config_module.load({"SERVIT_STAGE": "local", "SERVIT_DATA_DIR": str(tmp_path)})
    assert local.config_cache_seconds == 30
    assert local.config_generation_file == str(tmp_path / "config-generation")
    aws = config_module.load({"SERVIT_STAGE": "prod", "SERVIT_SECRET": "s"})
    assert (aws.config_cache_seconds, aws.config_generation_file) == (30, "")
    off = config_module.load({"SERVIT_STAGE": "local", "SERVIT_CONFIG_CACHE_SECONDS": "0"})
    assert off.config_cache_seconds == 0

    from chalicelib.adapters.dynamodb import models

    monkeypatch.setattr(models, "bind", lambda *args: None)  # no DynamoDB needed to wire
    svc = bootstrap.build(local)
    assert isinstance(svc.config, CachedConfigRepository)
    assert isinstance(svc.config._generation, FileGeneration)
