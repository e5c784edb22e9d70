"""ON DELETE does what the declared schema chose, for every composite foreign key.

Derived from the declared schema like the tenancy tests: deleting a parent row
either deletes its children (CASCADE) or is refused with the name of the key
(RESTRICT, NO ACTION). Deleting a tenant deletes every row it owns, in every
table, and nothing of another tenant's.

PostgreSQL reports a RESTRICT refusal as ``restrict_violation`` (23001) since
version 18 and as ``foreign_key_violation`` (23503) before; both mean the key
held, so both are accepted for RESTRICT, and only 23503 for NO ACTION.
"""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from tenantdb.spec import Schema
from tenantdb.testing.rows import RowFactory

REFUSED = {"RESTRICT": {"23001", "23503"}, "NO ACTION": {"23503"}}


def _delete(conn: psycopg.Connection, table: str, row_id: object) -> None:
    conn.execute(sql.SQL("DELETE FROM {} WHERE id = %s").format(sql.Identifier(table)), (row_id,))


def _exists(conn: psycopg.Connection, table: str, row_id: object) -> bool:
    query = sql.SQL("SELECT 1 FROM {} WHERE id = %s").format(sql.Identifier(table))
    return conn.execute(query, (row_id,)).fetchone() is not None


def test_deleting_a_parent_does_what_the_key_declares(
    rollback_db: psycopg.Connection, rows: RowFactory, composite_key
) -> None:
    """Test that CASCADE deletes the child and RESTRICT / NO ACTION refuse, naming the key."""
    fk = composite_key.fk
    tenant = rows.tenant(rollback_db)
    parent = rows.insert(rollback_db, fk.ref_table, tenant)
    child = rows.insert(
        rollback_db, composite_key.table, tenant, **{composite_key.column: parent["id"]}
    )

    if fk.on_delete == "CASCADE":
        _delete(rollback_db, fk.ref_table, parent["id"])
        assert not _exists(rollback_db, composite_key.table, child["id"])
        return

    with pytest.raises(psycopg.errors.IntegrityError) as caught, rollback_db.transaction():
        _delete(rollback_db, fk.ref_table, parent["id"])
    assert caught.value.sqlstate in REFUSED[fk.on_delete], caught.value
    assert caught.value.diag.constraint_name == fk.name
    assert _exists(rollback_db, fk.ref_table, parent["id"])
    assert _exists(rollback_db, composite_key.table, child["id"])


def test_deleting_a_tenant_deletes_all_its_rows_and_only_its_own(
    rollback_db: psycopg.Connection, rows: RowFactory, schema: Schema
) -> None:
    """Test that offboarding a tenant erases it everywhere, RESTRICT keys notwithstanding."""
    leaving, staying = rows.tenant(rollback_db), rows.tenant(rollback_db)
    for tenant in (leaving, staying):
        for table in schema.tables[1:]:
            # Fill the nullable references too, so that the RESTRICT keys are in play.
            references = {
                column: rows.insert(rollback_db, fk.ref_table, tenant)["id"]
                for column, fk in rows.references(table.name).items()
            }
            rows.insert(rollback_db, table.name, tenant, **references)

    _delete(rollback_db, "tenants", leaving)

    for table in schema.tables[1:]:
        query = sql.SQL("SELECT tenant_id, count(*) FROM {} GROUP BY tenant_id").format(
            sql.Identifier(table.name)
        )
        counts = dict(rollback_db.execute(query).fetchall())
        assert leaving not in counts, f"{table.name} kept rows of the deleted tenant"
        assert counts.get(staying, 0) > 0, f"{table.name} lost the other tenant's rows"
