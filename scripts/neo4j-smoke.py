"""Smoke check for a Neo4j started by scripts/neo4j-server.sh or scripts/with-neo4j.sh.

Reads REGISTRY_NEO4J_URI/USER/PASSWORD/DATABASE from the environment and checks that
`RETURN 1` works, a node can be written and read back in the database, and a wrong password
is refused.  Usage: scripts/with-neo4j.sh .venv/bin/python scripts/neo4j-smoke.py
"""

from __future__ import annotations

import os
import sys
import time
import uuid

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError


def main() -> int:
    try:
        uri = os.environ["REGISTRY_NEO4J_URI"]
        user = os.environ["REGISTRY_NEO4J_USER"]
        password = os.environ["REGISTRY_NEO4J_PASSWORD"]
        database = os.environ.get("REGISTRY_NEO4J_DATABASE", "neo4j")
    except KeyError as exc:
        print(f"neo4j-smoke: {exc.args[0]} is not set (Neo4j not running?)", file=sys.stderr)
        return 2

    t0 = time.monotonic()
    with GraphDatabase.driver(uri, auth=(user, password)) as driver:
        driver.verify_connectivity()
        records, _, _ = driver.execute_query("RETURN 1 AS one", database_=database)
        assert records[0]["one"] == 1, records
        t_first = time.monotonic() - t0

        key = f"smoke-{uuid.uuid4()}"
        driver.execute_query(
            "CREATE (n:SmokeTest {key: $key, at: datetime()})", key=key, database_=database
        )
        records, _, _ = driver.execute_query(
            "MATCH (n:SmokeTest {key: $key}) RETURN n.key AS key", key=key, database_=database
        )
        assert [r["key"] for r in records] == [key], records
        driver.execute_query(
            "MATCH (n:SmokeTest {key: $key}) DELETE n", key=key, database_=database
        )
        records, _, _ = driver.execute_query(
            "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition",
            database_=database,
        )
        component = records[0]

    with GraphDatabase.driver(uri, auth=(user, password + "-wrong")) as bad:
        try:
            bad.verify_connectivity()
        except AuthError:
            pass
        else:
            print("neo4j-smoke: FAIL - a wrong password was accepted", file=sys.stderr)
            return 1

    print(
        f"neo4j-smoke: OK {uri} db={database} "
        f"{component['name']} {component['versions'][0]} {component['edition']} "
        f"(first query {t_first:.2f} s, total {time.monotonic() - t0:.2f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
