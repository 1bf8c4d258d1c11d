"""What the routes of one running app share: the open registry and its side stores."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Request

from api.errors import ApiError
from api.limits import MAX_BATCH_ROWS
from registry.access import AccessPolicy
from registry.audit import AuditLog
from registry.clients import ClientRegistry
from registry.graph.neo4j_conn import Neo4jSettings
from registry.service import Registry
from registry.source_mappings import SourceMappings


@dataclass
class ApiState:
    """The registry, clients, access policy, audit log and mappings of one store directory.

    ``write_lock`` serialises pushes and retractions: SQLite has one writer, and a write
    waiting on the lock is better than one failing on ``SQLITE_BUSY``.
    """

    registry: Registry
    clients: ClientRegistry
    policy: AccessPolicy
    audit: AuditLog
    mappings: SourceMappings
    max_batch_rows: int = MAX_BATCH_ROWS
    write_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(
        cls, store_dir: Path, neo4j: Neo4jSettings | None, max_batch_rows: int = MAX_BATCH_ROWS
    ) -> ApiState:
        """Open everything one store directory holds for the API."""
        registry = Registry(store_dir, neo4j=neo4j)
        try:
            return cls(
                registry=registry,
                clients=ClientRegistry(store_dir),
                policy=AccessPolicy.for_store(store_dir),
                audit=AuditLog(store_dir),
                mappings=SourceMappings(store_dir),
                max_batch_rows=max_batch_rows,
            )
        except Exception:
            registry.close()
            raise

    def close(self) -> None:
        self.registry.close()
        self.clients.close()
        self.audit.close()


def state_of(request: Request) -> ApiState:
    """The running app's state; 503 before startup or after shutdown."""
    state = getattr(request.app.state, "api", None)
    if not isinstance(state, ApiState):
        raise ApiError(503, "the registry is not open (starting up or shutting down)")
    return state
