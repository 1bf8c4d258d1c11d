"""`registry standard` and `registry check`: the standard, and a file checked against it."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from graph_schema.fields import SUBJECT_FIELDS
from graph_schema.normalize import normalize_fields
from graph_schema.relationships import RELATIONSHIP_SPECS
from graph_schema.subject_types import SubjectType, parse_subject_type


def register_standard_commands(app: typer.Typer, console: Console) -> None:
    @app.command()
    def standard() -> None:
        """Print the unified standard: fields with kinds and levels, and relationship types."""
        for subject_type, specs in SUBJECT_FIELDS.items():
            table = Table(title=f"{subject_type.value} ({subject_type.id_prefix}-…)")
            for col in ("field", "kind", "level", "national id", "description"):
                table.add_column(col)
            for s in specs:
                table.add_row(
                    s.name,
                    s.kind.value,
                    s.level.name,
                    "yes" if s.national_id else "",
                    s.description,
                )
            console.print(table)
        rels = Table(title="relationships")
        for col in ("type", "from", "to", "description"):
            rels.add_column(col)
        for spec in RELATIONSHIP_SPECS.values():
            to = "|".join(sorted(spec.targets)) + (" (symmetric)" if spec.symmetric else "")
            rels.add_row(spec.type.value, "|".join(sorted(spec.sources)), to, spec.description)
        console.print(rels)

    @app.command()
    def check(
        file: Annotated[Path, typer.Argument(help="CSV whose headers are standard field names")],
        type_: Annotated[str, typer.Option("--type", help="person|enterprise|building|parcel")],
        show: Annotated[int, typer.Option(help="problems to list in full")] = 20,
    ) -> None:
        """Validate a CSV against the standard and report every problem by field and rule."""
        subject_type = parse_subject_type(type_)
        if subject_type is None:
            allowed = ", ".join(t.value for t in SubjectType)
            raise typer.BadParameter(f"unknown subject type {type_!r}; allowed: {allowed}")
        try:
            handle = file.open(newline="", encoding="utf-8-sig")
        except OSError as exc:
            Console(stderr=True).print(f"[red]error:[/red] cannot read {file}: {exc.strerror}")
            raise typer.Exit(2) from exc
        rows = 0
        by_rule: Counter[tuple[str, str]] = Counter()
        listed = Table(title="problems")
        for col in ("row", "field", "rule", "value", "message"):
            listed.add_column(col)
        with handle:
            for line_no, row in enumerate(csv.DictReader(handle), start=2):
                rows += 1
                result = normalize_fields(subject_type, {k: v or "" for k, v in row.items() if k})
                for p in result.problems:
                    by_rule[(p.field, p.rule)] += 1
                    if listed.row_count < show:
                        listed.add_row(str(line_no), p.field, p.rule, p.value, p.message)
        console.print(f"{rows} {subject_type.value} rows read from {file}")
        if listed.row_count:
            console.print(listed)
        summary = Table(title="problems by field and rule")
        for col in ("field", "rule", "count"):
            summary.add_column(col)
        for (field, rule), count in sorted(by_rule.items()):
            summary.add_row(field, rule, str(count))
        console.print(summary if by_rule else "[green]no problems[/green]")
