"""Every CHECK constraint of the declared schema refuses a bad value and accepts good ones.

One test per CHECK, generated from the spec (see conftest.py). The bad and
good cases come from ``dbtests/samples.yaml``; a list-of-values CHECK needs
none, any value outside its list being bad. A new CHECK without a bad case
fails here, saying where to add one.
"""

from __future__ import annotations

import psycopg

from tenantdb import testing as t
from tenantdb.testing.rows import RowFactory

CHECK_VIOLATION = "23514"


def _row(conn: psycopg.Connection, rows: RowFactory, table: str, changes: dict) -> dict:
    """Return a valid row of ``table`` with ``changes``, its parents inserted."""
    spec = rows.schema.table(table)
    tenant = None if spec.is_root else rows.tenant(conn)
    return rows.prepare(conn, table, tenant, **rows.expand(changes))


def test_check_refuses_a_bad_value(rollback_db: psycopg.Connection, rows: RowFactory, check_case):
    """Test that the CHECK refuses its bad case with 23514, naming itself."""
    assert check_case.bad is not None, (
        f"{check_case.check.name} ({check_case.table}: {check_case.check.expression}) has no "
        "bad case; add one under checks: in dbtests/samples.yaml"
    )
    values = _row(rollback_db, rows, check_case.table, check_case.bad)
    t.throws_ok(
        rollback_db,
        rows.insert_sql(check_case.table, values),
        CHECK_VIOLATION,
        check_case.check.name,
    )


def test_check_accepts_good_values(rollback_db: psycopg.Connection, rows: RowFactory, check_case):
    """Test that the CHECK accepts a valid row, and each good case of samples.yaml."""
    for changes in ({}, *check_case.good):
        values = _row(rollback_db, rows, check_case.table, changes)
        t.lives_ok(rollback_db, rows.insert_sql(check_case.table, values))


def test_list_of_values_accepts_each_value(rollback_db: psycopg.Connection, rows: RowFactory):
    """Test that every value a `values:` list declares passes its own CHECK.

    A value may still be refused by another CHECK of the row (a conversation
    'closed' needs closed_at); only the list's own constraint must not object.
    """
    from tenantdb.testing.rows import allowed_values

    for table in rows.schema.tables:
        for check in table.checks:
            for value in allowed_values(check) or ():
                values = _row(rollback_db, rows, table.name, {check.columns[0]: value})
                try:
                    with rollback_db.transaction(force_rollback=True):
                        rollback_db.execute(rows.insert_sql(table.name, values))
                except psycopg.errors.CheckViolation as exc:
                    assert exc.diag.constraint_name != check.name, (
                        f"{check.name} refuses its own listed value {value!r}"
                    )
