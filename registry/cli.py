"""The `registry` command line: a thin shell over :class:`registry.service.Registry`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from registry.cli_access import register_access_commands
from registry.cli_graph import register_graph_commands
from registry.cli_standard import register_standard_commands
from registry.cli_steward import register_steward_commands
from registry.graph.neo4j_conn import Neo4jSettings
from registry.ingest import IngestReport
from registry.mapping import Mapping, MappingError
from registry.readers import UnreadableFile
from registry.service import Registry

app = typer.Typer(help="Unified subject registry.", no_args_is_help=True, add_completion=False)
quarantine_app = typer.Typer(help="Rows set aside with their reasons.", no_args_is_help=True)
export_app = typer.Typer(help="Export clusters and the subject graph.", no_args_is_help=True)
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(export_app, name="export")
console = Console()
err = Console(stderr=True)

StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", help="store directory [env REGISTRY_STORE, default ./registry-data]"),
]


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a one-line reason to stderr and return the exit to raise."""
    err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def open_registry(store: Path | None) -> Registry:
    try:
        return Registry(store, neo4j=Neo4jSettings.from_env())
    except Exception as exc:  # the one-line reason matters more than the type here
        raise fail(f"cannot open store {store or 'registry-data'}: {exc}") from exc


@contextmanager
def session(store: Path | None) -> Iterator[Registry]:
    """An open registry, closed however the command ends."""
    reg = open_registry(store)
    try:
        yield reg
    finally:
        reg.close()


def load_mapping(path: Path) -> Mapping:
    try:
        return Mapping.load(path)
    except MappingError as exc:
        raise fail(str(exc)) from exc


@app.callback()
def main() -> None:
    """Unified subject registry: validate, ingest, resolve, serve."""


register_standard_commands(app, console)
register_graph_commands(app, session, fail, console, err)
register_steward_commands(app, session, fail, console)
register_access_commands(app, console)


def count_lines(path: Path) -> int | None:
    """Rows in a file (for the progress bar), or None if too big to count quickly."""
    if path.stat().st_size > 2_000_000_000:
        return None
    with path.open("rb") as handle:
        return max(sum(1 for _ in handle) - (1 if path.suffix.lower() == ".csv" else 0), 0)


def print_report(report: IngestReport) -> None:
    r = report.as_dict()
    table = Table(title=f"ingest summary: {report.source}", show_header=False)
    table.add_row("rows read", str(report.rows_read))
    table.add_row(
        "records created / updated / unchanged",
        f"{report.records_created} / {report.records_updated} / {report.records_unchanged}",
    )
    table.add_row(
        "relationships created / updated / unchanged",
        f"{report.relationships_created} / {report.relationships_updated} / "
        f"{report.relationships_unchanged}",
    )
    table.add_row("rows quarantined", str(report.quarantined))
    res = r["resolution"]
    table.add_row(
        "resolution",
        f"{res['created']} subjects created, {res['joined']} records "
        f"linked, {res['merged']} merges, {res['left']} records moved out",
    )
    console.print(table)
    from registry.cli_demo import print_resolution_timings

    print_resolution_timings(console, report.resolution.timings())
    if report.flagged:
        flagged = Table(title="values flagged invalid (kept raw, left out of matching)")
        for col in ("field", "rule", "count"):
            flagged.add_column(col, justify="right" if col == "count" else "left")
        for (f, rule), n in sorted(report.flagged.items(), key=lambda x: -x[1]):
            flagged.add_row(f, rule, str(n))
        console.print(flagged)


@app.command()
def ingest(
    file: Annotated[Path, typer.Argument(help="CSV (header row) or JSON Lines export")],
    source: Annotated[str, typer.Option("--source", help="source name, e.g. hukou")],
    mapping: Annotated[Path, typer.Option("--mapping", help="mapping TOML (see docs/mapping.md)")],
    store: StoreOpt = None,
    no_resolve: Annotated[bool, typer.Option("--no-resolve", help="store only")] = False,
) -> None:
    """Ingest a department's export: idempotent, versioned, bad rows quarantined."""
    m = load_mapping(mapping)
    reg = open_registry(store)
    try:
        total = count_lines(file) if file.is_file() else None
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task(f"ingest {file.name}", total=total)
            report = reg.ingest_file(
                file, source, m, resolve=not no_resolve, progress=lambda n: bar.advance(task, n)
            )
    except (UnreadableFile, MappingError) as exc:
        raise fail(str(exc)) from exc
    finally:
        reg.close()
    print_report(report)


@app.command()
def resolve(
    store: StoreOpt = None,
    no_retrain: Annotated[bool, typer.Option("--no-retrain", help="keep the saved models")] = False,
) -> None:
    """Batch resolution: re-estimate the models, rescore every pair, re-cluster (ids stable)."""
    from registry.cli_demo import print_resolution

    with session(store) as reg, err.status("resolving…") as status:
        report = reg.resolve(retrain=not no_retrain, progress=status.update)
    print_resolution(console, report)
    c = report.changes
    console.print(
        f"{c.created} subjects created, {c.joined} records linked, {c.merged} merges, "
        f"{c.split} splits"
    )


@app.command()
def derive(store: StoreOpt = None) -> None:
    """Re-derive links to places now (also done after every `registry resolve`)."""
    with session(store) as reg, err.status("deriving links to places…"):
        report = reg.derive_links()
    table = Table(title=f"derived links: {report.links} ({report.seconds:.1f} s)")
    table.add_column("link:method")
    table.add_column("links", justify="right")
    for name, n in sorted(report.by_method.items()):
        table.add_row(name, f"{n:,}")
    console.print(table)
    console.print(f"{report.added_or_changed} added or changed, {report.removed} removed")


@app.command()
def model(
    subject_type: Annotated[str, typer.Argument(help="person|enterprise|building|parcel")],
    store: StoreOpt = None,
) -> None:
    """Print the saved match model of a subject type (m, u and weight per level, thresholds)."""
    from graph_schema.subject_types import parse_subject_type

    parsed = parse_subject_type(subject_type)
    if parsed is None:
        raise fail(f"unknown subject type {subject_type!r}")
    with session(store) as reg:
        m = reg.models.get(parsed)
    table = Table(
        title=f"{parsed.value} model: prior {m.prior:.2e}, link ≥ "
        f"{m.link_threshold:.2f}, review ≥ {m.review_threshold:.2f}"
    )
    for col in ("feature", "level", "m", "u", "weight"):
        table.add_column(col, justify="right" if col in ("m", "u", "weight") else "left")
    for name, params in m.features.items():
        for level, p in params.levels.items():
            table.add_row(name, level, f"{p.m:.4f}", f"{p.u:.2e}", f"{p.weight:+.2f}")
    console.print(table)


@app.command()
def why(
    left: Annotated[str, typer.Argument(help="subject id or source/record_id")],
    right: Annotated[str, typer.Argument(help="subject id or source/record_id")],
    store: StoreOpt = None,
) -> None:
    """Explain a pair: each feature's level, the values compared, its weight, the total."""
    with session(store) as reg:
        result = reg.why(left, right)
    if result is None:
        raise fail(f"nothing to compare between {left} and {right}", 1)
    print(json.dumps(result, ensure_ascii=False, indent=2))


@app.command()
def how(
    entity_id: Annotated[str, typer.Argument(help="subject id")], store: StoreOpt = None
) -> None:
    """The links, judgements and history that built a subject."""
    with session(store) as reg:
        result = reg.how(entity_id)
    if result is None:
        raise fail(f"no subject {entity_id}", 1)
    print(json.dumps(result, ensure_ascii=False, indent=2))


@app.command()
def judge(
    kind: Annotated[str, typer.Argument(help="match | no_match | unsure")],
    left: Annotated[str, typer.Argument(help="subject id or source/record_id")],
    right: Annotated[str, typer.Argument(help="subject id or source/record_id")],
    user: Annotated[str, typer.Option("--user", help="the steward deciding")],
    reason: Annotated[str, typer.Option("--reason")] = "",
    comment: Annotated[str, typer.Option("--comment")] = "",
    store: StoreOpt = None,
) -> None:
    """Record a binding steward decision on two records or subjects and apply it now."""
    reg = open_registry(store)
    try:
        ids = reg.judge(kind, left, right, user=user, reason=reason, comment=comment)
    except (LookupError, ValueError) as exc:
        raise fail(str(exc).strip("'\""), 1) from exc
    finally:
        reg.close()
    console.print(f"judgement {', '.join(map(str, ids))} recorded and applied")


@app.command()
def undo(
    jid: Annotated[int, typer.Argument(help="judgement id")],
    user: Annotated[str, typer.Option("--user")],
    reason: Annotated[str, typer.Option("--reason")] = "",
    store: StoreOpt = None,
) -> None:
    """Undo a judgement (recorded as a new entry) and re-resolve what it touched."""
    reg = open_registry(store)
    try:
        reg.undo_judgement(jid, user=user, reason=reason)
    except LookupError as exc:
        raise fail(str(exc).strip("'\""), 1) from exc
    finally:
        reg.close()
    console.print(f"judgement {jid} undone")


@app.command()
def retract(
    source: Annotated[str, typer.Option("--source")],
    record_id: Annotated[str, typer.Option("--record-id")],
    store: StoreOpt = None,
) -> None:
    """Withdraw a record: kept in history, no longer contributes to its subject."""
    with session(store) as reg:
        result = reg.retract(source, record_id)
    if result is None:
        raise fail(f"no active record {source}/{record_id}", 1)
    console.print(
        f"retracted {source}/{record_id}; subjects touched: "
        f"{', '.join(sorted(result.touched)) or 'none'}"
    )


@quarantine_app.command("list")
def quarantine_list(
    store: StoreOpt = None,
    source: Annotated[str | None, typer.Option("--source")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List open quarantined rows with their reasons."""
    with session(store) as reg:
        entries = reg.store.quarantined(source)
    if as_json:
        for e in entries:
            print(
                json.dumps(
                    {
                        "qid": e.qid,
                        "source": e.source,
                        "mapping": e.mapping,
                        "origin": e.origin,
                        "line": e.line,
                        "row": e.row,
                        "reasons": e.reasons,
                    },
                    ensure_ascii=False,
                )
            )
        return
    table = Table(title=f"{len(entries)} quarantined rows")
    for col in ("id", "source", "file", "line", "reasons"):
        table.add_column(col)
    for e in entries:
        table.add_row(
            str(e.qid),
            e.source,
            e.origin,
            str(e.line or ""),
            "; ".join(r["message"] for r in e.reasons),
        )
    console.print(table)


@quarantine_app.command("resubmit")
def quarantine_resubmit(
    mapping: Annotated[Path, typer.Option("--mapping", help="the (fixed) mapping to apply")],
    source: Annotated[str, typer.Option("--source", help="whose rows to re-submit")],
    store: StoreOpt = None,
) -> None:
    """Re-submit a source's quarantined rows after the mapping or data is fixed."""
    m = load_mapping(mapping)
    with session(store) as reg:
        accepted, rejected = reg.resubmit_quarantine(m, source)
    console.print(f"{accepted} rows accepted, {rejected} still quarantined")


@app.command()
def show(
    entity_id: Annotated[str, typer.Argument(help="registry id, e.g. P-00000001")],
    store: StoreOpt = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="ISO date/time or seq:N")] = None,
) -> None:
    """Print a subject's profile (JSON), now or as of a past date."""
    with session(store) as reg:
        target = reg.entities.resolve_id(entity_id) or entity_id
        if target != entity_id:
            err.print(f"{entity_id} was merged into {target}")
        try:
            profile = reg.profile(target, as_of)
        except ValueError as exc:
            raise fail(f"--as-of: {exc}") from exc
    if profile is None:
        raise fail(f"no subject {entity_id}" + (f" as of {as_of}" if as_of else ""), 1)
    print(profile.model_dump_json(indent=2))


@app.command()
def changes(
    after: Annotated[int, typer.Option("--after", help="sequence number")] = 0,
    limit: Annotated[int, typer.Option("--limit")] = 100,
    store: StoreOpt = None,
) -> None:
    """List change-feed events after a sequence number (JSON lines)."""
    with session(store) as reg:
        for e in reg.changes(after, limit):
            print(
                json.dumps(
                    {
                        "seq": e.seq,
                        "at": e.at,
                        "kind": e.kind,
                        "entity_id": e.entity_id,
                        "subject_type": e.subject_type,
                        "payload": e.payload,
                    },
                    ensure_ascii=False,
                )
            )


@export_app.command("clusters")
def export_clusters(out: Annotated[Path, typer.Option("--out")], store: StoreOpt = None) -> None:
    """Write source,record_id,subject_type,entity_id for every stored record."""
    with session(store) as reg:
        n = reg.export_clusters(out)
    console.print(f"{n} records written to {out}")


@export_app.command("graph")
def export_graph(
    out: Annotated[Path, typer.Option("--out", help="directory")], store: StoreOpt = None
) -> None:
    """Write subjects and relationships as JSONL and CSV."""
    with session(store) as reg:
        subjects, edges = reg.export_graph(out)
    console.print(f"{subjects} subjects and {edges} relationships written to {out}")


from registry import cli_demo  # noqa: E402  (registers `registry demo …`)

cli_demo.register(app, console)


if __name__ == "__main__":
    app()
