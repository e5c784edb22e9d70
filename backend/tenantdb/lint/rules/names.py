"""Constraint and index names: exactly what tenantdb.naming computes from the statement.

The expected name is computed by calling the naming module on the table and
the columns the statement itself gives, never by a second copy of the
convention here, so the templates, Alembic and the lint cannot disagree.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

from tenantdb import naming
from tenantdb.errors import NamingError
from tenantdb.lint.rule import Context, Violation, rule
from tenantdb.model import CHECK, FOREIGN_KEY, PRIMARY_KEY, UNIQUE, Index, Source, Table

#: Up to this many columns, any order of a CHECK's columns is accepted (4! = 24 names).
_PERMUTED_COLUMNS = 4


def _expect(
    what: str,
    name: str | None,
    source: Source,
    candidates: Callable[[], list[str]],
) -> Iterator[Violation]:
    """Yield a violation unless ``name`` is one of the conventional names."""
    try:
        names = candidates()
    except NamingError as exc:
        yield Violation(source, f"{what}: {exc}", "shorten the table or column names")
        return
    except ValueError:
        return  # no columns to name it after (e.g. CHECK (true)): nothing to compare
    expected = names[0]
    if name is None:
        yield Violation(source, f"{what} has no name", f"name it '{expected}'")
    elif name not in names:
        yield Violation(
            source, f"{what} '{name}' is not named '{expected}'", f"rename it to '{expected}'"
        )


@rule("TDB104", "primary-key-name", help="name it pk_<table>")
def primary_key_name(ctx: Context) -> Iterator[Violation]:
    """A primary key not named ``pk_<table>``.

    PostgreSQL would name an unnamed key ``<table>_pkey``; the convention
    (tenantdb.naming) names every constraint after its table and columns so
    that the templates, Alembic's naming_convention and this lint agree.

    Bad::

        CREATE TABLE notes (id uuid PRIMARY KEY);

    Good::

        CREATE TABLE notes (id uuid, CONSTRAINT pk_notes PRIMARY KEY (id));
    """
    for table in ctx.tables():
        for key in table.constraints_of(PRIMARY_KEY):
            yield from _expect(
                f"primary key of '{table.name}'",
                key.name,
                key.source,
                lambda table=table: [naming.primary_key_name(table.name)],
            )


@rule("TDB105", "foreign-key-name", help="name it fk_<table>_<columns>_<referenced table>")
def foreign_key_name(ctx: Context) -> Iterator[Violation]:
    """A foreign key not named ``fk_<table>_<columns>_<referenced table>``.

    Every column of the key is in the name, in order, so a composite key
    reads ``fk_messages_tenant_id_conversation_id_conversations``.

    Bad::

        CREATE TABLE messages (
            tenant_id uuid NOT NULL,
            conversation_id uuid NOT NULL,
            CONSTRAINT messages_conversation_fkey FOREIGN KEY (tenant_id, conversation_id)
                REFERENCES conversations (tenant_id, id)
        );

    Good::

        CREATE TABLE messages (
            tenant_id uuid NOT NULL,
            conversation_id uuid NOT NULL,
            CONSTRAINT fk_messages_tenant_id_conversation_id_conversations
                FOREIGN KEY (tenant_id, conversation_id)
                REFERENCES conversations (tenant_id, id)
        );
    """
    for table in ctx.tables():
        for fk in table.constraints_of(FOREIGN_KEY):
            yield from _expect(
                f"foreign key of '{table.name}' to '{fk.ref_table}'",
                fk.name,
                fk.source,
                lambda table=table, fk=fk: [
                    naming.foreign_key_name(table.name, fk.columns, fk.ref_table or "")
                ],
            )


@rule("TDB106", "unique-name", help="name it uq_<table>_<columns>")
def unique_name(ctx: Context) -> Iterator[Violation]:
    """A unique constraint or unique index not named ``uq_<table>_<columns>``.

    Unique indexes follow the same convention as unique constraints, the
    partial unique pair of a global-fallback table included:
    ``uq_canned_replies_code`` and ``uq_canned_replies_tenant_id_code``.

    Bad::

        CREATE UNIQUE INDEX canned_replies_code_idx ON canned_replies (code)
            WHERE tenant_id IS NULL;

    Good::

        CREATE UNIQUE INDEX uq_canned_replies_code ON canned_replies (code)
            WHERE tenant_id IS NULL;
    """
    for table in ctx.tables():
        for constraint in table.constraints_of(UNIQUE):
            yield from _expect(
                f"unique constraint of '{table.name}'",
                constraint.name,
                constraint.source,
                lambda table=table, c=constraint: [naming.unique_name(table.name, c.columns)],
            )
        for index in table.indexes:
            if index.unique:
                yield from _expect(
                    f"unique index of '{table.name}'",
                    index.name,
                    index.source,
                    lambda table=table, i=index: [naming.unique_name(table.name, _columns(i))],
                )


@rule("TDB107", "index-name", help="name it ix_<table>_<columns>")
def index_name(ctx: Context) -> Iterator[Violation]:
    """A (non-unique) index not named ``ix_<table>_<columns>``.

    An index without a name gets one PostgreSQL makes up
    (``<table>_<column>_idx``), which a later revision cannot rely on. An
    expression key counts with the columns it uses.

    Bad::

        CREATE INDEX ON messages (tenant_id, created_at);

    Good::

        CREATE INDEX ix_messages_tenant_id_created_at ON messages (tenant_id, created_at);
    """
    for table in ctx.tables():
        for index in table.indexes:
            if not index.unique:
                yield from _expect(
                    f"index of '{table.name}'",
                    index.name,
                    index.source,
                    lambda table=table, i=index: [naming.index_name(table.name, _columns(i))],
                )


@rule("TDB108", "check-name", help="name it ck_<table>_<columns it checks>")
def check_name(ctx: Context) -> Iterator[Violation]:
    """A check constraint not named ``ck_<table>_<columns it checks>``.

    The columns are those the expression uses; since a check has no column
    order, any order of them is accepted (up to four columns; beyond that,
    the order of the table's columns or of first use).

    Bad::

        CREATE TABLE incidents (
            opened_at timestamptz NOT NULL,
            resolved_at timestamptz NULL,
            CONSTRAINT resolved_after_opened CHECK (resolved_at >= opened_at)
        );

    Good::

        CREATE TABLE incidents (
            opened_at timestamptz NOT NULL,
            resolved_at timestamptz NULL,
            CONSTRAINT ck_incidents_opened_at_resolved_at CHECK (resolved_at >= opened_at)
        );
    """
    for table in ctx.tables():
        for check in table.constraints_of(CHECK):
            yield from _expect(
                f"check constraint of '{table.name}'",
                check.name,
                check.source,
                lambda table=table, c=check: _check_names(table, c.columns),
            )


def _check_names(table: Table, columns: tuple[str, ...]) -> list[str]:
    """Return the acceptable names, the one in table column order first."""
    order = list(table.columns)
    in_table_order = tuple(sorted(columns, key=lambda c: order.index(c) if c in order else 0))
    orders = [in_table_order, columns]
    if len(columns) <= _PERMUTED_COLUMNS:
        orders += list(itertools.permutations(columns))
    return list(dict.fromkeys(naming.check_name(table.name, cols) for cols in orders))


def _columns(index: Index) -> tuple[str, ...]:
    from tenantdb.sqlmodel import index_columns

    return index_columns(index)
