import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph_schema.person_names import (
    PersonName,
    cross_script_key,
    join_person_name,
    normalize_person_name,
    pinyin_key,
)
from graph_schema.problems import Problem

# raw → value, script, family, given, pinyin
CASES = [
    ("张伟", "张伟", "han", "张", "伟", "zhangwei"),
    ("張偉", "张伟", "han", "张", "伟", "zhangwei"),
    ("张 伟", "张伟", "han", "张", "伟", "zhangwei"),
    ("  张\u3000伟 ", "张伟", "han", "张", "伟", "zhangwei"),
    ("章伟", "章伟", "han", "章", "伟", "zhangwei"),
    ("曾伟", "曾伟", "han", "曾", "伟", "zengwei"),
    ("单田芳", "单田芳", "han", "单", "田芳", "shantianfang"),
    ("解晓东", "解晓东", "han", "解", "晓东", "xiexiaodong"),
    ("区志明", "区志明", "han", "区", "志明", "ouzhiming"),
    ("仇英", "仇英", "han", "仇", "英", "qiuying"),
    ("朴槿惠", "朴槿惠", "han", "朴", "槿惠", "piaojinhui"),
    ("翟天临", "翟天临", "han", "翟", "天临", "zhaitianlin"),
    ("欧阳娜娜", "欧阳娜娜", "han", "欧阳", "娜娜", "ouyangnana"),
    ("司马光", "司马光", "han", "司马", "光", "simaguang"),
    ("尉迟恭", "尉迟恭", "han", "尉迟", "恭", "yuchigong"),
    ("万俟卨", "万俟卨", "han", "万俟", "卨", "moqixie"),
    ("欧阳", "欧阳", "han", "欧", "阳", "ouyang"),  # two characters: surname 欧
    ("吕斌", "吕斌", "han", "吕", "斌", "lvbin"),
    ("买买提•艾力", "买买提·艾力", "han", "艾力", "买买提", "maimaitiaili"),
    ("买买提.艾力", "买买提·艾力", "han", "艾力", "买买提", "maimaitiaili"),
    ("买买提 ． 艾力", "买买提·艾力", "han", "艾力", "买买提", "maimaitiaili"),
    ("买买提-艾力", "买买提·艾力", "han", "艾力", "买买提", "maimaitiaili"),
    ("ZHANG Wei", "Zhang Wei", "latin", "Zhang", "Wei", "weizhang"),
    ("ＺＨＡＮＧ　Ｗｅｉ", "Zhang Wei", "latin", "Zhang", "Wei", "weizhang"),
    ("Wei ZHANG", "Wei Zhang", "latin", "Zhang", "Wei", "weizhang"),
    ("WANG, Xiaoming", "Wang Xiaoming", "latin", "Wang", "Xiaoming", "mingwangxiao"),
    ("Xiaoming Wang", "Xiaoming Wang", "latin", "Wang", "Xiaoming", "mingwangxiao"),
    ("wang xiao ming", "Wang Xiao Ming", "latin", "Ming", "Wang Xiao", "mingwangxiao"),
    ("o'neil,  mary-ann", "O'Neil Mary-Ann", "latin", "O'Neil", "Mary-Ann", "maryannoneil"),
    ("José García", "José García", "latin", "García", "José", "garciajose"),
    ("LYU Bin", "Lyu Bin", "latin", "Lyu", "Bin", "binlv"),
    ("Madonna", "Madonna", "latin", "Madonna", None, "madonna"),
]


@pytest.mark.parametrize(("raw", "value", "script", "family", "given", "pinyin"), CASES)
def test_person_name_spellings(
    raw: str, value: str, script: str, family: str, given: str | None, pinyin: str
) -> None:
    result = normalize_person_name(raw)
    assert isinstance(result, PersonName), result
    assert (result.value, result.script, result.family, result.given, result.pinyin) == (
        value,
        script,
        family,
        given,
        pinyin,
    )


@pytest.mark.parametrize(("raw", "value", "script", "family", "given", "pinyin"), CASES)
def test_normal_form_is_stable(
    raw: str, value: str, script: str, family: str, given: str | None, pinyin: str
) -> None:
    again = normalize_person_name(value)
    assert isinstance(again, PersonName)
    assert (again.value, again.pinyin) == (value, pinyin)


def test_homophones_share_a_key_but_not_a_name() -> None:
    a, b = normalize_person_name("张伟"), normalize_person_name("章伟")
    assert isinstance(a, PersonName) and isinstance(b, PersonName)
    assert a.value != b.value
    assert a.pinyin == b.pinyin == "zhangwei"


def test_tokens() -> None:
    latin = normalize_person_name("J.R.R. TOLKIEN")
    han = normalize_person_name("張偉")
    assert isinstance(latin, PersonName) and latin.tokens == ("jrr", "tolkien")
    assert isinstance(han, PersonName) and han.tokens == ("张伟",)


def test_cross_script_key_matches_han_and_pinyin_spellings() -> None:
    keys = set()
    for raw in ("张伟", "ZHANG Wei", "Wei Zhang", "zhang wei", "司马光", "Sima Guang"):
        result = normalize_person_name(raw)
        assert isinstance(result, PersonName)
        keys.add(cross_script_key(result))
    assert keys == {"weizhang", "guangmasi"}


def test_mixed_script() -> None:
    result = normalize_person_name("张Wei")
    assert isinstance(result, PersonName)
    assert (result.value, result.script, result.family, result.pinyin) == (
        "张Wei",
        "mixed",
        None,
        "zhangwei",
    )


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("\u3000", "empty"),
        ("张伟1", "charset"),
        ("张伟(曾用名)", "charset"),
        ("Иван Петров", "charset"),
        ("!!!", "charset"),
        ("不详", "placeholder"),
        ("张某某", "placeholder"),
        ("UNKNOWN", "placeholder"),
        ("张" * 31, "too_long"),
        ("A" * 101, "too_long"),
    ],
)
def test_name_problems(raw: str, rule: str) -> None:
    result = normalize_person_name(raw, "family_name")
    assert isinstance(result, Problem)
    assert (result.rule, result.field, result.value) == (rule, "family_name", raw)
    assert result.message.endswith(".")


@pytest.mark.parametrize(
    ("han", "surname_first", "key"),
    [
        ("曾经", False, "cengjing"),
        ("曾经", True, "zengjing"),
        ("单", True, "shan"),
        ("单于飞", True, "chanyufei"),
        ("乐嘉", True, "yuejia"),
        ("盖聂", True, "ge" + "nie"),
        ("", True, ""),
    ],
)
def test_pinyin_key(han: str, surname_first: bool, key: str) -> None:
    assert pinyin_key(han, surname_first=surname_first) == key


@pytest.mark.parametrize(
    ("family", "given", "joined"),
    [
        ("张", "伟", "张伟"),
        ("欧阳", "娜娜", "欧阳娜娜"),
        ("張", "偉", "张伟"),
        ("Zhang", "Wei", "Wei Zhang"),
        ("ZHANG", "wei", "Wei Zhang"),
        ("", "伟", "伟"),
        ("Zhang", "", "Zhang"),
    ],
)
def test_join_person_name(family: str, given: str, joined: str) -> None:
    assert join_person_name(family, given) == joined


def test_joined_latin_name_parses_back_to_its_parts() -> None:
    result = normalize_person_name(join_person_name("Zhang", "Xiao Ming"))
    assert isinstance(result, PersonName)
    assert (result.family, result.given) == ("Zhang", "Xiao Ming")


@given(st.text())
def test_never_raises(raw: str) -> None:
    assert isinstance(normalize_person_name(raw), PersonName | Problem)
    assert isinstance(pinyin_key(raw), str)
    assert isinstance(join_person_name(raw, raw), str)


@given(st.text(alphabet="张王欧阳單曾买提艾力·•.-_ 　AZaz,'ü1", max_size=12))
def test_never_raises_on_name_like_text(raw: str) -> None:
    result = normalize_person_name(raw)
    assert isinstance(result, PersonName | Problem)
    if isinstance(result, PersonName):
        assert result.value == result.value.strip() and "  " not in result.value
        assert cross_script_key(result) == cross_script_key(result)


@pytest.mark.parametrize(
    ("raw", "family", "given"),
    [("J. Smith", "Smith", "J."), ("ZHANG Wei", "Zhang", "Wei"), ("J Smith", "Smith", "J")],
)
def test_initials_are_not_taken_for_a_capitalised_family_name(
    raw: str, family: str, given: str
) -> None:
    parsed = normalize_person_name(raw)
    assert isinstance(parsed, PersonName)
    assert (parsed.family, parsed.given) == (family, given)
