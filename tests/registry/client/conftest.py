"""Client fixtures: a small demo city built once, copied per module, served by a real uvicorn
on a free loopback port for the HTTP mode."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph_schema.subject_types import SubjectType
from registry.clients import ClientRegistry
from registry.service import Registry
from tests.registry.graph.conftest import ingest_demo_city

PERSONS = 300
SEED = 7
PURPOSE = "service:hukou-transfer"  # one of the default configured purposes


@dataclass(frozen=True)
class Keys:
    admin: str  # admin, L4, every type
    analyst: str  # analyst, L2, every type
    firms: str  # analyst, L4, enterprise/building/parcel: no persons


@dataclass(frozen=True)
class Samples:
    """Subjects of the city that make each query interesting."""

    person: str  # the person with the most departments behind their profile
    rep: str  # a legal representative (has a control network)
    enterprise: str  # an enterprise that person represents
    parcel: str  # a parcel with buildings on it


@pytest.fixture(scope="session")
def city_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo city ingested and resolved once (never written to: tests use copies)."""
    base = tmp_path_factory.mktemp("client-city")
    reg = Registry(base / "store")
    try:
        ingest_demo_city(reg, base / "city", PERSONS, SEED)
    finally:
        reg.close()
    return base / "store"


def copy_store(template: Path, target: Path) -> Path:
    shutil.copytree(template, target)
    return target


@pytest.fixture(scope="module")
def store(city_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This module's own copy of the store."""
    return copy_store(city_store, tmp_path_factory.mktemp("client-store") / "store")


def add_keys(store: Path) -> Keys:
    with ClientRegistry(store) as clients:
        return Keys(
            admin=clients.add("admin", "admin", "L4", None)[1],
            analyst=clients.add("analyst", "analyst", "L2", "person,enterprise,building,parcel")[1],
            firms=clients.add("firms", "analyst", "L4", "enterprise,building,parcel")[1],
        )


def samples_of(store: Path) -> Samples:
    reg = Registry(store)
    try:
        people = list(reg.store.iter_entities(SubjectType.PERSON))
        richest = max(
            people,
            key=lambda e: (
                len({r.key.source for r in reg.store.records_of(e.entity_id)}),
                e.entity_id,
            ),
        )
        edges = list(reg.graph_edges())
        rep = next(e for e in edges if e["type"] == "LEGAL_REPRESENTATIVE_OF")
        parcel = next(e["to"] for e in edges if e["type"] == "LOCATED_ON")
        return Samples(
            person=richest.entity_id, rep=rep["from"], enterprise=rep["to"], parcel=parcel
        )
    finally:
        reg.close()


@pytest.fixture(scope="module")
def samples(store: Path) -> Samples:
    return samples_of(store)
