"""Property: whatever inserts and updates are tried, no row ends up under another tenant's parent.

Hypothesis draws sequences of operations over at least three tenants: insert
a row of any tenant table, pointing its references at rows picked from *all*
tenants; move a row to another tenant; re-point one of its references at any
row. Most of those cross tenants and must be refused with 23503; the rest
succeed. Each operation runs in its own savepoint, each example in one more,
rolled back at its end. After each example, one query per composite foreign
key looks for rows whose tenant differs from their parent's, and must find
none.

The operations come from the declared schema, like the other derived tests.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from typing import Any

import psycopg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import sql

from tenantdb.spec import ROOT_TABLE
from tenantdb.testing.rows import RowFactory

#: At least this many operations per run (the issue's floor for CI).
MIN_OPERATIONS = 1000
EXAMPLES = int(os.environ.get("TENANTDB_PROPERTY_EXAMPLES", "30"))
#: The shortest sequence of operations: with EXAMPLES examples, at least MIN_OPERATIONS.
MIN_LENGTH = -(-MIN_OPERATIONS // EXAMPLES)
TENANTS = 3

OPERATION = st.tuples(
    st.sampled_from(["insert", "move", "repoint"]),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=10_000),
)


@dataclass
class Tally:
    operations: int = 0
    accepted: int = 0
    refused: int = 0
    examples: int = 0


def _pick(items: list[Any], index: int) -> Any:
    return items[index % len(items)]


def _cross_tenant_query(table: str, column: str, parent: str) -> sql.Composed:
    return sql.SQL(
        "SELECT c.id, c.tenant_id, p.tenant_id FROM {} c JOIN {} p ON p.id = c.{}"
        " WHERE c.tenant_id <> p.tenant_id"
    ).format(sql.Identifier(table), sql.Identifier(parent), sql.Identifier(column))


def test_no_row_ever_crosses_tenants(rollback_db: psycopg.Connection, rows: RowFactory) -> None:
    """Test that random inserts and updates never leave a cross-tenant reference behind."""
    conn = rollback_db
    schema = rows.schema
    tenant_tables = [t.name for t in schema.tables if t.kind == "tenant"]
    keys = [
        (table, column, fk.ref_table)
        for table in tenant_tables
        for column, fk in rows.references(table).items()
    ]
    assert keys, "the declared schema has no composite foreign key to test"
    referring = sorted({table for table, _, _ in keys})
    queries = [(_cross_tenant_query(*key), key) for key in keys]
    tally = Tally()

    def attempt(statement: sql.Composable) -> bool:
        """Run one operation in a savepoint of its own; False when a key refused it.

        The savepoint, the statement and the release go in one round trip;
        a refusal costs a second one, to roll back to the savepoint.
        """
        tally.operations += 1
        try:
            conn.execute(sql.SQL("SAVEPOINT op; {}; RELEASE SAVEPOINT op").format(statement))
        except psycopg.errors.ForeignKeyViolation:
            conn.execute("ROLLBACK TO SAVEPOINT op; RELEASE SAVEPOINT op")
            tally.refused += 1
            return False
        tally.accepted += 1
        return True

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        tenants=st.integers(min_value=TENANTS, max_value=TENANTS + 2),
        operations=st.lists(OPERATION, min_size=MIN_LENGTH, max_size=MIN_LENGTH + 16),
    )
    def run(tenants: int, operations: list[tuple[str, int, int, int]]) -> None:
        tally.examples += 1
        with conn.transaction(force_rollback=True):
            # Every tenant starts with one valid row per table, so that
            # references have targets in every tenant. Ids are made here, so
            # the setup is one round trip and no statement needs RETURNING.
            ids = [uuid.uuid4() for _ in range(tenants)]
            existing: dict[str, list[Any]] = {name: [] for name in tenant_tables}
            setup = [
                RowFactory.insert_sql(ROOT_TABLE, rows.prepare(conn, ROOT_TABLE, id=t)) for t in ids
            ]
            for tenant in ids:
                own: dict[str, Any] = {}
                for name in tenant_tables:
                    parents = {c: own[fk.ref_table] for c, fk in rows.references(name).items()}
                    own[name] = uuid.uuid4()
                    values = rows.prepare(conn, name, tenant, id=own[name], **parents)
                    setup.append(RowFactory.insert_sql(name, values))
                    existing[name].append(own[name])
            conn.execute(sql.SQL("; ").join(setup))

            for kind, a, b, c in operations:
                # Every operation is tried: a re-point picks a table that has references.
                table = _pick(referring if kind == "repoint" else tenant_tables, a)
                refs = rows.references(table)
                if kind == "insert":
                    # Every reference is picked from all tenants' rows (a
                    # nullable one is sometimes left NULL), so no parent is made.
                    new_id = uuid.uuid4()
                    chosen: dict[str, Any] = {"id": new_id}
                    for i, (column, fk) in enumerate(refs.items()):
                        nullable = schema.table(table).column(column).nullable
                        chosen[column] = (
                            None
                            if nullable and (c + i) % 5 == 0
                            else _pick(existing[fk.ref_table], c + i)
                        )
                    values = rows.prepare(conn, table, _pick(ids, b), **chosen)
                    if attempt(RowFactory.insert_sql(table, values)):
                        existing[table].append(new_id)
                elif kind == "move":
                    target = {"tenant_id": _pick(ids, c)}
                    attempt(RowFactory.update_sql(table, _pick(existing[table], b), target))
                else:
                    column, fk = _pick(list(refs.items()), b)
                    target = {column: _pick(existing[fk.ref_table], b + c)}
                    attempt(RowFactory.update_sql(table, _pick(existing[table], c), target))

            for query, key in queries:
                found = conn.execute(query).fetchall()
                assert found == [], f"{key[0]}.{key[1]} points across tenants: {found[:5]}"

    run()
    assert tally.operations >= MIN_OPERATIONS, f"only {tally.operations} operations were tried"
    # Both outcomes must occur, or the property was tested on nothing.
    assert tally.accepted > 0 and tally.refused > 0, tally
