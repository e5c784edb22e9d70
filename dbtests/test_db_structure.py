"""The migrated database has exactly the declared schema: nothing missing, nothing extra.

Every expectation is read from the declared schema (``schema/*.yaml``) and
checked against the database that ``alembic upgrade head`` built, so an
object the revision adds without the spec fails as surely as one it forgets.
"""

from __future__ import annotations

import psycopg

from tenantdb import testing as t
from tenantdb.spec import Schema, Table


def test_tables_are_the_declared_ones(rollback_db: psycopg.Connection, schema: Schema) -> None:
    """Test that the schema holds the declared tables and Alembic's own, and no other."""
    t.tables_are(rollback_db, [*schema.names, "alembic_version"])


def test_columns_are_the_declared_ones(rollback_db: psycopg.Connection, spec_table: Table) -> None:
    """Test that each table has exactly its declared columns (implied id and tenant_id too)."""
    t.columns_are(rollback_db, spec_table.name, [c.name for c in spec_table.columns])


def test_column_types(rollback_db: psycopg.Connection, spec_table: Table) -> None:
    """Test that each column has its declared type."""
    for column in spec_table.columns:
        t.col_type_is(rollback_db, spec_table.name, column.name, column.type)


def test_nullability(rollback_db: psycopg.Connection, spec_table: Table) -> None:
    """Test that NOT NULL is where the spec says, and only there."""
    for column in spec_table.columns:
        if column.nullable:
            t.col_is_null(rollback_db, spec_table.name, column.name)
        else:
            t.col_not_null(rollback_db, spec_table.name, column.name)


def test_defaults(rollback_db: psycopg.Connection, spec_table: Table) -> None:
    """Test that each declared default is there, and that no other column has one."""
    for column in spec_table.columns:
        if column.default is None:
            t.col_hasnt_default(rollback_db, spec_table.name, column.name)
        else:
            t.col_default_is(rollback_db, spec_table.name, column.name, column.default)


def test_primary_key(rollback_db: psycopg.Connection, spec_table: Table) -> None:
    """Test that each table has its primary key on the implied id."""
    t.has_pk(rollback_db, spec_table.name)
    t.col_is_pk(rollback_db, spec_table.name, spec_table.primary_key.columns)


def test_unique_constraints(rollback_db: psycopg.Connection, spec_table: Table) -> None:
    """Test each UNIQUE constraint, including the (tenant_id, id) of referenced tables."""
    for unique in spec_table.uniques:
        t.col_is_unique(rollback_db, spec_table.name, unique.columns)


def test_indexes_are_the_declared_ones(rollback_db: psycopg.Connection, spec_table: Table) -> None:
    """Test that a table's indexes are those of its keys and the declared or implied ones."""
    wanted = [
        spec_table.primary_key.name,
        *(u.name for u in spec_table.uniques),
        *(i.name for i in spec_table.indexes),
    ]
    t.indexes_are(rollback_db, spec_table.name, wanted)


def test_index_definitions(rollback_db: psycopg.Connection, spec_table: Table) -> None:
    """Test each declared or implied index: its columns and directions, uniqueness, predicate."""
    for index in spec_table.indexes:
        columns = [c.sql.lower() for c in index.columns]
        t.has_index(rollback_db, spec_table.name, index.name, columns)
        if index.unique:
            t.index_is_unique(rollback_db, spec_table.name, index.name)
        if index.where is not None:
            t.index_is_partial(rollback_db, spec_table.name, index.name, index.where)


def test_constraints_are_the_declared_ones(
    rollback_db: psycopg.Connection, spec_table: Table
) -> None:
    """Test that a table has exactly its declared keys and CHECKs, by name."""
    wanted = [
        spec_table.primary_key.name,
        *(u.name for u in spec_table.uniques),
        *(f.name for f in spec_table.foreign_keys),
        *(c.name for c in spec_table.checks),
    ]
    t.constraints_are(rollback_db, spec_table.name, wanted)


def test_every_tenant_table_belongs_to_a_tenant(
    rollback_db: psycopg.Connection, spec_table: Table
) -> None:
    """Test that every table but the root has tenant_id uuid NOT NULL referencing tenants(id)."""
    if spec_table.is_root:
        t.hasnt_column(rollback_db, spec_table.name, "tenant_id")
        return
    t.col_type_is(rollback_db, spec_table.name, "tenant_id", "uuid")
    t.col_not_null(rollback_db, spec_table.name, "tenant_id")
    t.fk_ok(rollback_db, spec_table.name, "tenant_id", "tenants", "id")


def test_composite_key(rollback_db: psycopg.Connection, composite_key) -> None:
    """Test each composite foreign key: (tenant_id, x_id) -> parent (tenant_id, id), by name."""
    fk = composite_key.fk
    t.fk_ok(
        rollback_db,
        composite_key.table,
        fk.columns,
        fk.ref_table,
        fk.ref_columns,
        name=fk.name,
    )
    assert fk.columns[0] == "tenant_id" and fk.ref_columns == ("tenant_id", "id")
    # The referenced pair must be unique for the key to exist at all; say so plainly.
    t.col_is_unique(rollback_db, fk.ref_table, ["tenant_id", "id"])
