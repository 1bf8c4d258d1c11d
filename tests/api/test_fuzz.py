"""Property-based fuzzing of the whole API from its own OpenAPI document (schemathesis 4).

Every operation gets up to 25 generated requests (valid and invalid), sent with an admin key
through the ASGI app. Each response must not be a 5xx, must have a status and content type the
document lists for the operation, and must match the documented schema. The SSE stream is left
out (it never ends by itself; tests/api/test_server.py covers it) and long-poll waits are cut
to zero, so the whole run takes well under three minutes.

The schema is loaded when this module is imported (schemathesis parametrizes at collection,
and its fixture-based loader does not support pytest 9), from an app over a store in a
temporary directory; the demo city is ingested into that store before the first request.
Schemathesis runs the app's lifespan around each operation's test, so every operation gets a
freshly opened registry.
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import orjson
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from registry.clients import ClientRegistry
from registry.service import Registry
from tests.api.conftest import PERSONS, SEED
from tests.registry.graph.conftest import ingest_demo_city

pytestmark = pytest.mark.timeout(120)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx: Any, value: Any) -> bytes:
    """The judgement import body: generated text as it is, anything else as one JSON line."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    try:
        return orjson.dumps(value) + b"\n"
    except TypeError:  # integers beyond 64 bits, which orjson refuses and JSON allows
        return json.dumps(value).encode() + b"\n"


FUZZ_DIR = Path(tempfile.mkdtemp(prefix="registry-fuzz-"))
atexit.register(shutil.rmtree, FUZZ_DIR, True)  # runs after schemathesis stops the app
fuzz_app = create_app(FUZZ_DIR / "store")
schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app).exclude(
    path="/v1/changes/stream"
)


@pytest.fixture(scope="module")
def admin_key() -> str:
    """The demo city ingested into the app's store, and an admin's key."""
    registry = Registry(FUZZ_DIR / "store")
    try:
        ingest_demo_city(registry, FUZZ_DIR / "city", PERSONS, SEED)
    finally:
        registry.close()
    shutil.copytree(FUZZ_DIR / "city" / "mappings", FUZZ_DIR / "store" / "mappings")
    with ClientRegistry(FUZZ_DIR / "store") as clients:
        return clients.add("fuzzer", "admin", "L4", None)[1]


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_conforms_to_its_schema(case: Any, admin_key: str) -> None:
    if case.operation.path == "/v1/changes" and isinstance(case.query, dict):
        case.query["wait"] = 0
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_key}"}, checks=CHECKS)
