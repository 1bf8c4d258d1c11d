"""Pure work handed to a forked child while the parent goes on with other work.

The reference machine has two cores and a batch run is one Python process: estimating u
(comparing 200,000 random record pairs) needs nothing that blocking and comparing the
candidate pairs produce, so a forked child does it meanwhile. A fork shares the parent's
records copy-on-write instead of pickling them over; only the (small) result comes back.
Where fork is not available, or the child dies (out of memory, killed), the work runs in
the parent instead: the answer is the same, only later. So it does when the machine has
less memory free than the parent's resident size: a child writes to the pages of every
object it touches (reference counts), those pages are copied, and the parent goes on
growing meanwhile.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def _run(fn: Callable[[], Any], conn: Connection) -> None:
    try:
        value = fn()
    except BaseException as exc:  # the parent re-runs the work and sees the error itself
        conn.send((False, repr(exc)))
    else:
        conn.send((True, value))
    finally:
        conn.close()


def _meminfo_kib(path: str, field: str) -> int | None:
    try:
        with open(path, encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _room_for_a_child() -> bool:
    """Free memory (MemAvailable) is at least this process's resident size; True where the
    kernel does not say (no /proc)."""
    available = _meminfo_kib("/proc/meminfo", "MemAvailable:")
    resident = _meminfo_kib("/proc/self/status", "VmRSS:")
    return available is None or resident is None or available >= resident


class Forked(Generic[T]):
    """``fn()`` computed in a forked child; :meth:`result` waits for it."""

    def __init__(self, fn: Callable[[], T], *, fork: bool = True) -> None:
        self._fn = fn
        self._conn: Connection | None = None
        self._proc: BaseProcess | None = None
        if not fork or "fork" not in multiprocessing.get_all_start_methods():
            return
        if not _room_for_a_child():
            return
        ctx = multiprocessing.get_context("fork")
        receive, send = ctx.Pipe(duplex=False)
        try:
            proc = ctx.Process(target=_run, args=(fn, send), daemon=True)
            proc.start()
        except OSError:  # no memory or processes left for a child: run it in the parent
            receive.close()
            return
        finally:
            send.close()
        self._conn, self._proc = receive, proc

    @property
    def in_child(self) -> bool:
        """Whether the work is running in a child (else :meth:`result` computes it)."""
        return self._proc is not None

    def close(self) -> None:
        """Stop the child if it is still working (the parent no longer wants its answer)."""
        conn, proc = self._conn, self._proc
        self._conn = self._proc = None
        if proc is not None:
            if proc.is_alive():
                proc.terminate()
            proc.join()
        if conn is not None:
            conn.close()

    def result(self) -> T:
        """The child's answer, or ``fn()`` computed here if there was no child or it failed."""
        conn, proc = self._conn, self._proc
        self._conn = self._proc = None
        if conn is None or proc is None:
            return self._fn()
        try:
            ok, value = conn.recv()
        except (EOFError, OSError):  # the child died without answering
            ok, value = False, None
        finally:
            conn.close()
            proc.join()
        return value if ok else self._fn()
