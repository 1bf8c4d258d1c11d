"""`registry clients …` and `registry audit …` as an operator runs them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from registry.audit import AuditLog
from registry.cli import app
from registry.clients import ClientRegistry

runner = CliRunner()


def invoke(store: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--store", str(store)])
    return result.exit_code, result.stdout, result.stderr


def add_client(store: Path, name: str = "hukou-sys") -> str:
    code, out, err = invoke(
        store, "clients", "add", name, "--role", "department", "--clearance", "L3",
        "--types", "person,enterprise", "--department", "hukou",
    )  # fmt: skip
    assert code == 0, err
    (key,) = [line for line in out.splitlines() if line.startswith("rk_")]
    return key


def test_clients_add_prints_the_key_once_and_it_authenticates(tmp_path: Path) -> None:
    store = tmp_path / "new" / "store"
    code, out, err = invoke(
        store, "clients", "add", "hukou-sys", "--role", "department", "--clearance", "L3",
        "--types", "person,enterprise", "--department", "hukou",
    )  # fmt: skip
    assert code == 0, err
    assert store.is_dir() and not (store / "registry.sqlite3").exists()
    keys = [line for line in out.splitlines() if line.startswith("rk_")]
    assert len(keys) == 1
    assert "will not be shown again" in err
    with ClientRegistry(store) as clients:
        client = clients.authenticate(keys[0])
    assert client is not None and client.name == "hukou-sys" and client.department == "hukou"
    code, listed, _ = invoke(store, "clients", "list")
    assert code == 0 and "hukou-sys" in listed and keys[0] not in listed
    assert keys[0][3:11] in listed  # the key id, to tell keys apart


def test_clients_list_json(tmp_path: Path) -> None:
    add_client(tmp_path, "a")
    add_client(tmp_path, "b")
    code, out, _ = invoke(tmp_path, "clients", "list", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["name"] for r in rows] == ["a", "b"]
    assert rows[0]["clearance"] == 3 and sorted(rows[0]["types"]) == ["enterprise", "person"]
    assert all("hash" not in key for r in rows for key in r)


def test_revoke_and_rotate(tmp_path: Path) -> None:
    old = add_client(tmp_path, "a")
    code, out, err = invoke(tmp_path, "clients", "rotate", "a")
    assert code == 0, err
    (new,) = [line for line in out.splitlines() if line.startswith("rk_")]
    with ClientRegistry(tmp_path) as clients:
        assert clients.authenticate(old) is None and clients.authenticate(new) is not None
    code, out, _ = invoke(tmp_path, "clients", "revoke", "a")
    assert code == 0 and "revoked" in out
    with ClientRegistry(tmp_path) as clients:
        assert clients.authenticate(new) is None
    _, listed, _ = invoke(tmp_path, "clients", "list")
    assert "revoked" in listed


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("clients", "add", "Bad!", "--role", "analyst", "--clearance", "L2", "--types", "person"), "name"),
        (("clients", "add", "a", "--role", "boss", "--clearance", "L2", "--types", "person"), "role"),
        (("clients", "add", "a", "--role", "analyst", "--clearance", "L9", "--types", "person"), "clearance"),
        (("clients", "add", "a", "--role", "analyst", "--clearance", "L2", "--types", "people"), "types"),
        (("clients", "add", "a", "--role", "department", "--clearance", "L2", "--types", "person"), "department"),
        (("clients", "revoke", "nobody"), "name"),
        (("clients", "rotate", "nobody"), "name"),
        (("audit", "query", "--since", "yesterday"), "since"),
        (("audit", "query", "--limit", "0"), "limit"),
    ],
)  # fmt: skip
def test_errors_are_one_line_naming_the_field(
    tmp_path: Path, args: tuple[str, ...], field: str
) -> None:
    add_client(tmp_path, "existing")
    code, _, err = invoke(tmp_path, *args)
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1, err
    assert lines[0].startswith(f"error: {field}: ")


def test_duplicate_client_is_refused(tmp_path: Path) -> None:
    add_client(tmp_path, "a")
    code, _, err = invoke(tmp_path, "clients", "add", "a", "--role", "admin", "--clearance", "L4")
    assert code == 2 and "name: a client named 'a' already exists" in err


def test_commands_on_a_store_without_clients(tmp_path: Path) -> None:
    code, out, _ = invoke(tmp_path / "none", "clients", "list")
    assert code == 0 and "no clients" in out
    code, _, err = invoke(tmp_path / "none", "clients", "revoke", "a")
    assert code == 2 and "store: no clients registered" in err
    assert not (tmp_path / "none").exists()


def fill_audit(store: Path) -> None:
    with AuditLog(store) as log:
        for i, client in enumerate(["hukou-sys", "tax-sys", "hukou-sys", "tax-sys"], start=1):
            log.append(
                client=client,
                role="department",
                department=client.split("-")[0],
                purpose="service:hukou-transfer" if client == "hukou-sys" else None,
                route="GET /subjects/{id}",
                subjects=[f"P-{i:08d}", "E-00000001"],
                fields=[f"P-{i:08d}.id_number"] if client == "hukou-sys" else [],
                outcome=200,
            )


def test_audit_verify_intact(tmp_path: Path) -> None:
    code, out, _ = invoke(tmp_path, "audit", "verify")
    assert code == 0 and "audit chain intact: 0 entries" in out
    fill_audit(tmp_path)
    code, out, _ = invoke(tmp_path, "audit", "verify")
    assert code == 0 and out.strip() == "audit chain intact: 4 entries"


def _tamper(store: Path, *statements: str) -> None:
    conn = sqlite3.connect(store / "audit.sqlite3")
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("DROP TRIGGER audit_log_no_delete")
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("sql", "seq", "why"),
    [
        ("UPDATE audit_log SET purpose = 'service:other' WHERE seq = 3", 3, "altered"),
        ("UPDATE audit_log SET outcome = 404 WHERE seq = 2", 2, "altered"),
        ("DELETE FROM audit_log WHERE seq = 2", 2, "removed"),
    ],
)
def test_audit_verify_names_the_tampered_entry(
    tmp_path: Path, sql: str, seq: int, why: str
) -> None:
    fill_audit(tmp_path)
    _tamper(tmp_path, sql)
    code, _, err = invoke(tmp_path, "audit", "verify")
    assert code == 1
    assert f"audit chain broken at entry {seq}:" in err and why in err


def test_audit_verify_names_swapped_entries(tmp_path: Path) -> None:
    fill_audit(tmp_path)
    _tamper(
        tmp_path,  # rows 2 and 3 change places
        "UPDATE audit_log SET seq = CASE seq WHEN 2 THEN -3 ELSE -2 END WHERE seq IN (2, 3)",
        "UPDATE audit_log SET seq = -seq WHERE seq < 0",
    )
    code, _, err = invoke(tmp_path, "audit", "verify")
    assert code == 1 and "audit chain broken at entry 2:" in err


def test_audit_query(tmp_path: Path) -> None:
    fill_audit(tmp_path)
    code, out, _ = invoke(tmp_path, "audit", "query", "--subject", "P-00000003", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["seq"] for r in rows] == [3]
    assert rows[0]["fields"] == ["P-00000003.id_number"]
    assert rows[0]["purpose"] == "service:hukou-transfer" and len(rows[0]["hash"]) == 64
    code, out, _ = invoke(tmp_path, "audit", "query", "--client", "tax-sys", "--json")
    assert [json.loads(line)["seq"] for line in out.splitlines()] == [4, 2]
    code, out, _ = invoke(
        tmp_path, "audit", "query", "--subject", "E-00000001", "--limit", "3", "--json"
    )
    assert [json.loads(line)["seq"] for line in out.splitlines()] == [4, 3, 2]
    code, out, _ = invoke(tmp_path, "audit", "query", "--since", "2000-01-01", "--json")
    assert len(out.splitlines()) == 4
    code, out, _ = invoke(tmp_path, "audit", "query", "--until", "2000-01-01", "--json")
    assert out == ""
    code, out, _ = invoke(tmp_path, "audit", "query", "--client", "hukou-sys")
    assert code == 0 and "2 audit entries" in out and "…" not in out
