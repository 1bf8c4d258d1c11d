"""Stewards' decisions: what a person decides, carried out as binding judgements on records.

Every decision a steward makes (match, not-match, unsure, merge two subjects, move a record
out of a subject, dissolve a subject, dismiss a queue item) is appended to the decision log
with who, when, why and a comment, and is carried out as judgements on record pairs
(:mod:`registry.judgements`): those are what bind the engine, incremental and batch alike,
and what survives a rebuild (:mod:`registry.judgement_io`). The records involved are then
re-resolved at once. An undo is a new decision that cancels the judgements of the one it
names, so both stay in the log.

- merge A B: a match between one record of each, and one for every pair across them that
  an earlier not-match kept apart (the newer decision wins; a match on subjects the same);
- move r [to T]: a not-match between r and every other record of its subject (and a match
  with a record of T when given); with no T the record is re-resolved on its own, joining
  whatever subject the evidence supports except the one it left, or a new one;
- dissolve S: a not-match between every two records of S; each record is then re-resolved
  on its own. Undoing it lets the engine bring them back together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import combinations

from graph_schema.subject_types import SubjectType
from registry.entities import EntityManager
from registry.incremental import EngineResolver
from registry.judgements import KINDS, constraints_for
from registry.store.base import (
    Decision,
    Judgement,
    RecordKey,
    RecordVersion,
    ReviewFilter,
    ReviewItem,
    Store,
)

PAIR_KINDS = KINDS  # the judgements a steward can make on a pair
DECISION_KINDS = (*PAIR_KINDS, "merge", "move", "dissolve")
MAX_DISSOLVE = 200  # records: a dissolve writes n·(n-1)/2 not-matches


class DecisionError(ValueError):
    """A decision that cannot be carried out; the message names the field and the rule."""


@dataclass(slots=True)
class ReviewPage:
    """One page of the queue and what is left."""

    items: list[ReviewItem]
    total: int
    open_by_reason: dict[str, int] = field(default_factory=dict)
    open_by_type: dict[str, int] = field(default_factory=dict)


class Stewardship:
    """The review queue and the decisions on it, over one store."""

    def __init__(
        self,
        store: Store,
        entities: EntityManager,
        resolver: EngineResolver,
        after_write: Callable[[], object] = lambda: None,
    ) -> None:
        self.store = store
        self.entities = entities
        self.resolver = resolver
        self.after_write = after_write

    # -- references ------------------------------------------------------------------------
    def records_for(self, ref: str) -> list[RecordVersion]:
        """Current records of ``source/record_id`` or of a subject id (redirects followed)."""
        if "/" in ref:
            source, _, record_id = ref.partition("/")
            rec = self.store.get_record(RecordKey(source, record_id))
            return [] if rec is None or rec.retracted else [rec]
        target = self.entities.resolve_id(ref)
        return [] if target is None else self.store.records_of(target)

    def _records(self, field_name: str, ref: str | None) -> list[RecordVersion]:
        if not ref:
            raise DecisionError(f"{field_name}: required")
        found = self.records_for(ref)
        if not found:
            raise LookupError(f"{field_name}: no active record or subject {ref!r}")
        return found

    def _subject(self, field_name: str, ref: str | None) -> tuple[str, list[RecordVersion]]:
        if not ref or "/" in ref:
            raise DecisionError(f"{field_name}: must be a subject id (e.g. P-00000001)")
        sid = self.entities.resolve_id(ref)
        records = [] if sid is None else self.store.records_of(sid)
        if sid is None or not records:
            raise LookupError(f"{field_name}: no active subject {ref!r}")
        return sid, records

    def subject_of(self, key: RecordKey | None) -> str | None:
        """The subject a record belongs to now."""
        if key is None:
            return None
        rec = self.store.get_record(key)
        return None if rec is None or rec.retracted else rec.entity_id

    # -- the queue -------------------------------------------------------------------------
    def queue(self, where: ReviewFilter, limit: int = 50, offset: int = 0) -> ReviewPage:
        """Open (or ``where.status``) items by priority, with counts of what is left."""
        items = self.store.review_items(where=where, limit=limit, offset=offset)
        total, by_reason, by_type = self.store.review_counts(where)
        return ReviewPage(items, total, by_reason, by_type)

    def dispute(self, subject_id: str, *, by: str, comment: str) -> ReviewItem:
        """A department flags a profile as wrong: queued for stewards with its comment."""
        if not comment.strip():
            raise DecisionError("comment: say what is wrong with the profile")
        sid, records = self._subject("subject_id", subject_id)
        impact = self.store.impact(r.key for r in records)
        item = ReviewItem(
            records[0].subject_type, None, None, 0.0, "dispute", subject_id=sid,
            comment=comment.strip(), raised_by=by, impact=impact, uncertainty=1.0,
        )  # fmt: skip
        with self.store.transaction():
            item.item_id = self.store.add_review_item(item)
            self.store.append_event(
                "subject_disputed", sid, item.subject_type.value,
                {"review_id": item.item_id, "by": by, "comment": item.comment},
            )  # fmt: skip
        found = self.store.review_item(item.item_id)
        assert found is not None
        return found

    def dismiss(self, item_id: int, *, steward: str, comment: str = "") -> Decision:
        """Close a queue item without changing any subject (e.g. an unfounded dispute)."""
        item = self._open_item(item_id)
        d = Decision("dismiss", steward, {"review_id": item_id}, comment=comment)
        d.review_id = item.item_id
        with self.store.transaction():
            self.store.set_review_status(item_id, "dismissed", steward)
            return self._log(d, item.subject_type)

    def _open_item(self, item_id: int) -> ReviewItem:
        item = self.store.review_item(item_id)
        if item is None:
            raise LookupError(f"review_id: no review item {item_id}")
        if item.status != "open":
            raise DecisionError(f"review_id: item {item_id} is already {item.status}")
        return item

    # -- decisions -------------------------------------------------------------------------
    def decide(
        self,
        kind: str,
        *,
        steward: str,
        left: str | None = None,
        right: str | None = None,
        record: str | None = None,
        to: str | None = None,
        subject: str | None = None,
        reason: str = "",
        comment: str = "",
        review_id: int | None = None,
    ) -> Decision:
        """Carry out one decision at once and log it; see the module docstring."""
        if kind not in DECISION_KINDS:
            raise DecisionError(f"kind: {kind!r} is not one of {', '.join(DECISION_KINDS)}")
        if review_id is not None:
            self._open_item(review_id)
        args: dict[str, object]
        if kind in PAIR_KINDS:
            lefts, rights = self._records("left", left), self._records("right", right)
            args = {"left": left, "right": right}
            plan = self._pair_plan(kind, lefts, rights)
        elif kind == "merge":
            a, lefts = self._subject("left", left)
            b, rights = self._subject("right", right)
            if a == b:
                raise DecisionError(f"right: {right!r} is already the same subject as left")
            args = {"left": a, "right": b}
            plan = self._joining(lefts, rights)
        elif kind == "move":
            lefts, plan, args = self._move_plan(record, to)
            rights = []
        else:
            sid, lefts = self._subject("subject", subject)
            if len(lefts) < 2:
                raise DecisionError(f"subject: {sid} has one record; nothing to dissolve")
            if len(lefts) > MAX_DISSOLVE:
                raise DecisionError(
                    f"subject: {sid} has {len(lefts)} records, more than {MAX_DISSOLVE} "
                    "can be dissolved at once; move records out instead"
                )
            args, rights = {"subject": sid}, []
            plan = [("no_match", a.key, b.key) for a, b in combinations(lefts, 2)]
        involved = [rv.key for rv in lefts + rights] + [p[2] for p in plan]
        subject_type = (lefts + rights)[0].subject_type
        status = "unsure" if kind == "unsure" else "decided"
        decision = Decision(kind, steward, args, reason=reason, comment=comment)
        decision.review_id = review_id
        with self.store.transaction():
            for jkind, one, other in plan:
                j = Judgement(jkind, one, other, steward, reason=reason or kind, comment=comment)
                decision.judgements.append(self.store.append_judgement(j))
                self.store.close_review_item(one, other, status, steward)
            if review_id is not None:
                self.store.set_review_status(review_id, status, steward)
            self.resolver.resolve(list(dict.fromkeys(involved)))
            decision.subjects = self._subjects_after(involved)
            saved = self._log(decision, subject_type)
        self.after_write()
        return saved

    def _pair_plan(
        self, kind: str, lefts: list[RecordVersion], rights: list[RecordVersion]
    ) -> list[tuple[str, RecordKey, RecordKey]]:
        if lefts[0].subject_type is not rights[0].subject_type:
            raise DecisionError("right: a decision compares two subjects of the same type")
        if kind == "no_match":
            pairs = [(a.key, b.key) for a in lefts for b in rights if a.key != b.key]
        else:
            pairs = [(lefts[0].key, rights[0].key)] if lefts[0].key != rights[0].key else []
        if not pairs:
            raise DecisionError("right: left and right are the same record")
        if kind == "match":
            return self._joining(lefts, rights)
        return [(kind, a, b) for a, b in pairs]

    def _joining(
        self, lefts: list[RecordVersion], rights: list[RecordVersion]
    ) -> list[tuple[str, RecordKey, RecordKey]]:
        """A match between one record of each side, and one for every pair across the sides
        an earlier not-match kept apart: the newer decision wins."""
        plan = [("match", lefts[0].key, rights[0].key)]
        left_keys, right_keys = {r.key for r in lefts}, {r.key for r in rights}
        apart = constraints_for(self.store, left_keys | right_keys).not_matches
        first = {lefts[0].key, rights[0].key}
        for a, b in apart:
            across = (a in left_keys and b in right_keys) or (a in right_keys and b in left_keys)
            if across and {a, b} != first:
                plan.append(("match", a, b))
        return plan

    def _move_plan(
        self, record: str | None, to: str | None
    ) -> tuple[list[RecordVersion], list[tuple[str, RecordKey, RecordKey]], dict[str, object]]:
        if not record or "/" not in record:
            raise DecisionError("record: must be a record as source/record_id")
        (rec,) = self._records("record", record)
        if rec.entity_id is None:
            raise DecisionError(f"record: {record} belongs to no subject")
        current = self.entities.resolve_id(rec.entity_id) or rec.entity_id
        others = [o for o in self.store.records_of(current) if o.key != rec.key]
        target: list[RecordVersion] = []
        if to is not None:
            tid, target = self._subject("to", to)
            if tid == current:
                raise DecisionError(f"to: {record} is already in {tid}")
            if target[0].subject_type is not rec.subject_type:
                raise DecisionError("to: the target subject is of another type")
        elif not others:
            raise DecisionError(f"record: {record} is already the only record of {current}")
        plan = [("no_match", rec.key, o.key) for o in others]
        if target:
            plan += self._joining([rec], target)
        args: dict[str, object] = {"record": record, "from": current, "to": to}
        return [rec, *others, *target], plan, args

    def _subjects_after(self, keys: Iterable[RecordKey]) -> list[str]:
        found = {self.subject_of(k) for k in keys}
        return sorted(s for s in found if s is not None)

    def _log(self, d: Decision, subject_type: SubjectType | None) -> Decision:
        d.decision_id = self.store.append_decision(d)
        kind = "decision_undone" if d.kind == "undo" else "decision"
        self.store.append_event(
            kind, None, None if subject_type is None else subject_type.value,
            {"decision": d.decision_id, "kind": d.kind, "steward": d.steward, "args": d.args,
             "judgements": d.judgements, "subjects": d.subjects, "undoes": d.undoes},
        )  # fmt: skip
        saved = self.store.decision(d.decision_id)
        assert saved is not None
        return saved

    def undo(
        self, decision_id: int, *, steward: str, reason: str = "", comment: str = ""
    ) -> Decision:
        """Cancel a decision's judgements (new log entries), re-open its queue item and
        re-resolve the records it touched."""
        d = self.store.decision(decision_id)
        if d is None:
            raise LookupError(f"decision_id: no decision {decision_id}")
        if d.kind == "undo":
            raise DecisionError("decision_id: an undo cannot be undone; make the decision again")
        if d.undone_by is not None:
            raise DecisionError(f"decision_id: {decision_id} was undone by {d.undone_by}")
        wanted = set(d.judgements)
        cancelled = [j for j in self.store.judgements() if j.jid in wanted]
        keys = list(dict.fromkeys(k for j in cancelled for k in (j.left, j.right)))
        undo = Decision("undo", steward, {"decision": decision_id}, reason=reason, comment=comment)
        undo.undoes = decision_id
        subject_type = self._type_of(d, cancelled)
        with self.store.transaction():
            for j in cancelled:
                entry = Judgement("undo", j.left, j.right, steward, reason=reason, undoes=j.jid)
                undo.judgements.append(self.store.append_judgement(entry))
            if d.review_id is not None:
                self.store.set_review_status(d.review_id, "open")
            if keys:
                self.resolver.resolve(keys)
            undo.subjects = self._subjects_after(keys)
            saved = self._log(undo, subject_type)
        self.after_write()
        return saved

    def _type_of(self, d: Decision, judged: list[Judgement]) -> SubjectType | None:
        for j in judged:
            rec = self.store.get_record(j.left)
            if rec is not None:
                return rec.subject_type
        item = None if d.review_id is None else self.store.review_item(d.review_id)
        return None if item is None else item.subject_type

    def decisions(self, limit: int = 50, offset: int = 0) -> tuple[list[Decision], int]:
        """The log, newest first."""
        return self.store.decisions(limit, offset)
