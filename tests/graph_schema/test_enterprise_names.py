import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph_schema.enterprise_names import EnterpriseName, normalize_enterprise_name
from graph_schema.problems import Problem

CANON = "杭州西湖龙井茶叶科技有限公司"

# raw → value, place, core, legal_form, branch
CASES = [
    (CANON, CANON, "杭州", "西湖龙井茶叶科技", "有限公司", None),
    ("杭州市西湖龙井茶叶科技有限公司", CANON, "杭州", "西湖龙井茶叶科技", "有限公司", None),
    ("杭州西湖龙井茶叶科技有限责任公司", CANON, "杭州", "西湖龙井茶叶科技", "有限公司", None),
    ("西湖龙井茶叶科技(杭州)有限公司", CANON, "杭州", "西湖龙井茶叶科技", "有限公司", None),
    ("西湖龙井茶叶科技（杭州市）有限公司", CANON, "杭州", "西湖龙井茶叶科技", "有限公司", None),
    ("【杭州】西湖龙井茶叶科技有限公司", CANON, "杭州", "西湖龙井茶叶科技", "有限公司", None),
    ("杭州 西湖龙井 茶叶科技 有限公司", CANON, "杭州", "西湖龙井茶叶科技", "有限公司", None),
    ("杭州西湖龍井茶葉科技有限公司", CANON, "杭州", "西湖龙井茶叶科技", "有限公司", None),
    ("西湖龙井茶叶科技有限公司", "西湖龙井茶叶科技有限公司", None, "西湖龙井茶叶科技",
     "有限公司", None),  # 西湖 is a trade name here, not 西湖区
    ("杭州娃哈哈集团有限公司滨江分公司", "杭州娃哈哈集团有限公司滨江分公司", "杭州", "娃哈哈",
     "集团有限公司", "滨江分公司"),
    ("杭州娃哈哈集团有限公司（滨江分公司）", "杭州娃哈哈集团有限公司滨江分公司", "杭州",
     "娃哈哈", "集团有限公司", "滨江分公司"),
    ("浙江省杭州市某某建设有限公司第一分公司", "浙江杭州某某建设有限公司第一分公司",
     "浙江杭州", "某某建设", "有限公司", "第一分公司"),
    ("某某建设有限公司上海市分公司", "某某建设有限公司上海分公司", None, "某某建设", "有限公司",
     "上海分公司"),
    ("中国工商银行股份有限公司杭州分行", "中国工商银行股份有限公司杭州分行", None,
     "中国工商银行", "股份有限公司", "杭州分行"),
    ("杭州某某股份公司", "杭州某某股份有限公司", "杭州", "某某", "股份有限公司", None),
    ("浙江某某（集团）有限公司", "浙江某某集团有限公司", "浙江", "某某", "集团有限公司", None),
    ("杭州某某投资合伙企业（有限合伙）", "杭州某某投资合伙企业(有限合伙)", "杭州", "某某投资",
     "合伙企业(有限合伙)", None),
    ("杭州某某投资（有限合伙）", "杭州某某投资合伙企业(有限合伙)", "杭州", "某某投资",
     "合伙企业(有限合伙)", None),
    ("某某会计师事务所（特殊普通合伙）", "某某会计师事务所(特殊普通合伙)", None,
     "某某会计师事务所", "(特殊普通合伙)", None),
    ("杭州某某个人独资企业", "杭州某某个人独资企业", "杭州", "某某", "个人独资企业", None),
    ("义乌市某某贸易有限公司", "义乌某某贸易有限公司", "义乌", "某某贸易", "有限公司", None),
    ("杭州市西湖区某某商店", "杭州西湖区某某商店", "杭州西湖区", "某某商店", None, None),
    ("阿里巴巴（中国）有限公司", "中国阿里巴巴有限公司", "中国", "阿里巴巴", "有限公司", None),
    ("abc科技有限公司", "ABC科技有限公司", None, "ABC科技", "有限公司", None),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "value", "place", "core", "legal_form", "branch"), CASES)
def test_enterprise_name_spellings(
    raw: str,
    value: str,
    place: str | None,
    core: str,
    legal_form: str | None,
    branch: str | None,
) -> None:
    result = normalize_enterprise_name(raw)
    assert isinstance(result, EnterpriseName), result
    assert (result.value, result.place, result.core, result.legal_form, result.branch) == (
        value,
        place,
        core,
        legal_form,
        branch,
    )


@pytest.mark.parametrize(("raw", "value", "place", "core", "legal_form", "branch"), CASES)
def test_normal_form_is_stable(
    raw: str,
    value: str,
    place: str | None,
    core: str,
    legal_form: str | None,
    branch: str | None,
) -> None:
    again = normalize_enterprise_name(value)
    assert isinstance(again, EnterpriseName) and again.value == value


def test_branch_and_group_are_different_enterprises() -> None:
    names = ["杭州某某有限公司", "杭州某某有限公司滨江分公司", "杭州某某集团有限公司"]
    values = set()
    for raw in names:
        result = normalize_enterprise_name(raw)
        assert isinstance(result, EnterpriseName) and result.core == "某某"
        values.add(result.value)
    assert len(values) == 3


@pytest.mark.parametrize(
    ("raw", "value", "place", "core", "legal_form", "branch"),
    [
        ("Acme Co., Ltd.", "acme ltd", None, "acme", "ltd", None),
        ("ACME COMPANY LIMITED", "acme ltd", None, "acme", "ltd", None),
        ("Acme Limited", "acme ltd", None, "acme", "ltd", None),
        ("Alibaba Group Holding Limited", "alibaba group holding ltd", None,
         "alibaba group holding", "ltd", None),
        ("Acme (Hangzhou) Co.,Ltd. Shanghai Branch", "acme (hangzhou) ltd shanghai branch",
         "hangzhou", "acme", "ltd", "shanghai branch"),
        ("Foo Bar L.L.C.", "foo bar llc", None, "foo bar", "llc", None),
        ("Siemens AG", "siemens ag", None, "siemens", "ag", None),
        ("Acme (Holdings) Inc.", "acme holdings inc", None, "acme holdings", "inc", None),
        ("Procter & Gamble", "procter & gamble", None, "procter & gamble", None, None),
    ],
)  # fmt: skip
def test_latin_enterprise_names(
    raw: str,
    value: str,
    place: str | None,
    core: str,
    legal_form: str | None,
    branch: str | None,
) -> None:
    result = normalize_enterprise_name(raw)
    assert isinstance(result, EnterpriseName), result
    assert (result.value, result.place, result.core, result.legal_form, result.branch) == (
        value,
        place,
        core,
        legal_form,
        branch,
    )


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        ("", "empty"),
        ("  ", "empty"),
        ("无", "placeholder"),
        ("个人", "placeholder"),
        ("N/A", "placeholder"),
        ("有限公司", "no_core"),
        ("Co., Ltd.", "no_core"),
        ("！！！", "charset"),
        ("某" * 151, "too_long"),
    ],
)
def test_enterprise_name_problems(raw: str, rule: str) -> None:
    result = normalize_enterprise_name(raw, "employer")
    assert isinstance(result, Problem)
    assert (result.rule, result.field, result.value) == (rule, "employer", raw)


@given(st.text())
def test_never_raises(raw: str) -> None:
    assert isinstance(normalize_enterprise_name(raw), EnterpriseName | Problem)


@given(
    st.text(
        alphabet="杭州市浙江省某有限责任公司股份集团分行第一(（)）【】合伙普通 Co.,Ltd", max_size=30
    )
)
def test_never_raises_on_name_like_text(raw: str) -> None:
    result = normalize_enterprise_name(raw)
    assert isinstance(result, EnterpriseName | Problem)
    if isinstance(result, EnterpriseName):
        assert result.core and result.core in result.value
