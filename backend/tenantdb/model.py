"""The normalized schema model: what a schema *is*, wherever it was read from.

The model is built two ways: from SQL text through sqlglot (what the lint
checks, :mod:`tenantdb.sqlmodel`) and from a live database through
``pg_catalog`` (what drift compares, :mod:`tenantdb.catalog`). Lint rules
read it; diff compares two of them. Every object remembers where it came
from (:class:`Source`), so a finding can point at a file, line and column.

Normal form, so that two models of the same schema compare equal:

* identifiers are lower case, unquoted as PostgreSQL folds them;
* types are PostgreSQL's canonical names (``timestamptz``, ``integer``,
  ``text``, ``character varying(20)``...), see :func:`normalize_type`;
* inline column constraints and ``ALTER TABLE ... ADD CONSTRAINT`` become the
  same :class:`Constraint`;
* ON DELETE / ON UPDATE actions and MATCH types are upper-case SQL words
  (``NO ACTION`` and ``SIMPLE`` when not written).

Expression text (defaults, checks, index predicates) is kept as written in
``expression``; comparisons that must ignore spelling use a definition that
PostgreSQL printed (``definition``), which only the catalog side has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Constraint kinds, as in pg_constraint.contype spelled out.
PRIMARY_KEY = "primary_key"
FOREIGN_KEY = "foreign_key"
UNIQUE = "unique"
CHECK = "check"
EXCLUDE = "exclude"


@dataclass(frozen=True)
class Source:
    """Where an object was declared: a file position, or a database object."""

    path: str = ""
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.column}"
        return self.path


NOWHERE = Source()


@dataclass
class Column:
    name: str
    type: str
    nullable: bool = True
    default: str | None = None
    comment: str | None = None
    source: Source = NOWHERE


@dataclass
class Constraint:
    name: str | None
    kind: str
    columns: tuple[str, ...] = ()
    #: Foreign keys only.
    ref_table: str | None = None
    ref_columns: tuple[str, ...] = ()
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    match: str = "SIMPLE"
    #: Check constraints: the expression as written (or as PostgreSQL printed it).
    expression: str | None = None
    #: What PostgreSQL prints for the constraint (pg_get_constraintdef), catalog side only.
    definition: str | None = None
    deferrable: bool = False
    source: Source = NOWHERE


@dataclass(frozen=True)
class IndexElement:
    """One key of an index: a column, or an expression when ``column`` is None."""

    column: str | None
    expression: str | None = None
    descending: bool = False
    nulls_first: bool | None = None


@dataclass
class Index:
    name: str | None
    table: str
    elements: tuple[IndexElement, ...]
    unique: bool = False
    method: str = "btree"
    predicate: str | None = None
    #: What PostgreSQL prints for the index (pg_get_indexdef), catalog side only.
    definition: str | None = None
    #: True for the index behind a PRIMARY KEY or UNIQUE constraint.
    constraint_backed: bool = False
    source: Source = NOWHERE

    @property
    def columns(self) -> tuple[str | None, ...]:
        """The leading column names; an expression key appears as None."""
        return tuple(e.column for e in self.elements)


@dataclass
class Table:
    name: str
    columns: dict[str, Column] = field(default_factory=dict)
    constraints: list[Constraint] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    comment: str | None = None
    #: root, tenant or global_fallback when known (from an annotation or the spec).
    kind: str | None = None
    #: The business key of a global-fallback table, when annotated.
    key: tuple[str, ...] = ()
    source: Source = NOWHERE

    def column(self, name: str) -> Column | None:
        return self.columns.get(name)

    def constraints_of(self, kind: str) -> list[Constraint]:
        return [c for c in self.constraints if c.kind == kind]

    @property
    def primary_key(self) -> Constraint | None:
        found = self.constraints_of(PRIMARY_KEY)
        return found[0] if found else None

    @property
    def foreign_keys(self) -> list[Constraint]:
        return self.constraints_of(FOREIGN_KEY)


@dataclass
class SchemaModel:
    """Tables by name, in the order they were first seen."""

    tables: dict[str, Table] = field(default_factory=dict)

    def table(self, name: str) -> Table | None:
        return self.tables.get(name)

    def add_table(self, table: Table) -> Table:
        self.tables[table.name] = table
        return table


_TYPE_ALIASES = {
    "int": "integer",
    "int4": "integer",
    "int8": "bigint",
    "int2": "smallint",
    "bool": "boolean",
    "float8": "double precision",
    "float4": "real",
    "float": "double precision",
    "decimal": "numeric",
    "varchar": "character varying",
    "char": "character",
    "bpchar": "character",
    "timestamp with time zone": "timestamptz",
    "timestamp without time zone": "timestamp",
    "time without time zone": "time",
    "time with time zone": "timetz",
    "serial4": "serial",
    "serial8": "bigserial",
    "serial2": "smallserial",
}


def normalize_type(text: str) -> str:
    """Return PostgreSQL's canonical spelling of a type name.

    >>> normalize_type("TIMESTAMP WITH TIME ZONE")
    'timestamptz'
    >>> normalize_type("VARCHAR(20)")
    'character varying(20)'
    """
    text = " ".join(text.lower().split())
    match = re.fullmatch(r"(.*?)\s*(\(.*\))?\s*(\[\])?", text)
    assert match is not None
    base, args, array = match.group(1), match.group(2) or "", match.group(3) or ""
    base = _TYPE_ALIASES.get(base, base)
    args = args.replace(" ", "")
    return f"{base}{args}{array}"
