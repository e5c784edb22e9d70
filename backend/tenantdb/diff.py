"""Drift: compare two schema models and say, table by table, how they differ.

One side is the *declared* schema, the other the *database* being checked.
Both sides should come from :mod:`tenantdb.catalog`, so that every text that
is compared is what PostgreSQL printed (``format_type``, ``pg_get_expr``,
``pg_get_constraintdef``, ``pg_get_indexdef``), never what a person typed:
``CHECK (status IN ('a', 'b'))`` and ``CHECK (status = ANY (ARRAY['a'::text,
'b'::text]))`` are the same constraint, and only PostgreSQL knows it.

That is why :func:`declared_model` makes the declared side the way Atlas uses a
dev database: render the declared schema, apply it to a scratch database on
the same server as the database being checked, inspect the scratch database,
and drop it, also when something fails. Both models are then normalized by
the same PostgreSQL.

Objects are matched by name (the naming convention makes names meaningful),
so a renamed constraint shows as one missing and one extra. The order of
columns in a table is not compared: PostgreSQL cannot reorder columns, and no
query should depend on it.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from tenantdb.model import Column, Constraint, Index, SchemaModel, Table

if TYPE_CHECKING:
    from tenantdb.project import Project

logger = logging.getLogger(__name__)

MISSING = "missing"  # declared, not in the database
EXTRA = "extra"  # in the database, not declared
CHANGED = "changed"  # in both, defined differently

SCRATCH_PREFIX = "tenantdb_diff_"


@dataclass(frozen=True)
class Difference:
    """One object that differs; ``declared`` / ``database`` are its two definitions."""

    table: str
    change: str
    object: str
    name: str
    declared: str | None
    database: str | None
    #: For a changed column: which of type, nullability, default differ.
    aspects: tuple[str, ...] = ()


@dataclass
class DriftReport:
    declared_label: str
    database_label: str
    differences: list[Difference] = field(default_factory=list)

    @property
    def drift(self) -> bool:
        return bool(self.differences)

    def by_table(self) -> dict[str, list[Difference]]:
        groups: dict[str, list[Difference]] = {}
        for difference in self.differences:
            groups.setdefault(difference.table, []).append(difference)
        return groups

    def text(self) -> str:
        """The report for people: grouped by table, both definitions of each object."""
        if not self.drift:
            return f"no drift: {self.database_label} matches {self.declared_label}\n"
        groups = self.by_table()
        count = len(self.differences)
        lines = [
            f"drift: {count} difference{'s' if count != 1 else ''} in "
            f"{len(groups)} table{'s' if len(groups) != 1 else ''}",
            f"  declared: {self.declared_label}",
            f"  database: {self.database_label}",
        ]
        for table, differences in groups.items():
            lines += ["", f"table {table}"]
            for d in differences:
                heading = f"  {d.change} {d.object} {d.name}"
                if d.aspects:
                    heading += f" ({', '.join(d.aspects)})"
                lines.append(heading)
                lines.append(f"    declared  {d.declared if d.declared is not None else '-'}")
                lines.append(f"    database  {d.database if d.database is not None else '-'}")
        return "\n".join(lines) + "\n"

    def as_json(self) -> dict:
        return {
            "drift": self.drift,
            "declared": self.declared_label,
            "database": self.database_label,
            "tables": [
                {
                    "table": table,
                    "differences": [
                        {k: v for k, v in asdict(d).items() if k != "table"}
                        | {"aspects": list(d.aspects)}
                        for d in differences
                    ],
                }
                for table, differences in self.by_table().items()
            ],
        }


# -- definitions, as shown and as compared ------------------------------------------


def column_definition(column: Column) -> str:
    text = f"{column.type} {'NULL' if column.nullable else 'NOT NULL'}"
    if column.default is not None:
        text += f" DEFAULT {column.default}"
    return text


def constraint_definition(constraint: Constraint) -> str:
    """What PostgreSQL printed, or (for a model made from SQL text) a spelled-out form."""
    if constraint.definition:
        return constraint.definition
    columns = ", ".join(constraint.columns)
    if constraint.kind == "foreign_key":
        return (
            f"FOREIGN KEY ({columns}) REFERENCES {constraint.ref_table}"
            f"({', '.join(constraint.ref_columns)}) MATCH {constraint.match} "
            f"ON UPDATE {constraint.on_update} ON DELETE {constraint.on_delete}"
        )
    if constraint.kind == "check":
        return f"CHECK ({constraint.expression})"
    return f"{constraint.kind.replace('_', ' ').upper()} ({columns})"


def index_definition(index: Index) -> str:
    if index.definition:
        return index.definition
    keys = ", ".join(
        (e.column or f"({e.expression})") + (" DESC" if e.descending else "")
        for e in index.elements
    )
    text = f"CREATE {'UNIQUE ' if index.unique else ''}INDEX {index.name} ON {index.table} "
    text += f"USING {index.method} ({keys})"
    return text + (f" WHERE ({index.predicate})" if index.predicate else "")


def _index_key(index: Index) -> str:
    """What must match: the index minus its own name and the table's schema qualifier.

    ``pg_get_indexdef`` qualifies the table by schema only when the schema is
    not on the search path, which is a property of the session, not of the
    index; everything from ``USING`` on is the index itself.
    """
    definition = index_definition(index)
    _, using, rest = definition.partition(" USING ")
    return f"{'UNIQUE' if index.unique else ''} USING {rest}" if using else definition


def _table_summary(table: Table) -> str:
    indexes = [i for i in table.indexes if not i.constraint_backed]
    counts = (
        (len(table.columns), "column"),
        (len(table.constraints), "constraint"),
        (len(indexes), "index"),
    )
    return ", ".join(_plural(n, word) for n, word in counts)


def _plural(count: int, word: str) -> str:
    if count == 1:
        return f"1 {word}"
    return f"{count} {word}{'es' if word.endswith('x') else 's'}"


# -- the comparison ------------------------------------------------------------------


def compare(
    declared: SchemaModel,
    database: SchemaModel,
    *,
    declared_label: str = "the declared schema",
    database_label: str = "the database",
) -> DriftReport:
    """Return every difference between ``declared`` and ``database``, grouped by table."""
    report = DriftReport(declared_label, database_label)
    out = report.differences

    # 1. Tables, by name: a missing or extra table is one difference, not one per
    #    column. Declared tables come first, in their order, then extra ones.
    names = list(declared.tables) + [n for n in database.tables if n not in declared.tables]
    for name in names:
        want, have = declared.table(name), database.table(name)
        if have is None:
            out.append(Difference(name, MISSING, "table", name, _table_summary(want), None))
            continue
        if want is None:
            out.append(Difference(name, EXTRA, "table", name, None, _table_summary(have)))
            continue

        # 2. Columns, by name: type (as format_type printed it), nullability,
        #    default (as pg_get_expr printed it).
        for key, a, b in _pair(want.columns, have.columns):
            if a is None or b is None:
                out.append(_one_sided(name, "column", key, a, b, column_definition))
                continue
            aspects = tuple(
                aspect
                for aspect, differs in (
                    ("type", a.type != b.type),
                    ("nullability", a.nullable != b.nullable),
                    ("default", a.default != b.default),
                )
                if differs
            )
            if aspects:
                out.append(
                    Difference(
                        name,
                        CHANGED,
                        "column",
                        key,
                        column_definition(a),
                        column_definition(b),
                        aspects,
                    )
                )

        # 3. Constraints, by name, compared as pg_get_constraintdef printed them:
        #    that text covers kind, columns, referenced table and columns, MATCH,
        #    ON DELETE / ON UPDATE, the check expression and deferrability.
        want_constraints = {c.name or constraint_definition(c): c for c in want.constraints}
        have_constraints = {c.name or constraint_definition(c): c for c in have.constraints}
        for key, a, b in _pair(want_constraints, have_constraints):
            if a is None or b is None:
                out.append(_one_sided(name, "constraint", key, a, b, constraint_definition))
            elif constraint_definition(a) != constraint_definition(b):
                out.append(
                    Difference(
                        name,
                        CHANGED,
                        "constraint",
                        key,
                        constraint_definition(a),
                        constraint_definition(b),
                    )
                )

        # 4. Indexes, by name, compared as pg_get_indexdef printed them. An index
        #    behind a PRIMARY KEY or UNIQUE constraint is that constraint's business
        #    (step 3); comparing it again would report one change twice.
        want_indexes = {
            i.name or index_definition(i): i for i in want.indexes if not i.constraint_backed
        }
        have_indexes = {
            i.name or index_definition(i): i for i in have.indexes if not i.constraint_backed
        }
        for key, a, b in _pair(want_indexes, have_indexes):
            if a is None or b is None:
                out.append(_one_sided(name, "index", key, a, b, index_definition))
            elif _index_key(a) != _index_key(b):
                out.append(
                    Difference(
                        name, CHANGED, "index", key, index_definition(a), index_definition(b)
                    )
                )

        # 5. Comments on the table and on the columns both sides have (a missing
        #    column's comment goes with it, in step 2).
        if want.comment != have.comment:
            out.append(Difference(name, CHANGED, "comment", name, want.comment, have.comment))
        for key, a, b in _pair(want.columns, have.columns):
            if a is not None and b is not None and a.comment != b.comment:
                out.append(
                    Difference(name, CHANGED, "comment", f"{name}.{key}", a.comment, b.comment)
                )

    if report.drift:
        logger.info("Found %d differences", len(report.differences))
    return report


def _pair(want: dict, have: dict):
    """Yield (name, declared object or None, database object or None), declared order first."""
    for key, value in want.items():
        yield key, value, have.get(key)
    for key, value in have.items():
        if key not in want:
            yield key, None, value


def _one_sided(table: str, kind: str, name: str, want, have, describe) -> Difference:
    if have is None:
        return Difference(table, MISSING, kind, name, describe(want), None)
    return Difference(table, EXTRA, kind, name, None, describe(have))


# -- the declared side, made on a scratch database ----------------------------------


def declared_model(project: Project, url: str, *, sql: str | None = None) -> SchemaModel:
    """Render the declared schema, apply it to a scratch database beside ``url``, inspect it.

    The scratch database is created through a connection to ``url`` (so no
    other database of the server needs to be reachable) from ``template0`` (so
    nothing added to ``template1`` leaks in), and dropped again whatever
    happens. ``sql`` replaces the rendered schema, for tests.
    """
    import secrets

    import psycopg

    from tenantdb.catalog import inspect
    from tenantdb.dburl import connect, first_line, mask, with_database
    from tenantdb.errors import DatabaseError

    if sql is None:
        from tenantdb.render import render_project

        sql = render_project(project)
    scratch = f"{SCRATCH_PREFIX}{secrets.token_hex(6)}"
    with connect(url, autocommit=True) as admin:
        try:
            admin.execute(f'CREATE DATABASE "{scratch}" TEMPLATE template0')
        except psycopg.Error as exc:
            raise DatabaseError(
                f"cannot create a scratch database on the server of {mask(url)}: "
                f"{first_line(exc)}; tenantdb diff needs a role that may CREATE DATABASE"
            ) from exc
        logger.info("Created scratch database %s", scratch)
        try:
            with connect(with_database(url, scratch), source="scratch database") as conn:
                try:
                    conn.execute(sql)
                except psycopg.Error as exc:
                    raise DatabaseError(
                        "the declared schema does not apply to an empty database: "
                        f"{first_line(exc)}; see the SQL with `tenantdb render`"
                    ) from exc
                return inspect(conn)
        finally:
            _drop_scratch(admin, scratch)


def _drop_scratch(admin, scratch: str) -> None:
    import psycopg

    try:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        logger.info("Dropped scratch database %s", scratch)
    except psycopg.Error:
        # Best effort: the report (or the error being raised) matters more, but a
        # leftover database must not go unnoticed.
        logger.exception("Could not drop scratch database %s; drop it by hand", scratch)


def diff_database(project: Project, url: str) -> DriftReport:
    """Compare the database at ``url`` with the declared schema of ``project``."""
    from tenantdb.catalog import inspect
    from tenantdb.dburl import connect, mask

    with connect(url) as conn:
        database = inspect(conn, label=mask(url))
    declared = declared_model(project, url)
    return compare(
        declared,
        database,
        declared_label="the declared schema (schema/*.yaml, rendered)",
        database_label=mask(url),
    )
