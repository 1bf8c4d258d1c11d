from graph_schema.neo4j_schema import schema_statements


def test_statements_are_idempotent_and_cover_every_label() -> None:
    stmts = schema_statements()
    assert all("IF NOT EXISTS" in s for s in stmts)
    for label in ("Person", "Enterprise", "Building", "Parcel"):
        assert any(f"(n:{label}) REQUIRE n.id IS UNIQUE" in s for s in stmts)
    assert any("FOR (n:Person) ON (n.id_number)" in s for s in stmts)
    assert any("FOR (n:Enterprise) ON (n.uscc)" in s for s in stmts)
    assert any("FULLTEXT" in s and "Enterprise|Person" in s for s in stmts)
    names = [s.split()[2] for s in stmts]
    assert len(names) == len(set(names)), "constraint/index names must be unique"
    first_index = next(i for i, s in enumerate(stmts) if "INDEX" in s)
    assert all("CONSTRAINT" in s for s in stmts[:first_index])
