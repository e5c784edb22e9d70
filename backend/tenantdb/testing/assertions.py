"""pgTAP's assertions as plain Python functions over a psycopg connection.

Each function reads ``pg_catalog`` (never ``information_schema``, which hides
what the current role does not own) and returns quietly when the database is
as wanted; otherwise it raises ``AssertionError`` whose message reads like
pgTAP's diagnostics: a title line, then what was wanted and what was found,
or the extra and the missing items of a set::

    tables_are(public): the tables differ
        extra:
            scratch
        missing:
            tenant_domains

Tables are named as in SQL, optionally qualified (``"audit.events"``), or
with the ``schema`` keyword; the default schema is ``public``. NOT NULL
constraints, which PostgreSQL 18 lists in ``pg_constraint`` (contype 'n') and
older servers do not, are never counted as constraints, so a test passes the
same on both.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    import psycopg
    from psycopg import sql as pgsql

    Query = str | pgsql.Composable

__all__ = (
    "col_default_is",
    "col_has_default",
    "col_hasnt_default",
    "col_is_null",
    "col_is_pk",
    "col_is_unique",
    "col_not_null",
    "col_type_is",
    "columns_are",
    "constraints_are",
    "fk_ok",
    "has_check",
    "has_column",
    "has_fk",
    "has_index",
    "has_pk",
    "has_table",
    "hasnt_column",
    "hasnt_table",
    "index_is_partial",
    "index_is_unique",
    "indexes_are",
    "is_empty",
    "lives_ok",
    "results_eq",
    "set_eq",
    "tables_are",
    "throws_ok",
)

#: How many rows of a result a diagnostic shows before it says "... and N more".
SHOWN_ROWS = 20

#: Relation kinds that count as tables: ordinary and partitioned.
TABLE_KINDS = ("r", "p")


# -- diagnostics ----------------------------------------------------------------------


def _fail(title: str, **details: Any) -> NoReturn:
    """Raise AssertionError: ``title``, then one indented entry per detail.

    A scalar detail (a tuple is one row) is one line (``wanted: integer``); a list or set is a
    block with one item per line, as pgTAP prints extra and missing items.
    Empty details are left out.
    """
    lines = [title]
    blocks = list | set | frozenset
    width = max((len(k) for k, v in details.items() if not isinstance(v, blocks)), default=0) + 1
    for key, value in details.items():
        label = key.replace("_", " ")
        if isinstance(value, blocks):
            items = sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
            if not items:
                continue
            lines.append(f"    {label}:")
            shown = items[:SHOWN_ROWS]
            lines += [f"        {_show(item)}" for item in shown]
            if len(items) > len(shown):
                lines.append(f"        ... and {len(items) - len(shown)} more")
        elif value is not None:
            lines.append(f"    {(label + ':').ljust(width)} {_show(value)}")
    raise AssertionError("\n".join(lines))


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        return "(" + ", ".join(_show_value(v) for v in value) + ")"
    return repr(value)


def _show_value(value: Any) -> str:
    return "NULL" if value is None else repr(value)


def _cols(columns: str | Sequence[str]) -> tuple[str, ...]:
    return (columns,) if isinstance(columns, str) else tuple(columns)


def _join(columns: Iterable[str]) -> str:
    return ", ".join(columns)


# -- catalog reads --------------------------------------------------------------------


def _split(table: str, schema: str) -> tuple[str, str]:
    """Return (schema, table) from ``table`` or ``schema.table``."""
    if "." in table:
        qualifier, name = table.split(".", 1)
        return qualifier, name
    return schema, table


def _table_oid(conn: psycopg.Connection, table: str, schema: str) -> int | None:
    row = conn.execute(
        """
        SELECT c.oid
          FROM pg_catalog.pg_class c
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = %s AND c.relname = %s AND c.relkind = ANY(%s)
        """,
        (schema, table, list(TABLE_KINDS)),
    ).fetchone()
    return int(row[0]) if row else None


def _require_table(conn: psycopg.Connection, who: str, table: str, schema: str) -> int:
    nsp, name = _split(table, schema)
    oid = _table_oid(conn, name, nsp)
    if oid is None:
        _fail(f"{who}: table {nsp}.{name} does not exist", found=_tables(conn, nsp))
    return oid


def _tables(conn: psycopg.Connection, schema: str) -> list[str]:
    rows = conn.execute(
        """
        SELECT c.relname
          FROM pg_catalog.pg_class c
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = %s AND c.relkind = ANY(%s)
         ORDER BY c.relname
        """,
        (schema, list(TABLE_KINDS)),
    ).fetchall()
    return [r[0] for r in rows]


def _columns(conn: psycopg.Connection, oid: int) -> dict[str, dict[str, Any]]:
    """Return the live columns of a table in order: type, NOT NULL, default."""
    rows = conn.execute(
        """
        SELECT a.attname,
               pg_catalog.format_type(a.atttypid, a.atttypmod),
               a.attnotnull,
               a.atthasdef,
               pg_catalog.pg_get_expr(d.adbin, d.adrelid)
          FROM pg_catalog.pg_attribute a
          LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped
         ORDER BY a.attnum
        """,
        (oid,),
    ).fetchall()
    return {
        name: {"type": type_, "not_null": not_null, "has_default": has_def, "default": default}
        for name, type_, not_null, has_def, default in rows
    }


def _column(
    conn: psycopg.Connection, who: str, table: str, column: str, schema: str
) -> dict[str, Any]:
    oid = _require_table(conn, who, table, schema)
    columns = _columns(conn, oid)
    if column not in columns:
        _fail(f"{who}: column {table}.{column} does not exist", found=list(columns))
    return columns[column]


def _constraints(conn: psycopg.Connection, oid: int) -> list[dict[str, Any]]:
    """Return the table's constraints but NOT NULL ones: name, kind, columns, reference."""
    rows = conn.execute(
        """
        SELECT c.conname,
               c.contype,
               ARRAY(SELECT a.attname
                       FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
                       JOIN pg_catalog.pg_attribute a
                         ON a.attrelid = c.conrelid AND a.attnum = k.attnum
                      ORDER BY k.ord),
               rn.nspname,
               rc.relname,
               ARRAY(SELECT a.attname
                       FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord)
                       JOIN pg_catalog.pg_attribute a
                         ON a.attrelid = c.confrelid AND a.attnum = k.attnum
                      ORDER BY k.ord),
               pg_catalog.pg_get_constraintdef(c.oid, true)
          FROM pg_catalog.pg_constraint c
          LEFT JOIN pg_catalog.pg_class rc ON rc.oid = c.confrelid
          LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
         WHERE c.conrelid = %s AND c.contype <> 'n'
         ORDER BY c.conname
        """,
        (oid,),
    ).fetchall()
    return [
        {
            "name": name,
            "type": contype,
            "columns": tuple(cols),
            "ref_schema": ref_schema,
            "ref_table": ref_table,
            "ref_columns": tuple(ref_cols or ()),
            "definition": definition,
        }
        for name, contype, cols, ref_schema, ref_table, ref_cols, definition in rows
    ]


def _indexes(conn: psycopg.Connection, oid: int) -> dict[str, dict[str, Any]]:
    """Return the table's indexes: key columns (with DESC), unique, predicate, definition."""
    rows = conn.execute(
        """
        SELECT ic.relname,
               ARRAY(SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k.n::int, true)
                            || CASE WHEN i.indoption[k.n - 1] & 1 = 1 THEN ' DESC' ELSE '' END
                       FROM generate_series(1, i.indnkeyatts) AS k(n)
                      ORDER BY k.n),
               i.indisunique,
               pg_catalog.pg_get_expr(i.indpred, i.indrelid),
               pg_catalog.pg_get_indexdef(i.indexrelid)
          FROM pg_catalog.pg_index i
          JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
         WHERE i.indrelid = %s
         ORDER BY ic.relname
        """,
        (oid,),
    ).fetchall()
    return {
        name: {"columns": tuple(cols), "unique": unique, "predicate": pred, "definition": d}
        for name, cols, unique, pred, d in rows
    }


def _index(
    conn: psycopg.Connection, who: str, table: str, index: str, schema: str
) -> dict[str, Any]:
    oid = _require_table(conn, who, table, schema)
    indexes = _indexes(conn, oid)
    if index not in indexes:
        _fail(f"{who}: index {index} on {table} does not exist", found=list(indexes))
    return indexes[index]


# -- savepoints and normalization ------------------------------------------------------


@contextmanager
def _savepoint(conn: psycopg.Connection, *, keep: bool) -> Iterator[None]:
    """Run a block in a savepoint: undone on error, and also on success unless ``keep``.

    With autocommit on and no transaction open there is nothing to protect,
    and psycopg's ``transaction()`` opens one; otherwise a plain SAVEPOINT,
    so that a connection with autocommit off never sees a COMMIT it did not
    ask for.
    """
    if conn.autocommit:
        with conn.transaction(force_rollback=not keep):
            yield
        return
    conn.execute("SAVEPOINT tenantdb_testing")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK TO SAVEPOINT tenantdb_testing")
        conn.execute("RELEASE SAVEPOINT tenantdb_testing")
        raise
    if not keep:
        conn.execute("ROLLBACK TO SAVEPOINT tenantdb_testing")
    conn.execute("RELEASE SAVEPOINT tenantdb_testing")


def _probe(conn: psycopg.Connection, statements: Sequence[Query], read: Query) -> Any:
    """Run ``statements`` in a savepoint that is always undone; return ``read``'s value.

    Used to let the server spell an expression or a type the way it would
    store it (``'open'`` becomes ``'open'::text``), so that a test may write
    what the spec says rather than what the catalog prints. None when the
    server refuses (a read-only transaction, a bad expression).
    """
    import psycopg

    try:
        with _savepoint(conn, keep=False):
            for statement in statements:
                conn.execute(statement)
            row = conn.execute(read).fetchone()
    except psycopg.Error:
        return None
    return row[0] if row else None


def _probe_table(conn: psycopg.Connection, table: str, schema: str) -> list[Query]:
    from psycopg import sql

    nsp, name = _split(table, schema)
    return [
        sql.SQL("CREATE TEMPORARY TABLE tenantdb_testing_probe (LIKE {} )").format(
            sql.Identifier(nsp, name)
        )
    ]


def _normalize_type(conn: psycopg.Connection, type_: str) -> str:
    from psycopg import sql

    spelled = _probe(
        conn,
        [sql.SQL("CREATE TEMPORARY TABLE tenantdb_testing_probe (c {})").format(sql.SQL(type_))],
        """
        SELECT pg_catalog.format_type(atttypid, atttypmod) FROM pg_catalog.pg_attribute
         WHERE attrelid = 'tenantdb_testing_probe'::regclass AND attname = 'c'
        """,
    )
    return spelled or type_


def _normalize_expression(conn: psycopg.Connection, table: str, schema: str, text: str) -> str:
    """Return ``text`` as the server deparses it over ``table``'s columns (as a CHECK)."""
    from psycopg import sql

    spelled = _probe(
        conn,
        [
            *_probe_table(conn, table, schema),
            sql.SQL("ALTER TABLE tenantdb_testing_probe ADD CONSTRAINT probe CHECK ({})").format(
                sql.SQL(text)
            ),
        ],
        """
        SELECT pg_catalog.pg_get_expr(conbin, conrelid) FROM pg_catalog.pg_constraint
         WHERE conrelid = 'tenantdb_testing_probe'::regclass AND conname = 'probe'
        """,
    )
    return spelled or text


def _normalize_default(
    conn: psycopg.Connection, table: str, column: str, schema: str, text: str
) -> str:
    from psycopg import sql

    spelled = _probe(
        conn,
        [
            *_probe_table(conn, table, schema),
            sql.SQL("ALTER TABLE tenantdb_testing_probe ALTER COLUMN {} SET DEFAULT {}").format(
                sql.Identifier(column), sql.SQL(text)
            ),
        ],
        sql.SQL(
            """
            SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid)
              FROM pg_catalog.pg_attrdef d
              JOIN pg_catalog.pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
             WHERE d.adrelid = 'tenantdb_testing_probe'::regclass AND a.attname = {}
            """
        ).format(sql.Literal(column)),
    )
    return spelled or text


def _same_expression(found: str | None, wanted: str) -> bool:
    """Compare expressions loosely: whitespace and one outer pair of parentheses."""
    if found is None:
        return False

    def squash(text: str) -> str:
        text = " ".join(text.split())
        while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
            text = text[1:-1].strip()
        return text

    return squash(found) == squash(wanted)


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


# -- tables and columns ---------------------------------------------------------------


def has_table(conn: psycopg.Connection, table: str, *, schema: str = "public") -> None:
    """Pass when ``table`` exists (an ordinary or a partitioned table)."""
    _require_table(conn, "has_table", table, schema)


def hasnt_table(conn: psycopg.Connection, table: str, *, schema: str = "public") -> None:
    """Pass when ``table`` does not exist."""
    nsp, name = _split(table, schema)
    if _table_oid(conn, name, nsp) is not None:
        _fail(f"hasnt_table: table {nsp}.{name} exists")


def tables_are(conn: psycopg.Connection, tables: Iterable[str], *, schema: str = "public") -> None:
    """Pass when the schema's tables are exactly ``tables``: none missing, none extra."""
    wanted = set(tables)
    found = set(_tables(conn, schema))
    if wanted != found:
        _fail(
            f"tables_are({schema}): the tables differ",
            extra=found - wanted,
            missing=wanted - found,
        )


def has_column(
    conn: psycopg.Connection, table: str, column: str, *, schema: str = "public"
) -> None:
    """Pass when ``table`` has ``column``."""
    _column(conn, "has_column", table, column, schema)


def hasnt_column(
    conn: psycopg.Connection, table: str, column: str, *, schema: str = "public"
) -> None:
    """Pass when ``table`` exists and has no ``column``."""
    oid = _require_table(conn, "hasnt_column", table, schema)
    if column in _columns(conn, oid):
        _fail(f"hasnt_column: column {table}.{column} exists")


def columns_are(
    conn: psycopg.Connection, table: str, columns: Iterable[str], *, schema: str = "public"
) -> None:
    """Pass when the table's columns are exactly ``columns`` (in any order)."""
    oid = _require_table(conn, "columns_are", table, schema)
    wanted = set(columns)
    found = set(_columns(conn, oid))
    if wanted != found:
        _fail(
            f"columns_are({table}): the columns differ",
            extra=found - wanted,
            missing=wanted - found,
        )


def col_type_is(
    conn: psycopg.Connection, table: str, column: str, type: str, *, schema: str = "public"
) -> None:
    """Pass when the column's type is ``type``, spelled any way PostgreSQL accepts.

    ``timestamptz`` matches ``timestamp with time zone``; a type modifier must
    match too (``numeric`` does not match ``numeric(10,2)``).
    """
    found = _column(conn, "col_type_is", table, column, schema)["type"]
    if found == type or found == _normalize_type(conn, type):
        return
    _fail(f"col_type_is({table}.{column}): wrong type", wanted=type, found=found)


def col_not_null(
    conn: psycopg.Connection, table: str, column: str, *, schema: str = "public"
) -> None:
    """Pass when the column is NOT NULL."""
    if not _column(conn, "col_not_null", table, column, schema)["not_null"]:
        _fail(f"col_not_null({table}.{column}): the column allows NULL")


def col_is_null(
    conn: psycopg.Connection, table: str, column: str, *, schema: str = "public"
) -> None:
    """Pass when the column allows NULL."""
    if _column(conn, "col_is_null", table, column, schema)["not_null"]:
        _fail(f"col_is_null({table}.{column}): the column is NOT NULL")


def col_has_default(
    conn: psycopg.Connection, table: str, column: str, *, schema: str = "public"
) -> None:
    """Pass when the column has a default."""
    if not _column(conn, "col_has_default", table, column, schema)["has_default"]:
        _fail(f"col_has_default({table}.{column}): the column has no default")


def col_hasnt_default(
    conn: psycopg.Connection, table: str, column: str, *, schema: str = "public"
) -> None:
    """Pass when the column has no default."""
    info = _column(conn, "col_hasnt_default", table, column, schema)
    if info["has_default"]:
        _fail(
            f"col_hasnt_default({table}.{column}): the column has a default", found=info["default"]
        )


def col_default_is(
    conn: psycopg.Connection,
    table: str,
    column: str,
    default: str | bool | int | float,
    *,
    schema: str = "public",
) -> None:
    """Pass when the column's default is the expression ``default``.

    ``default`` is SQL text (``"'open'"``, ``"now()"``), compared as the
    server stores it, so ``'open'`` matches the catalog's ``'open'::text``.
    A Python bool or number stands for its SQL literal.
    """
    if isinstance(default, bool):
        default = "true" if default else "false"
    default = str(default)
    info = _column(conn, "col_default_is", table, column, schema)
    if not info["has_default"]:
        _fail(f"col_default_is({table}.{column}): the column has no default", wanted=default)
    found = info["default"]
    if _same_expression(found, default):
        return
    if found == _normalize_default(conn, table, column, schema, default):
        return
    _fail(f"col_default_is({table}.{column}): wrong default", wanted=default, found=found)


# -- keys and constraints -------------------------------------------------------------


def has_pk(conn: psycopg.Connection, table: str, *, schema: str = "public") -> None:
    """Pass when the table has a primary key."""
    oid = _require_table(conn, "has_pk", table, schema)
    if not any(c["type"] == "p" for c in _constraints(conn, oid)):
        _fail(f"has_pk({table}): the table has no primary key")


def col_is_pk(
    conn: psycopg.Connection, table: str, columns: str | Sequence[str], *, schema: str = "public"
) -> None:
    """Pass when the primary key is exactly ``columns``, in this order."""
    wanted = _cols(columns)
    oid = _require_table(conn, "col_is_pk", table, schema)
    keys = [c["columns"] for c in _constraints(conn, oid) if c["type"] == "p"]
    if not keys:
        _fail(f"col_is_pk({table}): the table has no primary key", wanted=_join(wanted))
    if keys[0] != wanted:
        _fail(
            f"col_is_pk({table}): the primary key has other columns",
            wanted=_join(wanted),
            found=_join(keys[0]),
        )


def has_fk(conn: psycopg.Connection, table: str, *, schema: str = "public") -> None:
    """Pass when the table has at least one foreign key."""
    oid = _require_table(conn, "has_fk", table, schema)
    if not any(c["type"] == "f" for c in _constraints(conn, oid)):
        _fail(f"has_fk({table}): the table has no foreign key")


def fk_ok(
    conn: psycopg.Connection,
    table: str,
    columns: str | Sequence[str],
    ref_table: str,
    ref_columns: str | Sequence[str],
    *,
    schema: str = "public",
    ref_schema: str | None = None,
    name: str | None = None,
) -> None:
    """Pass when ``table(columns)`` references ``ref_table(ref_columns)``, columns in this order.

    Order matters on both sides: ``(tenant_id, conversation_id) -> (tenant_id,
    id)`` is the composite key, and a key declared the other way round would
    pair the wrong columns. With ``name``, the constraint must also be called so.
    """
    cols, ref_cols = _cols(columns), _cols(ref_columns)
    ref_nsp, ref_name = _split(ref_table, ref_schema or _split(table, schema)[0])
    oid = _require_table(conn, "fk_ok", table, schema)
    fks = [c for c in _constraints(conn, oid) if c["type"] == "f"]
    wanted = f"{table}({_join(cols)}) REFERENCES {ref_nsp}.{ref_name}({_join(ref_cols)})"

    def spell(fk: dict[str, Any]) -> str:
        return (
            f"{fk['name']}: {table}({_join(fk['columns'])}) REFERENCES "
            f"{fk['ref_schema']}.{fk['ref_table']}({_join(fk['ref_columns'])})"
        )

    for fk in fks:
        if (fk["columns"], fk["ref_schema"], fk["ref_table"], fk["ref_columns"]) == (
            cols,
            ref_nsp,
            ref_name,
            ref_cols,
        ):
            if name is not None and fk["name"] != name:
                _fail(
                    f"fk_ok({table}): the foreign key has another name",
                    wanted=name,
                    found=fk["name"],
                )
            return
    _fail(
        f"fk_ok({table}): no such foreign key",
        wanted=wanted if name is None else f"{name}: {wanted}",
        found=[spell(fk) for fk in fks] or "no foreign keys",
    )


def col_is_unique(
    conn: psycopg.Connection, table: str, columns: str | Sequence[str], *, schema: str = "public"
) -> None:
    """Pass when a UNIQUE constraint covers exactly ``columns``, in this order.

    A unique index that is not a constraint does not count; see
    :func:`index_is_unique` for those (the partial unique pair of a
    global-fallback table is two indexes).
    """
    wanted = _cols(columns)
    oid = _require_table(conn, "col_is_unique", table, schema)
    uniques = [c for c in _constraints(conn, oid) if c["type"] == "u"]
    if not any(u["columns"] == wanted for u in uniques):
        _fail(
            f"col_is_unique({table}): no UNIQUE constraint on ({_join(wanted)})",
            wanted=_join(wanted),
            found=[f"{u['name']}: ({_join(u['columns'])})" for u in uniques] or "none",
        )


def has_check(
    conn: psycopg.Connection, table: str, *, schema: str = "public", name: str | None = None
) -> None:
    """Pass when the table has a CHECK constraint (the one called ``name``, if given)."""
    oid = _require_table(conn, "has_check", table, schema)
    checks = [c["name"] for c in _constraints(conn, oid) if c["type"] == "c"]
    if not checks:
        _fail(f"has_check({table}): the table has no CHECK constraint")
    if name is not None and name not in checks:
        _fail(f"has_check({table}): no CHECK constraint {name}", wanted=name, found=checks)


def constraints_are(
    conn: psycopg.Connection, table: str, names: Iterable[str], *, schema: str = "public"
) -> None:
    """Pass when the table's constraints are exactly ``names``.

    Primary, unique, foreign-key, check and exclusion constraints count;
    NOT NULL ones do not (see the module's docstring).
    """
    oid = _require_table(conn, "constraints_are", table, schema)
    wanted = set(names)
    found = {c["name"] for c in _constraints(conn, oid)}
    if wanted != found:
        _fail(
            f"constraints_are({table}): the constraints differ",
            extra=found - wanted,
            missing=wanted - found,
        )


# -- indexes --------------------------------------------------------------------------


def has_index(
    conn: psycopg.Connection,
    table: str,
    index: str,
    columns: str | Sequence[str] | None = None,
    *,
    schema: str = "public",
) -> None:
    """Pass when ``index`` exists on ``table``, over ``columns`` in this order if given.

    A column may carry its direction (``"created_at desc"``); then directions
    are compared too, otherwise only the names.
    """
    info = _index(conn, "has_index", table, index, schema)
    if columns is None:
        return
    wanted = tuple(" ".join(c.split()) for c in _cols(columns))
    with_direction = any(c.lower().endswith((" desc", " asc")) for c in wanted)
    if with_direction:
        wanted = tuple(_direction(c) for c in wanted)
        found = info["columns"]
    else:
        found = tuple(c.removesuffix(" DESC") for c in info["columns"])
    if found != wanted:
        _fail(
            f"has_index({table}.{index}): the index has other columns",
            wanted=_join(wanted),
            found=_join(found),
        )


def _direction(column: str) -> str:
    name, _, direction = column.rpartition(" ")
    if direction.lower() == "desc":
        return f"{name} DESC"
    return name if direction.lower() == "asc" else column


def index_is_unique(
    conn: psycopg.Connection, table: str, index: str, *, schema: str = "public"
) -> None:
    """Pass when ``index`` is a unique index."""
    info = _index(conn, "index_is_unique", table, index, schema)
    if not info["unique"]:
        _fail(
            f"index_is_unique({table}.{index}): the index is not unique", found=info["definition"]
        )


def index_is_partial(
    conn: psycopg.Connection,
    table: str,
    index: str,
    predicate: str | None = None,
    *,
    schema: str = "public",
) -> None:
    """Pass when ``index`` has a WHERE clause (equal to ``predicate``, if given).

    The predicate is compared as the server deparses it, so ``tenant_id IS
    NULL`` matches the catalog's ``(tenant_id IS NULL)``.
    """
    info = _index(conn, "index_is_partial", table, index, schema)
    found = info["predicate"]
    if found is None:
        _fail(
            f"index_is_partial({table}.{index}): the index is not partial",
            wanted=predicate,
            found=info["definition"],
        )
    if predicate is None or _same_expression(found, predicate):
        return
    if _same_expression(found, _normalize_expression(conn, table, schema, predicate)):
        return
    _fail(f"index_is_partial({table}.{index}): another predicate", wanted=predicate, found=found)


def indexes_are(
    conn: psycopg.Connection, table: str, indexes: Iterable[str], *, schema: str = "public"
) -> None:
    """Pass when the table's indexes, including those of its keys, are exactly ``indexes``."""
    oid = _require_table(conn, "indexes_are", table, schema)
    wanted = set(indexes)
    found = set(_indexes(conn, oid))
    if wanted != found:
        _fail(
            f"indexes_are({table}): the indexes differ",
            extra=found - wanted,
            missing=wanted - found,
        )


# -- statements and results -----------------------------------------------------------


def _sqlstate(wanted: str) -> str:
    """Accept a SQLSTATE (``23503``) or its condition name (``foreign_key_violation``)."""
    from psycopg import errors

    try:
        return str(errors.lookup(wanted.upper()).sqlstate)
    except KeyError:
        return wanted


def _describe_error(exc: BaseException) -> str:
    import psycopg

    if not isinstance(exc, psycopg.Error):
        return f"{type(exc).__name__}: {exc}"
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    text = f"{exc.sqlstate}: {first}"
    if exc.diag.constraint_name:
        text += f" [constraint {exc.diag.constraint_name}]"
    return text


def throws_ok(
    conn: psycopg.Connection,
    sql: Query,
    sqlstate: str,
    constraint: str | None = None,
    *,
    params: Sequence[Any] | Mapping[str, Any] | None = None,
    message: str | None = None,
) -> Exception:
    """Pass when ``sql`` fails with ``sqlstate`` (and on ``constraint``, if given).

    The statement runs in a savepoint that is always rolled back, so the
    connection stays usable and a statement that wrongly succeeds leaves no
    trace. ``message``, if given, must occur in the error's text. Returns
    the error, for further checks.
    """
    import psycopg

    wanted_state = _sqlstate(sqlstate)
    wanted = wanted_state + (f" [constraint {constraint}]" if constraint else "")
    try:
        with _savepoint(conn, keep=False):
            conn.execute(sql, params)
    except psycopg.Error as exc:
        found_constraint = exc.diag.constraint_name
        if exc.sqlstate != wanted_state or (
            constraint is not None and found_constraint != constraint
        ):
            _fail(
                "throws_ok: the statement failed otherwise",
                wanted=wanted,
                found=_describe_error(exc),
            )
        if message is not None and message not in str(exc):
            _fail(
                "throws_ok: the error says something else",
                wanted=message,
                found=_describe_error(exc),
            )
        return exc
    _fail("throws_ok: the statement succeeded", wanted=wanted, found="no error")


def lives_ok(
    conn: psycopg.Connection,
    sql: Query,
    *,
    params: Sequence[Any] | Mapping[str, Any] | None = None,
) -> None:
    """Pass when ``sql`` runs without error; its effects stay.

    It runs in a savepoint, so a failure leaves the connection usable and
    the diagnostic shows the SQLSTATE and the constraint.
    """
    import psycopg

    try:
        with _savepoint(conn, keep=True):
            conn.execute(sql, params)
    except psycopg.Error as exc:
        _fail("lives_ok: the statement failed", found=_describe_error(exc))


def _rows(
    conn: psycopg.Connection,
    sql: Query,
    params: Sequence[Any] | Mapping[str, Any] | None,
) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in conn.execute(sql, params).fetchall()]


def _as_rows(rows: Iterable[Any]) -> list[tuple[Any, ...]]:
    """Let a single value stand for a one-column row."""
    return [tuple(r) if isinstance(r, list | tuple) else (r,) for r in rows]


def results_eq(
    conn: psycopg.Connection,
    sql: Query,
    rows: Iterable[Any],
    *,
    params: Sequence[Any] | Mapping[str, Any] | None = None,
) -> None:
    """Pass when ``sql`` returns exactly ``rows``, in this order."""
    wanted = _as_rows(rows)
    found = _rows(conn, sql, params)
    if found == wanted:
        return
    for number, (have, want) in enumerate(zip(found, wanted, strict=False), start=1):
        if have != want:
            _fail(
                f"results_eq: the results differ beginning at row {number}", wanted=want, found=have
            )
    _fail(
        "results_eq: the number of rows differs",
        wanted=f"{len(wanted)} rows",
        found=f"{len(found)} rows",
        extra=found[len(wanted) :],
        missing=wanted[len(found) :],
    )


def set_eq(
    conn: psycopg.Connection,
    sql: Query,
    rows: Iterable[Any],
    *,
    params: Sequence[Any] | Mapping[str, Any] | None = None,
) -> None:
    """Pass when ``sql`` returns the rows ``rows``, in any order, duplicates ignored."""
    wanted = set(_as_rows(rows))
    found = set(_rows(conn, sql, params))
    if wanted != found:
        _fail("set_eq: the results differ", extra=found - wanted, missing=wanted - found)


def is_empty(
    conn: psycopg.Connection,
    sql: Query,
    *,
    params: Sequence[Any] | Mapping[str, Any] | None = None,
) -> None:
    """Pass when ``sql`` returns no rows."""
    found = _rows(conn, sql, params)
    if found:
        _fail(f"is_empty: the query returned {len(found)} rows", found=found)
