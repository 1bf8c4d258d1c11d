"""The generated schema applies to a real Neo4j, twice, and enforces uniqueness."""

from __future__ import annotations

from typing import Any

import pytest
from neo4j.exceptions import ConstraintError

from graph_schema.neo4j_schema import constraint_statements, schema_statements

pytestmark = pytest.mark.neo4j


def test_schema_applies_idempotently_and_enforces_ids(
    neo4j_driver: Any, neo4j_settings: dict[str, str]
) -> None:
    db = neo4j_settings["database"]
    for _ in range(2):
        for stmt in schema_statements():
            neo4j_driver.execute_query(stmt, database_=db)
    records, _, _ = neo4j_driver.execute_query("SHOW CONSTRAINTS YIELD name", database_=db)
    names = {r["name"] for r in records}
    expected = {s.split()[2] for s in constraint_statements()}
    assert expected <= names
    neo4j_driver.execute_query("CREATE (:Subject:Person {id: 'P-00000001'})", database_=db)
    with pytest.raises(ConstraintError):
        neo4j_driver.execute_query("CREATE (:Subject:Person {id: 'P-00000001'})", database_=db)
