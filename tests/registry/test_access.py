"""Grading and masking: each clearance sees the documented forms; L3+ in clear needs a purpose."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph_schema.classification import Level
from graph_schema.fields import FieldKind
from graph_schema.person_names import COMPOUND_SURNAMES
from graph_schema.subject_types import SubjectType
from registry.access import (
    MASK_FORMS,
    AccessDenied,
    AccessPolicy,
    Purposes,
    can_see_type,
    mask_value,
)
from registry.clients import Client, Role

PURPOSE = "service:hukou-transfer"
PERSON: dict[str, Any] = {
    "name": "张伟",
    "gender": "M",
    "nationality": "中国",
    "id_number": "330106194703121234",
    "birth_date": "1947-03-12",
    "phone": "13812344149",
    "address": "浙江省杭州市西湖区文三路90号5幢2单元301室",
    "identifiers": {"passport": "E12345678"},
}
MASKED_PERSON: dict[str, Any] = {
    "name": "张*",
    "gender": "*",
    "nationality": "**",
    "id_number": "330106********1234",
    "birth_date": "1947-**-**",
    "phone": "138****4149",
    "address": "浙江省杭州市西湖区****",
    "identifiers": {"passport": "E*******8"},
}
L2_FIELDS = ("name", "gender", "nationality")
L3_FIELDS = ("id_number", "birth_date", "phone", "address")


def client(
    clearance: Level,
    types: frozenset[SubjectType] = frozenset(SubjectType),
    role: Role = Role.ANALYST,
    active: bool = True,
) -> Client:
    return Client(
        name="c",
        role=role,
        clearance=clearance,
        types=types,
        department=None,
        created_at=datetime.now(UTC),
        active=active,
        key_id="abcdefgh",
    )


policy = AccessPolicy()


def expected(clear: tuple[str, ...]) -> dict[str, Any]:
    return {k: PERSON[k] if k in clear else MASKED_PERSON[k] for k in PERSON}


# -- documented forms -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "value", "masked"),
    [
        (FieldKind.ID_NUMBER, "330106194703121234", "330106********1234"),
        (FieldKind.ID_NUMBER, "330106470312123", "330106*****2123"),
        (FieldKind.ID_NUMBER, "E1234567", "E******7"),
        (FieldKind.PHONE, "13812344149", "138****4149"),
        (FieldKind.PHONE, "0571-82205627", "0571-****5627"),
        (FieldKind.PHONE, "010-62205627-801", "010-****5627"),
        (FieldKind.PHONE, "82205627", "****5627"),
        (FieldKind.PERSON_NAME, "张伟", "张*"),
        (FieldKind.PERSON_NAME, "张小伟", "张**"),
        (FieldKind.PERSON_NAME, "欧阳娜娜", "欧阳**"),
        (FieldKind.PERSON_NAME, "欧阳", "欧*"),
        (FieldKind.PERSON_NAME, "伟", "*"),
        (FieldKind.PERSON_NAME, "Wei Zhang", "W********"),
        (FieldKind.ADDRESS, "浙江省杭州市西湖区文三路90号", "浙江省杭州市西湖区****"),
        (FieldKind.ADDRESS, "北京市朝阳区建国路1号", "北京市朝阳区****"),
        (FieldKind.ADDRESS, "西湖区文三路90号", "西湖区****"),
        (FieldKind.ADDRESS, "浙江省杭州市西湖区", "浙江省杭州市****"),
        (FieldKind.ADDRESS, "文三路90号", "****"),
        (FieldKind.DATE, "1947-03-12", "1947-**-**"),
        (FieldKind.DATE, "1947-03", "1947-**"),
        (FieldKind.DATE, "1947", "****"),
        (FieldKind.EMAIL, "zhang@x.cn", "z********n"),
        (FieldKind.TEXT, "ab", "**"),
        (FieldKind.TEXT, "abc", "a*c"),
        (FieldKind.TEXT, "", ""),
        (None, "secret", "s****t"),
    ],
)
def test_mask_forms(kind: FieldKind | None, value: str, masked: str) -> None:
    assert mask_value(kind, value) == masked


def test_non_strings_and_geometry_are_omitted() -> None:
    assert mask_value(FieldKind.INTEGER, 12) is None
    assert mask_value(FieldKind.AREA, 12.5) is None
    assert mask_value(FieldKind.POINT, "POINT(120.1 30.2)") is None
    assert mask_value(FieldKind.TEXT, ["a", "b"]) is None
    assert mask_value(FieldKind.TEXT, "***") is None  # masked at the source: nothing to show


def test_mask_forms_table_documents_every_form() -> None:
    kinds = {form.kind for form in MASK_FORMS}
    assert {"id_number", "phone", "person_name", "address", "date", "text"} <= kinds
    assert all(form.rule for form in MASK_FORMS)


# -- the policy by clearance and purpose --------------------------------------------------
@pytest.mark.parametrize(
    ("clearance", "purpose", "clear"),
    [
        (Level.L1, None, ()),
        (Level.L1, PURPOSE, ()),
        (Level.L2, None, L2_FIELDS),
        (Level.L2, PURPOSE, L2_FIELDS),
        (Level.L3, None, L2_FIELDS),
        (Level.L3, "service:unknown", L2_FIELDS),
        (Level.L3, PURPOSE, L2_FIELDS + L3_FIELDS),
        (Level.L4, None, L2_FIELDS),
        (Level.L4, PURPOSE, (*L2_FIELDS, *L3_FIELDS, "identifiers")),
        (Level.L4, "case:HZ-2026-0042", (*L2_FIELDS, *L3_FIELDS, "identifiers")),
    ],
)
def test_person_release_by_clearance_and_purpose(
    clearance: Level, purpose: str | None, clear: tuple[str, ...]
) -> None:
    release = policy.release(client(clearance), SubjectType.PERSON, PERSON, purpose)
    assert release.values == expected(clear)
    sensitive = [f for f in (*L3_FIELDS, "identifiers.passport") if f.split(".")[0] in clear]
    assert list(release.clear_sensitive) == sensitive
    hidden = [f for f in PERSON if f not in clear]
    assert list(release.masked) == [
        "identifiers.passport" if f == "identifiers" else f for f in hidden
    ]
    assert (release.purpose_problem is None) == (purpose in (PURPOSE, "case:HZ-2026-0042"))


def test_audit_fields_name_subject_and_field() -> None:
    release = policy.release(client(Level.L4), SubjectType.PERSON, PERSON, PURPOSE)
    assert release.audit_fields("P-00000001") == [
        "P-00000001.id_number",
        "P-00000001.birth_date",
        "P-00000001.phone",
        "P-00000001.address",
        "P-00000001.identifiers.passport",
    ]


def test_enterprise_levels_and_nested_identifiers() -> None:
    values = {
        "name": "杭州西湖茶叶有限公司",
        "legal_rep_name": "张伟",
        "legal_rep_id_number": "11010519491231002X",
        "phone": "0571-82205627",
        "identifiers": {"tax_no": "330100123456789", "count": 3},
    }
    l1 = policy.release(client(Level.L1), SubjectType.ENTERPRISE, values, PURPOSE)
    assert l1.values == {
        "name": "杭州西湖茶叶有限公司",
        "legal_rep_name": "张伟",
        "legal_rep_id_number": "110105********002X",
        "phone": "0571-****5627",
        "identifiers": {"tax_no": "3*************9"},
    }
    assert l1.omitted == ("identifiers.count",)
    l2 = policy.release(client(Level.L2), SubjectType.ENTERPRISE, values, None)
    assert l2.values["identifiers"] == values["identifiers"] and l2.clear_sensitive == ()
    assert l2.values["legal_rep_id_number"] == "110105********002X"


def test_unknown_fields_count_as_l4() -> None:
    values = {"secret_note": "abcdef", "score": 7}
    l3 = policy.release(client(Level.L3), SubjectType.PERSON, values, PURPOSE)
    assert l3.values == {"secret_note": "a****f"} and l3.omitted == ("score",)
    l4 = policy.release(client(Level.L4), SubjectType.PERSON, values, PURPOSE)
    assert l4.values == values and l4.clear_sensitive == ("secret_note", "score")


def test_role_does_not_change_what_is_released() -> None:
    by_role = {
        role: policy.release(client(Level.L3, role=role), SubjectType.PERSON, PERSON, PURPOSE)
        for role in Role
    }
    assert len({repr(r.values) for r in by_role.values()}) == 1


def test_subject_types_outside_the_grant_are_refused() -> None:
    persons_only = client(Level.L4, types=frozenset({SubjectType.PERSON}))
    assert can_see_type(persons_only, SubjectType.PERSON)
    assert not policy.can_see_type(persons_only, SubjectType.ENTERPRISE)
    with pytest.raises(AccessDenied, match="enterprise"):
        policy.release(persons_only, SubjectType.ENTERPRISE, {"name": "x"})
    assert not can_see_type(client(Level.L4, active=False), SubjectType.PERSON)


# -- purposes ---------------------------------------------------------------------------
def test_default_purposes_when_no_file(tmp_path: Path) -> None:
    purposes = Purposes.for_store(tmp_path)
    assert purposes.check(PURPOSE) is None
    assert purposes.check("case:HZ-2026-0042") is None
    assert purposes.check(None) == "no purpose given (X-Purpose header)"
    assert purposes.check("  ") == "no purpose given (X-Purpose header)"
    reason = purposes.check("case:x")
    assert reason is not None and "does not match the case: pattern" in reason
    reason = purposes.check("curiosity")
    assert reason is not None and "not configured" in reason and PURPOSE in reason
    assert purposes.check("service:" + "x" * 300) is not None


def test_purposes_file_replaces_the_defaults(tmp_path: Path) -> None:
    (tmp_path / "purposes.toml").write_text(
        '[purposes]\n"service:tax-audit" = "税务稽查"\n\n'
        '[patterns]\ncase = "^case:[0-9]{6}$"\nservice = "^service:pension-[a-z]+$"\n',
        encoding="utf-8",
    )
    purposes = Purposes.for_store(tmp_path)
    assert purposes.listed == {"service:tax-audit": "税务稽查"}
    assert purposes.check("service:tax-audit") is None
    assert purposes.check("service:pension-review") is None
    assert purposes.check("case:123456") is None
    assert purposes.check("case:HZ-2026-0042") is not None
    assert purposes.check(PURPOSE) is not None
    policy_here = AccessPolicy.for_store(tmp_path)
    release = policy_here.release(client(Level.L3), SubjectType.PERSON, PERSON, "case:123456")
    assert release.values["id_number"] == PERSON["id_number"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[purposes\n", "purposes.toml"),
        ('[patterns]\ncase = "^case:[$"\n', "patterns.case: bad regular expression"),
        ('[patterns]\nCase = "x"\n', "patterns.Case must be lower-case"),
        ('purposes = "x"\n', "must be tables"),
    ],
)
def test_broken_purposes_file_is_named(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "purposes.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        Purposes.for_store(tmp_path)


# -- properties -------------------------------------------------------------------------
_DIVISIONS = st.sampled_from(["浙江省杭州市西湖区", "北京市朝阳区", "杭州市滨江区", "西湖区", ""])
_HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_VALUES: dict[FieldKind, st.SearchStrategy[str]] = {
    FieldKind.ID_NUMBER: st.from_regex(r"[0-9]{6,17}[0-9X]", fullmatch=True) | st.text(),
    FieldKind.PHONE: st.from_regex(
        r"1[3-9][0-9]{9}|0[0-9]{2,3}-[0-9]{7,8}(-[0-9]{1,6})?", fullmatch=True
    )
    | st.text(),
    FieldKind.PERSON_NAME: st.builds(
        lambda s, g: s + g, st.sampled_from(["", *COMPOUND_SURNAMES]), st.text(_HAN, max_size=4)
    )
    | st.text(),
    FieldKind.ADDRESS: st.builds(lambda d, t: d + t, _DIVISIONS, st.text(max_size=20)),
    FieldKind.DATE: st.dates().map(lambda d: d.isoformat())
    | st.from_regex(r"[0-9]{4}(-[0-9]{2}){0,2}", fullmatch=True)
    | st.text(),
    FieldKind.TEXT: st.text(),
}
# most characters a mask form may show (address: a division prefix, checked apart)
_REVEAL_BOUND = {
    FieldKind.ID_NUMBER: 10,
    FieldKind.PHONE: 9,
    FieldKind.PERSON_NAME: 2,
    FieldKind.DATE: 6,
    FieldKind.TEXT: 2,
}


@settings(max_examples=300)
@given(st.data())
def test_masks_never_reveal_more_than_their_form(data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(sorted(_VALUES)))
    value = data.draw(_VALUES[kind])
    masked = mask_value(kind, value)
    if masked is None:
        return
    if value:
        assert masked != value
    if kind is FieldKind.ADDRESS:
        assert masked.endswith("****")
        kept = masked[:-4]
        assert value.startswith(kept) and len(kept) < max(len(value), 1)
        return
    assert len(masked) <= len(value)
    assert all(m == "*" or m == v for m, v in zip(masked, value, strict=False))
    assert sum(m != "*" for m in masked) <= _REVEAL_BOUND[kind]


_PERSON_VALUES = st.fixed_dictionaries(
    {},
    optional={
        "name": st.text(min_size=1, max_size=6),
        "gender": st.sampled_from(["M", "F"]),
        "id_number": st.from_regex(r"[0-9]{17}[0-9X]", fullmatch=True),
        "birth_date": st.dates().map(str),
        "phone": st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
        "address": st.text(max_size=20),
        "nationality": st.text(max_size=4),
        "identifiers": st.dictionaries(
            st.sampled_from(["passport", "social_security"]), st.text(max_size=12) | st.integers()
        ),
        "floors": st.integers(),
    },
)


def _visible(release_values: dict[str, Any], masked: tuple[str, ...]) -> tuple[set[str], set[str]]:
    masked_top = {m.split(".")[0] for m in masked}
    shown = set(release_values)
    return shown, shown - masked_top


@settings(max_examples=200)
@given(
    _PERSON_VALUES,
    st.sampled_from([None, PURPOSE, "nonsense"]),
    st.sampled_from(list(Level)),
    st.sampled_from(list(Level)),
)
def test_higher_clearance_never_sees_less(
    values: dict[str, Any], purpose: str | None, a: Level, b: Level
) -> None:
    low, high = sorted((a, b))
    r_low = policy.release(client(low), SubjectType.PERSON, values, purpose)
    r_high = policy.release(client(high), SubjectType.PERSON, values, purpose)
    shown_low, clear_low = _visible(r_low.values, r_low.masked)
    shown_high, clear_high = _visible(r_high.values, r_high.masked)
    assert shown_low <= shown_high
    assert clear_low <= clear_high
    assert set(r_low.clear_sensitive) <= set(r_high.clear_sensitive)
    for name in clear_high:
        assert r_high.values[name] == values[name]
