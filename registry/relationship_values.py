"""Relationship attributes (since, until, role, share) folded like subject fields."""

from __future__ import annotations

from typing import Any

from graph_schema.dates import normalize_date
from graph_schema.problems import Problem
from graph_schema.text import clean, nfkc


def _share(raw: str) -> float | None:
    text = nfkc(raw).strip().replace(" ", "")
    percent = text.endswith("%")
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        return None
    if percent or value > 1:
        value /= 100
    return round(value, 6) if 0 <= value <= 1 else None


def normalize_relationship_fields(
    fields: dict[str, str], formats: dict[str, str] | None = None
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Normalised attributes and the problems of those that could not be read; ``formats``
    holds the mapping's explicit date formats for ``since``/``until``."""
    attrs: dict[str, Any] = {}
    problems: list[dict[str, str]] = []
    for name, raw in fields.items():
        if name in ("since", "until"):
            parsed = normalize_date(raw, name, fmt=(formats or {}).get(name))
            if isinstance(parsed, Problem):
                problems.append(parsed.model_dump())
            else:
                attrs[name] = parsed.iso
        elif name == "share":
            share = _share(raw)
            if share is None:
                problems.append(
                    {
                        "field": "share",
                        "rule": "share",
                        "value": raw,
                        "message": "share must be a fraction 0–1 or a percentage",
                    }
                )
            else:
                attrs["share"] = share
        else:
            attrs[name] = clean(raw)
    return attrs, problems
