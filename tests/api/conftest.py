"""API fixtures: a small demo city ingested and resolved once, copied fresh for each module,
with one client per role and clearance, driven over HTTP through the ASGI app."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph_schema.subject_types import SubjectType
from registry.clients import ClientRegistry
from registry.service import Registry
from registry.store.base import Entity
from tests.registry.graph.conftest import ingest_demo_city

PERSONS = 300
SEED = 7
PURPOSE = "service:hukou-transfer"


@dataclass(frozen=True)
class Keys:
    """API keys of the test clients (name: role, clearance, types)."""

    admin: str  # admin, L4, every type
    steward: str  # steward, L3, every type
    dept2: str  # department hukou, L2, every type
    dept3: str  # department hukou, L3, person only
    analyst: str  # analyst, L4, enterprise/building/parcel: no persons
    firms: str  # analyst, L1, enterprise only


@dataclass(frozen=True)
class City:
    """A copied store with its clients, and the demo city it was built from."""

    store: Path
    city: Path
    keys: Keys


def auth(key: str, purpose: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {key}"}
    if purpose is not None:
        headers["X-Purpose"] = purpose
    return headers


def add_clients(store: Path) -> Keys:
    with ClientRegistry(store) as clients:
        return Keys(
            admin=clients.add("admin", "admin", "L4", None)[1],
            steward=clients.add("steward", "steward", "L3", "person,enterprise,building,parcel")[1],
            dept2=clients.add(
                "hukou-l2", "department", "L2", "person,enterprise,building,parcel", "hukou"
            )[1],
            dept3=clients.add("hukou-l3", "department", "L3", "person", "hukou")[1],
            analyst=clients.add("analyst", "analyst", "L4", "enterprise,building,parcel")[1],
            firms=clients.add("firms", "analyst", "L1", "enterprise")[1],
        )


@pytest.fixture(scope="session")
def city_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo city generated, ingested and resolved once: (store, city directory)."""
    base = tmp_path_factory.mktemp("api-city")
    reg = Registry(base / "store")
    try:
        ingest_demo_city(reg, base / "city", PERSONS, SEED)
    finally:
        reg.close()
    return base / "store", base / "city"


def copy_city(template: tuple[Path, Path], target: Path) -> City:
    """A fresh copy of the template store with clients and the demo mappings installed."""
    store = target / "store"
    shutil.copytree(template[0], store)
    (store / "mappings").mkdir()
    for mapping in (template[1] / "mappings").glob("*.toml"):
        shutil.copy(mapping, store / "mappings" / mapping.name)
    return City(store=store, city=template[1], keys=add_clients(store))


@pytest.fixture(scope="module")
def city(city_template: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> City:
    """This module's own copy of the demo city store."""
    return copy_city(city_template, tmp_path_factory.mktemp("api-store"))


@pytest.fixture(scope="module")
def api(city: City) -> Iterator[TestClient]:
    """An HTTP client on the app over this module's store (lifespan run)."""
    with TestClient(create_app(city.store)) as client:
        yield client


def entities(store: Path, subject_type: SubjectType) -> list[Entity]:
    reg = Registry(store)
    try:
        return [e for e in reg.store.iter_entities(subject_type) if e.status == "active"]
    finally:
        reg.close()


def full_person(store: Path) -> Entity:
    """An active person with an id number, a full birth date, a phone and an address."""
    for e in entities(store, SubjectType.PERSON):
        g = e.golden
        if all(k in g for k in ("id_number", "phone", "address", "name")) and (
            len(str(g.get("birth_date", ""))) == 10
        ):
            return e
    raise AssertionError("the demo city has no fully described person")


def person_secrets(store: Path) -> set[str]:
    """Every clear id number, phone and home address of every person: none may reach an L2
    client (birth dates are left out: relationship dates can coincide with them)."""
    out: set[str] = set()
    for e in entities(store, SubjectType.PERSON):
        for field in ("id_number", "phone", "address"):
            value = e.golden.get(field)
            if isinstance(value, str) and len(value) >= 8:
                out.add(value)
    return out


def leaked(payload: Any, secrets: set[str]) -> set[str]:
    """The secrets that appear anywhere in a JSON payload (or text)."""
    text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    return {s for s in secrets if s in text}


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    """A problem+json of that status, with no stack trace in it."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["type"] == "about:blank"
    assert "Traceback" not in response.text and 'File "' not in response.text
    return body
