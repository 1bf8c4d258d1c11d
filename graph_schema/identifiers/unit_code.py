"""Real-estate unit codes (GB/T 37346, 28 characters) and parcel codes (宗地代码, 19 characters).

The unit code carries no check character, so its structure is all there is to validate. Its
first 19 characters identify the land parcel and, for buildings (fixture type F), the next
five identify the building: the registry links houses, buildings and parcels through these
prefixes and cross-checks them against red-line geometry.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph_schema.identifiers.id_number import fold_identifier
from graph_schema.problems import Problem, problem

__all__ = [
    "FIXTURE_TYPES",
    "OWNERSHIP_TYPES",
    "PARCEL_TYPES",
    "PROVINCE_CODES",
    "ParcelCode",
    "UnitCode",
    "normalize_parcel_code",
    "normalize_unit_code",
]

# GB/T 2260 province-level prefixes. Only the province is checked: counties are renamed and
# merged, and parcel codes keep the division of the day they were assigned.
_PROVINCE_RANGES = ((11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65), (71, 71), (81, 82))
PROVINCE_CODES = frozenset(str(n) for lo, hi in _PROVINCE_RANGES for n in range(lo, hi + 1))
OWNERSHIP_TYPES = {"G": "state", "J": "collective", "Z": "undetermined"}
PARCEL_TYPES = {
    "A": "collective land ownership",
    "B": "construction land use right, surface",
    "S": "construction land use right, above ground",
    "X": "construction land use right, underground",
    "C": "homestead use right",
    "D": "contracted land management right (arable)",
    "E": "contracted land management right (forest)",
    "F": "contracted land management right (grassland)",
    "H": "sea area use right",
    "G": "uninhabited island use right",
    "W": "undetermined",
    "Y": "other",
}
FIXTURE_TYPES = {"F": "building or structure", "L": "trees", "Q": "other", "W": "no fixture"}
_NO_FIXTURE = "00000000"


@dataclass(frozen=True, slots=True)
class ParcelCode:
    """A structurally valid 19-character parcel code (宗地代码) and its parts."""

    value: str
    division_code: str
    cadastral_zone: str
    subzone: str
    ownership: str
    parcel_type: str
    sequence: str


@dataclass(frozen=True, slots=True)
class UnitCode:
    """A structurally valid 28-character real-estate unit code."""

    value: str
    parcel: ParcelCode
    fixture_type: str
    fixture_no: str

    @property
    def parcel_code(self) -> str:
        """The 19-character parcel code the unit sits on."""
        return self.value[:19]

    @property
    def building_no(self) -> str | None:
        """The 4-digit building (幢) number, for building units only."""
        return self.fixture_no[:4] if self.fixture_type == "F" else None

    @property
    def unit_no(self) -> str | None:
        """The 4-digit unit (户) number within the building, for building units only."""
        return self.fixture_no[4:] if self.fixture_type == "F" else None

    @property
    def building_part(self) -> str | None:
        """Parcel code + "F" + building number (24 characters): the building's own key."""
        if self.fixture_type != "F":
            return None
        return self.value[:19] + "F" + self.fixture_no[:4]


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _parse_parcel(code: str, field: str, raw: str) -> ParcelCode | Problem:
    """Check the 19-character parcel part of an already folded, length-checked code."""
    division = code[:6]
    if not _is_digits(division):
        return problem(field, "division_code", raw, f"division code {division} is not six digits")
    if division[:2] not in PROVINCE_CODES:
        return problem(
            field,
            "division_code",
            raw,
            f"division code {division} does not start with a province code",
        )
    for start, end, what in ((6, 9, "cadastral zone"), (9, 12, "cadastral subzone")):
        if not _is_digits(code[start:end]):
            return problem(field, "format", raw, f"{what} {code[start:end]} is not three digits")
    if code[12] not in OWNERSHIP_TYPES:
        return problem(
            field,
            "ownership",
            raw,
            f"ownership code {code[12]} is not G (state), J (collective) or Z (undetermined)",
        )
    if code[13] not in PARCEL_TYPES:
        return problem(
            field,
            "parcel_type",
            raw,
            f"parcel type {code[13]} is not one of {' '.join(PARCEL_TYPES)}",
        )
    if not _is_digits(code[14:19]):
        return problem(
            field, "format", raw, f"parcel sequence number {code[14:19]} is not five digits"
        )
    return ParcelCode(code[:19], division, code[6:9], code[9:12], code[12], code[13], code[14:19])


def _fold_checked(raw: str, field: str, length: int, what: str) -> str | Problem:
    code = fold_identifier(raw)
    if len(code) != length:
        return problem(
            field, "length", raw, f"a {what} has {length} characters but {len(code)} were given"
        )
    if not (code.isascii() and code.isalnum()):
        bad = ", ".join(repr(ch) for ch in sorted(set(code)) if not (ch.isascii() and ch.isalnum()))
        return problem(field, "charset", raw, f"a {what} holds only digits and letters, not {bad}")
    return code


def normalize_parcel_code(raw: str, field: str = "parcel_code") -> ParcelCode | Problem:
    """Validate and canonicalise a 19-character parcel code (宗地代码)."""
    code = _fold_checked(raw, field, 19, "parcel code")
    if isinstance(code, Problem):
        return code
    return _parse_parcel(code, field, raw)


def normalize_unit_code(raw: str, field: str = "building_code") -> UnitCode | Problem:
    """Validate and canonicalise a 28-character real-estate unit code (不动产单元代码)."""
    code = _fold_checked(raw, field, 28, "real-estate unit code")
    if isinstance(code, Problem):
        return code
    parcel = _parse_parcel(code, field, raw)
    if isinstance(parcel, Problem):
        return parcel
    fixture_type, fixture_no = code[19], code[20:]
    if fixture_type not in FIXTURE_TYPES:
        return problem(
            field,
            "fixture_type",
            raw,
            f"fixture type {fixture_type} is not F (building), L (trees), Q (other) or W (none)",
        )
    if not _is_digits(fixture_no):
        return problem(field, "format", raw, f"fixture unit number {fixture_no} is not 8 digits")
    if fixture_type == "W" and fixture_no != _NO_FIXTURE:
        return problem(
            field,
            "fixture_type",
            raw,
            f"fixture type W (no fixture) needs unit number 00000000 but {fixture_no} was given",
        )
    return UnitCode(code, parcel, fixture_type, fixture_no)
