"""A global-fallback table, as the templates render it: the partial unique pair holds.

The init revision has no global-fallback table, so the fixture spec
``backend/tests/fixtures/global_fallback/`` (``tenants`` and
``canned_replies``, keyed by ``code``) is rendered with the project's
templates and applied to a database of its own, once for this module.
The structure is then checked like the real schema's, from the spec.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from tenantdb import naming
from tenantdb import testing as t
from tenantdb.render import render_schema
from tenantdb.spec import Schema, Table, load_schema
from tenantdb.testing.databases import create_database, drop_database

UNIQUE_VIOLATION = "23505"


@pytest.fixture(scope="module")
def fallback_schema(tenantdb_project) -> Schema:
    return load_schema(tenantdb_project.root / "backend" / "tests" / "fixtures" / "global_fallback")


@pytest.fixture(scope="module")
def fallback_table(fallback_schema: Schema) -> Table:
    tables = [t for t in fallback_schema.tables if t.is_global_fallback]
    assert len(tables) == 1, "the fixture spec declares one global-fallback table"
    return tables[0]


@pytest.fixture(scope="module")
def _fallback_db(tenantdb_server, tenantdb_project, fallback_schema) -> Iterator[str]:
    name = tenantdb_server.database_name("fallback")
    with psycopg.connect(tenantdb_server.url(), autocommit=True) as admin:
        create_database(admin, name)
    try:
        with psycopg.connect(tenantdb_server.url(name), autocommit=True) as conn:
            conn.execute(render_schema(fallback_schema, tenantdb_project.templates_dir))
        yield tenantdb_server.url(name)
    finally:
        with psycopg.connect(tenantdb_server.url(), autocommit=True) as admin:
            drop_database(admin, name)


@pytest.fixture
def fallback(_fallback_db: str) -> Iterator[psycopg.Connection]:
    """A connection to the fallback database, in a transaction rolled back after the test."""
    with (
        psycopg.connect(_fallback_db, autocommit=True) as conn,
        conn.transaction(force_rollback=True),
    ):
        yield conn


def test_partial_unique_pair(fallback: psycopg.Connection, fallback_table: Table) -> None:
    """Test UNIQUE (key) WHERE tenant_id IS NULL and UNIQUE (tenant_id, key) WHERE NOT NULL."""
    name, key = fallback_table.name, list(fallback_table.key)
    global_index = naming.unique_name(name, key)
    tenant_index = naming.unique_name(name, ["tenant_id", *key])
    t.has_index(fallback, name, global_index, key)
    t.index_is_unique(fallback, name, global_index)
    t.index_is_partial(fallback, name, global_index, "tenant_id IS NULL")
    t.has_index(fallback, name, tenant_index, ["tenant_id", *key])
    t.index_is_unique(fallback, name, tenant_index)
    t.index_is_partial(fallback, name, tenant_index, "tenant_id IS NOT NULL")


def test_structure_is_the_declared_one(
    fallback: psycopg.Connection, fallback_schema: Schema, fallback_table: Table
) -> None:
    """Test tables, columns, the nullable tenant_id, indexes and constraints against the spec."""
    name = fallback_table.name
    t.tables_are(fallback, fallback_schema.names)
    t.columns_are(fallback, name, [c.name for c in fallback_table.columns])
    t.col_is_null(fallback, name, "tenant_id")  # NULL is what makes a row global
    t.fk_ok(fallback, name, "tenant_id", "tenants", "id")
    t.indexes_are(
        fallback,
        name,
        [
            fallback_table.primary_key.name,
            *(u.name for u in fallback_table.uniques),
            *(i.name for i in fallback_table.indexes),
        ],
    )
    t.constraints_are(
        fallback,
        name,
        [
            fallback_table.primary_key.name,
            *(u.name for u in fallback_table.uniques),
            *(f.name for f in fallback_table.foreign_keys),
            *(c.name for c in fallback_table.checks),
        ],
    )


def test_pair_refuses_a_second_row_of_either_kind(
    fallback: psycopg.Connection, fallback_table: Table
) -> None:
    """Test one global row per key, one row per tenant per key; a tenant may override the global."""
    name = fallback_table.name
    insert = f"INSERT INTO {name} (tenant_id, code, body) VALUES (%s, 'greeting', 'hi')"
    tenant = fallback.execute(
        "INSERT INTO tenants (slug, name) VALUES ('acme', 'Acme') RETURNING id"
    ).fetchone()[0]
    t.lives_ok(fallback, insert, params=(None,))
    t.throws_ok(fallback, insert, UNIQUE_VIOLATION, f"uq_{name}_code", params=(None,))
    t.lives_ok(fallback, insert, params=(tenant,))
    t.throws_ok(fallback, insert, UNIQUE_VIOLATION, f"uq_{name}_tenant_id_code", params=(tenant,))
