"""Normalised values parsed back into their parts, once per process for every user.

Blocking, the comparators, place resolution and the search index all re-parse the same
canonical names and addresses (a household's address is in every member's record). Each
kind has one bounded cache here, so the parse blocking did is the one comparison finds:
with a cache per user, the normaliser's own smaller cache was evicted between them and a
batch run parsed every address twice (1.5 s of a 100k-person city's comparisons).
"""

from __future__ import annotations

from functools import lru_cache

from graph_schema.addresses import Address, normalize_address
from graph_schema.enterprise_names import EnterpriseName, normalize_enterprise_name
from graph_schema.person_names import PersonName, normalize_person_name


@lru_cache(maxsize=262_144)
def parsed_address(text: str) -> Address | None:
    """The parts of an address; None if it does not parse."""
    parsed = normalize_address(text)
    return parsed if isinstance(parsed, Address) else None


@lru_cache(maxsize=262_144)
def parsed_person_name(text: str) -> PersonName | None:
    """The parts of a person name; None if it does not parse."""
    parsed = normalize_person_name(text)
    return parsed if isinstance(parsed, PersonName) else None


@lru_cache(maxsize=131_072)
def parsed_enterprise_name(text: str) -> EnterpriseName | None:
    """The parts of an enterprise name; None if it does not parse."""
    parsed = normalize_enterprise_name(text)
    return parsed if isinstance(parsed, EnterpriseName) else None
