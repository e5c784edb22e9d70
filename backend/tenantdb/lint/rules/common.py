"""What several rules need to know about a table: keys, index prefixes, base types."""

from __future__ import annotations

import functools
import re

from tenantdb import spec
from tenantdb.model import PRIMARY_KEY, UNIQUE, Constraint, Index, SchemaModel, Table

#: The predicates of a global-fallback table's partial unique pair, as
#: :func:`normal_predicate` writes them.
GLOBAL_ROWS = spec.GLOBAL_ROWS.lower()
TENANT_ROWS = spec.TENANT_ROWS.lower()


def normal_predicate(predicate: str | None) -> str | None:
    """Return an index predicate in lower case, single-spaced, without outer parentheses."""
    if predicate is None:
        return None
    text = " ".join(predicate.lower().split())
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def describe(constraint: Constraint, table: Table) -> str:
    """Name a constraint in a message: its name (which names its table), or its shape."""
    if constraint.name:
        return f"'{constraint.name}'"
    return f"({', '.join(constraint.columns)}) of '{table.name}'"


def referenced_columns(model: SchemaModel, fk: Constraint) -> tuple[str, ...]:
    """Return the columns a foreign key references, the parent's primary key if unwritten."""
    if fk.ref_columns:
        return fk.ref_columns
    parent = model.table(fk.ref_table or "")
    if parent is not None and parent.primary_key is not None:
        return parent.primary_key.columns
    return ("id",)


def index_prefixes(table: Table) -> list[tuple[str | None, ...]]:
    """Return the column lists that a lookup on their leading columns can use.

    The primary key, unique constraints, and every btree index without a
    predicate, and partial indexes that :func:`tenantdb.spec.serves_key_lookups`
    accepts (the spec loader's own rule).
    """
    prefixes: list[tuple[str | None, ...]] = [
        c.columns for c in table.constraints if c.kind in (PRIMARY_KEY, UNIQUE)
    ]
    for index in table.indexes:
        if index.method != "btree":
            continue
        if spec.serves_key_lookups(index.columns, normal_predicate(index.predicate)):
            prefixes.append(index.columns)
    return prefixes


def has_unique(table: Table, columns: set[str]) -> bool:
    """True if ``columns`` (as a set) are a key of the table for a foreign key to reference."""
    for constraint in table.constraints:
        if constraint.kind in (PRIMARY_KEY, UNIQUE) and set(constraint.columns) == columns:
            return True
    return any(_is_plain_unique(i) and set(i.columns) == columns for i in table.indexes)


def _is_plain_unique(index: Index) -> bool:
    return index.unique and index.predicate is None and None not in index.columns


@functools.lru_cache(maxsize=1024)
def base_type(column_type: str) -> str:
    """Return a normalized type without its modifiers and array brackets."""
    return re.sub(r"\(.*?\)|\[\]", "", column_type).strip()
