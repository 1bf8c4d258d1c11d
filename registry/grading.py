"""Grading applied to everything the registry serves, one client and one request at a time.

:class:`registry.access.AccessPolicy` grades a flat dict of one subject's values. What the
registry serves is richer: a profile repeats values in its golden attributes, their
alternatives, every source record (normalised and raw) and its data-quality flags; a graph
answer carries many subjects of several types; a change event carries old and new values; an
explanation carries the values it compared. :class:`Grader` knows where the values are in each
of those shapes, passes them through the policy, drops subjects of types the client may not
see, and keeps a :class:`Disclosure` ledger (subjects touched, fields released in clear) for
the audit log. It lives here rather than in the HTTP layer so every front end grades alike.

Conventions:

- a value the policy omits is dropped with its container (a golden attribute, an alternative);
  a compared value in an explanation becomes ``None``;
- a data-quality flag on a field the client may not see in clear keeps its field and rule,
  shows the value masked, and withholds the message (messages quote the value);
- events without a subject type (relationship declarations, undone judgements) are shown
  only to stewards and admins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from graph_schema.fields import field_level, national_id_field
from graph_schema.subject_types import SubjectType
from registry.access import AccessPolicy, in_clear
from registry.clients import Client, Role
from registry.graph.folding import NAME_ATTRS
from registry.graph.model import GraphNode
from registry.profiles import GoldenAttribute, Profile, RelationshipView, ValueSource
from registry.store.base import Event
from resolution.comparators.features import FEATURES_BY_NAME

WITHHELD = "(withheld: value above clearance)"
UNTYPED_EVENT_ROLES = frozenset({Role.ADMIN, Role.STEWARD})


def feature_field(subject_type: SubjectType, feature: str) -> str:
    """The field a match feature compares (``partner`` compares ``_partners``); a suspect id
    number is graded as the id number it stands for."""
    if feature == "id_number_suspect":
        return "id_number"
    found = FEATURES_BY_NAME[subject_type].get(feature)
    return found.fields[0] if found is not None else feature


class Disclosure:
    """What one request disclosed: subject ids touched and ``id.field`` released in clear."""

    def __init__(self) -> None:
        self.subjects: dict[str, None] = {}
        self.fields: dict[str, None] = {}

    def touch(self, subject_id: str | None) -> None:
        if subject_id:
            self.subjects[subject_id] = None

    def take(self) -> tuple[list[str], list[str]]:
        """Everything recorded so far, emptying the ledger (for streams audited in parts)."""
        out = list(self.subjects), list(self.fields)
        self.subjects.clear()
        self.fields.clear()
        return out


class Grader:
    """Grades registry answers for one client, one stated purpose and one request."""

    def __init__(
        self,
        policy: AccessPolicy,
        client: Client,
        purpose: str | None,
        ledger: Disclosure | None = None,
    ) -> None:
        self.policy, self.client, self.purpose = policy, client, purpose
        self.ledger = ledger if ledger is not None else Disclosure()
        self.purpose_problem = None if purpose is None else policy.purposes.check(purpose)

    # -- types ---------------------------------------------------------------------------
    def can_see(self, subject_type: SubjectType | str | None) -> bool:
        """Whether the client may read subjects of this type at all."""
        if subject_type is None:
            return False
        try:
            return self.policy.can_see_type(self.client, SubjectType(subject_type))
        except ValueError:
            return False

    def visible_types(self, wanted: Iterable[SubjectType] | None = None) -> list[SubjectType]:
        """``wanted`` (default: every type) narrowed to the types the client may read."""
        pool = list(SubjectType) if wanted is None else list(wanted)
        return [t for t in SubjectType if t in pool and self.can_see(t)]

    def searchable_by(
        self, criteria: Iterable[str], wanted: Iterable[SubjectType] | None = None
    ) -> tuple[list[SubjectType], list[str]]:
        """The visible types whose fields behind every search criterion the client could
        read in clear, and the reasons each other type was left out. Searching by a value
        is reading it: an L2 client that may not see phone numbers may not find who owns
        one either (``identifier`` is the type's national identifier)."""
        purpose_ok = self.purpose is not None and self.purpose_problem is None
        allowed: list[SubjectType] = []
        refused: list[str] = []
        for t in self.visible_types(wanted):
            fields = [national_id_field(t) if c == "identifier" else c for c in criteria]
            blocked = [
                f for f in fields if not in_clear(self.client, field_level(t, f), purpose_ok)
            ]
            if blocked:
                level = max(field_level(t, f) for f in blocked)
                need = f"clearance L{int(level)}" + (" and a valid X-Purpose" if level >= 3 else "")
                refused.append(f"searching {t.value} by {', '.join(blocked)} needs {need}")
            else:
                allowed.append(t)
        return allowed, refused

    # -- values --------------------------------------------------------------------------
    def values(
        self, subject_id: str | None, subject_type: SubjectType, values: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Graded values of one subject, recording it and its fields released in clear."""
        release = self.policy.release(self.client, subject_type, values, self.purpose)
        if subject_id:
            self.ledger.touch(subject_id)
            for name in release.audit_fields(subject_id):
                self.ledger.fields[name] = None
        return release.values

    def value(
        self, subject_id: str | None, subject_type: SubjectType, field: str, value: Any
    ) -> tuple[bool, Any]:
        """(kept, graded value) of one field; kept is False when the policy omits it."""
        out = self.values(subject_id, subject_type, {field: value})
        return (field in out, out.get(field))

    def name(
        self,
        subject_id: str,
        subject_type: SubjectType,
        name: str | None,
        golden: Mapping[str, Any],
    ) -> str | None:
        """A display name graded as the field it was taken from (a name, or an address)."""
        if name is None:
            return None
        field = next((a for a in NAME_ATTRS if golden.get(a) == name), "name")
        kept, out = self.value(subject_id, subject_type, field, name)
        return out if kept and isinstance(out, str) else None

    def node(self, node: GraphNode) -> GraphNode:
        """A graph node with golden values and display name graded."""
        golden = self.values(node.id, node.type, node.golden)
        name = self.name(node.id, node.type, node.name, node.golden)
        return GraphNode(id=node.id, type=node.type, name=name, golden=golden)

    def problems(
        self,
        subject_id: str | None,
        subject_type: SubjectType,
        problems: Iterable[Mapping[str, str]],
    ) -> list[dict[str, str]]:
        """Data-quality flags with the offending value graded (message withheld if masked)."""
        out: list[dict[str, str]] = []
        for p in problems:
            field = str(p.get("field", ""))
            raw = p.get("value", "")
            kept, graded = self.value(subject_id, subject_type, field, raw)
            flag = dict(p)
            if not kept or graded != raw:
                flag["value"] = graded if kept and isinstance(graded, str) else ""
                flag["message"] = WITHHELD
            out.append(flag)
        return out

    # -- profiles ------------------------------------------------------------------------
    def profile(
        self, profile: Profile, others: Mapping[str, Mapping[str, Any]] | None = None
    ) -> Profile:
        """A profile graded throughout; ``others`` holds the golden values of related subjects
        (to grade their display names as the field they came from)."""
        st = SubjectType(profile.type)
        sid = profile.id
        best = self.values(sid, st, {n: a.value for n, a in profile.attributes.items()})
        attributes: dict[str, GoldenAttribute] = {}
        for name, attr in profile.attributes.items():
            if name not in best:
                continue
            attributes[name] = GoldenAttribute(
                value=best[name],
                source=attr.source.model_copy(update={"value": best[name]}),
                support=attr.support,
                alternatives=self._alternatives(sid, st, name, attr.alternatives),
            )
        records = {
            source: [
                view.model_copy(
                    update={
                        "values": self.values(sid, st, view.values),
                        "raw": self.values(sid, st, view.raw),
                        "problems": self.problems(sid, st, view.problems),
                    }
                )
                for view in views
            ]
            for source, views in profile.records.items()
        }
        return profile.model_copy(
            update={
                "attributes": attributes,
                "records": records,
                "relationships": self._relationships(profile.relationships, others or {}),
                "quality": self.problems(sid, st, profile.quality),
            }
        )

    def _alternatives(
        self, sid: str, st: SubjectType, name: str, alternatives: list[ValueSource]
    ) -> list[ValueSource]:
        out: list[ValueSource] = []
        for alt in alternatives:
            kept, value = self.value(sid, st, name, alt.value)
            if kept:
                out.append(alt.model_copy(update={"value": value}))
        return out

    def _relationships(
        self, views: list[RelationshipView], others: Mapping[str, Mapping[str, Any]]
    ) -> list[RelationshipView]:
        out: list[RelationshipView] = []
        for view in views:
            if view.other_type is None or not self.can_see(view.other_type):
                continue
            name = view.other_name
            if view.other_id is not None:
                other_type = SubjectType(view.other_type)
                name = self.name(view.other_id, other_type, name, others.get(view.other_id, {}))
            out.append(view.model_copy(update={"other_name": name}))
        return out

    # -- change events and explanations --------------------------------------------------
    def event(self, event: Event) -> Event | None:
        """An event graded for this client, or None when it may not see it."""
        if event.subject_type is None:
            if self.client.role not in UNTYPED_EVENT_ROLES:
                return None
            self.ledger.touch(event.entity_id)
            return event
        if not self.can_see(event.subject_type):
            return None
        self.ledger.touch(event.entity_id)
        if event.kind != "attributes_changed":
            return event
        st = SubjectType(event.subject_type)
        payload = dict(event.payload)
        payload["changes"] = self.changes(event.entity_id, st, event.payload.get("changes", {}))
        return Event(event.seq, event.at, event.kind, event.entity_id, event.subject_type, payload)

    def changes(
        self, subject_id: str | None, subject_type: SubjectType, changes: Mapping[str, Any]
    ) -> dict[str, dict[str, Any]]:
        """``{field: {old, new}}`` graded; an omitted side is left out of its entry."""
        out: dict[str, dict[str, Any]] = {}
        for name, change in changes.items():
            entry: dict[str, Any] = {}
            for side in ("old", "new"):
                raw = change.get(side) if isinstance(change, Mapping) else None
                if raw is None:
                    entry[side] = None
                    continue
                kept, value = self.value(subject_id, subject_type, name, raw)
                if kept:
                    entry[side] = value
            out[name] = entry
        return out

    def features(
        self,
        subject_type: SubjectType,
        features: Iterable[Mapping[str, Any]],
        left_id: str | None = None,
        right_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Per-feature comparisons with the compared values graded (None when omitted);
        ``left_id``/``right_id`` name the subjects whose values they are, for the ledger."""
        out: list[dict[str, Any]] = []
        for f in features:
            field = feature_field(subject_type, str(f.get("feature", "")))
            graded = dict(f)
            for side, owner in (("left", left_id), ("right", right_id)):
                if graded.get(side) is not None:
                    kept, value = self.value(owner, subject_type, field, graded[side])
                    graded[side] = value if kept else None
            out.append(graded)
        return out

    def history(
        self, subject_id: str, subject_type: SubjectType, history: Iterable[Mapping[str, Any]]
    ) -> list[dict[str, Any]]:
        """A subject's membership history with attribute changes graded."""
        out: list[dict[str, Any]] = []
        for item in history:
            entry = dict(item)
            if entry.get("kind") == "attributes_changed" and "changes" in entry:
                entry["changes"] = self.changes(subject_id, subject_type, entry["changes"])
            out.append(entry)
        return out
