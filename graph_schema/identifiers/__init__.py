"""National identifier validators and normalisers: pure functions, no I/O.

Each ``normalize_*`` returns a frozen value object or a :class:`~graph_schema.problems.Problem`
and never raises, so ingest can flag bad identifiers without losing the record.
"""

from graph_schema.identifiers.id_number import (
    IdNumber,
    convert_15_to_18,
    fold_identifier,
    id_check_char,
    normalize_id_number,
)
from graph_schema.identifiers.unit_code import (
    ParcelCode,
    UnitCode,
    normalize_parcel_code,
    normalize_unit_code,
)
from graph_schema.identifiers.uscc import (
    Uscc,
    normalize_uscc,
    org_code_check_char,
    uscc_check_char,
)

__all__ = [
    "IdNumber",
    "ParcelCode",
    "UnitCode",
    "Uscc",
    "convert_15_to_18",
    "fold_identifier",
    "id_check_char",
    "normalize_id_number",
    "normalize_parcel_code",
    "normalize_unit_code",
    "normalize_uscc",
    "org_code_check_char",
    "uscc_check_char",
]
