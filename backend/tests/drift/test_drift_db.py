"""Catalog inspection and drift against a real PostgreSQL.

The revisions must produce exactly the declared schema, and each kind of
drift injected into a migrated database must be found and named.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tenantdb.catalog import inspect
from tenantdb.diff import compare
from tenantdb.model import CHECK, EXCLUDE, FOREIGN_KEY, PRIMARY_KEY, UNIQUE, IndexElement

if TYPE_CHECKING:
    import psycopg

    from tenantdb.model import SchemaModel


def test_a_freshly_migrated_database_shows_no_drift(
    declared_model: SchemaModel, db: psycopg.Connection
) -> None:
    database = inspect(db)
    report = compare(declared_model, database)
    assert report.differences == [], report.text()
    # Not vacuous: both sides hold every declared table, with their keys and indexes.
    assert set(database.tables) == {
        "tenants",
        "tenant_domains",
        "conversations",
        "messages",
        "incidents",
        "events",
    }
    assert "alembic_version" not in database.tables
    assert all(t.constraints and t.indexes for t in declared_model.tables.values())


#: (SQL run on a migrated clone, every difference it must cause as (change, object, name)).
DRIFTS = {
    "missing table": (
        "DROP TABLE tenant_domains",
        {("tenant_domains", "missing", "table", "tenant_domains")},
    ),
    "extra table": (
        "CREATE TABLE audit_log (id bigint PRIMARY KEY)",
        {("audit_log", "extra", "table", "audit_log")},
    ),
    "missing column": (
        # The column's CHECK goes with it, and is named too.
        "ALTER TABLE messages DROP COLUMN body",
        {
            ("messages", "missing", "column", "body"),
            ("messages", "missing", "constraint", "ck_messages_body"),
        },
    ),
    "extra column": (
        "ALTER TABLE messages ADD COLUMN edited_at timestamptz",
        {("messages", "extra", "column", "edited_at")},
    ),
    "column type": (
        "ALTER TABLE incidents ALTER COLUMN opened_at TYPE timestamp",
        {("incidents", "changed", "column", "opened_at")},
    ),
    "column nullability": (
        "ALTER TABLE conversations ALTER COLUMN visitor_ref DROP NOT NULL",
        {("conversations", "changed", "column", "visitor_ref")},
    ),
    "column default": (
        "ALTER TABLE conversations ALTER COLUMN status SET DEFAULT 'pending'",
        {("conversations", "changed", "column", "status")},
    ),
    "missing constraint": (
        "ALTER TABLE events DROP CONSTRAINT ck_events_payload",
        {("events", "missing", "constraint", "ck_events_payload")},
    ),
    "extra constraint": (
        "ALTER TABLE tenants ADD CONSTRAINT ck_tenants_updated_at CHECK (updated_at >= created_at)",
        {("tenants", "extra", "constraint", "ck_tenants_updated_at")},
    ),
    "changed foreign key": (
        "ALTER TABLE messages DROP CONSTRAINT fk_messages_tenant_id_conversation_id_conversations,"
        " ADD CONSTRAINT fk_messages_tenant_id_conversation_id_conversations"
        " FOREIGN KEY (tenant_id, conversation_id)"
        " REFERENCES conversations (tenant_id, id) ON DELETE RESTRICT",
        {
            (
                "messages",
                "changed",
                "constraint",
                "fk_messages_tenant_id_conversation_id_conversations",
            )
        },
    ),
    "changed check": (
        "ALTER TABLE tenants DROP CONSTRAINT ck_tenants_status,"
        " ADD CONSTRAINT ck_tenants_status CHECK (status IN ('active', 'closed'))",
        {("tenants", "changed", "constraint", "ck_tenants_status")},
    ),
    "missing index": (
        "DROP INDEX ix_conversations_tenant_id_visitor_ref",
        {("conversations", "missing", "index", "ix_conversations_tenant_id_visitor_ref")},
    ),
    "extra index": (
        "CREATE INDEX ix_messages_created_at ON messages (created_at)",
        {("messages", "extra", "index", "ix_messages_created_at")},
    ),
    "changed index": (
        # Same name and columns; the partial predicate is gone.
        "DROP INDEX ix_incidents_tenant_id_opened_at;"
        " CREATE INDEX ix_incidents_tenant_id_opened_at ON incidents (tenant_id, opened_at DESC)",
        {("incidents", "changed", "index", "ix_incidents_tenant_id_opened_at")},
    ),
    "changed comment": (
        "COMMENT ON COLUMN tenants.slug IS 'edited in production'",
        {("tenants", "changed", "comment", "tenants.slug")},
    ),
}


@pytest.mark.parametrize("kind", list(DRIFTS))
def test_injected_drift_is_found_and_named(
    kind: str, declared_model: SchemaModel, db: psycopg.Connection
) -> None:
    sql, expected = DRIFTS[kind]
    db.execute(sql)
    report = compare(declared_model, inspect(db))
    assert {(d.table, d.change, d.object, d.name) for d in report.differences} == expected
    text = report.text()
    for table, change, obj, name in expected:
        assert f"\ntable {table}\n" in text
        assert f"  {change} {obj} {name}" in text


@pytest.mark.parametrize(
    ("sql", "column", "aspects", "database"),
    [
        (
            "ALTER TABLE incidents ALTER COLUMN opened_at TYPE timestamp",
            "opened_at",
            ("type",),
            "timestamp NOT NULL DEFAULT now()",
        ),
        (
            "ALTER TABLE conversations ALTER COLUMN visitor_ref DROP NOT NULL",
            "visitor_ref",
            ("nullability",),
            "text NULL",
        ),
        (
            "ALTER TABLE conversations ALTER COLUMN status SET DEFAULT 'pending'",
            "status",
            ("default",),
            "text NOT NULL DEFAULT 'pending'::text",
        ),
    ],
)
def test_a_changed_column_shows_both_definitions(
    sql: str,
    column: str,
    aspects: tuple[str, ...],
    database: str,
    declared_model: SchemaModel,
    db: psycopg.Connection,
) -> None:
    db.execute(sql)
    (difference,) = compare(declared_model, inspect(db)).differences
    assert (difference.name, difference.aspects, difference.database) == (column, aspects, database)
    assert difference.declared != difference.database


def test_same_schema_spelled_differently_is_no_drift(
    declared_model: SchemaModel, db: psycopg.Connection
) -> None:
    """Compare what PostgreSQL prints: re-creating a check in another spelling is not drift."""
    db.execute(
        "ALTER TABLE messages DROP CONSTRAINT ck_messages_sender_role,"
        " ADD CONSTRAINT ck_messages_sender_role"
        " CHECK (sender_role = ANY (ARRAY['visitor', 'agent', 'system']))"
    )
    db.execute(
        "DROP INDEX ix_messages_tenant_id_conversation_id_created_at;"
        " CREATE INDEX ix_messages_tenant_id_conversation_id_created_at"
        " ON public.messages USING btree (tenant_id ASC, conversation_id, created_at NULLS LAST)"
    )
    assert compare(declared_model, inspect(db)).differences == []


CATALOG_SQL = """
CREATE TABLE parents (
    id integer GENERATED ALWAYS AS IDENTITY,
    code text NOT NULL,
    CONSTRAINT pk_parents PRIMARY KEY (id),
    CONSTRAINT uq_parents_id_code UNIQUE (id, code)
);
CREATE TABLE children (
    id bigint NOT NULL,
    parent_id integer,
    parent_code text,
    price numeric(10,2) DEFAULT 0,
    label varchar(20),
    doubled bigint GENERATED ALWAYS AS (id * 2) STORED,
    during tstzrange,
    CONSTRAINT fk_children_parent FOREIGN KEY (parent_id, parent_code)
        REFERENCES parents (id, code) MATCH FULL ON DELETE SET NULL ON UPDATE CASCADE
        DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT ck_children_price CHECK (price >= 0)
);
CREATE INDEX ix_children_expr ON children (lower(label) DESC NULLS LAST, id NULLS FIRST)
    WHERE price > 0;
CREATE INDEX ix_children_hash ON children USING hash (label);
COMMENT ON TABLE children IS 'Kids.';
COMMENT ON COLUMN children.label IS 'A label.';
"""


def test_catalog_reads_every_part_of_the_model(empty_db_url: str) -> None:
    from tenantdb.dburl import connect

    with connect(empty_db_url, autocommit=True) as conn:
        conn.execute(CATALOG_SQL)
        model = inspect(conn)
    assert list(model.tables) == ["children", "parents"]
    children, parents = model.tables["children"], model.tables["parents"]

    columns = {
        c.name: (c.type, c.nullable, c.default, c.comment) for c in children.columns.values()
    }
    assert columns == {
        "id": ("bigint", False, None, None),
        "parent_id": ("integer", True, None, None),
        "parent_code": ("text", True, None, None),
        "price": ("numeric(10,2)", True, "0", None),
        "label": ("character varying(20)", True, None, "A label."),
        "doubled": ("bigint", True, "GENERATED ALWAYS AS ((id * 2)) STORED", None),
        "during": ("tstzrange", True, None, None),
    }
    assert list(children.columns) == [
        "id",
        "parent_id",
        "parent_code",
        "price",
        "label",
        "doubled",
        "during",
    ]
    assert parents.columns["id"].default == "GENERATED ALWAYS AS IDENTITY"
    assert parents.columns["id"].nullable is False
    assert children.comment == "Kids."

    # PostgreSQL 18 lists NOT NULL as constraints (contype 'n'); they are not read as such.
    assert {c.kind for c in model.tables["parents"].constraints} == {PRIMARY_KEY, UNIQUE}
    (fk,) = children.constraints_of(FOREIGN_KEY)
    assert (fk.name, fk.columns, fk.ref_table, fk.ref_columns) == (
        "fk_children_parent",
        ("parent_id", "parent_code"),
        "parents",
        ("id", "code"),
    )
    assert (fk.match, fk.on_delete, fk.on_update, fk.deferrable) == (
        "FULL",
        "SET NULL",
        "CASCADE",
        True,
    )
    assert fk.definition == (
        "FOREIGN KEY (parent_id, parent_code) REFERENCES parents(id, code) MATCH FULL "
        "ON UPDATE CASCADE ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED"
    )
    (check,) = children.constraints_of(CHECK)
    assert (check.columns, check.expression) == (("price",), "(price >= (0)::numeric)")
    assert check.definition == "CHECK ((price >= (0)::numeric))"
    assert EXCLUDE not in {c.kind for c in children.constraints}

    indexes = {i.name: i for i in children.indexes}
    expr = indexes["ix_children_expr"]
    assert expr.elements == (
        IndexElement(None, "lower(label::text)", descending=True, nulls_first=False),
        IndexElement("id", None, descending=False, nulls_first=True),
    )
    assert (expr.unique, expr.method, expr.predicate, expr.constraint_backed) == (
        False,
        "btree",
        "(price > (0)::numeric)",
        False,
    )
    assert expr.definition == (
        "CREATE INDEX ix_children_expr ON public.children USING btree "
        "(lower((label)::text) DESC NULLS LAST, id NULLS FIRST) WHERE (price > (0)::numeric)"
    )
    assert indexes["ix_children_hash"].method == "hash"
    backed = {i.name: (i.unique, i.constraint_backed) for i in parents.indexes}
    assert backed == {"pk_parents": (True, True), "uq_parents_id_code": (True, True)}
