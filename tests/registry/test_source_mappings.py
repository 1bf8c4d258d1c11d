"""Mappings installed in the store for API pushes: names, absence, reload on change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from registry.mapping import MappingError
from registry.source_mappings import SourceMappings, UnknownMapping

MAPPING = """
[[subjects]]
role = "p"
type = "person"
record_id = "{id}"
[subjects.fields]
name = "{name}"
"""


def test_load_cache_and_reload(tmp_path: Path) -> None:
    (tmp_path / "mappings").mkdir()
    path = tmp_path / "mappings" / "hukou.toml"
    path.write_text(MAPPING, encoding="utf-8")
    found = SourceMappings(tmp_path)
    first = found.get("hukou")
    assert found.get("hukou") is first
    path.write_text(MAPPING.replace("{name}", "{姓名}"), encoding="utf-8")
    os.utime(path, (1, 1))
    assert found.get("hukou") is not first and found.get("hukou").columns() == {"id", "姓名"}


def test_unknown_bad_and_broken(tmp_path: Path) -> None:
    found = SourceMappings(tmp_path)
    with pytest.raises(UnknownMapping):
        found.get("nothing")
    for name in ("../etc", "a/b", "", ".hidden", "x" * 65):
        with pytest.raises(ValueError):
            found.get(name)
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "broken.toml").write_text("[[subjects]]\n", encoding="utf-8")
    with pytest.raises(MappingError):
        found.get("broken")
