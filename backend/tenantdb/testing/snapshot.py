"""A normalized read of a schema's catalog, to compare two databases for equality.

Tables, their columns (type, NOT NULL, default), constraint definitions,
index definitions and comments, as ``pg_catalog`` prints them, keyed by name
and sorted, so that two databases built the same way give equal snapshots
whatever the object ids or the creation order. NOT NULL constraints
(contype 'n', listed only by PostgreSQL 18 and later) are left out; a
column's NOT NULL is part of the column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg


def catalog_snapshot(conn: psycopg.Connection, schema: str = "public") -> dict[str, Any]:
    """Return ``{table: {comment, columns, constraints, indexes}}`` for the tables of ``schema``.

    ``columns`` is a list of (name, type, NOT NULL, default, comment) in
    column order; ``constraints`` and ``indexes`` map names to definitions.
    """
    tables: dict[str, Any] = {}
    for name, comment in conn.execute(
        """
        SELECT c.relname, obj_description(c.oid, 'pg_class')
          FROM pg_catalog.pg_class c
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = %s AND c.relkind IN ('r', 'p')
        """,
        (schema,),
    ).fetchall():
        tables[name] = {"comment": comment, "columns": [], "constraints": {}, "indexes": {}}
    for table, column, type_, not_null, default, comment in conn.execute(
        """
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               pg_get_expr(d.adbin, d.adrelid), col_description(c.oid, a.attnum)
          FROM pg_catalog.pg_attribute a
          JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND a.attnum > 0
           AND NOT a.attisdropped
         ORDER BY c.relname, a.attnum
        """,
        (schema,),
    ).fetchall():
        # A list, in column order: equal snapshots also have equal column order.
        tables[table]["columns"].append((column, type_, not_null, default, comment))
    for table, name, definition in conn.execute(
        """
        SELECT c.relname, k.conname, pg_get_constraintdef(k.oid)
          FROM pg_catalog.pg_constraint k
          JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = %s AND k.contype <> 'n'
        """,
        (schema,),
    ).fetchall():
        tables[table]["constraints"][name] = definition
    for table, name, definition in conn.execute(
        """
        SELECT c.relname, ic.relname, pg_get_indexdef(i.indexrelid)
          FROM pg_catalog.pg_index i
          JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
          JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = %s
        """,
        (schema,),
    ).fetchall():
        tables[table]["indexes"][name] = definition
    return {
        name: {key: dict(sorted(v.items())) if isinstance(v, dict) else v for key, v in t.items()}
        for name, t in sorted(tables.items())
    }
