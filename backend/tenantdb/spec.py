"""Load and validate the declared schema: ``schema/<table>.yaml``, one file per table.

The loader turns YAML into the *spec model* below and rejects, with one line
that names the file and the key path, everything the templates could not
render into a sound tenant-scoped table. It also derives what every table of a
kind shares, so the templates never decide anything:

* every table has ``id uuid NOT NULL DEFAULT gen_random_uuid()`` as its
  primary key;
* a *tenant table* has ``tenant_id uuid NOT NULL`` referencing ``tenants``; a
  *global-fallback table* has the same column nullable, plus the partial
  unique pair over its business key (see docs/adr/ADR-0001);
* a tenant table that another table references gets ``UNIQUE (tenant_id, id)``
  so the reference can be a composite foreign key;
* every foreign key gets an index that starts with its columns, unless a
  declared index, unique constraint or the primary key already does.

A file looks like this (``schema/messages.yaml``)::

    table: messages
    kind: tenant
    comment: One message of a conversation.
    columns:
      conversation_id:
        references: conversations
        on_delete: cascade
      body:
        type: text
        check: "length(body) BETWEEN 1 AND 10000"
    indexes:
      - columns: [tenant_id, conversation_id, created_at]
"""

from __future__ import annotations

import functools
import heapq
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tenantdb import naming
from tenantdb.errors import NamingError, SpecError

ROOT_TABLE = "tenants"

#: The predicates of a global-fallback table's partial unique pair (ADR-0001).
GLOBAL_ROWS = "tenant_id IS NULL"
TENANT_ROWS = "tenant_id IS NOT NULL"
KINDS = ("root", "tenant", "global_fallback")

#: Column types a spec may use, by the name PostgreSQL prints for them.
TYPES = frozenset(
    {
        "bigint",
        "boolean",
        "bytea",
        "date",
        "double precision",
        "inet",
        "integer",
        "interval",
        "jsonb",
        "numeric",
        "real",
        "smallint",
        "text",
        "timestamptz",
        "uuid",
    }
)

#: Types refused with the reason and what to use instead.
REFUSED_TYPES: dict[str, str] = {
    "timestamp": "it drops the time zone; use timestamptz",
    "timestamp without time zone": "it drops the time zone; use timestamptz",
    "timestamp with time zone": "spell it timestamptz",
    "json": "use jsonb, which can be indexed and compared",
    "varchar": "use text, with a CHECK on length() if the length matters",
    "character varying": "use text, with a CHECK on length() if the length matters",
    "char": "use text, with a CHECK on length() if the length matters",
    "character": "use text, with a CHECK on length() if the length matters",
    "serial": "ids are uuid with a server-side default; use integer/bigint for counts",
    "bigserial": "ids are uuid with a server-side default; use bigint for counts",
    "smallserial": "ids are uuid with a server-side default; use smallint for counts",
    "bool": "spell it boolean",
    "int": "spell it integer",
    "int4": "spell it integer",
    "int8": "spell it bigint",
}

#: ON DELETE actions a spec may choose, as written in SQL.
ON_DELETE = {"cascade": "CASCADE", "restrict": "RESTRICT", "no action": "NO ACTION"}

TABLE_KEYS = frozenset(
    {"table", "kind", "comment", "columns", "unique", "checks", "indexes", "key"}
)
COLUMN_KEYS = frozenset(
    {
        "type",
        "nullable",
        "default",
        "check",
        "values",
        "unique",
        "references",
        "on_delete",
        "comment",
    }
)
INDEX_KEYS = frozenset({"columns", "unique", "where"})
CHECK_KEYS = frozenset({"columns", "expression"})

_INDEX_COLUMN = re.compile(r"^([a-z][a-z0-9_]*)(?:\s+(asc|desc))?$")


# -- the spec model -----------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool
    default: str | None = None
    comment: str | None = None
    #: True for ``id`` and ``tenant_id``, which the kind of table implies.
    implicit: bool = False


@dataclass(frozen=True)
class ForeignKey:
    name: str
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    on_delete: str

    @property
    def is_composite(self) -> bool:
        return len(self.columns) > 1


@dataclass(frozen=True)
class UniqueConstraint:
    name: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class CheckConstraint:
    name: str
    columns: tuple[str, ...]
    expression: str


@dataclass(frozen=True)
class IndexColumn:
    name: str
    descending: bool = False

    @property
    def sql(self) -> str:
        return f"{self.name} DESC" if self.descending else self.name


@dataclass(frozen=True)
class Index:
    name: str
    columns: tuple[IndexColumn, ...]
    unique: bool = False
    where: str | None = None
    #: Why the index exists when the spec did not declare it.
    reason: str | None = None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


@dataclass(frozen=True)
class Table:
    name: str
    kind: str
    comment: str
    columns: tuple[Column, ...]
    primary_key: UniqueConstraint
    uniques: tuple[UniqueConstraint, ...]
    foreign_keys: tuple[ForeignKey, ...]
    checks: tuple[CheckConstraint, ...]
    indexes: tuple[Index, ...]
    #: The business key of a global-fallback table; empty otherwise.
    key: tuple[str, ...] = ()
    path: str = ""

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def is_root(self) -> bool:
        return self.kind == "root"

    @property
    def is_global_fallback(self) -> bool:
        return self.kind == "global_fallback"

    @property
    def references(self) -> tuple[str, ...]:
        """The tables this one references, in declaration order, without repeats."""
        return tuple(dict.fromkeys(fk.ref_table for fk in self.foreign_keys))


@dataclass(frozen=True)
class Schema:
    """The declared schema: tables in dependency order (a table after those it references)."""

    tables: tuple[Table, ...]
    _by_name: dict[str, Table] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({t.name: t for t in self.tables})

    def table(self, name: str) -> Table:
        return self._by_name[name]

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tables)


# -- loading ------------------------------------------------------------------------


def load_schema(schema_dir: Path, *, relative_to: Path | None = None) -> Schema:
    """Load every ``*.yaml`` file of ``schema_dir`` into a validated :class:`Schema`."""
    paths = sorted(schema_dir.glob("*.yaml"))
    if not paths:
        raise SpecError(str(schema_dir), "", "no *.yaml files; declare at least tenants.yaml")
    documents = {}
    for path in paths:
        display = _display(path, relative_to)
        documents[display] = _read_yaml(path, display)
    return build_schema(documents)


def build_schema(documents: Mapping[str, Any]) -> Schema:
    """Validate parsed documents, keyed by the file name used in messages.

    The table name of each document must be its file's stem; the result keeps
    the tables in dependency order.
    """
    raw: dict[str, _RawTable] = {}
    for display, document in documents.items():
        table = _parse_table(display, document)
        if table.name in raw:
            raise SpecError(
                display, "table", f"table {table.name!r} is also declared in {raw[table.name].path}"
            )
        raw[table.name] = table

    roots = [t for t in raw.values() if t.kind == "root"]
    if ROOT_TABLE not in raw or raw[ROOT_TABLE].kind != "root":
        where = raw[ROOT_TABLE].path if ROOT_TABLE in raw else next(iter(raw.values())).path
        raise SpecError(
            where, "kind", f"the schema needs the root table {ROOT_TABLE!r} (kind: root)"
        )
    for table in roots:
        if table.name != ROOT_TABLE:
            raise SpecError(
                table.path,
                "kind",
                f"only {ROOT_TABLE!r} may be the root table; make {table.name!r} a tenant table",
            )

    for table in raw.values():
        for column in table.columns.values():
            if column.references is None:
                continue
            key = f"columns.{column.name}.references"
            target = raw.get(column.references)
            if target is None:
                raise SpecError(table.path, key, f"references unknown table {column.references!r}")
            if target.kind == "root":
                raise SpecError(
                    table.path,
                    key,
                    f"only tenant_id references {ROOT_TABLE!r}, and it is implied; "
                    "remove this column",
                )
            if target.kind == "global_fallback":
                raise SpecError(
                    table.path,
                    key,
                    f"{target.name!r} is a global-fallback table; refer to its rows by "
                    "business key, not by a foreign key (docs/adr/ADR-0001)",
                )
            if table.kind != "tenant":
                raise SpecError(
                    table.path, key, f"a {table.kind} table cannot reference tenant tables"
                )

    order = _dependency_order(raw)
    referenced = {c.references for t in raw.values() for c in t.columns.values() if c.references}
    tables = tuple(_resolve(raw[name], raw, name in referenced) for name in order)
    return Schema(tables)


def _display(path: Path, relative_to: Path | None) -> str:
    if relative_to is not None:
        try:
            return str(path.resolve().relative_to(relative_to.resolve()))
        except ValueError:
            pass
    return str(path)


def _read_yaml(path: Path, display: str) -> Any:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(display, "", f"cannot read the file: {exc}") from exc
    try:
        return yaml.load(text, Loader=_unique_key_loader())
    except _DuplicateKey as exc:
        raise SpecError(
            f"{display}:{exc.line}:{exc.column}",
            "",
            f"duplicate key {exc.key!r}; each name may appear once",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{display}:{mark.line + 1}:{mark.column + 1}" if mark else display
        raise SpecError(where, "", f"invalid YAML: {exc.problem}; fix the syntax") from exc
    except yaml.YAMLError as exc:
        raise SpecError(display, "", f"invalid YAML: {exc}") from exc


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int, column: int) -> None:
        self.key, self.line, self.column = key, line, column


@functools.cache
def _unique_key_loader() -> type:
    """Return a safe YAML loader that refuses a key written twice in one mapping.

    PyYAML keeps the last of two equal keys without a word, which would hide
    a column declared twice. The loader is built on libyaml's CSafeLoader
    when PyYAML has it (about eight times faster on a large schema).
    """
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class UniqueKeyLoader(base):  # type: ignore[misc, valid-type]
        pass

    def construct_mapping(loader: Any, node: Any) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = loader.construct_object(key_node)
            if key in seen:
                mark = key_node.start_mark
                raise _DuplicateKey(key, mark.line + 1, mark.column + 1)
            seen.add(key)
        return loader.construct_mapping(node)

    UniqueKeyLoader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping
    )
    return UniqueKeyLoader


# -- one file -----------------------------------------------------------------------


@dataclass
class _RawColumn:
    name: str
    type: str
    nullable: bool
    default: str | None
    check: str | None
    unique: bool
    references: str | None
    on_delete: str | None
    comment: str | None


@dataclass
class _RawTable:
    path: str
    name: str
    kind: str
    comment: str
    columns: dict[str, _RawColumn]
    uniques: list[tuple[str, ...]]
    checks: list[tuple[tuple[str, ...], str, str]]  # columns, expression, key path
    indexes: list[tuple[tuple[IndexColumn, ...], bool, str | None, str]]  # ..., key path
    key: tuple[str, ...]


def _parse_table(path: str, document: Any) -> _RawTable:
    doc = _mapping(path, "", document, TABLE_KEYS, required=("table", "kind", "comment"))
    name = _identifier(path, "table", doc["table"])
    stem = Path(path).stem
    if name != stem:
        raise SpecError(path, "table", f"table {name!r} must be declared in {name}.yaml")
    kind = doc["kind"]
    if kind not in KINDS:
        raise SpecError(path, "kind", f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    comment = _text(path, "comment", doc["comment"])

    columns: dict[str, _RawColumn] = {}
    raw_columns = doc.get("columns") or {}
    if not isinstance(raw_columns, dict):
        raise SpecError(path, "columns", "must be a mapping of column name to its definition")
    for column_name, body in raw_columns.items():
        columns[column_name] = _parse_column(path, kind, column_name, body)

    known = {"id", *columns}
    if kind != "root":
        known.add("tenant_id")

    uniques = []
    for i, item in enumerate(_list(path, "unique", doc.get("unique"))):
        uniques.append(_column_list(path, f"unique[{i}]", item, known))

    checks = []
    for i, item in enumerate(_list(path, "checks", doc.get("checks"))):
        key = f"checks[{i}]"
        body = _mapping(path, key, item, CHECK_KEYS, required=("columns", "expression"))
        cols = _column_list(path, f"{key}.columns", body["columns"], known)
        expression = _expression(path, f"{key}.expression", body["expression"], known)
        checks.append((cols, expression, key))

    indexes = []
    for i, item in enumerate(_list(path, "indexes", doc.get("indexes"))):
        key = f"indexes[{i}]"
        body = _mapping(path, key, item, INDEX_KEYS, required=("columns",))
        index_columns = _index_columns(path, f"{key}.columns", body["columns"], known)
        unique = _bool(path, f"{key}.unique", body.get("unique", False))
        where = body.get("where")
        if where is not None:
            where = _expression(path, f"{key}.where", where, known)
        indexes.append((index_columns, unique, where, key))

    key_columns: tuple[str, ...] = ()
    if kind == "global_fallback":
        if "key" not in doc:
            raise SpecError(path, "key", "a global_fallback table needs its business key")
        key_columns = _column_list(path, "key", doc["key"], set(columns))
        for column_name in key_columns:
            if columns[column_name].nullable:
                raise SpecError(
                    path,
                    f"columns.{column_name}.nullable",
                    "a business key column must be NOT NULL, or NULLs would escape uniqueness",
                )
    elif "key" in doc:
        raise SpecError(path, "key", "only a global_fallback table has a business key")

    return _RawTable(path, name, kind, comment, columns, uniques, checks, indexes, key_columns)


def _parse_column(path: str, kind: str, name: Any, body: Any) -> _RawColumn:
    key = f"columns.{name}"
    name = _identifier(path, key, name)
    if name == "id":
        raise SpecError(path, key, "every table has the implied primary key id; remove it")
    if name == "tenant_id":
        if kind == "root":
            raise SpecError(path, key, f"the root table {ROOT_TABLE!r} has no tenant_id")
        raise SpecError(path, key, "tenant_id is implied by the kind of table; remove it")
    body = _mapping(path, key, body or {}, COLUMN_KEYS)

    references = body.get("references")
    on_delete = body.get("on_delete")
    if references is not None:
        references = _identifier(path, f"{key}.references", references)
        if "type" in body:
            raise SpecError(
                path, f"{key}.type", "a reference takes the type of the referenced id; remove type"
            )
        if on_delete is None:
            raise SpecError(
                path,
                f"{key}.on_delete",
                f"choose what deleting the parent does: {', '.join(ON_DELETE)}",
            )
        expected = naming.reference_column(references)
        if not name.endswith(expected):
            raise SpecError(
                path, key, f"a column that references {references!r} is named {expected!r}"
            )
        column_type = "uuid"
    else:
        if on_delete is not None:
            raise SpecError(path, f"{key}.on_delete", "on_delete goes with references")
        if "type" not in body:
            raise SpecError(path, f"{key}.type", "missing; give the column a type")
        column_type = _type(path, f"{key}.type", body["type"])

    if on_delete is not None:
        if on_delete in ("set null", "set default"):
            raise SpecError(
                path,
                f"{key}.on_delete",
                f"{on_delete.upper()} on a composite key would also change tenant_id; "
                f"use one of {', '.join(ON_DELETE)}",
            )
        if on_delete not in ON_DELETE:
            raise SpecError(
                path,
                f"{key}.on_delete",
                f"unknown action {on_delete!r}; use one of {', '.join(ON_DELETE)}",
            )

    nullable = _bool(path, f"{key}.nullable", body.get("nullable", False))
    columns = {name}
    default = body.get("default")
    if default is not None:
        default = _expression(path, f"{key}.default", _literal_text(default), set())
    check = body.get("check")
    values = body.get("values")
    if check is not None and values is not None:
        raise SpecError(path, f"{key}.values", "give either values or check, not both")
    if check is not None:
        check = _expression(path, f"{key}.check", check, columns)
    if values is not None:
        check = _values_check(path, f"{key}.values", name, values)
    unique = _bool(path, f"{key}.unique", body.get("unique", False))
    comment = body.get("comment")
    if comment is not None:
        comment = _text(path, f"{key}.comment", comment)
    return _RawColumn(
        name, column_type, nullable, default, check, unique, references, on_delete, comment
    )


# -- whole-schema checks and derivation ---------------------------------------------


def _dependency_order(raw: Mapping[str, _RawTable]) -> list[str]:
    """Order tables so each comes after those it references; refuse cycles.

    Kahn's algorithm, taking the alphabetically first ready table each time so
    the order (and so the rendered SQL) never depends on file-system order. A
    table referencing itself is not a cycle for ordering purposes.
    """
    deps = {
        name: {c.references for c in t.columns.values() if c.references and c.references != name}
        for name, t in raw.items()
    }
    for name, table in raw.items():
        if table.kind != "root":
            deps[name].add(ROOT_TABLE)
    dependents: dict[str, list[str]] = {name: [] for name in raw}
    for name, needed in deps.items():
        for other in needed:
            dependents[other].append(name)
    remaining = {name: len(needed) for name, needed in deps.items()}
    ready = [name for name, count in remaining.items() if count == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        name = heapq.heappop(ready)
        order.append(name)
        del remaining[name]
        for other in dependents[name]:
            remaining[other] -= 1
            if remaining[other] == 0:
                heapq.heappush(ready, other)
    if remaining:
        cycle = _find_cycle({name: deps[name] for name in remaining})
        first = raw[cycle[0]]
        column = next(c.name for c in first.columns.values() if c.references == cycle[1])
        raise SpecError(
            first.path,
            f"columns.{column}.references",
            f"reference cycle {' -> '.join(cycle)}; make one of these references a plain "
            "column or split the table",
        )
    return order


def _find_cycle(remaining: Mapping[str, set[str]]) -> list[str]:
    start = sorted(remaining)[0]
    path = [start]
    while True:
        following = sorted(remaining[path[-1]] & set(remaining))[0]
        if following in path:
            return [*path[path.index(following) :], following]
        path.append(following)


def _resolve(raw: _RawTable, tables: Mapping[str, _RawTable], referenced: bool) -> Table:
    """Build the full :class:`Table`: implied columns, keys, names and FK indexes."""
    path, name = raw.path, raw.name
    try:
        return _resolve_unchecked(raw, tables, referenced)
    except NamingError as exc:
        raise SpecError(path, "table", f"{exc} (in table {name!r})") from exc


def _resolve_unchecked(raw: _RawTable, tables: Mapping[str, _RawTable], referenced: bool) -> Table:
    name = raw.name
    columns = [Column("id", "uuid", False, "gen_random_uuid()", implicit=True)]
    if raw.kind != "root":
        columns.append(
            Column(
                "tenant_id",
                "uuid",
                raw.kind == "global_fallback",
                comment=None,
                implicit=True,
            )
        )
    columns += [
        Column(c.name, c.type, c.nullable, c.default, c.comment) for c in raw.columns.values()
    ]

    primary_key = UniqueConstraint(naming.primary_key_name(name), ("id",))

    uniques: list[UniqueConstraint] = []
    if referenced and raw.kind == "tenant":
        uniques.append(
            UniqueConstraint(naming.unique_name(name, ("tenant_id", "id")), ("tenant_id", "id"))
        )
    for column in raw.columns.values():
        if column.unique:
            uniques.append(
                UniqueConstraint(naming.unique_name(name, (column.name,)), (column.name,))
            )
    for cols in raw.uniques:
        uniques.append(UniqueConstraint(naming.unique_name(name, cols), cols))

    foreign_keys: list[ForeignKey] = []
    if raw.kind != "root":
        foreign_keys.append(
            ForeignKey(
                naming.foreign_key_name(name, ("tenant_id",), ROOT_TABLE),
                ("tenant_id",),
                ROOT_TABLE,
                ("id",),
                "CASCADE",
            )
        )
    for column in raw.columns.values():
        if column.references:
            cols = ("tenant_id", column.name)
            foreign_keys.append(
                ForeignKey(
                    naming.foreign_key_name(name, cols, column.references),
                    cols,
                    column.references,
                    ("tenant_id", "id"),
                    ON_DELETE[column.on_delete or ""],
                )
            )

    checks: list[CheckConstraint] = []
    for column in raw.columns.values():
        if column.check:
            checks.append(
                CheckConstraint(
                    naming.check_name(name, (column.name,)), (column.name,), column.check
                )
            )
    for cols, expression, _ in raw.checks:
        checks.append(CheckConstraint(naming.check_name(name, cols), cols, expression))

    indexes: list[Index] = []
    if raw.kind == "global_fallback":
        # The partial unique pair: one global row per key, one row per tenant per key.
        indexes.append(
            Index(
                naming.unique_name(name, raw.key),
                tuple(IndexColumn(c) for c in raw.key),
                unique=True,
                where=GLOBAL_ROWS,
                reason="one global row per business key",
            )
        )
        tenant_key = ("tenant_id", *raw.key)
        indexes.append(
            Index(
                naming.unique_name(name, tenant_key),
                tuple(IndexColumn(c) for c in tenant_key),
                unique=True,
                where=TENANT_ROWS,
                reason="one row per tenant per business key",
            )
        )
    for index_columns, unique, where, _ in raw.indexes:
        cols = tuple(c.name for c in index_columns)
        index_name = naming.unique_name(name, cols) if unique else naming.index_name(name, cols)
        indexes.append(Index(index_name, index_columns, unique, where))

    # Every foreign key needs an index that starts with its columns, or deleting
    # a parent row scans the whole child table under lock.
    leading = [("id",), *(u.columns for u in uniques)]
    leading += [i.column_names for i in indexes if serves_key_lookups(i.column_names, i.where)]
    # Longest keys first: the composite key's index then serves tenant_id too.
    for fk in sorted(foreign_keys, key=lambda fk: -len(fk.columns)):
        n = len(fk.columns)
        if not any(cols[:n] == fk.columns for cols in leading):
            cols = fk.columns
            indexes.append(
                Index(
                    naming.index_name(name, cols),
                    tuple(IndexColumn(c) for c in cols),
                    reason=f"covers {fk.name}",
                )
            )
            leading.append(cols)

    table = Table(
        name=name,
        kind=raw.kind,
        comment=raw.comment,
        columns=tuple(columns),
        primary_key=primary_key,
        uniques=tuple(uniques),
        foreign_keys=tuple(foreign_keys),
        checks=tuple(checks),
        indexes=tuple(indexes),
        key=raw.key,
        path=raw.path,
    )
    _refuse_duplicate_names(raw, table)
    return table


def serves_key_lookups(columns: Sequence[str | None], predicate: str | None) -> bool:
    """True if a btree index on ``columns`` WHERE ``predicate`` can serve a foreign key.

    An index without a predicate always can. A partial index ``WHERE
    tenant_id IS NOT NULL`` that starts with ``tenant_id`` can too: the lookup
    ``tenant_id = $1`` implies its predicate, so the planner uses it. The spec
    loader and the lint both decide index coverage with this one rule.
    """
    if predicate is None:
        return True
    normal = " ".join(predicate.split()).lower()
    return normal == TENANT_ROWS.lower() and tuple(columns[:1]) == ("tenant_id",)


def _refuse_duplicate_names(raw: _RawTable, table: Table) -> None:
    seen: dict[str, str] = {}
    named: list[tuple[str, str]] = [(table.primary_key.name, "primary key")]
    named += [(u.name, "unique constraint") for u in table.uniques]
    named += [(f.name, "foreign key") for f in table.foreign_keys]
    named += [(c.name, "check constraint") for c in table.checks]
    named += [(i.name, "index") for i in table.indexes]
    for object_name, what in named:
        if object_name in seen:
            raise SpecError(
                raw.path,
                "table",
                f"{what} and {seen[object_name]} would both be named {object_name!r}; "
                "declare each constraint or index once",
            )
        seen[object_name] = what


# -- value checks -------------------------------------------------------------------


def _mapping(
    path: str, key: str, value: Any, allowed: Iterable[str], required: Sequence[str] = ()
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SpecError(path, key or "(top level)", "must be a mapping")
    allowed = frozenset(allowed)
    for name in value:
        if name not in allowed:
            where = f"{key}.{name}" if key else str(name)
            raise SpecError(
                path, where, f"unknown key {name!r}; allowed: {', '.join(sorted(allowed))}"
            )
    for name in required:
        if name not in value:
            where = f"{key}.{name}" if key else name
            raise SpecError(path, where, "missing; this key is required")
    return value


def _list(path: str, key: str, value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise SpecError(path, key, "must be a list")
    return value


def _identifier(path: str, key: str, value: Any) -> str:
    if not isinstance(value, str) or not naming.SNAKE_CASE.match(value):
        raise SpecError(path, key, f"{value!r} is not a lower snake_case identifier")
    try:
        return naming.check_identifier(value)
    except NamingError as exc:
        raise SpecError(path, key, str(exc)) from exc


def _text(path: str, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SpecError(path, key, "must be a non-empty string")
    return " ".join(value.split())


def _bool(path: str, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise SpecError(path, key, f"must be true or false, not {value!r}")
    return value


def _type(path: str, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise SpecError(path, key, "must be a type name")
    normalized = " ".join(value.lower().split())
    base = normalized.split("(")[0].strip()
    if normalized in TYPES:
        return normalized
    if base in REFUSED_TYPES or normalized in REFUSED_TYPES:
        reason = REFUSED_TYPES.get(normalized) or REFUSED_TYPES[base]
        raise SpecError(path, key, f"type {value!r} is not allowed: {reason}")
    if base == "numeric" and re.fullmatch(r"numeric\(\s*\d+\s*(,\s*\d+\s*)?\)", normalized):
        return normalized.replace(" ", "")
    raise SpecError(path, key, f"unknown type {value!r}; use one of {', '.join(sorted(TYPES))}")


def _column_list(path: str, key: str, value: Any, known: set[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise SpecError(path, key, "must be a non-empty list of column names")
    names = []
    for i, item in enumerate(value):
        name = _identifier(path, f"{key}[{i}]", item)
        if name not in known:
            raise SpecError(path, f"{key}[{i}]", f"unknown column {name!r}")
        if name in names:
            raise SpecError(path, f"{key}[{i}]", f"column {name!r} is listed twice")
        names.append(name)
    return tuple(names)


def _index_columns(path: str, key: str, value: Any, known: set[str]) -> tuple[IndexColumn, ...]:
    if not isinstance(value, list) or not value:
        raise SpecError(path, key, "must be a non-empty list of columns ('name' or 'name desc')")
    columns: list[IndexColumn] = []
    for i, item in enumerate(value):
        match = _INDEX_COLUMN.match(item.strip().lower()) if isinstance(item, str) else None
        if not match:
            raise SpecError(path, f"{key}[{i}]", f"{item!r} is not 'column' or 'column desc'")
        name = match.group(1)
        if name not in known:
            raise SpecError(path, f"{key}[{i}]", f"unknown column {name!r}")
        if any(c.name == name for c in columns):
            raise SpecError(path, f"{key}[{i}]", f"column {name!r} is listed twice")
        columns.append(IndexColumn(name, match.group(2) == "desc"))
    return tuple(columns)


def _literal_text(value: Any) -> Any:
    """Let YAML scalars stand for SQL literals: ``default: false`` means ``false``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


def _values_check(path: str, key: str, column: str, values: Any) -> str:
    if not isinstance(values, list) or not values:
        raise SpecError(path, key, "must be a non-empty list of strings")
    for i, value in enumerate(values):
        if not isinstance(value, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", value):
            raise SpecError(path, f"{key}[{i}]", f"{value!r} is not a lower snake_case value")
    if len(set(values)) != len(values):
        raise SpecError(path, key, "lists a value twice")
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


def _expression(path: str, key: str, text: Any, columns: set[str]) -> str:
    """Return ``text`` if it is exactly one SQL expression over ``columns``.

    Text from a spec is pasted into DDL, so anything that could end the
    statement or hide the rest of the line is refused: a statement separator,
    a comment, a query, or more than one expression.
    """
    if not isinstance(text, str) or not text.strip():
        raise SpecError(path, key, "must be a non-empty SQL expression")
    text = " ".join(text.split()) if "'" not in text else text.strip()
    if "\n" in text:
        raise SpecError(path, key, "write the expression on one line")
    problem, referenced = _read_expression(text)
    if problem:
        raise SpecError(path, key, problem)
    unknown = sorted(referenced - columns)
    if unknown:
        allowed = ", ".join(sorted(columns)) or "no columns"
        raise SpecError(
            path, key, f"refers to unknown column {unknown[0]!r} (it may use {allowed})"
        )
    return text


@functools.lru_cache(maxsize=4096)
def _read_expression(text: str) -> tuple[str | None, frozenset[str]]:
    """Parse ``text`` once: (what is wrong with it or None, the columns it names).

    Cached, since a large schema repeats the same defaults and checks.
    """
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ParseError, TokenError
    from sqlglot.tokens import TokenType

    dialect = sqlglot.Dialect.get_or_raise("postgres")
    try:
        tokens = dialect.tokenize(text)
    except TokenError as exc:
        return f"cannot read {text!r} as SQL: {exc}", frozenset()
    for token in tokens:
        if token.comments:
            return "comments are not allowed in an expression", frozenset()
        if token.token_type == TokenType.SEMICOLON:
            return "must be a single expression, without ';'", frozenset()
    try:
        node = dialect.parser().parse_into(exp.Condition, tokens, text)[0]
    except ParseError as exc:
        message = exc.errors[0]["description"] if exc.errors else str(exc)
        return f"{text!r} is not a single SQL expression: {message}", frozenset()
    if node is None:
        return f"{text!r} is not a SQL expression", frozenset()
    if node.find(exp.Query) is not None:
        return "a subquery is not allowed here", frozenset()
    return None, frozenset(c.name for c in node.find_all(exp.Column))
