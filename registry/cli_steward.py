"""``registry review|decide|decisions|undo-decision|judgements``: the stewards' commands.

The same service calls as the stewards' API and console (:mod:`registry.stewardship`), for
scripts and for the export/import of the judgement log around a rebuild.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from graph_schema.subject_types import parse_subject_type
from registry.judgement_io import JudgementImportError
from registry.service import Registry
from registry.stewardship import DECISION_KINDS, DecisionError
from registry.store.base import REVIEW_REASONS, REVIEW_STATUSES, Decision, ReviewFilter

Session = Callable[[Path | None], AbstractContextManager[Registry]]
Fail = Callable[..., typer.Exit]

StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", help="store directory [env REGISTRY_STORE, default ./registry-data]"),
]
UserOpt = Annotated[str, typer.Option("--user", help="the steward deciding")]


def _decision_line(d: Decision) -> str:
    subjects = ", ".join(d.subjects) or "-"
    return (
        f"decision {d.decision_id} ({d.kind}) applied: {len(d.judgements)} judgement(s); "
        f"subjects now {subjects}"
    )


def register_steward_commands(
    app: typer.Typer, session: Session, fail: Fail, console: Console
) -> None:
    judgements_app = typer.Typer(
        help="The judgement log as JSON lines, to carry decisions over a rebuild.",
        no_args_is_help=True,
    )
    app.add_typer(judgements_app, name="judgements")

    @app.command()
    def review(
        store: StoreOpt = None,
        subject_type: Annotated[str | None, typer.Option("--type")] = None,
        source: Annotated[str | None, typer.Option("--source")] = None,
        reason: Annotated[
            str | None, typer.Option("--reason", help=" | ".join(REVIEW_REASONS))
        ] = None,
        status: Annotated[str, typer.Option("--status", help=" | ".join(REVIEW_STATUSES))] = "open",
        limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 50,
    ) -> None:
        """The review queue, highest priority (impact × uncertainty) first."""
        parsed = parse_subject_type(subject_type) if subject_type else None
        if subject_type and parsed is None:
            raise fail(f"--type: unknown subject type {subject_type!r}")
        if reason is not None and reason not in REVIEW_REASONS:
            raise fail(f"--reason: {reason!r} is not one of {', '.join(REVIEW_REASONS)}")
        if status not in REVIEW_STATUSES:
            raise fail(f"--status: {status!r} is not one of {', '.join(REVIEW_STATUSES)}")
        with session(store) as reg:
            page = reg.stewardship.queue(ReviewFilter(parsed, source, reason, status), limit)
        table = Table(title=f"review queue: {page.total} {status} ({len(page.items)} shown)")
        for col in ("id", "type", "reason", "left", "right", "weight", "impact", "priority"):
            numeric = col in ("id", "weight", "impact", "priority")
            table.add_column(col, justify="right" if numeric else "left")
        for i in page.items:
            left = str(i.left) if i.left is not None else (i.subject_id or "-")
            right = str(i.right) if i.right is not None else (i.comment[:30] or "-")
            table.add_row(
                str(i.item_id), i.subject_type.value, i.reason, left, right,
                f"{i.weight:+.2f}", str(i.impact), f"{i.priority:.2f}",
            )  # fmt: skip
        console.print(table)
        left_by = ", ".join(f"{k} {v}" for k, v in sorted(page.open_by_reason.items()))
        console.print(f"open: {left_by or 'none'}")

    @app.command()
    def decide(
        kind: Annotated[str, typer.Argument(help=" | ".join(DECISION_KINDS))],
        user: UserOpt,
        left: Annotated[
            str | None, typer.Option("--left", help="subject id or source/record_id")
        ] = None,
        right: Annotated[
            str | None, typer.Option("--right", help="subject id or source/record_id")
        ] = None,
        record: Annotated[
            str | None, typer.Option("--record", help="move: source/record_id")
        ] = None,
        to: Annotated[str | None, typer.Option("--to", help="move: the subject to join")] = None,
        subject: Annotated[
            str | None, typer.Option("--subject", help="dissolve: subject id")
        ] = None,
        review_id: Annotated[
            int | None, typer.Option("--review-id", help="queue item decided")
        ] = None,
        reason: Annotated[str, typer.Option("--reason")] = "",
        comment: Annotated[str, typer.Option("--comment")] = "",
        store: StoreOpt = None,
    ) -> None:
        """Make a binding decision and apply it now (see docs/stewards.md)."""
        with session(store) as reg:
            try:
                d = reg.stewardship.decide(
                    kind, steward=user, left=left, right=right, record=record, to=to,
                    subject=subject, reason=reason, comment=comment, review_id=review_id,
                )  # fmt: skip
            except (LookupError, DecisionError) as exc:
                raise fail(str(exc).strip("'\""), 1) from exc
        console.print(_decision_line(d))

    @app.command("undo-decision")
    def undo_decision(
        decision_id: Annotated[int, typer.Argument(help="decision id")],
        user: UserOpt,
        reason: Annotated[str, typer.Option("--reason")] = "",
        comment: Annotated[str, typer.Option("--comment")] = "",
        store: StoreOpt = None,
    ) -> None:
        """Undo a decision (a new decision cancelling its judgements)."""
        with session(store) as reg:
            try:
                d = reg.stewardship.undo(decision_id, steward=user, reason=reason, comment=comment)
            except (LookupError, DecisionError) as exc:
                raise fail(str(exc).strip("'\""), 1) from exc
        console.print(_decision_line(d))

    @app.command()
    def decisions(
        store: StoreOpt = None, limit: Annotated[int, typer.Option("--limit", min=1)] = 50
    ) -> None:
        """The decision log, newest first."""
        with session(store) as reg:
            found, total = reg.stewardship.decisions(limit)
        table = Table(title=f"decisions: {total}")
        for col in ("id", "at", "steward", "kind", "args", "undone by", "comment"):
            table.add_column(col)
        for d in found:
            args = " ".join(f"{k}={v}" for k, v in d.args.items() if v is not None)
            undone = "" if d.undone_by is None else str(d.undone_by)
            table.add_row(str(d.decision_id), d.at[:19], d.steward, d.kind, args, undone, d.comment)
        console.print(table)

    @judgements_app.command("export")
    def export_judgements(
        out: Annotated[Path, typer.Argument(help="file to write ('-': standard output)")],
        store: StoreOpt = None,
    ) -> None:
        """Write the judgement log as JSON lines."""
        with session(store) as reg:
            lines = list(reg.export_judgements())
        if str(out) == "-":
            sys.stdout.buffer.write(b"".join(lines))
            return
        out.write_bytes(b"".join(lines))
        console.print(f"{len(lines)} judgement(s) written to {out}")

    @judgements_app.command("import")
    def import_judgements(
        file: Annotated[Path, typer.Argument(help="a file written by `judgements export`")],
        store: StoreOpt = None,
    ) -> None:
        """Append an exported log's new entries and apply them (already present: skipped)."""
        if not file.is_file():
            raise fail(f"no file {file}")
        with session(store) as reg:
            try:
                imported, present = reg.import_judgements(file.read_bytes().splitlines())
            except JudgementImportError as exc:
                raise fail(f"{file}: {exc}; nothing imported", 1) from exc
        console.print(f"{imported} judgement(s) imported, {present} already present")
