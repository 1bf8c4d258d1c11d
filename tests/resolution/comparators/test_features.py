from __future__ import annotations

import pickle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph_schema.fields import FIELDS_BY_NAME
from graph_schema.normalize import normalize_fields
from graph_schema.subject_types import SubjectType
from resolution.comparators import FEATURES, FEATURES_BY_NAME, MISSING, compare_records
from resolution.comparators.relations import ANCHORS_FIELD, PARTNERS_FIELD
from resolution.suspects import SUSPECT_ID

P, E, B, L = SubjectType.PERSON, SubjectType.ENTERPRISE, SubjectType.BUILDING, SubjectType.PARCEL


def values(subject_type: SubjectType, raw: dict[str, str]) -> dict[str, Any]:
    record = normalize_fields(subject_type, raw, default_city="杭州")
    assert not record.problems, record.problems
    return record.values


def levels(subject_type: SubjectType, a: dict[str, Any], b: dict[str, Any]) -> dict[str, str]:
    return {name: level for name, level, _, _ in compare_records(subject_type, a, b)}


def test_every_type_has_features_over_its_own_fields() -> None:
    assert set(FEATURES) == set(SubjectType)
    for subject_type, features in FEATURES.items():
        names = [f.name for f in features]
        assert len(names) == len(set(names))
        for feature in features:
            # standard fields, or relational context the engine adds (never stored)
            allowed = set(FIELDS_BY_NAME[subject_type]) | {
                PARTNERS_FIELD,
                ANCHORS_FIELD,
                SUSPECT_ID,
            }
            assert set(feature.fields) <= allowed, feature.name
            assert feature.tf_field is None or feature.tf_field in feature.fields
            assert MISSING not in feature.levels
        assert FEATURES_BY_NAME[subject_type] == {f.name: f for f in features}


def test_decisive_levels() -> None:
    national = {P: "id_number", E: "uscc", B: "building_code", L: "parcel_code"}
    for subject_type, name in national.items():
        feature = FEATURES_BY_NAME[subject_type][name]
        assert "exact" in feature.decisive_match
        assert feature.decisive_nonmatch == frozenset({"different"})
        assert feature is FEATURES[subject_type][0]  # the cheap decisive check comes first
    assert FEATURES_BY_NAME[P]["id_number"].decisive_match == {"exact", "legacy_equal"}
    for features in FEATURES.values():
        for feature in features:
            if feature.name not in national.values():
                assert not feature.decisive_match and not feature.decisive_nonmatch


def test_features_pickle() -> None:
    again = pickle.loads(pickle.dumps(FEATURES))
    name = FEATURES_BY_NAME[P]["name"]
    restored = {f.name: f for f in again[P]}["name"]
    assert restored.levels == name.levels
    assert restored.compare({"name": "张伟"}, {"name": "章伟"}) == ("homophone", "张伟", "章伟")


def test_person_pair_end_to_end() -> None:
    a = values(P, {
        "name": "張偉", "id_number": "110105491231002", "gender": "女",
        "birth_date": "1949年12月31日", "phone": "+86 138-1234-5678",
        "address": "浙江省杭州市西湖区文三路90号5幢2单元301室",
        "identifiers.passport": "E1234567",
    })  # fmt: skip
    b = values(P, {
        "name": "章伟", "id_number": "11010519491231002X", "gender": "2",
        "birth_date": "1949-12", "phone": "13812345687", "email": "zw@example.com",
        "address": "西湖区文三路90号五栋二单元301", "identifiers.passport": "E1234567",
    })  # fmt: skip
    result = compare_records(P, a, b)
    assert [name for name, *_ in result] == [f.name for f in FEATURES[P]]
    assert levels(P, a, b) == {
        "id_number": "exact", "name": "homophone", "birth_date": "partial", "gender": "same",
        "phone": "one_typo", "email": MISSING, "address": "same_room", "identifiers": "exact",
        "partner": MISSING,
        "id_number_suspect": MISSING,
        "anchor": MISSING,
    }  # fmt: skip
    shown = {name: (left, right) for name, _, left, right in result}
    assert shown["name"] == ("张伟", "章伟")
    assert shown["email"] == (None, "zw@example.com")


def test_subject_type_may_be_given_as_text() -> None:
    assert compare_records("person", {"name": "张伟"}, {"name": "张伟"}) == compare_records(
        P, {"name": "张伟"}, {"name": "张伟"}
    )


def test_enterprise_pair_end_to_end() -> None:
    a = values(E, {
        "name": "杭州娃哈哈食品有限责任公司", "uscc": "91350100M000100Y43",
        "legal_rep_name": "宗庆后", "address": "杭州市上城区清泰街160号",
        "phone": "0571-86032866",
    })  # fmt: skip
    b = values(E, {
        "name": "娃哈哈食品有限公司滨江分公司", "legal_rep_name": "宗庆厚",
        "address": "上城区清泰街160号", "phone": "86032866",
    })  # fmt: skip
    assert levels(E, a, b) == {
        "uscc": MISSING, "name": "other_branch", "legal_rep_name": "homophone",
        "legal_rep_id_number": MISSING, "address": "same_room", "phone": "same_local",
        "identifiers": MISSING,
    }  # fmt: skip


def test_building_and_parcel_pairs() -> None:
    a = {
        "building_code": "330106001001GB00001F00010001",
        "address": "浙江省杭州市西湖区文三路90号5幢",
        "name": "西湖国际科技大厦A座",
        "location": "POINT (120.1300000 30.2700000)",
    }
    b = {
        "building_code": "330106001001GB00001F00010203",
        "address": "浙江省杭州市西湖区文三路90号5幢",
        "name": "西湖国际科技大厦A幢",
        "location": "POINT (120.1300000 30.2701000)",
    }
    assert levels(B, a, b) == {
        "building_code": "exact", "address": "same_room", "name": "similar",
        "location": "within_30m",
    }  # fmt: skip
    square = "POLYGON ((120.1 30.2, 120.11 30.2, 120.11 30.21, 120.1 30.21, 120.1 30.2))"
    p = {
        "parcel_code": "330106001001GB00001",
        "geometry": square,
        "approval_no": "地字第2024-001号",
    }
    q = {"parcel_code": "330106001001GB00002", "geometry": square, "approval_no": "地字第2024001号"}
    assert levels(L, p, q) == {
        "parcel_code": "one_typo", "geometry": "same_shape", "approval_no": "exact",
    }  # fmt: skip


def test_missing_when_either_side_lacks_a_value() -> None:
    for subject_type, features in FEATURES.items():
        full = {f.fields[0]: "x" for f in features}
        for name, level, _, _ in compare_records(subject_type, {}, full):
            assert level == MISSING, name
        for name, level, _, _ in compare_records(subject_type, full, {f: None for f in full}):
            assert level == MISSING, name


ALL = [(t, f) for t, fs in FEATURES.items() for f in fs]


@pytest.mark.parametrize(("subject_type", "feature"), ALL, ids=[f"{t}.{f.name}" for t, f in ALL])
@settings(max_examples=60, deadline=None)
@given(x=st.text(min_size=1, max_size=40), y=st.text(min_size=1, max_size=40))
def test_feature_properties(subject_type: SubjectType, feature: Any, x: str, y: str) -> None:
    key = feature.fields[0]
    a, b = {key: x}, {key: y}
    level, left, right = feature.compare(a, b)
    assert (left, right) == (x, y)
    assert level in (*feature.levels, MISSING)
    assert feature.compare(b, a)[0] == level  # symmetric
    if x.strip():
        assert feature.compare(a, dict(a))[0] == feature.levels[0]  # identical → first level
