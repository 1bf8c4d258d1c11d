from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph_schema.enterprise_names import EnterpriseName, normalize_enterprise_name
from resolution.comparators.enterprise_names import ENTERPRISE_NAME_LEVELS, enterprise_name_level


def canon(raw: str) -> str:
    name = normalize_enterprise_name(raw)
    assert isinstance(name, EnterpriseName)
    return name.value


CASES = [
    ("杭州娃哈哈食品有限公司", "杭州娃哈哈食品有限公司", "exact"),
    ("杭州娃哈哈食品有限责任公司", "娃哈哈(杭州)食品有限公司", "exact"),  # same canonical
    ("杭州娃哈哈食品有限公司", "娃哈哈食品有限公司", "same_core"),  # place prefix
    ("杭州娃哈哈食品有限公司", "上海娃哈哈食品股份有限公司", "same_core"),  # legal form
    (
        "杭州娃哈哈食品有限公司滨江分公司",
        "娃哈哈食品有限公司滨江分公司",
        "same_core",
    ),
    ("杭州海康威视数字技术服务有限公司", "杭州海康威视数子技术服务有限公司", "fuzzy_core"),
    ("杭州娃哈哈食品有限公司", "杭州娃哈哈饮品有限公司", "different"),  # short core: ratio 80
    ("杭州娃哈哈食品有限公司", "杭州农夫山泉有限公司", "different"),
    ("杭州娃哈哈食品有限公司", "杭州娃哈哈食品有限公司滨江分公司", "other_branch"),
    (
        "杭州娃哈哈食品有限公司西湖分公司",
        "杭州娃哈哈食品有限公司滨江分公司",
        "other_branch",
    ),
    ("Alibaba Co., Ltd.", "Alibaba Limited Liability Company", "same_core"),
    ("Alibaba Co., Ltd.", "Alibaba Co., Ltd. Hangzhou Branch", "other_branch"),
]


@pytest.mark.parametrize(("x", "y", "level"), CASES)
def test_enterprise_name_levels(x: str, y: str, level: str) -> None:
    assert level in ENTERPRISE_NAME_LEVELS
    a, b = canon(x), canon(y)
    assert enterprise_name_level(a, b) == level
    assert enterprise_name_level(b, a) == level


def test_every_level_has_an_example() -> None:
    assert {level for _, _, level in CASES} == set(ENTERPRISE_NAME_LEVELS)


def test_other_branch_is_placed_last() -> None:
    assert ENTERPRISE_NAME_LEVELS[-1] == "other_branch"
    assert ENTERPRISE_NAME_LEVELS[0] == "exact"


def test_raw_spellings_are_parsed() -> None:
    assert (
        enterprise_name_level("杭州娃哈哈食品有限责任公司", "娃哈哈(杭州)食品有限公司") == "exact"
    )
    assert enterprise_name_level("Alibaba (China) Co., Ltd.", "Alibaba Limited") == "same_core"


def test_canonical_latin_name_with_place() -> None:
    assert enterprise_name_level(canon("Alibaba (China) Co., Ltd."), "alibaba ltd") == "same_core"


names = st.builds(
    lambda place, core, form, branch: place + core + form + branch,
    st.sampled_from(["", "杭州", "上海"]),
    st.sampled_from(["娃哈哈食品", "娃哈哈饮品", "海康威视数字技术", "海康威视数子技术"]),
    st.sampled_from(["有限公司", "股份有限公司"]),
    st.sampled_from(["", "滨江分公司", "西湖分公司"]),
)


@given(names, names)
def test_enterprise_name_level_symmetric(x: str, y: str) -> None:
    assert enterprise_name_level(x, y) == enterprise_name_level(y, x)


@given(st.text(min_size=1), st.text())
def test_enterprise_name_level_never_raises(x: str, y: str) -> None:
    assert enterprise_name_level(x, y) in ENTERPRISE_NAME_LEVELS
    assert enterprise_name_level(x, x) == "exact"
    assert enterprise_name_level(x, y) == enterprise_name_level(y, x)
