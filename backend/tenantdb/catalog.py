"""Read a live database into the schema model, from ``pg_catalog``.

This is the second way the model of :mod:`tenantdb.model` is built (the first
is from SQL text). Wherever text describes an object, it is what PostgreSQL
prints for it, never what a person typed: types through ``format_type``,
defaults, checks and predicates through ``pg_get_expr``, whole constraints
through ``pg_get_constraintdef``, whole indexes through ``pg_get_indexdef``.
Two databases that hold the same schema therefore give equal models, however
the DDL that made them was spelled.

Four queries read the whole schema (tables, columns, constraints, indexes),
not four per table, so inspecting stays quick as tables are added.

What is read: ordinary and partitioned tables of one schema (``public``),
without Alembic's bookkeeping table ``alembic_version``; their columns,
constraints, indexes and comments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tenantdb.model import (
    CHECK,
    EXCLUDE,
    FOREIGN_KEY,
    PRIMARY_KEY,
    UNIQUE,
    Column,
    Constraint,
    Index,
    IndexElement,
    SchemaModel,
    Source,
    Table,
    normalize_type,
)

if TYPE_CHECKING:
    import psycopg

# TODO(drift): views, sequences, triggers, functions, row-level security policies,
# extensions and privileges are not read, so drift in them goes unreported; the
# declared schema has none of them yet.

#: Tables that belong to the tooling, not to the declared schema.
IGNORED_TABLES = ("alembic_version",)

_KINDS = {"p": PRIMARY_KEY, "f": FOREIGN_KEY, "u": UNIQUE, "c": CHECK, "x": EXCLUDE}
_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
_MATCH = {"s": "SIMPLE", "f": "FULL", "p": "PARTIAL"}

_TABLES = """
SELECT c.oid, c.relname, obj_description(c.oid, 'pg_class')
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = %(schema)s
   AND c.relkind IN ('r', 'p')
   AND NOT c.relispartition
   AND c.relname <> ALL (%(ignored)s)
 ORDER BY c.relname
"""

_COLUMNS = """
SELECT a.attrelid, a.attname,
       format_type(a.atttypid, a.atttypmod),
       a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid),
       a.attidentity,
       a.attgenerated,
       col_description(a.attrelid, a.attnum)
  FROM pg_attribute a
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE a.attrelid = ANY (%(oids)s)
   AND a.attnum > 0
   AND NOT a.attisdropped
 ORDER BY a.attrelid, a.attnum
"""

# contype 'n' is a NOT NULL constraint, which PostgreSQL 18 lists here and 15
# does not; nullability is read from pg_attribute on every version instead.
_CONSTRAINTS = """
SELECT k.conrelid, k.conname, k.contype,
       ARRAY(SELECT a.attname
               FROM unnest(k.conkey) WITH ORDINALITY AS u(attnum, i)
               JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum
              ORDER BY u.i),
       r.relname,
       ARRAY(SELECT a.attname
               FROM unnest(k.confkey) WITH ORDINALITY AS u(attnum, i)
               JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum
              ORDER BY u.i),
       k.confmatchtype, k.confdeltype, k.confupdtype,
       pg_get_expr(k.conbin, k.conrelid),
       pg_get_constraintdef(k.oid),
       k.condeferrable
  FROM pg_constraint k
  LEFT JOIN pg_class r ON r.oid = k.confrelid
 WHERE k.conrelid = ANY (%(oids)s)
   AND k.contype <> 'n'
 ORDER BY k.conrelid, k.conname
"""

# One row per key column of an index (INCLUDE columns are not keys; they show
# in the definition). indoption bit 1 is DESC, bit 2 is NULLS FIRST.
_INDEXES = """
SELECT i.indrelid, ic.relname, i.indisunique, am.amname,
       pg_get_expr(i.indpred, i.indrelid),
       pg_get_indexdef(i.indexrelid),
       EXISTS (SELECT 1 FROM pg_constraint k
                WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid
                  AND k.contype IN ('p', 'u', 'x')),
       ARRAY(SELECT a.attname
               FROM generate_series(1, i.indnkeyatts) AS k
               LEFT JOIN pg_attribute a
                      ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1]
                     AND i.indkey[k - 1] <> 0
              ORDER BY k),
       ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true)
               FROM generate_series(1, i.indnkeyatts) AS k ORDER BY k),
       ARRAY(SELECT i.indoption[k - 1] FROM generate_series(1, i.indnkeyatts) AS k ORDER BY k)
  FROM pg_index i
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_am am ON am.oid = ic.relam
 WHERE i.indrelid = ANY (%(oids)s)
 ORDER BY i.indrelid, ic.relname
"""


def inspect(conn: psycopg.Connection, *, schema: str = "public", label: str = "") -> SchemaModel:
    """Return the schema model of ``schema`` in the database ``conn`` is connected to.

    ``label`` names the database in every object's :class:`~tenantdb.model.Source`
    (e.g. a masked URL), so a report can say where an object was found.
    """
    model = SchemaModel()
    by_oid: dict[int, Table] = {}
    rows = conn.execute(_TABLES, {"schema": schema, "ignored": list(IGNORED_TABLES)}).fetchall()
    for oid, name, comment in rows:
        by_oid[oid] = model.add_table(
            Table(name=name, comment=comment, source=Source(f"{label}:{name}" if label else name))
        )
    if not by_oid:
        return model
    oids = {"oids": list(by_oid)}

    for oid, name, type_, notnull, default, identity, generated, comment in conn.execute(
        _COLUMNS, oids
    ):
        table = by_oid[oid]
        table.columns[name] = Column(
            name=name,
            type=normalize_type(type_),
            nullable=not notnull,
            default=_column_default(default, identity, generated),
            comment=comment,
            source=table.source,
        )

    for row in conn.execute(_CONSTRAINTS, oids):
        oid, name, contype, columns, ref_table, ref_columns = row[:6]
        match, on_delete, on_update, expression, definition, deferrable = row[6:]
        table = by_oid[oid]
        kind = _KINDS.get(contype, contype)
        foreign = kind == FOREIGN_KEY
        table.constraints.append(
            Constraint(
                name=name,
                kind=kind,
                columns=tuple(columns),
                ref_table=ref_table if foreign else None,
                ref_columns=tuple(ref_columns) if foreign else (),
                on_delete=_ACTIONS[on_delete] if foreign else "NO ACTION",
                on_update=_ACTIONS[on_update] if foreign else "NO ACTION",
                match=_MATCH[match] if foreign else "SIMPLE",
                expression=expression if kind == CHECK else None,
                definition=definition,
                deferrable=deferrable,
                source=table.source,
            )
        )

    for row in conn.execute(_INDEXES, oids):
        oid, name, unique, method, predicate, definition, backed, columns, keys, options = row
        table = by_oid[oid]
        table.indexes.append(
            Index(
                name=name,
                table=table.name,
                elements=tuple(
                    _index_element(column, key, option)
                    for column, key, option in zip(columns, keys, options, strict=True)
                ),
                unique=unique,
                method=method,
                predicate=predicate,
                definition=definition,
                constraint_backed=backed,
                source=table.source,
            )
        )
    return model


def _column_default(default: str | None, identity: str, generated: str) -> str | None:
    """The default as PostgreSQL prints it; identity and generated columns say so."""
    if identity:
        return f"GENERATED {'ALWAYS' if identity == 'a' else 'BY DEFAULT'} AS IDENTITY"
    if generated:
        return f"GENERATED ALWAYS AS ({default}) STORED"
    return default


def _index_element(column: str | None, key: str, option: int) -> IndexElement:
    """One key of an index: a column, or (``column`` None) an expression."""
    descending = bool(option & 1)
    nulls_first = bool(option & 2)
    # NULLS FIRST is the default for DESC and NULLS LAST for ASC; only a
    # non-default placement is recorded, as it would have to be written.
    explicit = nulls_first if nulls_first != descending else None
    if column is None:
        return IndexElement(None, key, descending, explicit)
    return IndexElement(column, None, descending, explicit)


def inspect_url(url: str, *, schema: str = "public", source: str = "database") -> SchemaModel:
    """Connect to ``url`` and inspect it; failures become one masked line."""
    from tenantdb.dburl import connect, mask

    with connect(url, source=source) as conn:
        return inspect(conn, schema=schema, label=mask(url))
