"""The store's data model: what a reference to a record looks like, and one import path."""

from __future__ import annotations

import registry.store.base as base
import registry.store.model as model
from registry.store.model import REVIEW_REASONS, RecordKey


def test_a_record_key_is_written_source_slash_record_id_and_is_a_plain_tuple() -> None:
    key = RecordKey("hukou", "H1/2")
    assert str(key) == "hukou/H1/2"  # the form `registry why` and the API take
    assert key == ("hukou", "H1/2") and hash(key) == hash(("hukou", "H1/2"))


def test_the_interface_module_hands_out_the_same_model() -> None:
    for name in base.__all__:
        if name != "Store":
            assert getattr(base, name) is getattr(model, name), name
    assert "dispute" in REVIEW_REASONS
