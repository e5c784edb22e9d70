"""Naming rules for every identifier: case, reserved words, length."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tenantdb import naming
from tenantdb.lint.reserved import RESERVED_WORDS
from tenantdb.lint.rule import Context, Violation, rule
from tenantdb.model import Source


def declared_names(ctx: Context) -> Iterator[tuple[str, str, Source]]:
    """Yield (what, name, where) for every identifier the SQL declared."""
    for table in ctx.tables():
        if table.name in ctx.created:
            yield "table", table.name, table.source
        for column in table.columns.values():
            yield "column", column.name, column.source
        for constraint in table.constraints:
            if constraint.name:
                yield "constraint", constraint.name, constraint.source
        for index in table.indexes:
            if index.name:
                yield "index", index.name, index.source


@rule(
    "TDB101",
    "identifier-case",
    help="rename it in lower snake_case: lower-case letters, digits, single underscores",
)
def identifier_case(ctx: Context) -> Iterator[Violation]:
    """A table, column, constraint or index name that is not lower snake_case.

    PostgreSQL folds unquoted names to lower case, so a name with capitals
    exists only in double quotes, and every query must quote it the same
    way. One spelling, lower snake_case, keeps names greppable and
    unquoted.

    Bad::

        CREATE TABLE "TenantNotes" ("noteBody" text);

    Good::

        CREATE TABLE tenant_notes (note_body text);
    """
    for what, name, source in declared_names(ctx):
        if not naming.SNAKE_CASE.match(name):
            yield Violation(
                source,
                f"{what} '{name}' is not lower snake_case",
                f"rename it to '{_snake(name)}'" if naming.SNAKE_CASE.match(_snake(name)) else None,
            )


def _snake(name: str) -> str:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")


@rule(
    "TDB102",
    "reserved-word",
    help="choose another name; a reserved word works only double-quoted, everywhere",
)
def reserved_word(ctx: Context) -> Iterator[Violation]:
    """A name that is a reserved key word of PostgreSQL.

    A reserved word (``user``, ``order``, ``check``...) can name a table or
    column only in double quotes, in every statement that ever uses it;
    forgetting the quotes once is a syntax error, or worse, a different
    meaning (``SELECT user FROM accounts`` returns the session's role). The
    list is PostgreSQL's own (tenantdb.lint.reserved).

    Bad::

        CREATE TABLE accounts ("user" text, "order" integer);

    Good::

        CREATE TABLE accounts (user_name text, sort_order integer);
    """
    for what, name, source in declared_names(ctx):
        if name.lower() in RESERVED_WORDS:
            yield Violation(source, f"{what} '{name}' is a reserved word in PostgreSQL")


@rule(
    "TDB103",
    "identifier-too-long",
    help="shorten it to at most 63 bytes",
)
def identifier_too_long(ctx: Context) -> Iterator[Violation]:
    """A name longer than PostgreSQL's limit of 63 bytes.

    PostgreSQL truncates a longer identifier with only a NOTICE, so two
    long names that differ after byte 63 silently become the same name,
    and the name in the catalog is not the one in the SQL.

    Bad::

        CREATE TABLE notes (
            a_column_name_that_goes_on_and_on_well_past_the_limit_of_postgres text
        );

    Good::

        CREATE TABLE notes (short_name text);
    """
    for what, name, source in declared_names(ctx):
        size = len(name.encode("utf-8"))
        if size > naming.MAX_IDENTIFIER_BYTES:
            yield Violation(
                source,
                f"{what} '{name}' is {size} bytes, over PostgreSQL's limit of "
                f"{naming.MAX_IDENTIFIER_BYTES}",
            )
