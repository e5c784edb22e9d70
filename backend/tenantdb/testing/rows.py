"""Valid rows for any table of a declared schema, with the parent rows they need.

Tests that are derived from the declared schema (the cross-tenant guards,
the CHECK tests, the property test) need a row of a table they know nothing
about. :class:`RowFactory` makes one from the spec:

* a column with a default is left to its default, and a nullable column
  (a nullable reference included) is left NULL;
* a column whose CHECK is a list of values (``values:`` in the spec) takes
  the first value;
* a NOT NULL reference gets a parent row of the same tenant, made the same
  way (recursively);
* any other column takes its *sample* if one is given, else a value of its
  type: text is the column name without underscores and a counter
  (``visitorref7``), which suits most identifier-like CHECKs.

Samples come from one mapping, table -> column -> value, for the columns
whose CHECK the type's value would not satisfy (a host name needs a dot). A
string sample may contain ``{n}``, replaced by a counter, for UNIQUE columns.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg
    from psycopg import sql

    from tenantdb.spec import CheckConstraint, Column, ForeignKey, Schema


def _type_value(column: Column, n: int) -> Any:
    """A value of the column's type; text is made to look like an identifier."""
    base = column.type.split("(")[0]
    if base == "text":
        return re.sub(r"[^a-z0-9]", "", column.name) + str(n)
    if base in ("integer", "bigint", "smallint", "numeric", "real", "double precision"):
        return n
    if base == "boolean":
        return True
    if base == "uuid":
        return uuid.uuid4()
    if base == "timestamptz":
        return dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=n)
    if base == "date":
        return dt.date(2024, 1, 1)
    if base == "jsonb":
        return "{}"
    if base == "inet":
        return "192.0.2.1"
    if base == "interval":
        return "1 hour"
    if base == "bytea":
        return b"x"
    raise ValueError(f"no sample value for type {column.type!r} of column {column.name!r}")


@functools.cache
def allowed_values(check: CheckConstraint) -> tuple[str, ...] | None:
    """Return the values of a ``column IN ('a', 'b')`` CHECK, or None for any other CHECK."""
    import sqlglot
    from sqlglot import exp

    if len(check.columns) != 1:
        return None
    node = sqlglot.parse_one(check.expression, read="postgres")
    if not isinstance(node, exp.In) or not isinstance(node.this, exp.Column):
        return None
    if not all(isinstance(e, exp.Literal) and e.is_string for e in node.expressions):
        return None
    return tuple(e.this for e in node.expressions)


class RowFactory:
    """Make valid rows of a declared schema's tables, and insert them."""

    def __init__(
        self, schema: Schema, samples: Mapping[str, Mapping[str, Any]] | None = None
    ) -> None:
        self.schema = schema
        self.samples = {t: dict(cols) for t, cols in (samples or {}).items()}
        self._counter = itertools.count(1)
        for table, columns in self.samples.items():
            if table not in schema:
                raise ValueError(f"samples name unknown table {table!r}")
            known = {c.name for c in schema.table(table).columns}
            for column in columns:
                if column not in known:
                    raise ValueError(f"samples name unknown column {table}.{column}")

    # -- values -----------------------------------------------------------------------

    def value(self, table: str, column: str) -> Any:
        """Return a fresh valid value for ``table.column`` (a sample, a listed value, a type's)."""
        spec = self.schema.table(table)
        n = next(self._counter)
        if column in self.samples.get(table, {}):
            sample = self.samples[table][column]
            return sample.replace("{n}", str(n)) if isinstance(sample, str) else sample
        for check in spec.checks:
            if check.columns == (column,):
                values = allowed_values(check)
                if values:
                    return values[0]
        return _type_value(spec.column(column), n)

    def expand(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Return ``values`` with ``{n}`` in each string replaced by a fresh counter value."""
        n = next(self._counter)
        return {k: v.replace("{n}", str(n)) if isinstance(v, str) else v for k, v in values.items()}

    def references(self, table: str) -> dict[str, ForeignKey]:
        """Return the composite foreign keys of ``table`` by their reference column."""
        return {
            fk.columns[1]: fk
            for fk in self.schema.table(table).foreign_keys
            if fk.is_composite and fk.columns[0] == "tenant_id"
        }

    def prepare(
        self,
        conn: psycopg.Connection,
        table: str,
        tenant_id: Any = None,
        **overrides: Any,
    ) -> dict[str, Any]:
        """Return the column values of a valid row, inserting the parents it needs.

        ``tenant_id`` is required for a tenant table (it is the row's tenant
        and the tenant of every parent made for it). Columns in
        ``overrides`` are taken as given, and no parent is made for them.
        """
        spec = self.schema.table(table)
        refs = self.references(table)
        values: dict[str, Any] = {}
        if not spec.is_root:
            if tenant_id is None and not spec.is_global_fallback:
                raise ValueError(f"a row of tenant table {table!r} needs a tenant_id")
            values["tenant_id"] = tenant_id
        for column in spec.columns:
            name = column.name
            if column.implicit or name in overrides:
                continue
            if column.default is not None or column.nullable:
                continue
            if name in refs:
                parent = self.insert(conn, refs[name].ref_table, tenant_id)
                values[name] = parent["id"]
            else:
                values[name] = self.value(table, name)
        values.update(overrides)
        return values

    # -- statements -------------------------------------------------------------------

    @staticmethod
    def insert_sql(table: str, values: Mapping[str, Any]) -> sql.Composed:
        """Return ``INSERT INTO table (...) VALUES (...) RETURNING *`` with literal values."""
        from psycopg import sql

        if not values:
            return sql.SQL("INSERT INTO {} DEFAULT VALUES RETURNING *").format(
                sql.Identifier(table)
            )
        return sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING *").format(
            sql.Identifier(table),
            sql.SQL(", ").join(map(sql.Identifier, values)),
            sql.SQL(", ").join(map(sql.Literal, values.values())),
        )

    @staticmethod
    def update_sql(table: str, row_id: Any, values: Mapping[str, Any]) -> sql.Composed:
        """Return ``UPDATE table SET ... WHERE id = ...`` with literal values."""
        from psycopg import sql

        return sql.SQL("UPDATE {} SET {} WHERE id = {}").format(
            sql.Identifier(table),
            sql.SQL(", ").join(
                sql.SQL("{} = {}").format(sql.Identifier(k), sql.Literal(v))
                for k, v in values.items()
            ),
            sql.Literal(row_id),
        )

    def insert(
        self,
        conn: psycopg.Connection,
        table: str,
        tenant_id: Any = None,
        **overrides: Any,
    ) -> dict[str, Any]:
        """Insert a valid row (and the parents it needs); return it as a dict."""
        import psycopg
        from psycopg.rows import dict_row

        values = self.prepare(conn, table, tenant_id, **overrides)
        try:
            with conn.cursor(row_factory=dict_row) as cur:
                row = cur.execute(self.insert_sql(table, values)).fetchone()
        except (psycopg.errors.CheckViolation, psycopg.errors.NotNullViolation) as exc:
            # The factory guessed a value the table refuses: say how to tell it better.
            raise ValueError(
                f"could not make a valid row of {table}: {str(exc).splitlines()[0]}; "
                "give the column a sample value (dbtests/samples.yaml in this project)"
            ) from exc
        assert row is not None
        return row

    def tenant(self, conn: psycopg.Connection, **overrides: Any) -> Any:
        """Insert a row of the root table; return its id."""
        from tenantdb.spec import ROOT_TABLE

        return self.insert(conn, ROOT_TABLE, **overrides)["id"]

    def repoint(
        self, conn: psycopg.Connection, table: str, tenant_id: Any, keep: str | None = None
    ) -> dict[str, Any]:
        """Return the values that move a row of ``table`` to ``tenant_id`` whole.

        Each NOT NULL reference gets a new parent of ``tenant_id``, and each
        nullable one becomes NULL, except ``keep``, left pointing where it
        was: so a test of one foreign key is refused by that key and no other.
        """
        spec = self.schema.table(table)
        values: dict[str, Any] = {"tenant_id": tenant_id}
        for name, fk in self.references(table).items():
            if name == keep:
                continue
            if spec.column(name).nullable:
                values[name] = None
            else:
                values[name] = self.insert(conn, fk.ref_table, tenant_id)["id"]
        return values
