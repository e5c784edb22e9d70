"""Draw the declared schema as a Mermaid ``erDiagram``.

The diagram is made from the spec model (:func:`tenantdb.spec.load_schema`),
so it shows exactly what the templates render, and it is the same text on
every machine: entities in dependency order (``tenants``, the root table,
first, so Mermaid's layout puts it at the top), then one edge per foreign key.

Marks on a column: ``PK`` (in the primary key), ``FK`` (in a foreign key),
``UK`` (in a unique constraint or unique index). A column that is unique only
together with others says with which in its comment, e.g.
``"UK (tenant_id, id)"``, since Mermaid has no notation for composite keys on
columns. A composite foreign key is one edge labelled with all of its columns,
``"tenant_id, conversation_id"``, never one edge per column.

Cardinality, read from the child's side: the parent end is ``||`` (exactly
one) when every column of the key is NOT NULL, ``|o`` (zero or one) when one
is nullable (MATCH SIMPLE lets a row with a NULL in the key point nowhere);
the child end is ``o{`` (any number), or ``o|`` when the key's columns are
unique in the child.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tenantdb.spec import ForeignKey, Schema, Table

INDENT = "    "

#: Mermaid reads an attribute type as one word of these characters.
_TYPE_WORD = re.compile(r"[^A-Za-z0-9_()\[\]-]")


def mermaid_type(sql_type: str) -> str:
    """Spell a SQL type as one Mermaid word: ``double precision`` -> ``double_precision``."""
    return _TYPE_WORD.sub("_", sql_type)


def _quoted(text: str) -> str:
    """A Mermaid string: it ends at the next double quote, so none may be inside."""
    return '"' + text.replace('"', "'") + '"'


def unique_keys(table: Table) -> list[tuple[tuple[str, ...], str | None]]:
    """Every key that makes rows unique, with its predicate: constraints, then indexes."""
    keys: list[tuple[tuple[str, ...], str | None]] = [(table.primary_key.columns, None)]
    keys += [(u.columns, None) for u in table.uniques]
    keys += [(i.column_names, i.where) for i in table.indexes if i.unique]
    return keys


def _marks(table: Table, column: str) -> tuple[list[str], list[str]]:
    marks: list[str] = []
    notes: list[str] = []
    if column in table.primary_key.columns:
        marks.append("PK")
    if any(column in fk.columns for fk in table.foreign_keys):
        marks.append("FK")
    unique = False
    for columns, where in unique_keys(table)[1:]:
        if column not in columns:
            continue
        unique = True
        if len(columns) > 1 or where:
            note = f"UK ({', '.join(columns)})"
            notes.append(f"{note} WHERE {where}" if where else note)
    if unique:
        marks.append("UK")
    return marks, notes


def _edge(table: Table, fk: ForeignKey) -> str:
    nullable = any(table.column(c).nullable for c in fk.columns)
    parent_end = "|o" if nullable else "||"
    one_per_parent = any(
        set(columns) == set(fk.columns) and where is None for columns, where in unique_keys(table)
    )
    child_end = "o|" if one_per_parent else "o{"
    label = _quoted(", ".join(fk.columns))
    return f"{INDENT}{fk.ref_table} {parent_end}--{child_end} {table.name} : {label}"


def render_erd(schema: Schema) -> str:
    """Return the Mermaid ``erDiagram`` text of ``schema``, ending with a newline."""
    lines = ["erDiagram"]
    for table in schema.tables:
        lines.append(f"{INDENT}{table.name} {{")
        for column in table.columns:
            marks, notes = _marks(table, column.name)
            line = f"{INDENT * 2}{mermaid_type(column.type)} {column.name}"
            if marks:
                line += " " + ", ".join(marks)
            if notes:
                line += " " + _quoted("; ".join(notes))
            lines.append(line)
        lines.append(f"{INDENT}}}")
    for table in schema.tables:
        lines += [_edge(table, fk) for fk in table.foreign_keys]
    return "\n".join(lines) + "\n"
