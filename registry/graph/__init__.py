"""The subject graph: queries over the embedded store or Neo4j, and the Neo4j projection."""
