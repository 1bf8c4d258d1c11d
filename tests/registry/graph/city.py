"""A small hand-made city whose graph answers are known, ingested through real mappings.

Each relationship type arrives from its own "department" file; subjects are identified by
their national identifiers (id number, USCC, building code, parcel code), so the same person
named in several files resolves into one subject.

    parcel L1 (held by DevCo)            parcel L2
      ├─ building B1: Alice, Bob live; Bob owns; AliceCo registered
      └─ building B2: Carol lives; SubCo owns and is registered       building B3: Dan lives
    Alice ─SPOUSE_OF─ Bob;  Alice ─PARENT_OF→ Carol;  Alice ─EMPLOYED_BY→ SubCo
    Alice ─LEGAL_REPRESENTATIVE_OF→ AliceCo;  Alice ─SHAREHOLDER_OF(0.6)→ AliceCo
    AliceCo ─SHAREHOLDER_OF(0.3)→ SubCo ─SHAREHOLDER_OF(1.0)→ LeafCo
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from registry.demo.codes import make_id_number, make_org_code, make_uscc, parcel_code, unit_code
from registry.mapping import Mapping
from registry.service import Registry

_rng = random.Random(5)
PARCEL_1 = parcel_code("330106", 1, 1, 1)
PARCEL_2 = parcel_code("330106", 1, 1, 2)
KEYS: dict[str, tuple[str, str, str]] = {  # name -> (type, national key, display name)
    "alice": ("person", make_id_number("330106", dt.date(1970, 3, 1), 12), "王丽"),
    "bob": ("person", make_id_number("330106", dt.date(1968, 5, 2), 13), "张强"),
    "carol": ("person", make_id_number("330106", dt.date(1998, 7, 3), 22), "张小雨"),
    "dan": ("person", make_id_number("330106", dt.date(1980, 1, 4), 31), "刘东"),
    "aliceco": (
        "enterprise",
        make_uscc("330106", make_org_code(_rng, dt.date(2010, 1, 1))),
        "杭州丽华贸易有限公司",
    ),
    "subco": (
        "enterprise",
        make_uscc("330106", make_org_code(_rng, dt.date(2011, 1, 1))),
        "杭州子华科技有限公司",
    ),
    "leafco": (
        "enterprise",
        make_uscc("330106", make_org_code(_rng, dt.date(2012, 1, 1))),
        "杭州叶华物业有限公司",
    ),
    "devco": (
        "enterprise",
        make_uscc("330106", make_org_code(_rng, dt.date(2005, 1, 1))),
        "杭州城建开发有限公司",
    ),
    "b1": ("building", unit_code(PARCEL_1, 1), "文一苑1幢"),
    "b2": ("building", unit_code(PARCEL_1, 2), "文一苑2幢"),
    "b3": ("building", unit_code(PARCEL_2, 1), "文二苑1幢"),
    "l1": ("parcel", PARCEL_1, ""),
    "l2": ("parcel", PARCEL_2, ""),
}
EDGES: list[tuple[str, str, str, str]] = [  # (from, type, to, share)
    ("alice", "RESIDES_AT", "b1", ""),
    ("bob", "RESIDES_AT", "b1", ""),
    ("carol", "RESIDES_AT", "b2", ""),
    ("dan", "RESIDES_AT", "b3", ""),
    ("bob", "OWNS", "b1", ""),
    ("subco", "OWNS", "b2", ""),
    ("aliceco", "REGISTERED_AT", "b1", ""),
    ("subco", "REGISTERED_AT", "b2", ""),
    ("b1", "LOCATED_ON", "l1", ""),
    ("b2", "LOCATED_ON", "l1", ""),
    ("b3", "LOCATED_ON", "l2", ""),
    ("devco", "HOLDS", "l1", ""),
    ("alice", "SPOUSE_OF", "bob", ""),
    ("alice", "PARENT_OF", "carol", ""),
    ("alice", "EMPLOYED_BY", "subco", ""),
    ("alice", "LEGAL_REPRESENTATIVE_OF", "aliceco", ""),
    ("alice", "SHAREHOLDER_OF", "aliceco", "60%"),
    ("aliceco", "SHAREHOLDER_OF", "subco", "30%"),
    ("subco", "SHAREHOLDER_OF", "leafco", "100%"),
]
FIELDS = {
    "person": {"name": "{%s_name}", "id_number": "{%s_key}"},
    "enterprise": {"name": "{%s_name}", "uscc": "{%s_key}"},
    "building": {"name": "{%s_name}", "building_code": "{%s_key}"},
    "parcel": {"parcel_code": "{%s_key}"},
}


def mapping_for(from_type: str, rel: str, to_type: str, with_share: bool) -> Mapping:
    lines = ["[source]", 'default_city = "杭州市"']
    for role, subject_type in (("a", from_type), ("b", to_type)):
        lines += ["[[subjects]]", f'role = "{role}"', f'type = "{subject_type}"',
                  f'record_id = "{{rid}}:{role}"', "[subjects.fields]"]  # fmt: skip
        lines += [f'{k} = "{v % role}"' for k, v in FIELDS[subject_type].items()]
    lines += ["[[relationships]]", f'type = "{rel}"', 'from = "a"', 'to = "b"']
    if with_share:
        lines += ["[relationships.fields]", 'share = "{share}"']
    return Mapping.from_toml("\n".join(lines), f"{rel.lower()}.toml")


def ingest_edges(
    reg: Registry, tmp: Path, edges: list[tuple[str, str, str, str]], tag: str = ""
) -> None:
    """Ingest each edge type as one department's CSV file."""
    by_kind: dict[tuple[str, str, str], list[tuple[str, str, str, str]]] = {}
    for e in edges:
        by_kind.setdefault((KEYS[e[0]][0], e[1], KEYS[e[2]][0]), []).append(e)
    for (ft, rel, tt), rows in by_kind.items():
        with_share = any(r[3] for r in rows)
        source = f"{rel.lower()}_{ft}{tag}"
        path = tmp / f"{source}.csv"
        header = "rid,a_name,a_key,b_name,b_key" + (",share" if with_share else "")
        body = []
        for i, (a, _, b, share) in enumerate(rows, start=1):
            cells = [f"{rel[:3]}{tag}{i}", KEYS[a][2], KEYS[a][1], KEYS[b][2], KEYS[b][1]]
            body.append(",".join(cells + ([share] if with_share else [])))
        path.write_text(header + "\n" + "\n".join(body) + "\n", encoding="utf-8")
        reg.ingest_file(path, source, mapping_for(ft, rel, tt, with_share))


def build_city(reg: Registry, tmp: Path) -> dict[str, str]:
    """Ingest the city and return name -> subject id."""
    ingest_edges(reg, tmp, EDGES)
    return ids_of(reg)


def ids_of(reg: Registry) -> dict[str, str]:
    by_key = {}
    for e in reg.store.iter_entities():
        key = (
            e.golden.get("id_number")
            or e.golden.get("uscc")
            or e.golden.get("building_code")
            or e.golden.get("parcel_code")
        )
        by_key[key] = e.entity_id
    return {name: by_key[k[1]] for name, k in KEYS.items()}
