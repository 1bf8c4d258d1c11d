"""Work in a forked child gives the answer the parent would, and survives the child dying."""

from __future__ import annotations

import os

import pytest

from registry.forked import Forked

PARENT = os.getpid()


def _where() -> int:
    return os.getpid()


def _die_in_child() -> str:
    if os.getpid() != PARENT:
        os._exit(9)  # as if the kernel killed it for memory
    return "computed in the parent"


def _fail() -> None:
    raise ValueError("bad input")


def test_the_work_runs_in_a_child_and_its_answer_comes_back() -> None:
    job = Forked(_where)
    assert job.in_child
    assert job.result() not in (PARENT, 0)


def test_a_dead_child_means_the_parent_does_the_work() -> None:
    assert Forked(_die_in_child).result() == "computed in the parent"


def test_an_error_in_the_work_is_raised_in_the_parent() -> None:
    with pytest.raises(ValueError, match="bad input"):
        Forked(_fail).result()


def test_without_fork_the_parent_does_the_work() -> None:
    job = Forked(_where, fork=False)
    assert not job.in_child
    assert job.result() == PARENT


def test_short_of_memory_the_parent_does_the_work(monkeypatch: pytest.MonkeyPatch) -> None:
    import registry.forked as forked

    monkeypatch.setattr(forked, "_room_for_a_child", lambda: False)
    job = Forked(_where)
    assert not job.in_child
    assert job.result() == PARENT


def test_this_machine_has_room_for_a_small_child() -> None:
    import registry.forked as forked

    assert forked._room_for_a_child()


def _slow() -> int:
    import time

    time.sleep(60)
    return 1


def test_close_stops_a_child_whose_answer_is_no_longer_wanted() -> None:
    import time

    job = Forked(_slow)
    assert job.in_child
    started = time.monotonic()
    job.close()
    assert time.monotonic() - started < 10
    assert not job.in_child
