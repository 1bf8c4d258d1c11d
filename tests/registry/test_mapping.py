"""The source-mapping contract of docs/mapping.md: parsing, rendering and every load-time rule."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph_schema.dates import PartialDate, normalize_date
from graph_schema.fields import SUBJECT_FIELDS, FieldKind
from graph_schema.relationships import RELATIONSHIP_ATTRIBUTES, RELATIONSHIP_SPECS, RelationshipType
from graph_schema.subject_types import SubjectType
from registry.mapping import (
    FieldTemplate,
    Mapping,
    MappingError,
    RenderedRelationship,
    RenderedRow,
    RenderedSubject,
)
from registry.templates import Row, TemplateError, compile_template, parse_template

P, E, B = SubjectType.PERSON, SubjectType.ENTERPRISE, SubjectType.BUILDING
LRO = RelationshipType.LEGAL_REPRESENTATIVE_OF

# The example of the brief, verbatim: its relationship points at a role it does not define.
BRIEF_EXAMPLE = """
[source]                      # OPTIONAL table (extension): defaults for the whole file
default_city = "杭州市"        # optional: address inference context
description = "..."           # optional

[[subjects]]
role = "rep"                 # how relationships in this file refer to the subject
type = "person"              # person | enterprise | building | parcel
record_id = "{内部编号}:rep"  # the source's record id for this subject; unique within the source
[subjects.fields]
name = "{法定代表人}"
id_number = "{法定代表人证件号码}"
birth_date = { template = "{出生日期}", format = "%m/%d/%Y" }   # explicit format when ambiguous
identifiers.passport = "{护照号}"                                 # any other identifier scheme
gender = "男"                                                    # a constant is a template too

[[relationships]]
type = "LEGAL_REPRESENTATIVE_OF"
from = "rep"
to = "enterprise"
[relationships.fields]
since = "{任职日期}"
"""

ENTERPRISE = """
[[subjects]]
role = "enterprise"
type = "enterprise"
record_id = "{内部编号}"
[subjects.fields]
name = "{企业名称}"
uscc = "{统一社会信用代码}"
"""

# The brief's example completed with the enterprise it refers to (the one in docs/mapping.md).
EXAMPLE = BRIEF_EXAMPLE.replace("\n[[relationships]]", ENTERPRISE + "\n[[relationships]]")

ROW = {
    "内部编号": "E0001",
    "企业名称": "杭州  某某科技\t有限公司 ",
    "统一社会信用代码": "91330100MA2B3C4D5E",
    "法定代表人": "张三",
    "法定代表人证件号码": "330106199001021234",
    "出生日期": "01/02/1990",
    "护照号": "E12345678",
    "任职日期": "2020-03-01",
}


def example() -> Mapping:
    return Mapping.from_toml(EXAMPLE, "market.toml")


def rendered(toml: str, row: Row) -> RenderedRow:
    return Mapping.from_toml(toml).render(row)


# -- parsing and rendering ------------------------------------------------------------------


def test_brief_example_verbatim_names_the_missing_role() -> None:
    with pytest.raises(MappingError) as err:
        Mapping.from_toml(BRIEF_EXAMPLE, "market.toml")
    assert (
        str(err.value) == "market.toml: relationships[0].to: unknown role 'enterprise'; roles: rep"
    )


def test_example_parsed_exactly() -> None:
    m = example()
    assert (m.name, m.path, m.default_city, m.description) == ("market.toml", None, "杭州市", "...")
    rep, ent = m.subjects
    assert (rep.role, rep.type, rep.record_id) == ("rep", P, "{内部编号}:rep")
    assert rep.fields == {
        "name": FieldTemplate(template="{法定代表人}"),
        "id_number": FieldTemplate(template="{法定代表人证件号码}"),
        "birth_date": FieldTemplate(template="{出生日期}", format="%m/%d/%Y"),
        "identifiers.passport": FieldTemplate(template="{护照号}"),
        "gender": FieldTemplate(template="男"),
    }
    assert (ent.role, ent.type, ent.record_id) == ("enterprise", E, "{内部编号}")
    (rel,) = m.relationships
    assert (rel.type, rel.from_role, rel.to_role) == (LRO, "rep", "enterprise")
    assert rel.fields == {"since": FieldTemplate(template="{任职日期}")}
    assert m.columns() == {
        "内部编号", "法定代表人", "法定代表人证件号码", "出生日期", "护照号", "企业名称",
        "统一社会信用代码", "任职日期",
    }  # fmt: skip


def test_example_rendered_exactly() -> None:
    assert example().render(ROW) == RenderedRow(
        subjects=[
            RenderedSubject(
                role="rep",
                subject_type=P,
                record_id="E0001:rep",
                fields={
                    "name": "张三",
                    "id_number": "330106199001021234",
                    "birth_date": "01/02/1990",
                    "identifiers.passport": "E12345678",
                    "gender": "男",
                },
                formats={"birth_date": "%m/%d/%Y"},
            ),
            RenderedSubject(
                role="enterprise",
                subject_type=E,
                record_id="E0001",
                fields={"name": "杭州 某某科技 有限公司", "uscc": "91330100MA2B3C4D5E"},
                formats={},
            ),
        ],
        relationships=[
            RenderedRelationship(
                type=LRO,
                from_role="rep",
                to_role="enterprise",
                from_record_id="E0001:rep",
                to_record_id="E0001",
                fields={"since": "2020-03-01"},
            )
        ],
        missing_record_id=[],
    )


def test_rendered_values_are_frozen_dataclasses() -> None:
    subject = example().render(ROW).subjects[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        subject.role = "other"  # type: ignore[misc]
    assert dataclasses.replace(subject, role="x").role == "x"


def test_constant_templates() -> None:
    toml = EXAMPLE.replace('since = "{任职日期}"', 'since = "{任职日期}"\nrole = " 董事长 "')
    result = rendered(toml, ROW)
    assert result.subjects[0].fields["gender"] == "男"
    assert result.relationships[0].fields == {"since": "2020-03-01", "role": "董事长"}
    # A constant alone does not make a subject: the rep has only gender = "男" here.
    no_rep = {**ROW, "法定代表人": "", "法定代表人证件号码": "", "出生日期": "", "护照号": ""}
    assert [s.role for s in rendered(toml, no_rep).subjects] == ["enterprise"]
    assert compile_template("a {{b}} c").render({}) == "a {b} c"


def test_explicit_date_format_is_carried_through() -> None:
    subject = example().render(ROW).subjects[0]
    assert subject.formats == {"birth_date": "%m/%d/%Y"}
    parsed = normalize_date(subject.fields["birth_date"], fmt=subject.formats["birth_date"])
    assert parsed == PartialDate(1990, 1, 2)  # not 1990-02-01
    # The format goes with the field: absent field, no format.
    without = example().render({**ROW, "出生日期": " "}).subjects[0]
    assert "birth_date" not in without.fields
    assert without.formats == {}


def test_relationship_date_format() -> None:
    toml = EXAMPLE.replace(
        'since = "{任职日期}"', 'since = { template = "{任职日期}", format = "%Y%m%d" }'
    )
    (rel,) = rendered(toml, {**ROW, "任职日期": "20200301"}).relationships
    assert (rel.fields, rel.formats) == ({"since": "20200301"}, {"since": "%Y%m%d"})


@pytest.mark.parametrize(
    "spelling",
    [
        'identifiers.passport = "{护照号}"\nidentifiers.social_security = "{社保号}"',
        '"identifiers.passport" = "{护照号}"\n"identifiers.social_security" = "{社保号}"',
        'identifiers = { passport = "{护照号}", social_security = { template = "{社保号}" } }',
    ],
)
def test_dotted_identifiers(spelling: str) -> None:
    toml = EXAMPLE.replace('identifiers.passport = "{护照号}"', spelling)
    m = Mapping.from_toml(toml)
    assert {"identifiers.passport", "identifiers.social_security"} <= set(m.subjects[0].fields)
    fields = m.render({**ROW, "社保号": "3301-99"}).subjects[0].fields
    assert (fields["identifiers.passport"], fields["identifiers.social_security"]) == (
        "E12345678",
        "3301-99",
    )


SEVERAL = """
[[subjects]]
role = "owner"
type = "person"
record_id = "{证号}:owner"
[subjects.fields]
name = "{权利人}"
id_number = "{证件号}"

[[subjects]]
role = "house"
type = "building"
record_id = "{不动产单元号}"
[subjects.fields]
building_code = "{不动产单元号}"
address = "{坐落}"
floors = "{总层数}"

[[subjects]]
role = "land"
type = "parcel"
record_id = "{宗地代码}"
[subjects.fields]
parcel_code = "{宗地代码}"
area = "{宗地面积}"

[[relationships]]
type = "OWNS"
from = "owner"
to = "house"
[relationships.fields]
share = "{份额}"

[[relationships]]
type = "LOCATED_ON"
from = "house"
to = "land"
"""

DEED = {
    "证号": "浙(2021)杭州市不动产权第0001号",
    "权利人": "李四",
    "证件号": "330106198001011234",
    "不动产单元号": "330106001001GB00001F00010001",
    "坐落": "西湖区 文三路 90号",
    "总层数": 18,
    "宗地代码": "330106001001GB00001",
    "宗地面积": 1234.5,
    "份额": "1/2",
}


def test_several_subjects_per_row() -> None:
    result = rendered(SEVERAL, DEED)
    assert [(s.role, s.subject_type, s.record_id) for s in result.subjects] == [
        ("owner", P, "浙(2021)杭州市不动产权第0001号:owner"),
        ("house", B, "330106001001GB00001F00010001"),
        ("land", SubjectType.PARCEL, "330106001001GB00001"),
    ]
    assert result.subjects[1].fields["floors"] == "18"
    assert result.subjects[2].fields["area"] == "1234.5"
    assert [(r.type, r.from_record_id, r.to_record_id, r.fields) for r in result.relationships] == [
        (RelationshipType.OWNS, "浙(2021)杭州市不动产权第0001号:owner",
         "330106001001GB00001F00010001", {"share": "1/2"}),
        (RelationshipType.LOCATED_ON, "330106001001GB00001F00010001", "330106001001GB00001", {}),
    ]  # fmt: skip


def test_absent_subject_is_skipped_with_its_relationships() -> None:
    no_land = {k: v for k, v in DEED.items() if k not in ("宗地代码", "宗地面积")}
    result = rendered(SEVERAL, no_land)
    assert [s.role for s in result.subjects] == ["owner", "house"]
    assert [r.type for r in result.relationships] == [RelationshipType.OWNS]
    assert result.missing_record_id == []
    no_rep = {k: v for k, v in ROW.items() if k in ("内部编号", "企业名称", "任职日期")}
    result = example().render(no_rep)
    assert [s.role for s in result.subjects] == ["enterprise"]
    assert result.relationships == []


def test_all_referenced_columns_empty_means_absent() -> None:
    toml = SEVERAL.replace('address = "{坐落}"', 'address = "杭州市 {坐落}"')
    house = rendered(toml, DEED).subjects[1]
    assert house.fields["address"] == "杭州市 西湖区 文三路 90号"
    house = rendered(toml, {**DEED, "坐落": "\u3000"}).subjects[1]
    assert "address" not in house.fields
    m = Mapping.from_toml(SEVERAL.replace('name = "{权利人}"', 'name = "{姓}·{名}"'))
    assert m.render({**DEED, "姓": "欧阳", "名": None}).subjects[0].fields["name"] == "欧阳·"
    assert "name" not in m.render({**DEED, "姓": " ", "名": None}).subjects[0].fields


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  张三  ", "张三"),
        ("杭州市\t西湖区\n\n文三路", "杭州市 西湖区 文三路"),
        ("杭州市\u3000\u3000西湖区", "杭州市 西湖区"),
        ("a\u00a0 b\r\nc", "a b c"),
        (" \t\u3000 ", None),
        ("", None),
    ],
)
def test_whitespace_collapsing_and_trimming(raw: str, expected: str | None) -> None:
    fields = example().render({**ROW, "法定代表人": raw}).subjects[0].fields
    assert fields.get("name") == expected
    record_id = example().render({**ROW, "内部编号": f" E 1 {raw}"}).subjects[1].record_id
    assert record_id == " ".join(f"E 1 {raw}".split())


@given(st.text())
def test_any_value_renders_collapsed(value: str) -> None:
    for template in ("{c}", "<{c}>", "{c}{d}"):
        expected = " ".join(template.replace("{c}", value).replace("{d}", "").split())
        rendered_value = compile_template(template).render({"c": value})
        assert rendered_value == (expected if value.strip() else "")


@given(st.text())
def test_any_literal_text_round_trips_through_escaping(text: str) -> None:
    template = compile_template(text.replace("{", "{{").replace("}", "}}"))
    assert template.columns == ()
    assert template.render({}) == " ".join(text.split())


@pytest.mark.parametrize(
    ("template", "row", "expected"),
    [
        ("{{{a}}}", {"a": "x"}, "{x}"),
        ("{{a}}", {"a": "x"}, "{a}"),
        ("}}{a}{{", {"a": "x"}, "}x{"),
        ("{a}-{{}}-{b}", {"a": "x", "b": "y"}, "x-{}-y"),
        ("{a}{b}", {"a": "{b}", "b": "}"}, "{b}}"),  # values are never parsed as templates
    ],
)
def test_literal_braces(template: str, row: dict[str, object], expected: str) -> None:
    assert compile_template(template).render(row) == expected


def test_parse_template_parts() -> None:
    assert parse_template("{内部编号}:rep") == (("", ":rep"), ("内部编号",))
    assert parse_template("{{x}} {a b}-{c}") == (("{x} ", "-", ""), ("a b", "c"))


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{a", "unbalanced '{' at character 1"),
        ("a}", "unbalanced '}' at character 2"),
        ("{}", "empty column reference '{}' at character 1"),
        ("{a{b}", "'{' at character 3 inside a column reference"),
        ("{{a}", "unbalanced '}' at character 4"),
    ],
)
def test_template_syntax_errors(template: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        compile_template(template)


def test_chinese_headers_csv_row() -> None:
    header = (
        "内部编号,企业名称,统一社会信用代码,法定代表人,法定代表人证件号码,出生日期,护照号,任职日期"
    )
    values = "E9,杭州甲乙有限公司,91330100MA2B3C4D5E,王五,,12/31/1985,,2019-01-01"
    row = dict(zip(header.split(","), values.split(","), strict=True))
    m = example()
    assert m.check_columns(header.split(",")) == []
    result = m.render(row)
    assert result.subjects[0].fields == {"name": "王五", "birth_date": "12/31/1985", "gender": "男"}
    assert result.subjects[1].fields["name"] == "杭州甲乙有限公司"


def test_jsonl_rows_missing_keys_none_and_numbers() -> None:
    toml = SEVERAL.replace('share = "{份额}"', 'share = "{份额}"\nsince = "{登记年份}"')
    row: dict[str, object] = {
        "证号": 20210001,  # int record id
        "权利人": "李四",
        "证件号": None,  # null → absent
        "不动产单元号": "330106001001GB00001F00010001",
        "总层数": 18,
        "宗地代码": None,
        "份额": 0.5,
        "登记年份": True,
        # 坐落, 宗地面积 missing
    }
    result = rendered(toml, row)
    owner, house = result.subjects
    assert (owner.record_id, owner.fields) == ("20210001:owner", {"name": "李四"})
    assert house.fields == {"building_code": "330106001001GB00001F00010001", "floors": "18"}
    (owns,) = result.relationships
    assert owns.fields == {"share": "0.5", "since": "True"}
    assert compile_template("{tags}").render({"tags": ["甲", 1]}) == '["甲",1]'


def test_missing_record_id_is_reported_not_raised() -> None:
    result = example().render({**ROW, "内部编号": ""})
    assert result.missing_record_id == ["rep", "enterprise"]  # ":rep" alone is no record id
    assert [(s.role, s.record_id) for s in result.subjects] == [("rep", None), ("enterprise", None)]
    assert result.relationships == []
    # A subject without data is not reported, whatever its record id.
    no_rep = {**ROW, "内部编号": " ", "法定代表人": "", "法定代表人证件号码": "", "出生日期": ""}
    assert example().render({**no_rep, "护照号": None}).missing_record_id == ["enterprise"]


def test_multi_column_record_id_needs_one_column() -> None:
    m = Mapping.from_toml(
        EXAMPLE.replace('record_id = "{内部编号}"', 'record_id = "{年度}-{内部编号}"')
    )
    assert m.render({**ROW, "年度": ""}).subjects[1].record_id == "-E0001"
    assert m.render({**ROW, "年度": "", "内部编号": ""}).missing_record_id == ["rep", "enterprise"]


def test_check_columns() -> None:
    m = example()
    header = ["内部编号", "企业名称", "统一社会信用代码", "法定代表人姓名", "出生日期", "护照号"]
    assert m.check_columns(header) == [
        "market.toml: subjects[0].fields.name: column '法定代表人' is not in the header; "
        "did you mean '法定代表人姓名'?",
        "market.toml: subjects[0].fields.id_number: column '法定代表人证件号码' "
        "is not in the header; "
        "did you mean '法定代表人姓名'?",
        "market.toml: relationships[0].fields.since: column '任职日期' is not in the header",
    ]
    assert m.check_columns(sorted(m.columns())) == []
    assert m.check_columns([]) and all("\n" not in e for e in m.check_columns([]))


def test_a_column_used_twice_is_reported_once_at_its_first_use() -> None:
    errors = example().check_columns(["企业名称"])
    assert errors[0] == "market.toml: subjects[0].record_id: column '内部编号' is not in the header"
    assert sum("'内部编号'" in e for e in errors) == 1


def test_fingerprint() -> None:
    m = example()
    assert len(m.fingerprint()) == 64 and m.fingerprint() == example().fingerprint()
    reordered = EXAMPLE.replace(
        'name = "{企业名称}"\nuscc = "{统一社会信用代码}"',
        'uscc = "{统一社会信用代码}"\nname = "{企业名称}"',
    )
    cosmetic = reordered.replace('description = "..."', 'description = "企业登记"') + "\n# note\n"
    assert Mapping.from_toml(cosmetic, "other.toml").fingerprint() == m.fingerprint()
    for changed in (
        EXAMPLE.replace("%m/%d/%Y", "%d/%m/%Y"),
        EXAMPLE.replace('default_city = "杭州市"', 'default_city = "宁波市"'),
        EXAMPLE.replace('"{内部编号}:rep"', '"{内部编号}:r"'),
        EXAMPLE.replace('since = "{任职日期}"', 'until = "{任职日期}"'),
    ):
        assert Mapping.from_toml(changed).fingerprint() != m.fingerprint()


def test_load_from_file(tmp_path: Path) -> None:
    path = tmp_path / "market.toml"
    path.write_bytes(b"\xef\xbb\xbf" + EXAMPLE.encode())  # a BOM is tolerated
    m = Mapping.load(path)
    assert (m.name, m.path) == (str(path), path)
    assert m.fingerprint() == example().fingerprint()
    path.write_text(EXAMPLE.replace("nmae", "x").replace("name = ", "nmae = ", 1), "utf-8")
    with pytest.raises(MappingError, match=rf"^{path}: subjects\[0\]\.fields\.nmae: unknown"):
        Mapping.load(path)
    with pytest.raises(MappingError, match=r": file: cannot read: "):
        Mapping.load(tmp_path / "absent.toml")
    path.write_bytes(b"name = \xff")
    with pytest.raises(MappingError, match=r": file: cannot read: "):
        Mapping.load(path)


# -- validation: every rule names the bad key -----------------------------------------------

VALID = """
[[subjects]]
role = "rep"
type = "person"
record_id = "{id}:rep"
[subjects.fields]
name = "{name}"
birth_date = "{birth}"

[[subjects]]
role = "ent"
type = "enterprise"
record_id = "{id}"
[subjects.fields]
name = "{company}"

[[relationships]]
type = "LEGAL_REPRESENTATIVE_OF"
from = "rep"
to = "ent"
"""
NAME = 'name = "{name}"'
REL = 'type = "LEGAL_REPRESENTATIVE_OF"'

BROKEN: list[tuple[str, str, str]] = [
    # (text to replace in VALID, replacement, expected "key: message" substring)
    (
        "[[subjects]]",
        "colour = 1\n[[subjects]]",
        "colour: unknown key; allowed: source, subjects, relationships",
    ),
    (
        "[[subjects]]",
        "[source]\ncity = 'x'\n[[subjects]]",
        "source.city: unknown key; allowed: default_city, description",
    ),
    (
        "[[subjects]]",
        "[source]\ndefault_city = 1\n[[subjects]]",
        "source.default_city: expected a string, got integer",
    ),
    ("[[subjects]]", "source = 'x'\n[[subjects]]", "source: expected a table, got string"),
    (
        'record_id = "{id}:rep"',
        'record_id = "{id}:rep"\nlabel = "x"',
        "subjects[0].label: unknown key; allowed: role, type, record_id, fields",
    ),
    ('role = "rep"\n', "", "subjects[0].role: required"),
    ('role = "rep"', 'role = "legal rep"', "subjects[0].role: role 'legal rep' must be a word"),
    ('role = "rep"', "role = 7", "subjects[0].role: expected a string, got integer"),
    ('role = "ent"', 'role = "rep"', "subjects[1].role: duplicate role 'rep' (also subjects[0])"),
    (
        'type = "person"\n',
        "",
        "subjects[0].type: required: one of person, enterprise, building, parcel",
    ),
    (
        'type = "person"',
        'type = "persn"',
        "subjects[0].type: unknown subject type 'persn'; "
        "allowed: person, enterprise, building, parcel",
    ),
    (
        'record_id = "{id}"',
        'record_id = "E"',
        "subjects[1].record_id: must reference at least one column",
    ),
    (
        'record_id = "{id}"',
        'record_id = "{id"',
        "subjects[1].record_id: bad template '{id': unbalanced '{'",
    ),
    ('record_id = "{id}"\n', "", "subjects[1].record_id: required"),
    ('[subjects.fields]\nname = "{company}"\n', "", "subjects[1].fields: required"),
    (
        '[subjects.fields]\nname = "{company}"',
        "fields = 3",
        "subjects[1].fields: expected a table, got integer",
    ),
    ('name = "{company}"', "", "subjects[1].fields: at least one field is required"),
    (
        NAME,
        'nmae = "{name}"',
        "subjects[0].fields.nmae: unknown field for person; allowed: name, family_name, "
        "given_name, id_number, gender, birth_date, phone, email, address, nationality, "
        "identifiers.<scheme>",
    ),
    (NAME, 'uscc = "{name}"', "subjects[0].fields.uscc: unknown field for person"),
    (NAME, '"name.first" = "{name}"', "subjects[0].fields.name.first: unknown field for person"),
    (
        NAME,
        'name.first = "{name}"',
        "subjects[0].fields.name.first: unknown key; allowed: template, format",
    ),
    (
        NAME,
        "name = 3",
        "subjects[0].fields.name: expected a template string or a {template, format} table, "
        "got integer",
    ),
    (
        NAME,
        "name = ['{name}']",
        "subjects[0].fields.name: expected a template string or a {template, format} table, "
        "got array",
    ),
    (
        NAME,
        'name = { template = "{name}", fmt = "%Y" }',
        "subjects[0].fields.name.fmt: unknown key; allowed: template, format",
    ),
    (NAME, 'name = { format = "%Y" }', "subjects[0].fields.name.template: required"),
    (
        NAME,
        'name = { template = "{name}", format = "%Y" }',
        "subjects[0].fields.name.format: format is only allowed on date fields "
        "(date fields: birth_date)",
    ),
    (
        'birth_date = "{birth}"',
        'birth_date = { template = "{birth}", format = "YYYY-MM-DD" }',
        "subjects[0].fields.birth_date.format: 'YYYY-MM-DD' has no strptime directive",
    ),
    (
        'birth_date = "{birth}"',
        'birth_date = { template = "{birth}", format = "%%Y" }',
        "subjects[0].fields.birth_date.format: '%%Y' has no strptime directive",
    ),
    (
        'birth_date = "{birth}"',
        'birth_date = { template = "{birth}", format = "%Q/%m" }',
        "subjects[0].fields.birth_date.format: '%Q/%m' is not a valid strptime format",
    ),
    (
        'birth_date = "{birth}"',
        'birth_date = { template = "{birth}", format = "%Y-%" }',
        "subjects[0].fields.birth_date.format: '%Y-%' is not a valid strptime format",
    ),
    (
        'birth_date = "{birth}"',
        'birth_date = { template = "{birth}", format = "%Y%Y" }',
        "subjects[0].fields.birth_date.format: '%Y%Y' is not a valid strptime format",
    ),
    (
        'birth_date = "{birth}"',
        'birth_date = { template = "{birth}", format = 1 }',
        "subjects[0].fields.birth_date.format: expected a string, got integer",
    ),
    (
        NAME,
        'name = "{name"',
        "subjects[0].fields.name: bad template '{name': unbalanced '{' at character 1",
    ),
    (
        NAME,
        'name = "name}"',
        "subjects[0].fields.name: bad template 'name}': unbalanced '}' at character 5",
    ),
    (NAME, 'name = "{}"', "subjects[0].fields.name: bad template '{}': empty column reference"),
    (
        NAME,
        'name = { template = "{a{b}" }',
        "subjects[0].fields.name.template: bad template '{a{b}': '{' at character 3 inside",
    ),
    (NAME, 'name = " \t"', "subjects[0].fields.name: empty template"),
    (
        NAME + '\nbirth_date = "{birth}"',
        'name = "张三"\nbirth_date = "1990"',
        "subjects[0].fields: no field references a column",
    ),
    (
        NAME,
        'identifiers = "{p}"',
        "subjects[0].fields.identifiers: give a scheme: identifiers.<scheme>",
    ),
    (NAME, 'identifiers = { template = "{p}" }', "subjects[0].fields.identifiers: give a scheme"),
    (
        NAME,
        'identifiers.Passport = "{p}"',
        "subjects[0].fields.identifiers.Passport: scheme must be a lowercase word",
    ),
    (
        NAME,
        'identifiers.pass-port = "{p}"',
        "subjects[0].fields.identifiers.pass-port: scheme must be a lowercase word",
    ),
    (
        NAME,
        '"identifiers.template" = "{p}"',
        "subjects[0].fields.identifiers.template: scheme must be a lowercase word",
    ),
    (
        NAME,
        'identifiers.passport = { template = "{p}", format = "%Y" }',
        "subjects[0].fields.identifiers.passport.format: format is only allowed on date fields",
    ),
    (
        NAME,
        'identifiers.passport = "{p}"\n"identifiers.passport" = "{q}"',
        "subjects[0].fields.identifiers.passport: given twice",
    ),
    (
        REL,
        'type = "BOSS_OF"',
        "relationships[0].type: unknown relationship type 'BOSS_OF'; "
        "allowed: LEGAL_REPRESENTATIVE_OF, SHAREHOLDER_OF",
    ),
    (
        REL,
        REL + '\nkind = "x"',
        "relationships[0].kind: unknown key; allowed: type, from, to, fields",
    ),
    (
        'from = "rep"',
        'from = "repp"',
        "relationships[0].from: unknown role 'repp'; roles: rep, ent",
    ),
    (
        'to = "ent"',
        'to = "enterprise"',
        "relationships[0].to: unknown role 'enterprise'; roles: rep, ent",
    ),
    ('from = "rep"\n', "", "relationships[0].from: required"),
    ('to = "ent"', 'to = "rep"', "relationships[0].to: same role as from ('rep')"),
    (
        'from = "rep"\nto = "ent"',
        'from = "ent"\nto = "rep"',
        "relationships[0].from: LEGAL_REPRESENTATIVE_OF goes person → enterprise, "
        "not enterprise → person (ent → rep)",
    ),
    (
        REL,
        'type = "OWNS"',
        "relationships[0].to: OWNS goes enterprise|person → building, not person → enterprise",
    ),
    (
        'to = "ent"',
        'to = "ent"\n[relationships.fields]\nstart = "{s}"',
        "relationships[0].fields.start: unknown relationship field; "
        "allowed: since, until, role, share",
    ),
    (
        'to = "ent"',
        'to = "ent"\nfields.role = { template = "{r}", format = "%Y" }',
        "relationships[0].fields.role.format: format is only allowed on date fields "
        "(date fields: since, until)",
    ),
    (
        'to = "ent"',
        'to = "ent"\nfields.since = "{s"',
        "relationships[0].fields.since: bad template '{s': unbalanced",
    ),
    (
        'to = "ent"',
        'to = "ent"\nfields = "x"',
        "relationships[0].fields: expected a table, got string",
    ),
    (
        "[[relationships]]",
        "[relationships]",
        "relationships: expected an array of tables ([[relationships]]), got table",
    ),
    (NAME, "name = ", "toml: invalid TOML: "),
]


def test_valid_base_loads() -> None:
    m = Mapping.from_toml(VALID)
    assert [s.role for s in m.subjects] == ["rep", "ent"]


@pytest.mark.parametrize(("old", "new", "expected"), BROKEN, ids=[c[2][:60] for c in BROKEN])
def test_validation_error_names_the_bad_key(old: str, new: str, expected: str) -> None:
    assert old in VALID
    with pytest.raises(MappingError) as err:
        Mapping.from_toml(VALID.replace(old, new, 1), "dept.toml")
    text = str(err.value)
    assert "\n" not in text
    assert text.startswith("dept.toml: ")
    assert expected in text, text
    key = expected.split(": ", 1)[0]
    assert (err.value.source, err.value.key) == ("dept.toml", key)
    assert isinstance(err.value, ValueError)


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("", "dept.toml: subjects: at least one [[subjects]] table is required"),
        ('subjects = "x"', "dept.toml: subjects: expected an array of tables ([[subjects]])"),
        ("subjects = [1]", "dept.toml: subjects[0]: expected a table, got integer"),
        ("[source]\ndescription = 'only'", "dept.toml: subjects: at least one [[subjects]]"),
    ],
)
def test_whole_file_errors(toml: str, expected: str) -> None:
    with pytest.raises(MappingError) as err:
        Mapping.from_toml(toml, "dept.toml")
    assert str(err.value).startswith(expected)


@pytest.mark.parametrize(
    "fmt", ["%Y-%m-%d", "%d/%m/%Y", "%Y年%m月%d日", "%Y%m%d", "%b %d %Y", "%y.%m"]
)
def test_valid_formats_load(fmt: str) -> None:
    toml = VALID.replace(
        'birth_date = "{birth}"', f'birth_date = {{ template = "{{birth}}", format = "{fmt}" }}'
    )
    assert Mapping.from_toml(toml).subjects[0].fields["birth_date"].format == fmt


def test_type_names_are_case_insensitive() -> None:
    toml = VALID.replace('type = "person"', 'type = "Person"').replace(
        REL, 'type = "legal_representative_of"'
    )
    m = Mapping.from_toml(toml)
    assert (m.subjects[0].type, m.relationships[0].type) == (P, LRO)
    assert m.fingerprint() == Mapping.from_toml(VALID).fingerprint()


# -- docs/mapping.md says exactly what the code does ---------------------------------------

DOC = Path(__file__).resolve().parents[2] / "docs" / "mapping.md"
DOC_EDITS = [  # one-line edits of the doc's market.toml, in the order of its error listing
    ('name = "{企业名称}"', 'nmae = "{企业名称}"'),
    ('type = "person"', 'type = "citizen"'),
    ('record_id = "{内部编号}:rep"', 'record_id = "{内部编号:rep"'),
    ('format = "%m/%d/%Y"', 'format = "mm/dd/yyyy"'),
    ('from = "rep"', 'from = "repp"'),
    ('type = "LEGAL_REPRESENTATIVE_OF"', 'type = "OWNS"'),
    ('since = "{任职日期}"', 'start = "{任职日期}"'),
]


def doc_blocks(lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```$", DOC.read_text("utf-8"), flags=re.M | re.S)


def doc_mapping() -> Mapping:
    return Mapping.from_toml(doc_blocks("toml")[0], "market.toml")


def as_json(row: RenderedRow) -> object:
    return json.loads(json.dumps(dataclasses.asdict(row), ensure_ascii=False))


def test_doc_csv_example() -> None:
    rows = list(csv.DictReader(io.StringIO(doc_blocks("csv")[0])))
    m = doc_mapping()
    assert m.check_columns(list(rows[0])) == []
    assert as_json(m.render(rows[0])) == json.loads(doc_blocks("json")[0])
    second = m.render(rows[1])
    assert [s.record_id for s in second.subjects] == ["E0002"]
    assert (second.relationships, second.missing_record_id) == ([], [])


def test_doc_jsonl_example() -> None:
    first, second = (json.loads(line) for line in doc_blocks("jsonl")[0].splitlines())
    m = doc_mapping()
    assert as_json(m.render(first)) == json.loads(doc_blocks("json")[1])
    result = m.render(second)
    assert [(s.role, s.record_id) for s in result.subjects] == [("enterprise", None)]
    assert result.missing_record_id == ["enterprise"]


def test_doc_identifier_spellings() -> None:
    head = '[[subjects]]\nrole = "p"\ntype = "person"\nrecord_id = "{id}"\n[subjects.fields]\n'
    lines = doc_blocks("toml")[1].splitlines()
    found = [set(Mapping.from_toml(head + line).subjects[0].fields) for line in lines]
    assert found == [
        {"identifiers.passport"},
        {"identifiers.social_security"},
        {"identifiers.passport", "identifiers.tax"},
    ]


def test_doc_check_columns_example() -> None:
    header = next(csv.reader(io.StringIO(doc_blocks("csv")[0])))
    header = [("法定代表人姓名" if c == "法定代表人" else c) for c in header if c != "任职日期"]
    expected = doc_blocks("text")[0].splitlines()
    assert doc_mapping().check_columns(header) == expected


def test_doc_error_listing() -> None:
    text = doc_blocks("toml")[0]
    produced = []
    for old, new in DOC_EDITS:
        assert old in text
        with pytest.raises(MappingError) as err:
            Mapping.from_toml(text.replace(old, new, 1), "market.toml")
        produced.append(str(err.value))
    assert produced == doc_blocks("text")[1].splitlines()


def test_doc_field_and_relationship_tables() -> None:
    doc = DOC.read_text("utf-8")
    for subject_type, specs in SUBJECT_FIELDS.items():
        names = ", ".join(
            "`identifiers.<scheme>`" if s.kind is FieldKind.IDENTIFIERS else f"`{s.name}`"
            for s in specs
        )
        dates = ", ".join(f"`{s.name}`" for s in specs if s.kind is FieldKind.DATE) or "none"
        assert f"| `{subject_type}` | {names} | {dates} |" in doc
    for spec in RELATIONSHIP_SPECS.values():
        ends = f"| {', '.join(sorted(spec.sources))} | {', '.join(sorted(spec.targets))} |"
        assert f"| `{spec.type}` {ends}" in doc
    assert "only `since`, `until`, `role`" in doc and RELATIONSHIP_ATTRIBUTES == (
        "since", "until", "role", "share",
    )  # fmt: skip
