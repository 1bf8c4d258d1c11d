"""Classification levels (分级): how sensitive a field is, from L1 public to L4 restricted.

Access control and masking read these levels; they are declared beside each field in
:mod:`graph_schema.fields`, never anywhere else.
"""

from __future__ import annotations

from enum import IntEnum


class Level(IntEnum):
    """Sensitivity grade of a field; a client with clearance ``c`` sees fields ``<= c`` unmasked."""

    L1 = 1  # public: enterprise name, USCC, parcel code, building address
    L2 = 2  # internal: person name, gender, enterprise contact details
    L3 = 3  # sensitive: id number, birth date, phone, home address
    L4 = 4  # restricted: passport and social-security numbers, other identifiers

    @classmethod
    def parse(cls, text: str) -> Level:
        """``L3``/``l3``/``3`` → ``Level.L3``; raises ValueError naming the allowed values."""
        key = text.strip().upper().removeprefix("L")
        if key.isdigit() and 1 <= int(key) <= 4:
            return cls(int(key))
        raise ValueError(f"unknown classification level {text!r}; allowed: L1, L2, L3, L4")
