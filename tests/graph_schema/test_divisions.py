import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph_schema.divisions import (
    Level,
    find_city,
    find_district,
    find_province,
    lookup,
    named,
    parents,
    prefix_table,
    short_name,
)


@pytest.mark.parametrize(
    ("code", "name", "level"),
    [
        ("330106", "西湖区", "district"),
        ("3301", "杭州市", "city"),
        ("330100", "杭州市", "city"),
        ("33", "浙江省", "province"),
        ("330000", "浙江省", "province"),
        ("330113", "临平区", "district"),
        ("330114", "钱塘区", "district"),
        ("110105", "朝阳区", "district"),
        ("429004", "仙桃市", "district"),
        (" 330106 ", "西湖区", "district"),
    ],
)
def test_lookup_by_code(code: str, name: str, level: str) -> None:
    div = lookup(code)
    assert div is not None
    assert (div.name, div.level) == (name, level)


@pytest.mark.parametrize("code", ["330103", "330104", "", "abc", "3", "33010", "３３０１０６"])
def test_lookup_rejects_abolished_and_malformed_codes(code: str) -> None:
    assert lookup(code) is None


@pytest.mark.parametrize(
    ("name", "full"),
    [
        ("浙江", "浙江省"),
        ("浙江省", "浙江省"),
        ("广西", "广西壮族自治区"),
        ("内蒙古", "内蒙古自治区"),
        ("新疆", "新疆维吾尔自治区"),
        ("上海", "上海市"),
        ("香港", "香港特别行政区"),
    ],
)
def test_find_province_by_full_or_short_name(name: str, full: str) -> None:
    div = find_province(name)
    assert div is not None and div.name == full


@pytest.mark.parametrize(
    ("name", "full", "code"),
    [
        ("杭州", "杭州市", "330100"),
        ("杭州市", "杭州市", "330100"),
        ("延边", "延边朝鲜族自治州", "222400"),
        ("大兴安岭", "大兴安岭地区", "232700"),
        ("北京", "北京市", "110000"),  # a municipality serves as its own city
    ],
)
def test_find_city(name: str, full: str, code: str) -> None:
    div = find_city(name)
    assert div is not None
    assert (div.name, div.code) == (full, code)


def test_district_of_2021_reform_infers_parents() -> None:
    div = find_district("临平区")
    assert div is not None
    assert (div.code, div.city, div.province) == ("330113", "杭州市", "浙江省")
    province, city = parents(div)
    assert province is not None and province.name == "浙江省"
    assert city is not None and city.code == "330100"


@pytest.mark.parametrize(
    ("name", "context", "code"),
    [
        ("朝阳区", {}, None),
        ("朝阳区", {"city": "北京"}, "110105"),
        ("朝阳区", {"city": "长春市"}, "220104"),
        ("朝阳区", {"province": "吉林"}, "220104"),
        ("朝阳区", {"default_city": "北京市"}, "110105"),
        ("朝阳区", {"city": "杭州", "default_city": "北京"}, None),  # explicit city is binding
        ("鼓楼区", {}, None),
        ("鼓楼区", {"default_city": "福州"}, "350102"),
        ("鼓楼区", {"province": "江苏"}, None),  # Nanjing and Xuzhou
        ("鼓楼区", {"province": "江苏", "default_city": "徐州"}, "320302"),
        ("西湖区", {}, None),  # Hangzhou and Nanchang
        ("西湖区", {"default_city": "杭州市"}, "330106"),
        ("西湖区", {"default_city": "330100"}, "330106"),
        ("普陀区", {"province": "浙江"}, "330903"),
        ("西湖", {"city": "杭州"}, "330106"),  # short name, with context
        ("西湖", {}, None),  # short names never resolve without context
        ("临平区", {"default_city": "宁波"}, "330113"),  # unique nationwide
        ("义乌市", {}, "330782"),
    ],
)
def test_ambiguous_districts_resolve_only_with_context(
    name: str, context: dict[str, str], code: str | None
) -> None:
    div = find_district(name, **context)
    assert (div.code if div else None) == code


def test_ambiguous_names_are_indexed_with_all_candidates() -> None:
    assert {d.city for d in named("鼓楼区", "district")} == {"南京市", "徐州市", "福州市", "开封市"}


@pytest.mark.parametrize(
    ("name", "level", "short"),
    [
        ("浙江省", "province", "浙江"),
        ("宁夏回族自治区", "province", "宁夏"),
        ("恩施土家族苗族自治州", "city", "恩施"),
        ("景宁畲族自治县", "district", "景宁"),
        ("浦东新区", "district", "浦东"),
        ("神农架林区", "district", "神农架"),
        ("城区", "district", "城区"),  # stripping would leave one character
        ("沙市区", "district", "沙市"),
    ],
)
def test_short_names(name: str, level: Level, short: str) -> None:
    assert short_name(name, level) == short


def test_municipality_districts_name_the_municipality_as_city() -> None:
    div = find_district("海淀区")
    assert div is not None
    assert (div.city, div.city_code, div.province) == ("北京市", None, "北京市")
    province = lookup("11")
    assert province is not None and province.is_municipality


def test_prefix_table_lists_longest_names_first() -> None:
    found = prefix_table().at("浙江省杭州市", 0)
    assert [name for name, _ in found] == ["浙江省", "浙江"]


@given(st.text(max_size=20))
def test_lookups_never_raise(text: str) -> None:
    lookup(text)
    find_province(text)
    find_city(text)
    find_district(text, city=text, default_city=text)
