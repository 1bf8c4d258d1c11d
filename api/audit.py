"""Every API request into the hash-chained audit log (数据溯源), failures included.

:class:`AuditMiddleware` gives each request an :class:`AuditContext`. The authentication
dependency fills in who is asking (``anonymous`` until a key is accepted) and the stated
purpose; routes grade their answers through a :class:`registry.grading.Grader` whose ledger
is the context's, so the subjects touched and the fields released in clear are known when
the response starts. The entry is appended *before* the response's first byte leaves: if
the append fails, the client gets a 500 instead of data that was never recorded. Streams
(the change feed over SSE) append one more entry for each batch before sending it.

Liveness, readiness, metrics, the OpenAPI documents and the stewards' console page and its
scripts touch no subject data and are not recorded (probes would otherwise fill the chain).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import problem_response
from api.metrics import Metrics, route_template
from registry.audit import AuditLog
from registry.grading import Disclosure

AUDIT_SCOPE_KEY = "registry.audit"
ANONYMOUS = "anonymous"
NO_ROLE = "none"
UNAUDITED = frozenset(
    {"/v1/health", "/v1/ready", "/metrics", "/openapi.json", "/docs", "/redoc", "/favicon.ico"}
    | {"/console"}
)
# the stewards' console page and its scripts hold no data (its data calls are audited)
UNAUDITED_PREFIXES = ("/console/",)
MAX_PURPOSE_CHARS = 200

log = logging.getLogger("api.audit")


class AuditContext:
    """Who asked, why, and what the answer disclosed, for one request."""

    def __init__(self, scope: Scope, audit_log: AuditLog) -> None:
        self.scope, self.log = scope, audit_log
        self.client, self.role = ANONYMOUS, NO_ROLE
        self.department: str | None = None
        self.purpose: str | None = None
        self.disclosure = Disclosure()

    def identify(self, client: str, role: str, department: str | None) -> None:
        self.client, self.role, self.department = client, role, department

    def state_purpose(self, purpose: str | None) -> None:
        self.purpose = None if purpose is None else purpose[:MAX_PURPOSE_CHARS]

    @property
    def route(self) -> str:
        return f"{self.scope['method']} {route_template(self.scope)}"

    def record(self, outcome: int) -> None:
        """Append one entry with what was disclosed since the last one."""
        subjects, fields = self.disclosure.take()
        self.log.append(
            client=self.client,
            role=self.role,
            department=self.department,
            purpose=self.purpose,
            route=self.route,
            subjects=subjects,
            fields=fields,
            outcome=outcome,
        )


def audit_context(scope: Scope) -> AuditContext | None:
    """The request's audit context (None for unaudited paths)."""
    ctx = scope.get(AUDIT_SCOPE_KEY)
    return ctx if isinstance(ctx, AuditContext) else None


class AuditMiddleware:
    """Records each request before its response starts; turns crashes into a 500 problem."""

    def __init__(
        self, app: ASGIApp, get_log: Callable[[], AuditLog | None], metrics: Metrics
    ) -> None:
        self.app, self.get_log, self.metrics = app, get_log, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        unaudited = path in UNAUDITED or path.startswith(UNAUDITED_PREFIXES)
        audit_log = None if unaudited else self.get_log()
        ctx = None if audit_log is None else AuditContext(scope, audit_log)
        if ctx is not None:
            scope[AUDIT_SCOPE_KEY] = ctx
        started = suppressed = False

        async def audited(message: Message) -> None:
            nonlocal started, suppressed
            if suppressed:
                return
            if message["type"] == "http.response.start":
                started = True
                if ctx is not None and not self._recorded(ctx, int(message["status"])):
                    suppressed = True
                    await self._send_problem(scope, send, "the request could not be audited")
                    return
            await send(message)

        try:
            await self.app(scope, receive, audited)
        except Exception:
            reference = uuid.uuid4().hex[:12]
            log.exception("unhandled error (reference %s) on %s", reference, route_template(scope))
            if started:
                return
            if ctx is not None:
                self._recorded(ctx, 500)
            await self._send_problem(scope, send, f"internal error (reference {reference})")

    def _recorded(self, ctx: AuditContext, status: int) -> bool:
        try:
            ctx.record(status)
        except Exception:
            log.exception("audit append failed on %s", ctx.route)
            self.metrics.audit_failed()
            return False
        return True

    @staticmethod
    async def _send_problem(scope: Scope, send: Send, detail: str) -> None:
        response = problem_response(500, detail, instance=scope.get("path"))
        await response(scope, _no_receive, send)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}
