"""HTTP API under load: profile reads, search and match, with auditing on.

Serves the API with uvicorn (``registry serve`` in a child process) on a loopback port over a
*copy* of a resolved store (the API writes ``access.sqlite3`` and ``audit.sqlite3``, and the
first search builds the search index), registers an admin and a department client, then drives
it from this process with ``--concurrency`` asyncio clients (httpx.AsyncClient, keep-alive):

* **closed loop** (each client sends its next request as soon as the last one is answered):
  the most requests per second the server gives, and the latency at that saturation; by
  Little's law latency is then about concurrency / throughput;
* **open loop** at ``--rate`` requests/s spread over the same clients (profile reads only):
  latency at a given offered load, timed from when each request was due (no coordinated
  omission).

    cp -r /tmp/st100k /tmp/st100k-api    # a store made by `registry demo run --persons 100000`
    .venv/bin/python benchmarks/api_load.py --store /tmp/st100k-api

Targets on the 2-core reference machine: >= 500 profile reads/s; profile p99 <= 15 ms at 32
concurrent clients.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import print_table, write_results
from registry.clients import ClientRegistry

ROOT = Path(__file__).resolve().parents[1]
Spec = tuple[str, str, bytes | None]  # method, path with query, JSON body
Request = Callable[[random.Random], Spec]


class RawConnection:
    """One keep-alive HTTP/1.1 connection written by hand: the load generator shares two
    cores with the server, and httpx spends more CPU per request (about 3 ms) than the server
    does, which would measure the client instead of the API."""

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        self.fixed = "".join(f"{k}: {v}\r\n" for k, v in headers.items()).encode("latin-1")
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, spec: Spec) -> int:
        """Send one request and read the whole answer; returns the status."""
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        method, target, body = spec
        head = f"{method} {target} HTTP/1.1\r\nHost: {self.host}\r\n".encode() + self.fixed
        if body is not None:
            head += b"Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
        self.writer.write(head + b"\r\n" + (body or b""))
        header = await self.reader.readuntil(b"\r\n\r\n")
        status = int(header[9:12])
        length = 0
        for line in header.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


class HttpxConnection:
    """The same through httpx (``--client httpx``), for comparison."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def send(self, spec: Spec) -> int:
        method, target, body = spec
        headers = None if body is None else {"Content-Type": "application/json"}
        r = await self.http.request(method, target, content=body, headers=headers)
        return r.status_code

    def close(self) -> None:
        pass


Connector = Callable[[], "RawConnection | HttpxConnection"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_store(source: Path, target: Path, fresh: bool) -> None:
    """Copy the store (once) and forget earlier clients and audit entries."""
    if fresh and target.exists():
        shutil.rmtree(target)
    if not target.exists():
        print(f"copying {source} to {target} ...", flush=True)
        shutil.copytree(source, target)
    for name in ("access.sqlite3", "audit.sqlite3"):
        for suffix in ("", "-wal", "-shm"):
            (target / f"{name}{suffix}").unlink(missing_ok=True)


def sample_persons(store: Path, n: int, seed: int) -> list[dict[str, Any]]:
    """Random active persons: id and golden values."""
    conn = sqlite3.connect(f"file:{store / 'registry.sqlite3'}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT entity_id, golden FROM entities WHERE subject_type = 'person' "
            "AND status = 'active'"
        ).fetchall()
    finally:
        conn.close()
    rng = random.Random(seed)
    picked = rng.sample(rows, min(n, len(rows)))
    return [{"id": eid, **orjson.loads(golden)} for eid, golden in picked]


def start_server(store: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_NEO4J_")}
    cmd = [sys.executable, "-m", "api.cli", "serve", "--store", str(store), "--port", str(port),
           "--workers", str(workers), "--log-level", "warning"]  # fmt: skip
    return subprocess.Popen(cmd, cwd=ROOT, env=env)


def wait_ready(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"server exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/v1/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    sys.exit("server did not become ready")


def summary(label: str, mode: str, latencies: list[float], errors: int, seconds: float,
            concurrency: int) -> dict[str, Any]:  # fmt: skip
    latencies.sort()
    n = len(latencies)

    def pct(p: float) -> float:
        return round(latencies[min(n - 1, int(p * n))] * 1000, 2) if n else float("nan")

    return {
        "query": label, "mode": mode, "clients": concurrency, "requests": n, "errors": errors,
        "req_per_s": round(n / seconds, 1), "p50_ms": pct(0.50), "p90_ms": pct(0.90),
        "p99_ms": pct(0.99), "max_ms": round(latencies[-1] * 1000, 2) if n else float("nan"),
    }  # fmt: skip


async def drive(
    connect: Callable[[], Awaitable[tuple[Connector, Callable[[], Awaitable[None]]]]],
    request: Request, concurrency: int, seconds: float, seed: int, rate: float | None = None,
) -> tuple[list[float], int, float]:  # fmt: skip
    """Run ``concurrency`` clients for ``seconds``. Closed loop (``rate`` None): each sends its
    next request when the last is answered. Open loop: ``rate`` requests/s in total, each
    client on a fixed schedule, latency counted from when a request was due (a slow answer
    delays the next one and is charged to it: no coordinated omission)."""
    latencies: list[float] = []
    errors = 0
    make, done = await connect()
    started = time.perf_counter()
    stop = started + seconds
    interval = None if rate is None else concurrency / rate

    async def client(i: int) -> None:
        nonlocal errors
        rng = random.Random(seed * 1000 + i)
        conn = make()
        due = started + (0.0 if interval is None else interval * i / concurrency)
        try:
            while due < stop and time.perf_counter() < stop:
                if interval is not None:
                    delay = due - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                t = time.perf_counter() if interval is None else due
                status = await conn.send(request(rng))
                if status == 200:
                    latencies.append(time.perf_counter() - t)
                else:
                    errors += 1
                if interval is not None:
                    due += interval
        finally:
            conn.close()

    await asyncio.gather(*(client(i) for i in range(concurrency)))
    elapsed = time.perf_counter() - started
    await done()
    return latencies, errors, elapsed


def connector(kind: str, base: str, headers: dict[str, str], concurrency: int) -> Callable[
    [], Awaitable[tuple[Connector, Callable[[], Awaitable[None]]]]
]:  # fmt: skip
    """How the clients connect: raw keep-alive sockets, or one shared httpx client."""

    async def connect() -> tuple[Connector, Callable[[], Awaitable[None]]]:
        if kind == "raw":
            host, port = base.removeprefix("http://").split(":")

            async def nothing() -> None:
                return None

            return (lambda: RawConnection(host, int(port), headers)), nothing
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        http = httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=30)
        return (lambda: HttpxConnection(http)), http.aclose

    return connect


def requests_for(persons: list[dict[str, Any]]) -> dict[str, Request]:
    def profile(rng: random.Random) -> Spec:
        return "GET", f"/v1/subjects/{rng.choice(persons)['id']}", None

    def search(rng: random.Random) -> Spec:
        p = rng.choice(persons)
        if rng.random() < 0.5 and p.get("id_number"):
            query = {"identifier": p["id_number"]}
        else:
            query = {"name": p.get("name", "张伟"), "limit": "20"}
        return "GET", "/v1/search?" + urlencode(query), None

    def match(rng: random.Random) -> Spec:
        p = rng.choice(persons)
        fields = {k: p[k] for k in ("name", "birth_date", "gender", "address", "phone") if k in p}
        return "POST", "/v1/match", orjson.dumps({"subject_type": "person", "fields": fields})

    return {"profile": profile, "search": search, "match": match}


def server_cpu(pid: int) -> float:
    """CPU seconds used so far by the server process and its worker processes."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, default=Path("/tmp/st100k"),
                        help="a resolved store; it is copied to --copy first")  # fmt: skip
    parser.add_argument("--copy", type=Path, help="where to copy it (default: <store>-api)")
    parser.add_argument("--fresh", action="store_true", help="re-copy even if the copy exists")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rates", default="250,500", help="open-loop profile rates, req/s")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw")
    parser.add_argument("--queries", default="profile,search,match")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    copy = args.copy or args.store.with_name(args.store.name + "-api")
    if copy.resolve() != args.store.resolve():
        prepare_store(args.store, copy, args.fresh)
    with ClientRegistry(copy) as clients:
        _, key = clients.add("bench-dept", "department", "L3", "person,enterprise", "bench")
    headers = {"Authorization": f"Bearer {key}", "X-Purpose": "service:hukou-transfer"}
    persons = sample_persons(copy, 5000, args.seed)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(copy, port, args.workers)
    connect = connector(args.client, base, headers, args.concurrency)
    rows: list[dict[str, Any]] = []

    def run(label: str, mode: str, rate: float | None) -> None:
        request = requests_for(persons)[label]
        asyncio.run(drive(connect, request, args.concurrency, 2.0, args.seed + 1, rate))
        cpu = server_cpu(proc.pid)
        lat, errors, elapsed = asyncio.run(
            drive(connect, request, args.concurrency, args.seconds, args.seed, rate)
        )
        row = summary(label, mode, lat, errors, elapsed, args.concurrency)
        row["server_cpu_ms"] = round((server_cpu(proc.pid) - cpu) * 1000 / max(len(lat), 1), 2)
        rows.append(row)
        print_table("", [row])

    try:
        wait_ready(base, proc)
        print("warming up (the first search brings the search index up to date) ...", flush=True)
        r = httpx.get(f"{base}/v1/search", params={"name": persons[0]["name"]},
                      headers=headers, timeout=600)  # fmt: skip
        r.raise_for_status()
        for label in args.queries.split(","):
            run(label, "closed", None)
            if label == "profile":
                for rate in map(float, args.rates.split(",")):
                    run(label, f"open {rate:.0f}/s", rate)
        with sqlite3.connect(copy / "audit.sqlite3") as conn:
            audited = conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    title = f"HTTP API on {copy} ({args.workers} worker(s), {args.client} client, audit on)"
    print_table(title, rows)
    print(f"audit entries written: {audited:,}")
    path = write_results(
        "api_load" if args.client == "raw" else f"api_load-{args.client}",
        {"store": str(args.store), "workers": args.workers, "client": args.client,
         "concurrency": args.concurrency, "seconds": args.seconds, "audit_entries": audited,
         "results": rows},
    )  # fmt: skip
    print(f"results: {path}")


if __name__ == "__main__":
    main()
