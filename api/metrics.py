"""Prometheus metrics, written by hand (no client library is a dependency of the project).

Requests are counted by method, route template and status, and timed into one latency
histogram per method and route. Requests that matched no route share the ``(unmatched)``
label so a scanner cannot blow up the label set.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict

from starlette.types import ASGIApp, Message, Receive, Scope, Send

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
UNMATCHED = "(unmatched)"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def route_template(scope: Scope) -> str:
    """The path template FastAPI matched (``/v1/subjects/{subject_id}``), or ``(unmatched)``."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class Metrics:
    """Counters and histograms of one process; safe across threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, str, int], int] = defaultdict(int)
        self.buckets: dict[tuple[str, str], list[int]] = {}
        self.sums: dict[tuple[str, str], float] = defaultdict(float)
        self.audit_failures = 0

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route)
        with self._lock:
            self.requests[(method, route, status)] += 1
            counts = self.buckets.get(key)
            if counts is None:
                counts = self.buckets[key] = [0] * (len(BUCKETS) + 1)
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    counts[i] += 1
                    break
            else:
                counts[-1] += 1
            self.sums[key] += seconds

    def audit_failed(self) -> None:
        with self._lock:
            self.audit_failures += 1

    def render(self) -> str:
        """The Prometheus text exposition format (version 0.0.4)."""
        lines = [
            "# HELP registry_http_requests_total HTTP requests by method, route and status.",
            "# TYPE registry_http_requests_total counter",
        ]
        with self._lock:
            requests = sorted(self.requests.items())
            buckets = sorted((k, list(v)) for k, v in self.buckets.items())
            sums = dict(self.sums)
            audit_failures = self.audit_failures
        for (method, route, status), n in requests:
            lines.append(
                f'registry_http_requests_total{{method="{method}",route="{_label(route)}",'
                f'status="{status}"}} {n}'
            )
        lines += [
            "# HELP registry_http_request_duration_seconds Time from request to last byte.",
            "# TYPE registry_http_request_duration_seconds histogram",
        ]
        for (method, route), counts in buckets:
            labels = f'method="{method}",route="{_label(route)}"'
            running = 0
            for bound, n in zip([*map(str, BUCKETS), "+Inf"], counts, strict=True):
                running += n
                lines.append(
                    f'registry_http_request_duration_seconds_bucket{{{labels},le="{bound}"}} '
                    f"{running}"
                )
            lines.append(f"registry_http_request_duration_seconds_sum{{{labels}}} "
                         f"{sums[(method, route)]:.6f}")  # fmt: skip
            lines.append(f"registry_http_request_duration_seconds_count{{{labels}}} {running}")
        lines += [
            "# HELP registry_audit_failures_total Audit entries that could not be appended.",
            "# TYPE registry_audit_failures_total counter",
            f"registry_audit_failures_total {audit_failures}",
        ]
        return "\n".join(lines) + "\n"


class MetricsMiddleware:
    """Times every HTTP request and counts it by route template and status."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, observed)
        finally:
            self.metrics.observe(
                scope["method"], route_template(scope), status, time.perf_counter() - started
            )
