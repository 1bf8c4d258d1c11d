"""`registry demo generate|run`: the synthetic city and the main job over it."""

from __future__ import annotations

import json
import time
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from registry.batch import BatchReport
from registry.demo import generate_city
from registry.graph.neo4j_conn import Neo4jSettings
from registry.mapping import Mapping
from registry.quality import pairwise_scores, read_truth
from registry.service import Registry
from registry.store.base import ReviewFilter


def register(app: typer.Typer, console: Console) -> None:
    demo_app = typer.Typer(help="The synthetic demo city.", no_args_is_help=True)
    app.add_typer(demo_app, name="demo")
    err = Console(stderr=True)

    @demo_app.command("generate")
    def generate(
        out_dir: Annotated[Path, typer.Argument(help="directory to write the city into")],
        persons: Annotated[int, typer.Option("--persons", min=10)] = 20_000,
        seed: Annotated[int, typer.Option("--seed")] = 7,
    ) -> None:
        """Write departments' exports, their mappings and a ground-truth file."""
        started = time.perf_counter()
        manifest = generate_city(out_dir, persons, seed)
        console.print(
            f"city of {persons} persons written to {out_dir} in "
            f"{time.perf_counter() - started:.1f}s "
            f"({len(manifest.sources)} sources)"
        )

    @demo_app.command("run")
    def run(
        out_dir: Annotated[Path, typer.Option("--city", help="city directory")] = Path("demo-city"),
        store: Annotated[Path, typer.Option("--store")] = Path("registry-data"),
        persons: Annotated[int, typer.Option("--persons", min=10)] = 20_000,
        seed: Annotated[int, typer.Option("--seed")] = 7,
        fresh: Annotated[bool, typer.Option(help="start from an empty store")] = True,
    ) -> None:
        """Generate a city (if absent), ingest every department, resolve, print a summary."""
        manifest_path = out_dir / "manifest.json"
        if (
            not manifest_path.exists()
            or json.loads(manifest_path.read_text()).get("persons") != persons
        ):
            generate(out_dir, persons, seed)
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if fresh and store.exists():
            for name in ("registry.sqlite3", "registry.sqlite3-wal", "registry.sqlite3-shm"):
                (store / name).unlink(missing_ok=True)
        store.mkdir(parents=True, exist_ok=True)
        rules = Path(__file__).parent / "demo" / "survivorship.toml"
        (store / "survivorship.toml").write_text(rules.read_text(encoding="utf-8"))
        # each department's mapping, installed for pushes over the API (POST /v1/sources/…)
        (store / "mappings").mkdir(exist_ok=True)
        for src in manifest["sources"]:
            text = (out_dir / src["mapping"]).read_text(encoding="utf-8")
            (store / "mappings" / f"{src['name']}.toml").write_text(text, encoding="utf-8")
        # with REGISTRY_NEO4J_* set the graph is loaded once at the end, not after every file
        reg = Registry(store, neo4j=Neo4jSettings.from_env(), auto_graph_sync=False)
        started = time.perf_counter()
        try:
            with Progress(
                TextColumn("{task.description:<28}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err,
            ) as bar:
                for src in manifest["sources"]:
                    task = bar.add_task(f"{src['name']} ({src['department']})", total=src["rows"])
                    mapping = Mapping.load(out_dir / src["mapping"])
                    reg.ingest_file(
                        out_dir / src["file"],
                        src["name"],
                        mapping,
                        resolve=False,
                        progress=partial(bar.advance, task),
                    )
                resolving = bar.add_task("batch resolution", total=None)
                report = reg.resolve(
                    progress=lambda msg: bar.update(resolving, description=msg[:28])
                )
                bar.update(resolving, total=1, completed=1, description="batch resolution")
            elapsed = time.perf_counter() - started
            print_resolution(console, report)
            total, by_reason, _ = reg.store.review_counts(ReviewFilter())
            reasons = ", ".join(f"{k} {v}" for k, v in sorted(by_reason.items())) or "empty"
            console.print(
                f"review queue: {total} open items ({reasons}); `registry review` lists them, "
                "stewards decide them in the console (/console)"
            )
            summarize(console, reg, out_dir / manifest["truth"], elapsed)
            if reg.projector is not None:
                synced = reg.sync_graph(force=True)
                if synced is None:
                    console.print(f"[yellow]graph not loaded:[/yellow] {reg.graph_error}")
                else:
                    console.print(
                        f"graph loaded into Neo4j: {synced.subjects:,} subjects, "
                        f"{synced.elements:,} elements in {synced.seconds:.1f}s"
                    )
        finally:
            reg.close()


def print_resolution(console: Console, report: BatchReport) -> None:
    """The per-type table of a batch resolution."""
    if not report.per_type:
        console.print("nothing to resolve")
        return
    cols = [c for c in next(iter(report.per_type.values())) if c != "phases"]
    table = Table(title=f"batch resolution ({report.seconds:.1f}s)")
    table.add_column("type")
    for col in cols:
        table.add_column(col.replace("_", " "), justify="right")
    for st, row in report.per_type.items():
        table.add_row(st, *(str(row[c]) for c in cols))
    console.print(table)
    phases: dict[str, dict[str, float]] = {
        st: p for st, row in report.per_type.items() if isinstance(p := row.get("phases"), dict)
    }
    names = list(dict.fromkeys(name for p in phases.values() for name in p))
    if names:
        timing = Table(title="where the time went (seconds)")
        timing.add_column("type")
        for name in names:
            timing.add_column(name.replace("_", " "), justify="right")
        for st, p in phases.items():
            timing.add_row(st, *(f"{p[n]:.2f}" if n in p else "" for n in names))
        console.print(timing)
    if report.derived is not None:
        methods = ", ".join(f"{k} {v:,}" for k, v in sorted(report.derived.by_method.items()))
        console.print(f"derived links to places: {report.derived.links:,} ({methods or 'none'})")


def summarize(console: Console, reg: Registry, truth_path: Path, elapsed: float) -> None:
    counts = reg.counts()
    table = Table(title=f"registry summary (ingest + resolution {elapsed:.1f}s)")
    table.add_column("subjects")
    table.add_column("count", justify="right")
    for t, n in counts.items():
        table.add_row(t, str(n))
    console.print(table)
    rels: dict[str, int] = {}
    for edge in reg.graph_edges():
        rels[edge["type"]] = rels.get(edge["type"], 0) + 1
    rt = Table(title="relationships")
    rt.add_column("type")
    rt.add_column("count", justify="right")
    for t, n in sorted(rels.items()):
        rt.add_row(t, str(n))
    console.print(rt)
    console.print(f"quarantined rows: {len(reg.store.quarantined())}")
    truth = read_truth(truth_path)
    predicted = ((source, rid, entity) for source, rid, _, entity in reg.assignments())
    q = Table(title="resolution quality against the ground truth (pairwise)")
    for col in ("type", "records", "precision", "recall", "F1"):
        q.add_column(col, justify="right")
    for st, s in pairwise_scores(predicted, truth).items():
        q.add_row(st, str(s.records), f"{s.precision:.4f}", f"{s.recall:.4f}", f"{s.f1:.4f}")
    console.print(q)


_STEPS = ("context", "candidates", "scoring", "clustering")


def print_resolution_timings(console: Console, timings: dict[str, dict[str, float]]) -> None:
    """Where the ingest's resolution time went, per subject type (seconds, and milliseconds
    per record over these steps)."""
    types = [t for t in timings if t != "all"]
    if not types:
        return
    table = Table(title="resolution time (s)")
    for col in ("type", "records", *_STEPS, "ms/rec"):
        table.add_column(col, justify="left" if col == "type" else "right", no_wrap=True)
    for t in types:
        row = timings[t]
        spent = sum(row.get(step, 0.0) for step in _STEPS)
        n = int(row.get("records", 0))
        per = f"{1000 * spent / n:.2f}" if n else "-"
        table.add_row(t, f"{n:,}", *(f"{row.get(step, 0.0):.2f}" for step in _STEPS), per)
    shared = timings.get("all", {})
    table.caption = (
        f"and for every type: reading the changed records {shared.get('read', 0.0):.2f} s, "
        f"golden values and membership {shared.get('golden values', 0.0):.2f} s"
    )
    console.print(table)
