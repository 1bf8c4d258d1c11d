from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resolution.comparators.names import NAME_LEVELS, NICKNAMES, initials_match, name_level

CASES = [
    ("张伟", "张伟", "exact"),
    ("Zhang Wei", "Zhang Wei", "exact"),
    ("張偉", "张伟", "variant"),  # traditional vs simplified, if a raw value slips through
    ("ZHANG  Wei", "Zhang Wei", "variant"),
    ("买买提·艾力", "买买提艾力", "variant"),
    ("Xiao Ming", "Xiaoming", "variant"),
    ("张伟", "伟张", "swapped"),
    ("欧阳娜娜", "娜娜欧阳", "swapped"),
    ("买买提·艾力", "艾力·买买提", "swapped"),
    ("Zhang Wei", "Wei Zhang", "swapped"),
    ("Xiaoming Zhang", "Zhang Xiao Ming", "swapped"),
    ("张伟", "ZHANG Wei", "cross_script"),
    ("张伟", "Wei Zhang", "cross_script"),
    ("欧阳娜娜", "Ouyang Nana", "cross_script"),
    ("单田芳", "Shan Tianfang", "cross_script"),  # surname reading, not 单 dan
    ("吕伟", "Lyu Wei", "cross_script"),  # passport spelling of lü
    ("张伟", "章伟", "homophone"),
    ("曾伟", "增伟", "homophone"),
    ("张伟明", "张伟民", "one_char"),
    ("欧阳娜娜", "欧阳娜丽", "one_char"),
    ("Bob Smith", "Robert Smith", "nickname"),
    ("Liz Taylor", "Elizabeth Taylor", "nickname"),
    ("Bill Gates", "William Gates", "nickname"),
    ("Jonathan Smith", "Jonathon Smith", "jaro_winkler"),
    ("Wang Xiaoming", "Wang Xiaomin", "jaro_winkler"),
    ("Mohammed Ali", "Muhammad Ali", "jaro_winkler"),
    ("John Smith", "John Michael Smith", "token_set"),
    ("J. Smith", "John Smith", "initials"),
    ("Smith J", "John Smith", "initials"),
    ("张伟", "张军", "different"),  # two characters: one off is half the name
    ("张伟明", "李华明", "different"),
    ("张伟", "Zhang Wen", "different"),
    ("张伟", "Li Na", "different"),
    ("Li Na", "Wang Fang", "different"),
    ("J. Smith", "John Smyth", "different"),
]


@pytest.mark.parametrize(("x", "y", "level"), CASES)
def test_name_levels(x: str, y: str, level: str) -> None:
    assert level in NAME_LEVELS
    assert name_level(x, y) == level
    assert name_level(y, x) == level


def test_every_level_has_an_example() -> None:
    assert {level for _, _, level in CASES} == set(NAME_LEVELS)


def test_thresholds_are_at_the_documented_places() -> None:
    # Jaro-Winkler just below 0.92 falls through to token-set / initials / different
    assert name_level("John Smith", "Jon Smyth") == "different"
    # single-token subset counts as token_set, not as initials
    assert name_level("Zhang", "Zhang Wei") == "token_set"


def test_initials_match() -> None:
    assert initials_match(("j", "smith"), ("john", "smith"))
    assert initials_match(("smith", "j"), ("john", "smith"))
    assert not initials_match(("j", "s"), ("john", "smith"))  # no full token in common
    assert not initials_match(("j", "smith"), ("john", "michael", "smith"))
    assert not initials_match(("k", "smith"), ("john", "smith"))


def test_nickname_table_maps_to_formal_names() -> None:
    assert NICKNAMES["bob"] == "robert" and NICKNAMES["liz"] == "elizabeth"
    assert all(nick != formal for nick, formal in NICKNAMES.items())


HAN = "张章伟炜明铭民李王欧阳娜芳华曾增单"
han_names = st.text(alphabet=HAN, min_size=1, max_size=4)
latin_names = st.lists(
    st.sampled_from(["zhang", "wei", "j", "john", "smith", "bob", "robert", "xiao", "ming"]),
    min_size=1,
    max_size=3,
).map(" ".join)
names = han_names | latin_names


@given(names, names)
def test_name_level_symmetric(x: str, y: str) -> None:
    assert name_level(x, y) == name_level(y, x)


@given(st.text(min_size=1), st.text())
def test_name_level_never_raises(x: str, y: str) -> None:
    assert name_level(x, y) in NAME_LEVELS
    assert name_level(x, x) == "exact"
    assert name_level(x, y) == name_level(y, x)
