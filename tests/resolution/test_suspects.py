"""Id numbers that failed their check: corrected for blocking, scored as a slip, never decisive."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from graph_schema.identifiers.id_number import checksum_corrections, id_check_char
from graph_schema.subject_types import SubjectType
from resolution.blocking import blocking_keys
from resolution.comparators.base import MISSING
from resolution.comparators.features import FEATURES_BY_NAME
from resolution.suspects import SUSPECT_ID, suspect_id_number

VALID = "330103200006039748"
SWAPPED = "330103200000639748"  # 0603 keyed as 0063: fails the check
compare = FEATURES_BY_NAME[SubjectType.PERSON]["id_number_suspect"].compare


def test_a_swapped_pair_of_digits_is_corrected_back() -> None:
    assert VALID in checksum_corrections(SWAPPED)
    assert all(
        len(c) == 18 and c[17] == id_check_char(c[:17]) for c in checksum_corrections(SWAPPED)
    )
    assert checksum_corrections("12345") == []
    assert checksum_corrections("3301032000A6039748") == []


@given(st.integers(0, 16), st.sampled_from("0123456789"))
def test_every_single_substitution_of_a_valid_number_is_corrected(pos: int, digit: str) -> None:
    typo = VALID[:pos] + digit + VALID[pos + 1 :]
    if typo != VALID and typo[17] != id_check_char(typo[:17]):
        assert VALID in checksum_corrections(typo)


def test_the_suspect_comes_from_the_checksum_problem_only() -> None:
    problems = [{"field": "id_number", "rule": "checksum", "value": f" {SWAPPED} "}]
    assert suspect_id_number(problems) == SWAPPED
    assert suspect_id_number([{"field": "id_number", "rule": "charset", "value": "x"}]) is None


def test_a_suspect_blocks_with_and_scores_against_the_valid_number() -> None:
    suspect = {"name": "张婷", SUSPECT_ID: SWAPPED}
    valid = {"name": "张婷", "id_number": VALID}
    assert set(blocking_keys(SubjectType.PERSON, suspect)) & set(
        blocking_keys(SubjectType.PERSON, valid)
    )
    assert compare(suspect, valid)[0] == "transposition"
    assert compare(valid, {"name": "x", "id_number": VALID})[0] == MISSING, "valid pairs: id_number"
    assert compare(suspect, {"name": "张婷"})[0] == MISSING
    feature = FEATURES_BY_NAME[SubjectType.PERSON]["id_number_suspect"]
    assert not feature.decisive_match and not feature.decisive_nonmatch
