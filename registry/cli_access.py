"""`registry clients …` and `registry audit …`: API keys and the audit trail.

These commands touch only ``access.sqlite3`` and ``audit.sqlite3`` in the store directory,
never the registry data, so they work while an ingest holds the main store.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from registry.audit import AUDIT_FILE, MAX_QUERY_LIMIT, AuditEntry, AuditLog, parse_time_bound
from registry.clients import ACCESS_FILE, ClientRegistry, UnknownClient
from registry.service import default_store_dir

StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", help="store directory [env REGISTRY_STORE, default ./registry-data]"),
]
err = Console(stderr=True)


def _fail(message: str, code: int = 2) -> NoReturn:
    """One line naming the field and the rule on stderr, then exit ``code``."""
    err.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _store(store: Path | None) -> Path:
    return store if store is not None else default_store_dir()


def _clients(store: Path | None, *, create: bool = False) -> ClientRegistry:
    directory = _store(store)
    if not create and not (directory / ACCESS_FILE).exists():
        _fail(f"store: no clients registered in {directory} (run `registry clients add`)")
    try:
        return ClientRegistry(directory)
    except OSError as exc:
        _fail(f"store: cannot open {directory}: {exc}")


def register_access_commands(app: typer.Typer, console: Console) -> None:
    """Add the ``clients`` and ``audit`` sub-apps to the ``registry`` command line."""
    clients_app = typer.Typer(help="API clients and their keys.", no_args_is_help=True)
    audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
    app.add_typer(clients_app, name="clients")
    app.add_typer(audit_app, name="audit")

    @clients_app.command("add")
    def clients_add(
        name: Annotated[str, typer.Argument(help="client name: a-z 0-9 _ . - (max 64)")],
        role: Annotated[str, typer.Option("--role", help="department|analyst|steward|admin")],
        clearance: Annotated[str, typer.Option("--clearance", help="L1..L4")],
        types: Annotated[
            str, typer.Option("--types", help="person,enterprise,building,parcel (admin: all)")
        ] = "",
        department: Annotated[
            str | None, typer.Option("--department", help="department code (role department)")
        ] = None,
        store: StoreOpt = None,
    ) -> None:
        """Register a client and print its key, once."""
        registry = _clients(store, create=True)
        try:
            client, key = registry.add(name, role, clearance, types, department)
        except ValueError as exc:
            _fail(str(exc))
        finally:
            registry.close()
        console.print(
            f"client {client.name} added: role {client.role.value}, clearance "
            f"{client.clearance.name}, types {', '.join(sorted(client.types))}"
        )
        print(key)
        err.print(
            "[yellow]warning:[/yellow] store this key now; it will not be shown again "
            "(`registry clients rotate` issues a new one)",
            soft_wrap=True,
        )

    @clients_app.command("list")
    def clients_list(
        store: StoreOpt = None, as_json: Annotated[bool, typer.Option("--json")] = False
    ) -> None:
        """Every client with its role, clearance, types and whether it is active."""
        directory = _store(store)
        if not (directory / ACCESS_FILE).exists():
            console.print(f"no clients registered in {directory}")
            return
        with ClientRegistry(directory) as registry:
            found = registry.list()
        if as_json:
            for c in found:
                print(c.model_dump_json())
            return
        table = Table(title=f"{len(found)} clients")
        for col in ("name", "role", "clearance", "types", "department", "key id", "active"):
            table.add_column(col, overflow="fold")
        for c in found:
            table.add_row(
                *map(
                    escape,
                    (
                        c.name,
                        c.role.value,
                        c.clearance.name,
                        ",".join(sorted(c.types)),
                        c.department or "",
                        c.key_id,
                        "yes" if c.active else "revoked",
                    ),
                )
            )
        console.print(table)

    @clients_app.command("revoke")
    def clients_revoke(name: Annotated[str, typer.Argument()], store: StoreOpt = None) -> None:
        """Deactivate a client: its key stops working at once."""
        with _clients(store) as registry:
            try:
                registry.revoke(name)
            except UnknownClient as exc:
                _fail(str(exc))
        console.print(f"client {name} revoked")

    @clients_app.command("rotate")
    def clients_rotate(name: Annotated[str, typer.Argument()], store: StoreOpt = None) -> None:
        """Issue a new key for a client; the old key stops working at once."""
        with _clients(store) as registry:
            try:
                key = registry.rotate(name)
            except (UnknownClient, ValueError) as exc:
                _fail(str(exc))
        console.print(f"new key for client {name}:")
        print(key)
        err.print(
            "[yellow]warning:[/yellow] store this key now; it will not be shown again",
            soft_wrap=True,
        )

    @audit_app.command("verify")
    def audit_verify(store: StoreOpt = None) -> None:
        """Walk the hash chain; exit 1 naming the first bad entry."""
        directory = _store(store)
        if not (directory / AUDIT_FILE).exists():
            console.print(f"audit chain intact: 0 entries (no audit log in {directory} yet)")
            return
        with AuditLog(directory) as log:
            result = log.verify()
        if not result.ok:
            reason = escape(result.reason or "")
            err.print(
                f"[red]audit chain broken at entry {result.bad_seq}:[/red] {reason} "
                f"({result.entries} entries before it intact)",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(1)
        console.print(f"audit chain intact: {result.entries} entries")

    @audit_app.command("query")
    def audit_query(
        store: StoreOpt = None,
        client: Annotated[str | None, typer.Option("--client", help="client name")] = None,
        subject: Annotated[str | None, typer.Option("--subject", help="subject id")] = None,
        since: Annotated[str | None, typer.Option("--since", help="ISO date/time, incl.")] = None,
        until: Annotated[str | None, typer.Option("--until", help="ISO date/time, excl.")] = None,
        limit: Annotated[int, typer.Option("--limit")] = 100,
        as_json: Annotated[bool, typer.Option("--json", help="JSON lines")] = False,
    ) -> None:
        """Who read what, newest first."""
        directory = _store(store)
        try:
            for name, bound in (("since", since), ("until", until)):
                if bound is not None:
                    parse_time_bound(bound, name)
        except ValueError as exc:
            _fail(str(exc))
        if not 1 <= limit <= MAX_QUERY_LIMIT:
            _fail(f"limit: {limit} is not between 1 and {MAX_QUERY_LIMIT}")
        entries: list[AuditEntry] = []
        if (directory / AUDIT_FILE).exists():
            with AuditLog(directory) as log:
                try:
                    entries = log.query(client, subject, since, until, limit)
                except ValueError as exc:
                    _fail(str(exc))
        if as_json:
            for e in entries:
                print(json.dumps(e.model_dump(mode="json"), ensure_ascii=False))
            return
        table = Table(title=f"{len(entries)} audit entries")  # cells fold: ids are never cut
        for col in ("seq", "at", "client", "purpose", "route", "subjects", "in clear", "outcome"):
            right = col in ("seq", "outcome")
            table.add_column(col, justify="right" if right else "left", overflow="fold")
        for e in entries:
            cells = (e.at, e.client, e.purpose or "", e.route, ", ".join(e.subjects))
            table.add_row(
                str(e.seq), *map(escape, cells), escape(", ".join(e.fields)), str(e.outcome)
            )
        console.print(table)
