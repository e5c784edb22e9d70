"""No row of one tenant can point at a row of another: the composite keys hold.

Every test but the first is derived from the declared schema: it runs once
for each composite foreign key ``(tenant_id, <parent>_id) -> <parent>
(tenant_id, id)``, with rows made by the generic row factory, so a table
added to ``schema/`` is covered without a line written here. Each refused
statement must fail with SQLSTATE 23503 (foreign_key_violation) and name the
key under test, not merely some key.

All of it runs in ``rollback_db``: foreign keys are checked at the end of
each statement (none is DEFERRABLE), so nothing needs to be committed.
"""

from __future__ import annotations

import uuid

import psycopg

from tenantdb import testing as t
from tenantdb.spec import Schema
from tenantdb.testing.rows import RowFactory

FK_VIOLATION = "23503"


def test_message_of_another_tenants_conversation_is_refused(
    rollback_db: psycopg.Connection, rows: RowFactory
) -> None:
    """Test the stage's sanity check: a message's tenant must be its conversation's tenant."""
    acme, globex = rows.tenant(rollback_db), rows.tenant(rollback_db)
    conversation = rows.insert(rollback_db, "conversations", acme)
    t.throws_ok(
        rollback_db,
        "INSERT INTO messages (tenant_id, conversation_id, sender_role, body)"
        " VALUES (%s, %s, 'visitor', 'hello')",
        FK_VIOLATION,
        "fk_messages_tenant_id_conversation_id_conversations",
        params=(globex, conversation["id"]),
    )
    t.lives_ok(
        rollback_db,
        "INSERT INTO messages (tenant_id, conversation_id, sender_role, body)"
        " VALUES (%s, %s, 'visitor', 'hello')",
        params=(acme, conversation["id"]),
    )


def test_child_of_one_tenant_under_parent_of_another(
    rollback_db: psycopg.Connection, rows: RowFactory, composite_key
) -> None:
    """Test (1): a row of tenant B cannot reference a parent of tenant A."""
    a, b = rows.tenant(rollback_db), rows.tenant(rollback_db)
    parent = rows.insert(rollback_db, composite_key.fk.ref_table, a)
    # Everything else about the row is valid for B; only the reference crosses.
    values = rows.prepare(
        rollback_db, composite_key.table, b, **{composite_key.column: parent["id"]}
    )
    t.throws_ok(
        rollback_db,
        rows.insert_sql(composite_key.table, values),
        FK_VIOLATION,
        composite_key.fk.name,
    )
    # The same row under a parent of its own tenant is accepted.
    own = rows.insert(rollback_db, composite_key.fk.ref_table, b)
    values[composite_key.column] = own["id"]
    t.lives_ok(rollback_db, rows.insert_sql(composite_key.table, values))


def test_moving_a_child_to_another_tenant(
    rollback_db: psycopg.Connection, rows: RowFactory, composite_key
) -> None:
    """Test (2): a child cannot move to tenant B while its parent stays with tenant A."""
    a, b = rows.tenant(rollback_db), rows.tenant(rollback_db)
    parent = rows.insert(rollback_db, composite_key.fk.ref_table, a)
    child = rows.insert(rollback_db, composite_key.table, a, **{composite_key.column: parent["id"]})
    # The child's other references move with it, so only the key under test can object.
    moved = rows.repoint(rollback_db, composite_key.table, b, keep=composite_key.column)
    t.throws_ok(
        rollback_db,
        rows.update_sql(composite_key.table, child["id"], moved),
        FK_VIOLATION,
        composite_key.fk.name,
    )
    # Moving it with a parent of tenant B is accepted: the guard is about tenants only.
    moved[composite_key.column] = rows.insert(rollback_db, composite_key.fk.ref_table, b)["id"]
    t.lives_ok(rollback_db, rows.update_sql(composite_key.table, child["id"], moved))


def test_moving_a_parent_away_from_its_children(
    rollback_db: psycopg.Connection, rows: RowFactory, composite_key
) -> None:
    """Test (3): a parent cannot move to tenant B while its children stay with tenant A."""
    a, b = rows.tenant(rollback_db), rows.tenant(rollback_db)
    parent_table = composite_key.fk.ref_table
    parent = rows.insert(rollback_db, parent_table, a)
    rows.insert(rollback_db, composite_key.table, a, **{composite_key.column: parent["id"]})
    moved = rows.repoint(rollback_db, parent_table, b)
    t.throws_ok(
        rollback_db,
        rows.update_sql(parent_table, parent["id"], moved),
        FK_VIOLATION,
        composite_key.fk.name,
    )
    # Without children, the same move is accepted.
    lonely = rows.insert(rollback_db, parent_table, a)
    t.lives_ok(rollback_db, rows.update_sql(parent_table, lonely["id"], moved))


def test_every_tenant_table_refuses_an_unknown_tenant(
    rollback_db: psycopg.Connection, rows: RowFactory, schema: Schema
) -> None:
    """Test that no tenant table accepts a row whose tenant does not exist.

    The row's parents belong to a real tenant and only its own tenant_id is
    unknown. A table with a NOT NULL reference then breaks two keys at once
    and PostgreSQL reports whichever it checks first, so there any of the
    table's keys may be named; elsewhere it must be the key to tenants.
    """
    for table in schema.tables:
        if table.kind != "tenant":
            continue
        values = rows.prepare(rollback_db, table.name, rows.tenant(rollback_db))
        values["tenant_id"] = uuid.uuid4()
        required = [c for c in rows.references(table.name) if not table.column(c).nullable]
        wanted = None if required else f"fk_{table.name}_tenant_id_tenants"
        error = t.throws_ok(rollback_db, rows.insert_sql(table.name, values), FK_VIOLATION, wanted)
        assert error.diag.constraint_name in {fk.name for fk in table.foreign_keys}


def test_match_simple_null_reference(
    rollback_db: psycopg.Connection, rows: RowFactory, nullable_key
) -> None:
    """Test the MATCH SIMPLE case: a NULL reference is accepted, and the row keeps its tenant.

    A composite foreign key is MATCH SIMPLE by default: when any of its
    columns is NULL the key is not checked at all. ``(tenant_id,
    conversation_id)`` with ``conversation_id`` NULL therefore points
    nowhere, which is what an optional reference means; the row still
    belongs to a tenant, because ``tenant_id`` is NOT NULL and has its own
    key to ``tenants`` (see the test above). MATCH FULL would refuse the
    NULL outright, and so could not express an optional reference.
    """
    t.results_eq(
        rollback_db,
        "SELECT confmatchtype FROM pg_constraint WHERE conname = %s",
        ["s"],
        params=(nullable_key.fk.name,),
    )
    a = rows.tenant(rollback_db)
    values = rows.prepare(rollback_db, nullable_key.table, a, **{nullable_key.column: None})
    t.lives_ok(rollback_db, rows.insert_sql(nullable_key.table, values))
    t.results_eq(
        rollback_db,
        f"SELECT tenant_id FROM {nullable_key.table} WHERE {nullable_key.column} IS NULL",
        [a],
    )
    # Setting the reference later is checked like any other: not to another tenant's row.
    b = rows.tenant(rollback_db)
    foreign = rows.insert(rollback_db, nullable_key.fk.ref_table, b)
    t.throws_ok(
        rollback_db,
        f"UPDATE {nullable_key.table} SET {nullable_key.column} = %s WHERE tenant_id = %s",
        FK_VIOLATION,
        nullable_key.fk.name,
        params=(foreign["id"], a),
    )
