"""`registry graph …`: keep the Neo4j projection in step, and query the subject graph.

Queries run on Neo4j when ``REGISTRY_NEO4J_URI`` is set and on the embedded store otherwise;
their JSON is the same either way.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.progress import Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from graph_schema.relationships import RelationshipType, parse_relationship_type
from graph_schema.subject_types import SubjectType, parse_subject_type
from registry.graph.base import GraphUnavailable
from registry.graph.check import check
from registry.graph.sync import Neo4jProjector, SyncReport
from registry.service import Registry

Session = Callable[[Path | None], AbstractContextManager[Registry]]
Fail = Callable[..., typer.Exit]

StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", help="store directory [env REGISTRY_STORE, default ./registry-data]"),
]
RelOpt = Annotated[
    list[str] | None,
    typer.Option("--rel", help="relationship type to follow (repeatable; default: all)"),
]
TypeOpt = Annotated[
    list[str] | None,
    typer.Option("--type", help="subject type to include (repeatable; default: all)"),
]


def register_graph_commands(
    app: typer.Typer, session: Session, fail: Fail, console: Console, err: Console
) -> None:
    graph_app = typer.Typer(
        help="The subject graph: Neo4j sync, rebuild, check, and graph queries.",
        no_args_is_help=True,
    )
    app.add_typer(graph_app, name="graph")

    def projector(reg: Registry) -> Neo4jProjector:
        if reg.projector is None:
            raise fail(
                "no Neo4j configured: set REGISTRY_NEO4J_URI (and _USER, _PASSWORD, "
                "_DATABASE); `make neo4j` starts one"
            )
        return reg.projector

    def rels(values: list[str] | None) -> list[RelationshipType] | None:
        if not values:
            return None
        out = []
        for v in values:
            parsed = parse_relationship_type(v, "--rel")
            if not isinstance(parsed, RelationshipType):
                raise fail(parsed.message)
            out.append(parsed)
        return out

    def kinds(values: list[str] | None) -> list[SubjectType] | None:
        if not values:
            return None
        out = []
        for v in values:
            found = parse_subject_type(v)
            if found is None:
                allowed = ", ".join(t.value for t in SubjectType)
                raise fail(f"--type: unknown subject type {v!r}; allowed: {allowed}")
            out.append(found)
        return out

    def emit(result: BaseModel | None, what: str) -> None:
        if result is None:
            raise fail(f"no active subject {what}", 1)
        console.print_json(result.model_dump_json())

    def current(reg: Registry, subject_id: str) -> str:
        found = reg.current_id(subject_id)
        if found is None:
            raise fail(f"no subject {subject_id}", 1)
        if found != subject_id:
            err.print(f"{subject_id} was merged into {found}; showing {found}")
        return found

    def run(store: Path | None, body: Callable[[Registry], Any]) -> Any:
        try:
            with session(store) as reg:
                return body(reg)
        except GraphUnavailable as exc:
            raise fail(str(exc), 3) from exc
        except ValueError as exc:
            raise fail(str(exc)) from exc

    def show_sync(report: SyncReport) -> None:
        rate = report.elements / report.seconds if report.seconds else 0.0
        console.print(
            f"graph {report.mode}: seq {report.from_seq} → {report.to_seq}, "
            f"{report.subjects} subjects, {report.elements} elements written "
            f"in {report.seconds:.1f}s ({rate:,.0f}/s)"
        )

    def with_bar(body: Callable[[Callable[[str, int], None]], SyncReport]) -> SyncReport:
        with Progress(
            TextColumn("{task.description}"), TimeElapsedColumn(), console=err, transient=True
        ) as bar:
            task = bar.add_task("graph", total=None)
            done: dict[str, int] = {}

            def tick(stage: str, n: int) -> None:
                done[stage] = done.get(stage, 0) + n
                bar.update(task, description=f"graph: {stage} {done[stage]:,}")

            return body(tick)

    @graph_app.command("sync")
    def sync_cmd(store: StoreOpt = None) -> None:
        """Apply every registry change since the last one the graph has."""
        show_sync(run(store, lambda reg: with_bar(projector(reg).sync)))

    @graph_app.command("rebuild")
    def rebuild_cmd(store: StoreOpt = None) -> None:
        """Empty the Neo4j database and load the whole registry graph again."""
        show_sync(run(store, lambda reg: with_bar(projector(reg).rebuild)))

    @graph_app.command("check")
    def check_cmd(
        store: StoreOpt = None,
        sample: Annotated[int, typer.Option(help="ids shown per difference")] = 10,
        as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    ) -> None:
        """Report every difference between the registry and the graph (exit 1 if any)."""
        report = run(store, lambda reg: check(projector(reg), sample))
        if as_json:
            console.print_json(json.dumps(report.__dict__ | {"differences": report.differences}))
        else:
            table = Table(title="registry vs graph")
            for col in ("what", "registry", "graph"):
                table.add_column(col, justify="left" if col == "what" else "right")
            for k, n in report.registry.items():
                table.add_row(k, str(n), str(report.graph.get(k, 0)))
            console.print(table)
            console.print(f"graph applied seq {report.applied_seq}, registry seq {report.last_seq}")
            for label, groups in (
                ("missing from graph", report.missing),
                ("extra in graph", report.extra),
            ):
                for kind, ids in groups.items():
                    console.print(f"{label}: {kind}: {', '.join(ids)}")
            if report.stale:
                console.print(f"stale golden values: {', '.join(report.stale)}")
            console.print(f"differences: {report.differences}")
        if report.differences:
            raise typer.Exit(1)

    @graph_app.command("status")
    def status_cmd(store: StoreOpt = None) -> None:
        """Which change the graph has applied, and how far behind it is."""

        def body(reg: Registry) -> None:
            applied, owner = projector(reg).applied()
            last = reg.store.last_seq()
            if applied is None:
                console.print(f"graph empty or never synced; registry at seq {last}")
            elif owner != projector(reg).store_id():
                console.print("graph was built from another store: `registry graph rebuild`")
            else:
                console.print(
                    f"graph at seq {applied}, registry at {last}: {last - applied} behind"
                )

        run(store, body)

    @graph_app.command("neighbours")
    def neighbours_cmd(
        subject: Annotated[str, typer.Argument(help="subject id, e.g. P-00000001")],
        hops: Annotated[int, typer.Option(help="1–4")] = 2,
        rel: RelOpt = None,
        subject_type: TypeOpt = None,
        limit: Annotated[int, typer.Option(help="at most this many subjects")] = 500,
        store: StoreOpt = None,
    ) -> None:
        """The k-hop neighbourhood of a subject."""

        def body(reg: Registry) -> None:
            found = current(reg, subject)
            result = reg.graph.neighbourhood(found, hops, rels(rel), kinds(subject_type), limit)
            emit(result, subject)

        run(store, body)

    @graph_app.command("path")
    def path_cmd(
        from_id: Annotated[str, typer.Argument(help="first subject id")],
        to_id: Annotated[str, typer.Argument(help="second subject id")],
        max_hops: Annotated[int, typer.Option(help="1–8")] = 6,
        rel: RelOpt = None,
        subject_type: TypeOpt = None,
        store: StoreOpt = None,
    ) -> None:
        """Every shortest path between two subjects."""

        def body(reg: Registry) -> None:
            a, b = current(reg, from_id), current(reg, to_id)
            result = reg.graph.shortest_paths(a, b, max_hops, rels(rel), kinds(subject_type))
            emit(result, f"{from_id} or {to_id}")

        run(store, body)

    @graph_app.command("parcel")
    def parcel_cmd(
        parcel: Annotated[str, typer.Argument(help="parcel id, e.g. L-00000001")],
        store: StoreOpt = None,
    ) -> None:
        """Everything on a parcel: buildings, their owners, enterprises and residents."""
        run(store, lambda reg: emit(reg.graph.parcel_contents(current(reg, parcel)), parcel))

    @graph_app.command("control")
    def control_cmd(
        person: Annotated[str, typer.Argument(help="person id, e.g. P-00000001")],
        depth: Annotated[int, typer.Option(help="1–4")] = 3,
        store: StoreOpt = None,
    ) -> None:
        """The companies a person represents or holds, and what those companies hold."""
        run(store, lambda reg: emit(reg.graph.control_network(current(reg, person), depth), person))
