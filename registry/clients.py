"""API clients and their keys, kept in ``<store>/access.sqlite3`` apart from the registry data.

A key reads ``rk_`` + ``secrets.token_urlsafe(32)`` (256 random bits). It is shown once, when
issued, and only its SHA-256 is stored. A slow password KDF (bcrypt, scrypt, argon2) exists to
make guessing *low-entropy* secrets expensive; guessing a 256-bit random token is infeasible
at any hash speed, so a KDF would only add ~100 ms to every HTTP request for no gain. The
first 8 characters after the prefix are stored in clear as the key id: authentication is one
index lookup by key id, one SHA-256 and a constant-time compare, and the id tells operators
which key a client holds without revealing the other ~200 secret bits.
"""

from __future__ import annotations

import builtins
import hashlib
import hmac
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from types import TracebackType

from pydantic import BaseModel, ConfigDict

from graph_schema.classification import Level
from graph_schema.subject_types import SubjectType, parse_subject_type

ACCESS_FILE = "access.sqlite3"
KEY_PREFIX = "rk_"
KEY_ID_LENGTH = 8
MAX_KEY_LENGTH = 128  # a real key is 46 characters; longer input is not worth hashing
NAME_RULE = re.compile(r"[a-z0-9_.-]{1,64}")
DEPARTMENT_RULE = re.compile(r"\S{1,64}")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS clients(
    name TEXT PRIMARY KEY, role TEXT NOT NULL, clearance INTEGER NOT NULL,
    types TEXT NOT NULL,  -- comma-separated subject types, sorted
    department TEXT, created_at TEXT NOT NULL, active INTEGER NOT NULL,
    key_id TEXT NOT NULL UNIQUE, key_hash TEXT NOT NULL, revoked_at TEXT
);
"""
_COLUMNS = "name, role, clearance, types, department, created_at, active, key_id"


class Role(StrEnum):
    """What a client is: a department's system, an analyst, a data steward or an admin."""

    DEPARTMENT = "department"
    ANALYST = "analyst"
    STEWARD = "steward"
    ADMIN = "admin"


class Client(BaseModel):
    """A registered API client as the HTTP layer sees it (the key hash never leaves this module)."""

    model_config = ConfigDict(frozen=True)

    name: str
    role: Role
    clearance: Level
    types: frozenset[SubjectType]
    department: str | None
    created_at: datetime
    active: bool
    key_id: str  # the first 8 characters after ``rk_``: which key is current, not a secret


class UnknownClient(LookupError):
    """No client of that name."""

    def __str__(self) -> str:
        return f"name: no client named {self.args[0]!r}"


def _allowed(enum: type[StrEnum]) -> str:
    return ", ".join(m.value for m in enum)


def parse_role(role: Role | str) -> Role:
    """``analyst`` → ``Role.ANALYST``; ValueError naming the allowed roles."""
    try:
        return Role(str(role).strip().lower())
    except ValueError:
        raise ValueError(f"role: {role!r} is not one of {_allowed(Role)}") from None


def parse_clearance(clearance: Level | str | int) -> Level:
    """``L3``/``3``/``Level.L3`` → ``Level.L3``; ValueError naming the allowed levels."""
    if isinstance(clearance, Level):
        return clearance
    try:
        return Level.parse(str(clearance))
    except ValueError:
        raise ValueError(f"clearance: {clearance!r} is not one of L1, L2, L3, L4") from None


def parse_types(
    types: Iterable[SubjectType | str] | str | None, role: Role
) -> frozenset[SubjectType]:
    """The subject types a client may read; admins get all four when none are given."""
    if isinstance(types, str):
        types = [t for t in types.split(",") if t.strip()]
    given = list(types or [])
    if not given:
        if role is Role.ADMIN:
            return frozenset(SubjectType)
        raise ValueError(
            f"types: role {role.value} needs at least one subject type of {_allowed(SubjectType)}"
        )
    out: set[SubjectType] = set()
    for t in given:
        parsed = t if isinstance(t, SubjectType) else parse_subject_type(t)
        if parsed is None:
            raise ValueError(f"types: {t!r} is not one of {_allowed(SubjectType)}")
        out.add(parsed)
    return frozenset(out)


def check_name(name: str) -> str:
    """A client name: 1–64 of ``a-z 0-9 _ . -``."""
    if not NAME_RULE.fullmatch(name):
        raise ValueError(f"name: {name!r} must be 1-64 characters of a-z, 0-9, '_', '.', '-'")
    return name


def check_department(department: str | None, role: Role) -> str | None:
    """Required for role department; 1–64 characters without whitespace when given."""
    if department is None or department == "":
        if role is Role.DEPARTMENT:
            raise ValueError("department: required for role department (e.g. --department hukou)")
        return None
    if not DEPARTMENT_RULE.fullmatch(department) or not department.isprintable():
        raise ValueError(
            f"department: {department!r} must be 1-64 printable characters without whitespace"
        )
    return department


def new_key() -> str:
    """A fresh key: ``rk_`` + 43 URL-safe characters (256 random bits)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_id(key: str) -> str:
    """The lookup id of a key: the first 8 characters after the prefix."""
    return key[len(KEY_PREFIX) : len(KEY_PREFIX) + KEY_ID_LENGTH]


def hash_key(key: str) -> str:
    """SHA-256 of the whole key, hex; see the module docstring for why no slow KDF."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _client(row: tuple[str, str, int, str, str | None, str, int, str]) -> Client:
    name, role, clearance, types, department, created_at, active, kid = row
    return Client(
        name=name,
        role=Role(role),
        clearance=Level(clearance),
        types=frozenset(SubjectType(t) for t in types.split(",") if t),
        department=department,
        created_at=datetime.fromisoformat(created_at),
        active=bool(active),
        key_id=kid,
    )


class ClientRegistry:
    """The clients of one store directory; one connection, shared by threads under a lock."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / ACCESS_FILE
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA busy_timeout=30000")
        self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> ClientRegistry:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def add(
        self,
        name: str,
        role: Role | str,
        clearance: Level | str | int,
        types: Iterable[SubjectType | str] | str | None,
        department: str | None = None,
    ) -> tuple[Client, str]:
        """Register a client; returns it and its key, which is not stored and cannot be shown again.

        Raises ValueError naming the field and the rule it breaks, or a duplicate name.
        """
        check_name(name)
        parsed_role = parse_role(role)
        level = parse_clearance(clearance)
        allowed = parse_types(types, parsed_role)
        dept = check_department(department, parsed_role)
        with self._lock:
            for _ in range(5):  # a key-id collision (48 random bits) is astronomically rare
                key = new_key()
                try:
                    self._conn.execute(
                        "INSERT INTO clients(name, role, clearance, types, department, "
                        "created_at, active, key_id, key_hash) VALUES (?,?,?,?,?,?,1,?,?)",
                        (
                            name,
                            parsed_role.value,
                            int(level),
                            ",".join(sorted(t.value for t in allowed)),
                            dept,
                            _now(),
                            key_id(key),
                            hash_key(key),
                        ),
                    )
                except sqlite3.IntegrityError as exc:
                    if "clients.name" in str(exc):
                        raise ValueError(f"name: a client named {name!r} already exists") from None
                    continue
                return self._get(name), key
        raise RuntimeError("could not draw a unique key id")  # pragma: no cover

    def authenticate(self, key: str) -> Client | None:
        """The active client holding ``key``, or None (unknown, revoked or rotated away)."""
        if not key.startswith(KEY_PREFIX) or len(key) > MAX_KEY_LENGTH or not key.isascii():
            return None
        digest = hash_key(key)
        with self._lock:
            row = self._conn.execute(
                f"SELECT {_COLUMNS}, key_hash FROM clients WHERE key_id = ?", (key_id(key),)
            ).fetchone()
        if row is None or not hmac.compare_digest(digest, row[-1]) or not row[6]:
            return None
        return _client(row[:-1])

    def get(self, name: str) -> Client | None:
        """The client of that name (active or revoked), or None."""
        with self._lock:
            row = self._conn.execute(
                f"SELECT {_COLUMNS} FROM clients WHERE name = ?", (name,)
            ).fetchone()
        return None if row is None else _client(row)

    def _get(self, name: str) -> Client:
        row = self._conn.execute(f"SELECT {_COLUMNS} FROM clients WHERE name = ?", (name,))
        found = row.fetchone()
        if found is None:
            raise UnknownClient(name)
        return _client(found)

    def revoke(self, name: str) -> Client:
        """Deactivate a client: its key stops working at once; the name stays taken (audit)."""
        with self._lock:
            self._conn.execute(
                "UPDATE clients SET active = 0, revoked_at = COALESCE(revoked_at, ?) "
                "WHERE name = ?",
                (_now(), name),
            )
            return self._get(name)

    def rotate(self, name: str) -> str:
        """Issue a new key for an active client; the old one stops working at once."""
        with self._lock:
            if not self._get(name).active:
                raise ValueError(f"name: client {name!r} is revoked; register a new client")
            for _ in range(5):
                key = new_key()
                try:
                    self._conn.execute(
                        "UPDATE clients SET key_id = ?, key_hash = ? WHERE name = ?",
                        (key_id(key), hash_key(key), name),
                    )
                except sqlite3.IntegrityError:
                    continue
                return key
        raise RuntimeError("could not draw a unique key id")  # pragma: no cover

    def list(self) -> builtins.list[Client]:
        """Every client, revoked ones included, by name."""
        with self._lock:
            rows = self._conn.execute(f"SELECT {_COLUMNS} FROM clients ORDER BY name").fetchall()
        return [_client(r) for r in rows]
