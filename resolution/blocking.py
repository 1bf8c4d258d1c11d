"""Blocking: the keys under which records are compared at all.

Every record gets several keys (identifiers, phone, name pinyin + birth year, name +
district, enterprise core name, building and parcel codes, address key). Two records are
candidates when they share a key. A key shared by too many records (a very common name in
one district, a switchboard phone) would make its block quadratic: such oversize blocks are
skipped and counted, and the other keys of their records still find true matches.

A person's name keys are split in two halves, for records with and without a valid id
number: two holders of different numbers never link, so holders pair with each other by
their numbers and by name with full birth date only, and by the other name keys with the
records that have none. In a large city that is most of the namesakes a record would meet.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from typing import Any

from graph_schema.identifiers.id_number import checksum_corrections
from graph_schema.person_names import cross_script_key
from graph_schema.subject_types import SubjectType
from resolution.comparators.relations import ANCHORS_FIELD, PARTNERS_FIELD
from resolution.identity import national_key
from resolution.parsed import parsed_address, parsed_enterprise_name, parsed_person_name
from resolution.suspects import SUSPECT_ID

DEFAULT_MAX_BLOCK = 300


@lru_cache(maxsize=16_384)
def _corrections(code: str) -> tuple[str, ...]:
    return tuple(checksum_corrections(code))


@lru_cache(maxsize=262_144)
def name_key(value: str) -> str | None:
    """An order-free, script-free pinyin key of a person name (张伟 = ZHANG Wei)."""
    parsed = parsed_person_name(value)
    return cross_script_key(parsed) if parsed is not None else None


def partner_key(name: str) -> str:
    """How a partner's name is held for matching (:data:`PARTNERS_FIELD`): its
    :func:`name_key`, script-free (a marriage record may spell a spouse in pinyin), or the
    name itself when it has none."""
    return name_key(name) or name


# Name keys are split by whether the record holds a valid id number. Two records that each
# hold one are the same person by that number or not at all (two different valid numbers are
# decisive against), so in an incremental run their name keys pair them only with records
# that hold none: in a city of a million, a "ZHANG Wei, 1985" block is dozens of namesakes
# with numbers of their own, and none of those pairs can link. Holders of numbers still meet
# each other by number, phone, partners and anchors, and under name and full birth date
# (``pf:``): a steward must see two valid numbers that are all that keeps a pair apart
# (:class:`registry.engine.ScoredPairs`' ``kept_apart``). A batch run pairs the two halves as
# one block (:func:`candidate_pairs`' ``split``).
_IDENTIFIED = {"pb:": "pbi:", "pd:": "pdi:", "nd:": "ndi:"}
_OPEN = {held: free for free, held in _IDENTIFIED.items()}
_HELD = 4  # length of an identified half's prefix ("pbi:"), the keys of _OPEN


def _person_keys(v: Mapping[str, Any]) -> Iterator[str]:
    identified = bool(v.get("id_number"))
    if identified:
        yield "id:" + v["id_number"]
    elif v.get(SUSPECT_ID):  # meets the records holding the valid numbers one slip away
        for corrected in _corrections(v[SUSPECT_ID]):
            yield "id:" + corrected
    if v.get("phone"):
        yield "ph:" + v["phone"]
    if v.get("email"):
        yield "em:" + v["email"]
    for scheme, value in (v.get("identifiers") or {}).items():
        yield f"x:{scheme}:{value}"
    name = v.get("name")
    if not name:
        return
    pkey = name_key(name)
    birth = v.get("birth_date") or ""
    pb, pd, nd = (_IDENTIFIED[h] if identified else h for h in ("pb:", "pd:", "nd:"))
    if pkey and len(birth) >= 4:
        yield f"{pb}{pkey}|{birth[:4]}"
    if pkey and len(birth) == 10:
        yield f"{pd}{pkey}|{birth[5:]}"  # survives a wrong year
        if identified:
            yield f"pf:{pkey}|{birth}"
    address = parsed_address(v["address"]) if v.get("address") else None
    if address is not None and address.district:
        yield f"{nd}{name}|{address.district}"
    # context keys: the part after "|" is the anchor or partner itself, so the stored keys
    # of a record give back its context (registry.context.stored_context)
    for anchor in v.get(ANCHORS_FIELD) or ():
        yield f"na:{pkey or name}|{anchor}"
    for partner in v.get(PARTNERS_FIELD) or ():  # script-free already: partner_key
        yield f"np:{pkey or name}|{partner}"


def _enterprise_keys(v: Mapping[str, Any]) -> Iterator[str]:
    if v.get("uscc"):
        yield "uscc:" + v["uscc"]
        yield "org:" + v["uscc"][8:17]
    for scheme, value in (v.get("identifiers") or {}).items():
        yield f"x:{scheme}:{value}"
    if v.get("name"):
        parsed = parsed_enterprise_name(v["name"])
        if parsed is not None:
            yield f"core:{parsed.core}|{parsed.branch or ''}"
            yield f"core:{parsed.core}"
    if v.get("phone"):
        yield "ph:" + v["phone"]
    if v.get("address"):
        address = parsed_address(v["address"])
        if address is not None and address.road and address.number:
            yield "ad:" + address.key


def _building_keys(v: Mapping[str, Any]) -> Iterator[str]:
    code = v.get("building_code")
    if isinstance(code, str) and len(code) == 28:
        # the building part identifies the building (units share it); other fixtures: whole code
        yield "bp:" + (national_key(SubjectType.BUILDING, v) or code)
        yield "unit:" + code  # a subset of the bp block: finds a flat's residents, adds no pair
    if v.get("address"):
        address = parsed_address(v["address"])
        if address is not None and address.road and address.number:
            yield "ad:" + address.key
    if v.get("name"):
        yield "bn:" + v["name"]


def _parcel_keys(v: Mapping[str, Any]) -> Iterator[str]:
    if v.get("parcel_code"):
        yield "pc:" + v["parcel_code"]
    if v.get("approval_no"):
        yield "ap:" + v["approval_no"]


_KEYS = {
    SubjectType.PERSON: _person_keys,
    SubjectType.ENTERPRISE: _enterprise_keys,
    SubjectType.BUILDING: _building_keys,
    SubjectType.PARCEL: _parcel_keys,
}


def blocking_keys(subject_type: SubjectType, values: Mapping[str, Any]) -> list[str]:
    """The blocking keys of one record's normalised values (deduplicated, stable order)."""
    return list(dict.fromkeys(_KEYS[subject_type](values)))


@dataclass(slots=True)
class BlockingReport:
    """How candidate pairs were found, and what oversize protection skipped."""

    keys: int = 0
    blocks_compared: int = 0
    oversize_blocks: int = 0
    oversize_records: int = 0
    candidate_pairs: int = 0
    skipped: list[tuple[str, int]] = field(default_factory=list)  # the largest skipped keys


# Keys of national identifiers: every member of such a block is decisive evidence for the
# same subject, so the block is chained rather than enumerated: each member paired with the
# first is enough to join them all (500 employees' records of one employer give 499 pairs,
# not 124,750), and an oversize block is never skipped.
DECISIVE_PREFIXES = ("id:", "uscc:", "bp:", "pc:")
# blocks that stand for one subject however large (an employer's social-insurance unit number
# on each of its employees' rows): chained to their first members instead of skipped
CHAINED_PREFIXES = (*DECISIVE_PREFIXES, "x:")


def block_of(key: str) -> str:
    """The block a key is counted in: a split name key's open half, any other key itself."""
    head = key[:_HELD]
    return _OPEN[head] + key[_HELD:] if head in _OPEN else key


def reach(key: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """For one of a record's keys: the blocks that make up its block (their sizes add up to
    what oversize protection counts), and those holding the records it is paired with. A
    split name key's identified half pairs with the open half only."""
    free = block_of(key)
    if free != key:  # the identified half
        return (free, key), (free,)
    head = key[: key.find(":") + 1]
    if head in _IDENTIFIED:
        both = (key, _IDENTIFIED[head] + key[len(head) :])
        return both, both
    return (key,), (key,)


def block_parts(keys: Iterable[str]) -> set[str]:
    """Every block whose size the oversize rule counts for these keys (:func:`reach`)."""
    return {part for key in keys for part in reach(key)[0]}


def readable_blocks(
    keys: Iterable[str], sizes: Mapping[str, int], max_block: int = DEFAULT_MAX_BLOCK
) -> set[str]:
    """The blocks holding the records these keys pair with, of the keys whose whole block
    (both halves of a split one, ``sizes`` by :func:`block_parts`) has at most ``max_block``
    members; empty blocks left out. What an incremental change or a match probe reads."""
    return {
        block
        for parts, paired in map(reach, keys)
        if sum(sizes.get(part, 0) for part in parts) <= max_block
        for block in paired
        if sizes.get(block)
    }


def share_block(a: Iterable[str], b: Iterable[str]) -> bool:
    """Whether two records with these keys are candidates (oversize protection aside)."""
    theirs = set(b)
    return any(k in theirs for key in a for k in reach(key)[1])


def candidate_pairs(
    keyed: Iterable[tuple[int, Iterable[str]]],
    max_block: int = DEFAULT_MAX_BLOCK,
    involving: Container[int] | None = None,
    *,
    split: bool = True,
) -> tuple[set[tuple[int, int]], BlockingReport]:
    """All pairs ``(i, j), i < j`` sharing at least one key of at most ``max_block`` members
    (oversize blocks of national identifiers are chained instead of skipped; a split name
    key's identified half is paired with its open half only, :func:`reach`).

    ``involving``: only the pairs with at least one of these records (an incremental run
    scores nothing between the subjects a change did not touch); blocks are enumerated from
    those records instead of in full, the same pairs as filtering afterwards.

    ``split=False``: a split name key's halves are one block, as before the split. A batch
    run pairs so: EM estimates m from the candidate pairs, and without the namesakes that
    hold numbers of their own its match class is too clean (a different phone number
    weighed at -20 in a small city); the pairs the split leaves out are decisive
    non-matches, so the clusters are the same either way."""
    blocks: dict[str, list[int]] = {}
    for idx, keys in keyed:
        # a key listed twice must not pair a record with itself
        for k in dict.fromkeys(keys if split else map(block_of, keys)):
            blocks.setdefault(k, []).append(idx)
    report = BlockingReport(keys=len(blocks))
    # the identified halves of split name keys, by their open half: paired with it alone
    held = {block_of(k): blocks.pop(k) for k in [k for k in blocks if k[:_HELD] in _OPEN]}
    pairs: set[tuple[int, int]] = set()
    for key, members in blocks.items():
        n = len(members)
        if key.startswith(CHAINED_PREFIXES):
            if n < 2:
                continue
            members.sort()
            anchors = [members[0]]
            if not key.startswith(DECISIVE_PREFIXES) and n > 2:
                anchors.append(members[1])  # a second anchor: the first may be the odd one
            for at, anchor in enumerate(anchors, start=1):
                others = members[at:]
                if involving is not None and anchor not in involving:
                    others = [o for o in others if o in involving]
                pairs.update((anchor, other) for other in others)
            continue
        across = held.get(key, ())
        n += len(across)
        if n < 2:
            continue
        if n > max_block:
            report.oversize_blocks += 1
            report.oversize_records += n
            report.skipped.append((key, n))
            continue
        report.blocks_compared += 1
        members.sort()
        if involving is not None:
            for ma in members:
                if ma in involving:
                    pairs.update((ma, mb) if ma < mb else (mb, ma) for mb in members if mb != ma)
                    pairs.update((ma, mb) if ma < mb else (mb, ma) for mb in across if mb != ma)
                else:
                    pairs.update(
                        (ma, mb) if ma < mb else (mb, ma)
                        for mb in across
                        if mb in involving and mb != ma
                    )
            continue
        pairs.update(combinations(members, 2))  # sorted and distinct: each (i, j) has i < j
        for ma in members:
            pairs.update((ma, mb) if ma < mb else (mb, ma) for mb in across if mb != ma)
    report.skipped = sorted(report.skipped, key=lambda kv: -kv[1])[:20]
    report.candidate_pairs = len(pairs)
    return pairs, report
