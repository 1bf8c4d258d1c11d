"""The audit log: a hash chain that verifies, names the first tampered entry, and answers queries."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from registry.audit import (
    GENESIS,
    AuditEntry,
    AuditLog,
    AuditRecord,
    canonical_json,
    entry_hash,
)


@pytest.fixture
def log(tmp_path: Path) -> Iterator[AuditLog]:
    with AuditLog(tmp_path) as opened:
        yield opened


def read(log: AuditLog, client: str = "hukou-sys", subject: str = "P-00000001") -> AuditEntry:
    return log.append(
        client=client,
        role="department",
        department="hukou",
        purpose="service:hukou-transfer",
        route="GET /subjects/{id}",
        subjects=[subject],
        fields=[f"{subject}.id_number"],
        outcome=200,
    )


def fill(log: AuditLog, n: int) -> list[AuditEntry]:
    return [read(log, subject=f"P-{i:08d}") for i in range(1, n + 1)]


def tamper(log: AuditLog, *statements: str) -> None:
    """What someone with write access to the file can do: drop the guard, edit rows."""
    conn = sqlite3.connect(log.path)
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


def test_entries_are_chained(log: AuditLog) -> None:
    first, second = fill(log, 2)
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == GENESIS and second.prev_hash == first.hash
    fields = first.model_dump(exclude={"hash"}, mode="json")
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical_json(fields) == text
    assert first.hash == hashlib.sha256(text.encode()).hexdigest() == entry_hash(fields)
    assert datetime.fromisoformat(first.at).tzinfo is not None
    assert len(first.at.split(".")[1].split("+")[0]) == 6
    assert log.head() == (2, second.hash)


def test_entry_keeps_every_field(log: AuditLog) -> None:
    entry = log.append(
        client="analyst1",
        role="analyst",
        department=None,
        purpose=None,
        route="POST /search",
        subjects=["P-00000001", "E-00000002"],
        fields=[],
        outcome=403,
    )
    (stored,) = log.query()
    assert stored == entry
    assert stored.department is None and stored.purpose is None and stored.outcome == 403
    assert stored.subjects == ("P-00000001", "E-00000002")


def test_intact_chain_verifies(log: AuditLog) -> None:
    assert log.verify().ok and log.verify().entries == 0
    fill(log, 5)
    result = log.verify()
    assert result.ok and result.entries == 5 and result.bad_seq is None


def test_a_reopened_log_continues_the_chain(tmp_path: Path) -> None:
    with AuditLog(tmp_path) as first:
        fill(first, 3)
    with AuditLog(tmp_path) as second:
        entry = read(second)
        assert entry.seq == 4
        assert second.verify().ok


def test_two_instances_on_one_file_keep_one_chain(tmp_path: Path) -> None:
    with AuditLog(tmp_path) as a, AuditLog(tmp_path) as b:
        read(a)
        read(b)
        read(a)  # a's cached head is stale: it must re-read, not fork the chain
        assert a.verify().ok and a.verify().entries == 3


def test_the_api_cannot_alter_history(log: AuditLog) -> None:
    fill(log, 2)
    assert not any(hasattr(log, name) for name in ("update", "delete", "remove", "edit"))
    conn = sqlite3.connect(log.path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit_log SET purpose = 'x' WHERE seq = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit_subjects")
    conn.close()


def test_an_edited_entry_is_named(log: AuditLog) -> None:
    fill(log, 5)
    tamper(log, "UPDATE audit_log SET purpose = 'service:other' WHERE seq = 3")
    result = log.verify()
    assert not result.ok and result.bad_seq == 3 and result.entries == 2
    assert result.reason == "entry 3 does not match its hash (altered)"


def test_a_deleted_entry_is_named(log: AuditLog) -> None:
    fill(log, 5)
    tamper(log, "DELETE FROM audit_log WHERE seq = 4")
    result = log.verify()
    assert not result.ok and result.bad_seq == 4 and "removed" in (result.reason or "")


def test_a_deleted_last_entry_shows_in_the_index_or_against_an_anchored_head(
    log: AuditLog,
) -> None:
    entries = fill(log, 3)
    tamper(log, "DELETE FROM audit_log WHERE seq = 3")
    result = log.verify()
    assert not result.ok and result.bad_seq == 3
    tamper(log, "DROP TRIGGER audit_subjects_no_delete", "DELETE FROM audit_subjects WHERE seq = 3")
    assert log.verify().ok  # the documented limit: only a head anchored elsewhere shows it
    assert log.head() == (2, entries[1].hash) != (3, entries[2].hash)


def test_a_deleted_and_renumbered_entry_breaks_the_link(log: AuditLog) -> None:
    fill(log, 5)
    tamper(
        log,
        "DELETE FROM audit_log WHERE seq = 2",
        "UPDATE audit_log SET seq = seq - 1 WHERE seq > 2",
    )
    result = log.verify()
    assert not result.ok and result.bad_seq == 2  # renumbered 3 no longer matches its hash


def test_swapped_entries_are_named(log: AuditLog) -> None:
    fill(log, 5)
    columns = "at, client, role, department, purpose, route, subjects, fields, outcome"
    tamper(
        log,
        "CREATE TEMP TABLE t AS SELECT * FROM audit_log WHERE seq IN (2, 3)",
        *(
            f"UPDATE audit_log SET ({columns}, prev_hash, hash) = "
            f"(SELECT {columns}, prev_hash, hash FROM t WHERE seq = {other}) WHERE seq = {seq}"
            for seq, other in ((2, 3), (3, 2))
        ),
    )
    result = log.verify()
    assert not result.ok and result.bad_seq == 2


def test_swapped_entries_with_recomputed_hashes_break_the_link(log: AuditLog) -> None:
    e = fill(log, 4)
    forged = []
    for seq, original in ((2, e[2]), (3, e[1])):  # entries 2 and 3 change places
        fields = original.model_dump(exclude={"hash"}, mode="json") | {"seq": seq}
        forged.append((seq, entry_hash(fields)))
    tamper(
        log,
        *(
            f"UPDATE audit_log SET (at, subjects, fields, prev_hash, hash) = "
            f"('{src.at}', '{json.dumps(list(src.subjects))}', '{json.dumps(list(src.fields))}', "
            f"'{src.prev_hash}', '{h}') WHERE seq = {seq}"
            for (seq, h), src in zip(forged, (e[2], e[1]), strict=True)
        ),
    )
    result = log.verify()
    assert not result.ok and result.bad_seq == 2
    assert result.reason == "entry 2 does not link to entry 1 (removed or reordered)"


def test_an_edited_subject_index_is_named(log: AuditLog) -> None:
    fill(log, 3)
    conn = sqlite3.connect(log.path)
    conn.execute("DROP TRIGGER audit_subjects_no_update")
    conn.execute("UPDATE audit_subjects SET subject_id = 'P-99999999' WHERE seq = 2")
    conn.commit()
    conn.close()
    result = log.verify()
    assert not result.ok and result.bad_seq == 2 and "subject index" in (result.reason or "")


def test_query_by_subject_client_and_time(log: AuditLog) -> None:
    read(log, client="hukou-sys", subject="P-00000001")
    read(log, client="tax-sys", subject="P-00000002")
    both = log.append(
        client="tax-sys",
        role="department",
        department="tax",
        purpose=None,
        route="GET /subjects",
        subjects=["P-00000001", "P-00000002"],
        fields=[],
        outcome=200,
    )
    assert [e.seq for e in log.query(subject="P-00000001")] == [3, 1]
    assert [e.seq for e in log.query(subject="P-0000000")] == []  # exact, not a prefix
    assert [e.seq for e in log.query(client="tax-sys")] == [3, 2]
    assert [e.seq for e in log.query(client="tax-sys", subject="P-00000001")] == [3]
    assert [e.seq for e in log.query(limit=2)] == [3, 2]
    at = datetime.fromisoformat(both.at)
    assert [e.seq for e in log.query(since=at)] == [3]
    assert [e.seq for e in log.query(until=at)] == [2, 1]
    assert [e.seq for e in log.query(since=both.at)] == [3]
    naive = at.astimezone(UTC).replace(tzinfo=None)
    assert [e.seq for e in log.query(since=naive)] == [3]
    shanghai = at.astimezone(UTC) + timedelta(hours=8)
    assert [e.seq for e in log.query(since=shanghai.strftime("%Y-%m-%dT%H:%M:%S.%f+08:00"))] == [3]
    assert log.query(since=(at + timedelta(days=1)).date().isoformat()) == []


def test_bad_input_is_named(log: AuditLog) -> None:
    with pytest.raises(ValueError, match=r"^since: "):
        log.query(since="yesterday")
    with pytest.raises(ValueError, match=r"^limit: "):
        log.query(limit=0)
    base = AuditRecord("c", "analyst", None, None, "GET /x", [], [], 200)
    for record, field in [
        (AuditRecord("", "analyst", None, None, "GET /x", [], [], 200), "client"),
        (AuditRecord("c", "analyst", None, None, "", [], [], 200), "route"),
        (AuditRecord("c", "analyst", None, None, "GET /x", [], [], 42), "outcome"),
        (AuditRecord("c", "analyst", None, None, "GET /x", "P-1", [], 200), "subjects"),
        (AuditRecord("c", "analyst", 7, None, "GET /x", [], [], 200), "department"),  # type: ignore[arg-type]
        (AuditRecord("c", "analyst", None, "\ud800", "GET /x", [], [], 200), "purpose"),
        (AuditRecord("c", "analyst", None, None, "GET /x", [], [], True), "outcome"),
    ]:
        with pytest.raises(ValueError, match=f"^{field}: "):
            log.append_many([base, record])
    assert log.query() == []  # a bad record fails the whole batch before any write


def test_append_many_is_one_chain(log: AuditLog) -> None:
    read(log)
    batch = log.append_many(
        AuditRecord("c", "analyst", None, None, "GET /x", [f"P-{i}"], [], 200) for i in range(50)
    )
    assert [e.seq for e in batch] == list(range(2, 52))
    assert log.verify().ok and log.verify().entries == 51
    assert log.append_many([]) == []


def test_appends_from_several_threads_keep_one_chain(log: AuditLog) -> None:
    def work(n: int) -> None:
        for _ in range(50):
            read(log, client=f"c{n}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result = log.verify()
    assert result.ok and result.entries == 200
    assert len(log.query(client="c2", limit=1000)) == 50
