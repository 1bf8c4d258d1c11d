"""The cycle collector is off during resolution runs and back on afterwards, whatever happens."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

import registry.batch as batch
import registry.engine as engine
import registry.incremental as incremental
from registry.collector import collector_paused
from registry.service import Registry
from tests.registry.conftest import ingest_persons

ROWS = ["a1,张伟,11010519491231002X,13800000001", "a2,张伟,11010519491231002X,13800000001"]


def test_paused_inside_and_restored_after_an_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # re-entrant: the inner block leaves it off
            pass
        assert not gc.isenabled()
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_incremental_and_batch_resolution_run_with_the_collector_paused(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    real = engine.cluster_records

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(incremental, "cluster_records", spy)
    monkeypatch.setattr(batch, "cluster_records", spy)
    ingest_persons(registry, tmp_path, "hukou", ROWS)  # incremental
    registry.resolve()  # batch
    assert seen and not any(seen)
    assert gc.isenabled()
