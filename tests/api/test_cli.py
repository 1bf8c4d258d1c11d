"""`registry serve`: the API's command, added to the registry CLI from the api package."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from api.cli import app
from tests.api.conftest import City, auth
from tests.serving import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_serve_is_a_registry_command() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--store", "--workers"):
        assert option in result.stdout
    # the rest of the registry CLI is the same app
    assert CliRunner().invoke(app, ["audit", "--help"]).exit_code == 0


def test_serve_refuses_a_missing_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["serve", "--store", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "not a directory" in result.stderr


def test_serve_answers_over_http(city: City) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_NEO4J_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--store", str(city.store),
         "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else b""
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        assert health.json() == {"status": "ok"}
        r = httpx.get(f"http://127.0.0.1:{port}/v1/subjects/E-00000001",
                      headers=auth(city.keys.admin), timeout=5)  # fmt: skip
        assert r.status_code == 200 and r.json()["id"] == "E-00000001"
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
