"""A Neo4j of a test's own (persistent data dir, fixed port and password) that the test can
kill and start again, for the recovery tests; the shared one of ``make test`` stays up."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

from registry.graph.neo4j_conn import Neo4jSettings

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 180.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class OwnNeo4j:
    """``scripts/neo4j-server.sh --data DIR --port P --password PW`` as a child process."""

    def __init__(self, workdir: Path, password: str = "test-recovery-pw") -> None:
        self.data = workdir / "neo4j-data"
        self.tmp = workdir / "neo4j-tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.password = password
        self.port = free_port()
        self.proc: subprocess.Popen[str] | None = None

    @property
    def settings(self) -> Neo4jSettings:
        return Neo4jSettings(uri=f"bolt://127.0.0.1:{self.port}", password=self.password)  # type: ignore[arg-type]

    def start(self) -> None:
        env = {**os.environ, "TMPDIR": str(self.tmp), "NEO4J_HEAP": "512m"}
        self.proc = subprocess.Popen(
            [str(ROOT / "scripts" / "neo4j-server.sh"), "--data", str(self.data),
             "--port", str(self.port), "--password", self.password, "--page-cache", "64m"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
        )  # fmt: skip
        lines: queue.Queue[str] = queue.Queue()
        out = self.proc.stdout
        assert out is not None
        threading.Thread(target=lambda: [lines.put(line) for line in out], daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Neo4j exited with {self.proc.returncode} before it was ready")
            try:
                if lines.get(timeout=1.0).strip() == "NEO4J_READY":
                    return
            except queue.Empty:
                continue
        self.kill()
        raise RuntimeError("Neo4j did not start in time")

    def kill(self) -> None:
        """Stop it hard (SIGKILL), as a crash or a pulled cable would."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(60)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(60)
        self.proc = None
