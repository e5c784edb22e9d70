"""Column types: the ones PostgreSQL's own advice and this schema's design rule out."""

from __future__ import annotations

from collections.abc import Iterator

from tenantdb.lint.rule import Context, Violation, rule
from tenantdb.lint.rules.common import base_type

_SERIAL = ("serial", "bigserial", "smallserial")
_INTEGER = ("integer", "bigint", "smallint")


@rule("TDB301", "timestamp-without-time-zone", help="use timestamptz")
def timestamp_without_time_zone(ctx: Context) -> Iterator[Violation]:
    """A ``timestamp`` (without time zone) column.

    It stores a wall-clock reading without saying where: the same instant
    written from two time zones compares unequal, and arithmetic across a
    daylight-saving change is wrong. ``timestamptz`` stores the instant.

    Bad::

        CREATE TABLE notes (created_at timestamp NOT NULL DEFAULT now());

    Good::

        CREATE TABLE notes (created_at timestamptz NOT NULL DEFAULT now());
    """
    for table in ctx.tables():
        for column in table.columns.values():
            if base_type(column.type) == "timestamp":
                yield Violation(
                    column.source,
                    f"column '{column.name}' of '{table.name}' is timestamp without time zone",
                )


@rule(
    "TDB302",
    "fixed-length-text",
    help="use text, with a CHECK on length() if the length matters",
)
def fixed_length_text(ctx: Context) -> Iterator[Violation]:
    """A ``varchar(n)`` or ``char(n)`` column.

    In PostgreSQL they are no faster than ``text``; ``char(n)`` pads with
    spaces that then compare in surprising ways, and changing the ``n`` of
    a ``varchar`` later rewrites or locks the table. A CHECK on
    ``length()`` states a limit and can change without a rewrite.

    Bad::

        CREATE TABLE tenants (slug varchar(63) NOT NULL);

    Good::

        CREATE TABLE tenants (
            slug text NOT NULL,
            CONSTRAINT ck_tenants_slug CHECK (length(slug) <= 63)
        );
    """
    for table in ctx.tables():
        for column in table.columns.values():
            if base_type(column.type) in ("character varying", "character"):
                yield Violation(
                    column.source, f"column '{column.name}' of '{table.name}' is {column.type}"
                )


@rule("TDB303", "json-not-jsonb", help="use jsonb")
def json_not_jsonb(ctx: Context) -> Iterator[Violation]:
    """A ``json`` column.

    ``json`` keeps the text as written and parses it on every use; it has
    no equality, so it cannot be compared, grouped or indexed. ``jsonb`` is
    parsed once and supports all of these.

    Bad::

        CREATE TABLE events (payload json NOT NULL);

    Good::

        CREATE TABLE events (payload jsonb NOT NULL);
    """
    for table in ctx.tables():
        for column in table.columns.values():
            if base_type(column.type) == "json":
                yield Violation(column.source, f"column '{column.name}' of '{table.name}' is json")


@rule(
    "TDB304",
    "integer-id",
    help="use uuid NOT NULL DEFAULT gen_random_uuid() for ids and the columns that reference them",
)
def integer_id(ctx: Context) -> Iterator[Violation]:
    """A ``serial`` column, or an id (or a key column) of an integer type.

    Ids here are uuid with a server-side default: they can be made
    anywhere, do not reveal how many rows a tenant has, and cannot be
    guessed from a neighbour's. A serial (a sequence default) is none of
    that; use ``integer``/``bigint`` for counts, not for ids.

    Bad::

        CREATE TABLE notes (id bigserial NOT NULL, CONSTRAINT pk_notes PRIMARY KEY (id));

    Good::

        CREATE TABLE notes (
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            CONSTRAINT pk_notes PRIMARY KEY (id)
        );
    """
    for table in ctx.tables():
        keys = {c for constraint in table.constraints for c in constraint.columns}
        keys &= {name for name in table.columns if name == "id" or name.endswith("_id")}
        keys |= {"id", "tenant_id"}
        for column in table.columns.values():
            base = base_type(column.type)
            if base in _SERIAL:
                yield Violation(
                    column.source, f"column '{column.name}' of '{table.name}' is {column.type}"
                )
            elif base in _INTEGER and column.name in keys:
                yield Violation(
                    column.source,
                    f"id column '{column.name}' of '{table.name}' is {column.type}, not uuid",
                )
