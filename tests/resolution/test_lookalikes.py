"""Look-alikes: same family name, birth date and home under different given names."""

from __future__ import annotations

from graph_schema.subject_types import SubjectType
from resolution.comparators.features import FEATURES
from resolution.lookalikes import LookAlikes, family_name
from resolution.training import comparison_pattern

FEATURES_P = FEATURES[SubjectType.PERSON]
look = LookAlikes(FEATURES_P)
HOME = "杭州市西湖区学院路600号1幢301室"


def alike(a: dict[str, str], b: dict[str, str]) -> bool:
    return look.alike(comparison_pattern(FEATURES_P, a, b), a, b)


def test_twins_are_look_alikes_and_relatives_are_not() -> None:
    twin = {"name": "王小明", "birth_date": "1990-03-07", "address": HOME}
    assert alike(twin, twin | {"name": "王小亮"})
    assert not alike(twin, twin | {"name": "王小亮", "birth_date": "1962-05-01"}), "a parent"
    assert not alike(twin, twin | {"name": "李小亮"}), "another family name"
    assert not alike(twin, twin | {"name": "王小亮", "address": "杭州市滨江区江南大道1号"})
    assert not alike(twin, dict(twin)), "the same name is not a look-alike: it may be one person"
    assert family_name("欧阳娜娜") == "欧阳" and family_name("王小明") == "王"
