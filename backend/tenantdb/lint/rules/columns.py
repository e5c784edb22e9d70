"""Naming rules for columns: what their name says about what they hold."""

from __future__ import annotations

from collections.abc import Iterator

from tenantdb import naming
from tenantdb.lint.rule import Context, Violation, rule
from tenantdb.lint.rules.common import base_type, referenced_columns


@rule(
    "TDB109",
    "reference-column-name",
    help="name it <referenced table, singular>_id, optionally with a role before it",
)
def reference_column_name(ctx: Context) -> Iterator[Violation]:
    """A foreign-key column not named after the table it references.

    A column that references another table's ``id`` is named
    ``<that table, singular>_id`` (tenantdb.naming.reference_column), so
    ``conversation_id`` always means a conversation. A role may come first
    when a table references the same parent twice or itself:
    ``reply_to_message_id``.

    Bad::

        CREATE TABLE messages (
            tenant_id uuid NOT NULL,
            thread uuid NOT NULL,
            CONSTRAINT fk_messages_tenant_id_thread_conversations
                FOREIGN KEY (tenant_id, thread) REFERENCES conversations (tenant_id, id)
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
        for fk in table.foreign_keys:
            if not fk.ref_table:
                continue
            expected = naming.reference_column(fk.ref_table)
            for column, target in zip(fk.columns, referenced_columns(ctx.model, fk), strict=False):
                if target != "id" or column == expected or column.endswith(f"_{expected}"):
                    continue
                source = table.columns[column].source if column in table.columns else fk.source
                yield Violation(
                    source,
                    f"column '{column}' of '{table.name}' references {fk.ref_table} (id) "
                    f"but is not named '{expected}'",
                    f"rename it to '{expected}' (or '<role>_{expected}')",
                )


@rule("TDB110", "timestamp-column-name", help="end the name in _at, e.g. created_at")
def timestamp_column_name(ctx: Context) -> Iterator[Violation]:
    """A timestamp column whose name does not end in ``_at``.

    ``created_at``, ``closed_at``: the suffix says that the column is a
    point in time, and sets it apart from a date (``_on``) or a duration.

    Bad::

        CREATE TABLE notes (created timestamptz NOT NULL DEFAULT now());

    Good::

        CREATE TABLE notes (created_at timestamptz NOT NULL DEFAULT now());
    """
    for table in ctx.tables():
        for column in table.columns.values():
            scalar = not column.type.endswith("[]")
            timestamp = scalar and base_type(column.type) in ("timestamptz", "timestamp")
            if timestamp and not column.name.endswith("_at"):
                yield Violation(
                    column.source,
                    f"timestamp column '{column.name}' of '{table.name}' does not end in _at",
                )


@rule("TDB111", "boolean-column-name", help="start the name with is_ or has_, e.g. is_verified")
def boolean_column_name(ctx: Context) -> Iterator[Violation]:
    """A boolean column whose name does not start with ``is_`` or ``has_``.

    ``is_verified`` reads as the question its value answers; ``verified``
    could as well be a timestamp or a user.

    Bad::

        CREATE TABLE tenant_domains (verified boolean NOT NULL DEFAULT false);

    Good::

        CREATE TABLE tenant_domains (is_verified boolean NOT NULL DEFAULT false);
    """
    for table in ctx.tables():
        for column in table.columns.values():
            if column.type == "boolean" and not column.name.startswith(("is_", "has_")):
                yield Violation(
                    column.source,
                    f"boolean column '{column.name}' of '{table.name}' does not start "
                    "with is_ or has_",
                )
