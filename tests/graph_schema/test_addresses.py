from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph_schema.addresses import Address, normalize_address
from graph_schema.numerals import cn_to_int, to_digits
from graph_schema.problems import Problem

FULL = "浙江省杭州市西湖区文三路90号5幢2单元301室"

# raw, default_city, expected value, expected components (subset)
CASES: list[tuple[str, str | None, str, dict[str, Any]]] = [
    (FULL, None, FULL, {"division_code": "330106", "inferred": False, "road": "文三路",
     "number": "90", "building": "5", "unit": "2", "room": "301"}),
    ("浙江省 杭州市 西湖区 文三路 90号 5幢 2单元 301室", None, FULL, {}),
    ("浙江省杭州市西湖区文三路９０号５幢２单元３０１室", None, FULL, {}),  # full-width digits
    ("浙江杭州西湖区文三路90号5栋2单元301", None, FULL, {"inferred": False}),
    ("浙江杭州西湖文三路90号5号楼二单元301号", None, FULL, {"district": "西湖区"}),
    ("杭州市西湖区文三路90号五幢二单元三零一室", None, FULL, {"inferred": True}),
    ("西湖区文三路90号5幢2单元301室", "杭州市", FULL, {"inferred": True, "city": "杭州市"}),
    ("西湖区文三路90号5幢2单元301室", "杭州", FULL, {"division_code": "330106"}),
    # 西湖区 is also in Nanchang: without context it stays unresolved
    ("西湖区文三路90号5幢2单元301室", None, "西湖区文三路90号5幢2单元301室",
     {"province": None, "city": None, "district": "西湖区", "division_code": None,
      "inferred": False}),
    ("杭州文三路90号5#楼2-301", None, "浙江省杭州市文三路90号5幢2单元301室",
     {"district": None, "division_code": "330100", "inferred": True}),
    ("临平区南苑街道人民大道1号", None, "浙江省杭州市临平区南苑街道人民大道1号",
     {"division_code": "330113", "street": "南苑街道", "road": "人民大道", "number": "1"}),
    ("钱塘区白杨街道学院街3号", None, "浙江省杭州市钱塘区白杨街道学院街3号",
     {"division_code": "330114", "road": "学院街"}),
    ("杭州市西湖区西溪花园十二号楼3单元1201室", None,
     "浙江省杭州市西湖区西溪花园12幢3单元1201室",
     {"community": "西溪花园", "building": "12", "road": None, "number": None}),
    ("杭州市西湖区翠苑一区A座1201室", None, "浙江省杭州市西湖区翠苑一区A幢1201室",
     {"community": "翠苑一区", "building": "A"}),
    ("朝阳区建国路88号", None, "朝阳区建国路88号", {"district": "朝阳区", "division_code": None}),
    ("朝阳区建国路88号", "北京", "北京市朝阳区建国路88号",
     {"province": "北京市", "city": "北京市", "division_code": "110105"}),
    ("上海市黄浦区南京东路100弄5号", None, "上海市黄浦区南京东路100弄5号",
     {"road": "南京东路100弄", "number": "5", "division_code": "310101"}),
    ("中山路100号", None, "中山路100号", {"city": None, "road": "中山路"}),  # not 中山市
    ("北京西路1号", None, "北京西路1号", {"province": None, "road": "北京西路"}),
    # a leading province that contradicts the table is kept as given
    ("江苏省杭州市西湖区文三路90号", None, "江苏省杭州市西湖区文三路90号",
     {"province": "江苏省", "city": "杭州市", "division_code": "330106"}),
    ("杭州市拱墅区5-2-301", None, "浙江省杭州市拱墅区5幢2单元301室",
     {"building": "5", "unit": "2", "room": "301"}),
    ("义乌市稠城街道工人北路1号", None, "浙江省金华市义乌市稠城街道工人北路1号",
     {"city": "金华市", "division_code": "330782"}),
    ("余杭区五常街道文一西路969号3号楼5层", None,
     "浙江省杭州市余杭区五常街道文一西路969号3幢5层",
     {"building": "3", "detail": "5层"}),
    ("三墩镇绕城村5组12号", "杭州", "三墩镇绕城村5组12号",
     {"street": "三墩镇", "number": "12", "detail": "绕城村5组"}),
    ("杭州市上城区解放路138号（近城站）", None, "浙江省杭州市上城区解放路138号(近城站)",
     {"number": "138", "detail": "(近城站)"}),
    ("浙江省杭州市西湖區文三路90號", None, "浙江省杭州市西湖区文三路90号", {}),  # traditional
    ("温州市鹿城区五马街道公园路5号二楼", None, "浙江省温州市鹿城区五马街道公园路5号2层",
     {"number": "5", "detail": "2层", "building": None}),
    ("成都市武侯区人民南路四段1号", None, "四川省成都市武侯区人民南路四段1号",
     {"road": "人民南路四段", "number": "1", "division_code": "510107"}),
    ("湖北省仙桃市干河街道1号", None, "湖北省仙桃市干河街道1号",
     {"city": None, "district": "仙桃市", "division_code": "429004"}),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "default_city", "value", "parts"), CASES)
def test_address_spellings(
    raw: str, default_city: str | None, value: str, parts: dict[str, Any]
) -> None:
    result = normalize_address(raw, default_city=default_city)
    assert isinstance(result, Address), result
    assert result.value == value
    for name, expected in parts.items():
        assert getattr(result, name) == expected, name


@pytest.mark.parametrize(("raw", "default_city", "value", "parts"), CASES)
def test_normal_form_is_stable(
    raw: str, default_city: str | None, value: str, parts: dict[str, Any]
) -> None:
    again = normalize_address(value, default_city=default_city)
    assert isinstance(again, Address) and again.value == value


def test_spellings_of_one_door_share_a_key() -> None:
    spellings = [
        FULL,
        "杭州市西湖区文三路90号五栋二单元301",
        "浙江杭州西湖文三路90号5号楼2-301",
    ]
    keys = set()
    for raw in spellings:
        result = normalize_address(raw)
        assert isinstance(result, Address)
        keys.add(result.key)
    assert keys == {"西湖区|文三路|90|5"}


def test_key_falls_back_to_community() -> None:
    result = normalize_address("杭州市西湖区西溪花园5幢")
    assert isinstance(result, Address) and result.key == "西湖区|西溪花园||5"


def test_foreign_address_is_tokenised() -> None:
    result = normalize_address("Flat 3, 12 Baker Street,  London")
    assert isinstance(result, Address)
    assert result.tokens == ("flat", "3", "12", "baker", "street", "london")
    assert result.value == "Flat 3, 12 Baker Street, London"
    assert result.key == "flat 3 12 baker street london"
    assert result.province is None and result.division_code is None


@pytest.mark.parametrize(
    ("raw", "rule"),
    [("", "empty"), ("   ", "empty"), ("\u3000", "empty"), ("！！！", "unparseable"),
     ("文三路" * 80, "too_long")],
)  # fmt: skip
def test_address_problems(raw: str, rule: str) -> None:
    result = normalize_address(raw, "home_address")
    assert isinstance(result, Problem)
    assert (result.rule, result.field, result.value) == (rule, "home_address", raw)


@pytest.mark.parametrize(
    ("text", "value"),
    [("十二", 12), ("二十", 20), ("三百零一", 301), ("一〇一", 101), ("两", 2), ("十", 10),
     ("一千零五", 1005), ("百百", None), ("五五十", None), ("", None), ("abc", None)],
)  # fmt: skip
def test_chinese_numerals(text: str, value: int | None) -> None:
    assert cn_to_int(text) == value


@pytest.mark.parametrize(
    ("text", "digits"), [("05", "5"), ("0", "0"), ("12b", "12B"), ("五", "5"), ("x-1", None)]
)
def test_to_digits(text: str, digits: str | None) -> None:
    assert to_digits(text) == digits


_ADDRESS_CHARS = "浙江省杭州市西湖区朝阳鼓楼文三路街道镇90号5幢栋座单元室一二十#-·.()（） ,A"


@given(st.text(), st.sampled_from([None, "杭州", "北京市", "330100", "", "nowhere"]))
def test_never_raises(raw: str, default_city: str | None) -> None:
    result = normalize_address(raw, default_city=default_city)
    assert isinstance(result, Address | Problem)


@given(st.text(alphabet=_ADDRESS_CHARS, max_size=40))
def test_never_raises_on_address_like_text(raw: str) -> None:
    result = normalize_address(raw)
    assert isinstance(result, Address | Problem)
    if isinstance(result, Address):
        assert isinstance(result.key, str)
