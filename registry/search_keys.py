"""The keys of the search index, for stored records and for queries, side by side.

Both sides go through the same normalisers, so a query finds what ingestion stored however
either was typed. Names are looked up by an order-free pinyin key (张伟 = 張偉 = 张玮 = ZHANG Wei)
and, for Han names of three characters or more, by the name with one given-name character
blanked (张伟明 finds 张伟民); enterprise names by their core (place prefix and legal form
dropped) and its pinyin; addresses by road (or estate) and door number, or by road alone
when the query has no door number. Identifiers and phones are exact. A record's key carries
the value it was made from, so ranking needs no record document.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from functools import lru_cache
from typing import Any, Literal

from graph_schema.addresses import Address, normalize_address
from graph_schema.contact import normalize_phone
from graph_schema.enterprise_names import EnterpriseName
from graph_schema.fields import FIELDS_BY_NAME
from graph_schema.identifiers import (
    IdNumber,
    ParcelCode,
    UnitCode,
    Uscc,
    fold_identifier,
    normalize_id_number,
    normalize_parcel_code,
    normalize_unit_code,
    normalize_uscc,
)
from graph_schema.normalize import normalize_value
from graph_schema.person_names import PersonName, cross_script_key
from graph_schema.person_names import pinyin_key as han_pinyin
from graph_schema.problems import Problem
from graph_schema.subject_types import SubjectType
from graph_schema.text import clean
from resolution.identity import national_key
from resolution.parsed import parsed_address, parsed_enterprise_name, parsed_person_name

KEYS_VERSION = 1  # raise when the keys below change: stored indexes are then rebuilt

Criterion = Literal["name", "identifier", "phone", "address"]
CRITERIA: tuple[Criterion, ...] = ("name", "identifier", "phone", "address")

PHONE_PREFIX = "ph:"

# identifier prefixes each subject type can be found by
_ID_PREFIXES: dict[SubjectType, tuple[str, ...]] = {
    SubjectType.PERSON: ("id:", "xv:"),
    SubjectType.ENTERPRISE: ("uscc:", "xv:"),
    SubjectType.BUILDING: ("bc:", "bp:", "xv:"),
    SubjectType.PARCEL: ("pc:", "ap:", "xv:"),
}


# One key of a stored record: (key, the normalised value it was made from or "", the raw
# text when it differs from that value). Plain tuples: a city has millions of them.
IndexKey = tuple[str, str, str | None]


def person_name_keys(name: PersonName) -> list[str]:
    """The pinyin key, and for Han names of 3+ characters the one-character-blank keys of
    the given name (the surname position is left out: its block would hold everyone with
    that given name, and surname slips are mostly homophones, which the pinyin key finds)."""
    keys = []
    cross = cross_script_key(name)
    if cross:
        keys.append("pn:" + cross)
    value = name.value
    if name.script == "han" and "·" not in value and len(value) >= 3:
        start = len(name.family or "")
        keys += [f"pw:{value[:i]}?{value[i + 1 :]}" for i in range(start, len(value))]
    return keys


def enterprise_name_keys(name: EnterpriseName) -> list[str]:
    """The core (place and legal form dropped, branches share it) and its pinyin."""
    keys = ["ec:" + name.core]
    sound = han_pinyin(name.core, surname_first=False)
    if sound and sound != name.core:
        keys.append("ey:" + sound)
    return keys


def address_keys(address: Address) -> list[str]:
    """Road (else estate, else the unparsed rest) with the door number, and alone."""
    if address.tokens:
        return ["at:" + " ".join(address.tokens)]
    way = address.road or address.community or address.detail
    if not way:
        return []
    keys = ["aw:" + way]
    if address.number:
        keys.append(f"an:{way}|{address.number}")
    return keys


def fold_other_identifier(text: str) -> str | None:
    """An identifier of another scheme folded as ingestion folds ``identifiers.*``."""
    spec = FIELDS_BY_NAME[SubjectType.PERSON]["identifiers"]
    folded = normalize_value(spec, text, "identifiers")
    return None if isinstance(folded, Problem) else str(folded)


@lru_cache(maxsize=131_072)
def _name_keys(subject_type: SubjectType, name: str) -> tuple[str, ...]:
    if subject_type is SubjectType.PERSON:
        parsed = parsed_person_name(name)
        return () if parsed is None else tuple(person_name_keys(parsed))
    if subject_type is SubjectType.ENTERPRISE:
        company = parsed_enterprise_name(name)
        return () if company is None else tuple(enterprise_name_keys(company))
    if subject_type is SubjectType.BUILDING:
        return ("bn:" + name,)
    return ()


@lru_cache(maxsize=131_072)
def _stored_address_keys(value: str) -> tuple[str, ...]:
    parsed = parsed_address(value)
    return () if parsed is None else tuple(address_keys(parsed))


def _identifier_keys(subject_type: SubjectType, values: Mapping[str, Any]) -> Iterator[str]:
    if subject_type is SubjectType.PERSON and values.get("id_number"):
        yield "id:" + values["id_number"]
    elif subject_type is SubjectType.ENTERPRISE and values.get("uscc"):
        yield "uscc:" + values["uscc"]
    elif subject_type is SubjectType.BUILDING and values.get("building_code"):
        yield "bc:" + values["building_code"]
        if part := national_key(subject_type, values):
            yield "bp:" + part
    elif subject_type is SubjectType.PARCEL:
        if values.get("parcel_code"):
            yield "pc:" + values["parcel_code"]
        if values.get("approval_no"):
            yield "ap:" + str(values["approval_no"])
    for value in (values.get("identifiers") or {}).values():
        yield "xv:" + str(value)


def record_keys(
    subject_type: SubjectType, values: Mapping[str, Any], raw: Mapping[str, Any]
) -> list[IndexKey]:
    """Every search key of one stored record's normalised values."""
    out: list[IndexKey] = []
    name = values.get("name")
    if isinstance(name, str) and name:
        raw_name = raw.get("name")
        shown = raw_name if isinstance(raw_name, str) and raw_name != name else None
        out += [(k, name, shown) for k in _name_keys(subject_type, name)]
    out += [(k, "", None) for k in _identifier_keys(subject_type, values)]
    if values.get("phone"):
        out.append((PHONE_PREFIX + str(values["phone"]), "", None))
    address = values.get("address")
    if isinstance(address, str) and address:
        out += [(k, address, None) for k in _stored_address_keys(address)]
    return out


# -- the query side ---------------------------------------------------------------------------
def name_query_keys(text: str, types: Collection[SubjectType]) -> list[str]:
    """Keys under which subjects of ``types`` named like ``text`` are indexed."""
    keys: list[str] = []
    if SubjectType.PERSON in types and (person := parsed_person_name(text)) is not None:
        keys += person_name_keys(person)
    if SubjectType.ENTERPRISE in types and (company := parsed_enterprise_name(text)) is not None:
        keys += enterprise_name_keys(company)
    if SubjectType.BUILDING in types and (label := clean(text)):
        keys.append("bn:" + label)
    return keys


def identifier_query_keys(text: str, types: Collection[SubjectType]) -> list[str]:
    """Exact keys of every identifier scheme ``text`` could be, validated where a scheme
    has a check character (a 15-digit id number is looked up in its 18-digit form)."""
    folded = fold_identifier(text)
    if not folded:
        return []
    found: list[str] = []
    person = normalize_id_number(text)
    if isinstance(person, IdNumber):
        found.append("id:" + person.value)
    company = normalize_uscc(text)
    if isinstance(company, Uscc):
        found.append("uscc:" + company.value)
    unit = normalize_unit_code(text)
    if isinstance(unit, UnitCode):
        found.append("bc:" + unit.value)
        if unit.building_part:
            found.append("bp:" + unit.building_part)
    if len(folded) == 24:  # a building's own key typed directly
        found.append("bp:" + folded)
    parcel = normalize_parcel_code(text)
    if isinstance(parcel, ParcelCode):
        found.append("pc:" + parcel.value)
    if approval := clean(text):
        found.append("ap:" + approval)
    if other := fold_other_identifier(text):
        found.append("xv:" + other)
    allowed = tuple(p for t in types for p in _ID_PREFIXES[t])
    return [k for k in dict.fromkeys(found) if k.startswith(allowed)]


def phone_query_key(text: str) -> str:
    """The phone key; ValueError naming the rule when the number is not a phone number."""
    phone = normalize_phone(text)
    if isinstance(phone, Problem):
        raise ValueError(f"phone: {phone.message} ({phone.rule})")
    return PHONE_PREFIX + phone


def address_query(text: str) -> tuple[Address, str | None]:
    """The parsed address and its most specific lookup key (None: nothing to block on);
    ValueError naming the rule when the text is not an address."""
    parsed = normalize_address(text)
    if isinstance(parsed, Problem):
        raise ValueError(f"address: {parsed.message} ({parsed.rule})")
    keys = address_keys(parsed)
    return parsed, (keys[-1] if keys else None)
