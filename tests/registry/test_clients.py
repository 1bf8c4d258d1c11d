"""API clients: a key is shown once, authenticates its client, and stops when revoked or rotated."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from graph_schema.classification import Level
from graph_schema.subject_types import SubjectType
from registry.clients import ClientRegistry, Role, UnknownClient


@pytest.fixture
def clients(tmp_path: Path) -> ClientRegistry:
    return ClientRegistry(tmp_path / "store")


def test_key_authenticates_its_client(clients: ClientRegistry) -> None:
    client, key = clients.add("hukou-sys", "department", "L3", ["person"], "hukou")
    assert key.startswith("rk_") and len(key) == 46
    assert client.role is Role.DEPARTMENT and client.clearance is Level.L3
    assert client.types == {SubjectType.PERSON} and client.department == "hukou"
    assert client.active and client.key_id == key[3:11]
    assert clients.authenticate(key) == client


def test_only_a_hash_of_the_key_is_stored(clients: ClientRegistry) -> None:
    _, key = clients.add("a", "analyst", "L2", "person,enterprise")
    raw = b"".join(p.read_bytes() for p in clients.path.parent.glob("access.sqlite3*"))
    assert key.encode() not in raw
    assert key[11:].encode() not in raw


def test_wrong_keys_do_not_authenticate(clients: ClientRegistry) -> None:
    _, key = clients.add("a", "analyst", "L2", ["person"])
    tampered = key[:-1] + ("A" if key[-1] != "A" else "B")
    for bad in (tampered, key[3:], "", "rk_", "rk_" + "x" * 43, key + "x" * 200, "rk_\ud800"):
        assert clients.authenticate(bad) is None


def test_revoked_key_stops_working_and_the_name_stays_taken(clients: ClientRegistry) -> None:
    _, key = clients.add("a", "analyst", "L2", ["person"])
    revoked = clients.revoke("a")
    assert not revoked.active
    assert clients.authenticate(key) is None
    got = clients.get("a")
    assert got is not None and not got.active
    with pytest.raises(ValueError, match="already exists"):
        clients.add("a", "analyst", "L2", ["person"])
    with pytest.raises(ValueError, match="revoked"):
        clients.rotate("a")


def test_rotation_replaces_the_key(clients: ClientRegistry) -> None:
    client, old = clients.add("a", "steward", "L4", ["person", "building"])
    new = clients.rotate("a")
    assert new != old
    assert clients.authenticate(old) is None
    rotated = clients.authenticate(new)
    assert rotated is not None and rotated.name == "a" and rotated.key_id == new[3:11]
    assert rotated.created_at == client.created_at


def test_admin_without_types_sees_every_type(clients: ClientRegistry) -> None:
    admin, _ = clients.add("root", "admin", "L4", None)
    assert admin.types == set(SubjectType) and admin.department is None


def test_list_and_get(clients: ClientRegistry) -> None:
    clients.add("b", "analyst", 2, ["parcel"])
    clients.add("a", "admin", Level.L4, [SubjectType.PERSON])
    assert [c.name for c in clients.list()] == ["a", "b"]
    assert clients.get("missing") is None
    with pytest.raises(UnknownClient, match="no client named 'missing'"):
        clients.revoke("missing")
    with pytest.raises(UnknownClient):
        clients.rotate("missing")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("Bad Name", "analyst", "L2", ["person"], None), r"^name: .*a-z, 0-9"),
        (("", "analyst", "L2", ["person"], None), r"^name: "),
        (("x" * 65, "analyst", "L2", ["person"], None), r"^name: .*1-64"),
        (("a", "boss", "L2", ["person"], None), r"^role: 'boss' is not one of department"),
        (("a", "analyst", "L5", ["person"], None), r"^clearance: 'L5' is not one of L1"),
        (("a", "analyst", "L2", ["people"], None), r"^types: 'people' is not one of person"),
        (("a", "analyst", "L2", [], None), r"^types: role analyst needs at least one"),
        (("a", "department", "L2", ["person"], None), r"^department: required for role"),
        (("a", "department", "L2", ["person"], "tax office"), r"^department: .*whitespace"),
        (("a", "department", "L2", ["person"], "tax\udcff"), r"^department: .*printable"),
    ],
)
def test_bad_fields_are_named(
    clients: ClientRegistry, args: tuple[str, str, str, list[str], str | None], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        clients.add(*args)
    assert clients.list() == []


def test_client_is_frozen_and_has_no_hash(clients: ClientRegistry) -> None:
    client, _ = clients.add("a", "analyst", "L2", ["person"])
    assert "key_hash" not in client.model_dump()
    with pytest.raises(ValueError):
        client.active = False  # type: ignore[misc]


def test_a_second_instance_sees_the_same_clients(tmp_path: Path) -> None:
    with ClientRegistry(tmp_path) as first:
        _, key = first.add("a", "analyst", "L2", ["person"])
    with ClientRegistry(tmp_path) as second:
        assert second.authenticate(key) is not None
    conn = sqlite3.connect(tmp_path / "access.sqlite3")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_authenticate_from_several_threads(clients: ClientRegistry) -> None:
    keys = [clients.add(f"c{i}", "analyst", "L2", ["person"])[1] for i in range(4)]
    failures: list[str] = []

    def work(key: str, name: str) -> None:
        for _ in range(200):
            got = clients.authenticate(key)
            if got is None or got.name != name:
                failures.append(name)

    threads = [threading.Thread(target=work, args=(k, f"c{i}")) for i, k in enumerate(keys)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
