"""Writers take turns; a failed or killed writer never leaves the store locked or half-written."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from registry.store.sqlite import SQLiteStore


def test_failed_transaction_releases_the_gate(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path)
    with pytest.raises(RuntimeError), store.transaction():
        store.set_meta("half", "done")
        raise RuntimeError("boom")
    assert store.get_meta("half") is None  # rolled back
    done = threading.Event()

    def other_writer() -> None:
        other = SQLiteStore(tmp_path)
        with other.transaction():
            other.set_meta("next", "writer")
        other.close()
        done.set()

    threading.Thread(target=other_writer, daemon=True).start()
    assert done.wait(5), "a second writer was still locked out after a rollback"
    assert store.get_meta("next") == "writer"
    store.close()


def test_a_waiting_writer_runs_once_the_holder_commits(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path)
    order: list[str] = []
    holding = threading.Event()

    def holder() -> None:
        own = SQLiteStore(tmp_path)
        with own.transaction():
            holding.set()
            time.sleep(0.3)
            own.set_meta("first", "1")
            order.append("holder committed")
        own.close()

    t = threading.Thread(target=holder)
    t.start()
    assert holding.wait(5)
    with store.transaction():
        order.append("waiter began")
        assert store.get_meta("first") == "1"  # it saw the holder's commit
    t.join()
    assert order == ["holder committed", "waiter began"]
    store.close()


def test_a_killed_writer_never_blocks_the_store(tmp_path: Path) -> None:
    SQLiteStore(tmp_path).close()
    code = textwrap.dedent(
        f"""
        import sys, time
        from registry.store.sqlite import SQLiteStore
        store = SQLiteStore({str(tmp_path)!r})
        with store.transaction():
            store.set_meta("orphan", "yes")
            print("holding", flush=True)
            time.sleep(60)
        """
    )
    root = Path(__file__).resolve().parents[3]
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=root, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "holding"
        proc.kill()  # SIGKILL mid-transaction
        proc.wait(10)
        store = SQLiteStore(tmp_path)
        started = time.perf_counter()
        with store.transaction():
            store.set_meta("after", "kill")
        assert time.perf_counter() - started < 5
        assert store.get_meta("orphan") is None  # the killed write never landed
        assert store.get_meta("after") == "kill"
        store.close()
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_store_waits_as_long_as_it_is_told_for_the_writer_lock(tmp_path: Path) -> None:
    from registry.parallel_ingest import WORKER_BUSY_TIMEOUT_MS
    from registry.store.sqlite import BUSY_TIMEOUT_MS

    default = SQLiteStore(tmp_path)
    worker = SQLiteStore(tmp_path, busy_timeout_ms=WORKER_BUSY_TIMEOUT_MS)
    try:
        assert default._conn.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS
        assert worker._conn.execute("PRAGMA busy_timeout").fetchone()[0] == WORKER_BUSY_TIMEOUT_MS
        assert WORKER_BUSY_TIMEOUT_MS > BUSY_TIMEOUT_MS
    finally:
        default.close()
        worker.close()
