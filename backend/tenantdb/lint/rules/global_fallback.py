"""Global-fallback tables: the partial unique pair that keeps their business key unique."""

from __future__ import annotations

from collections.abc import Iterator

from tenantdb import naming, spec
from tenantdb.errors import NamingError
from tenantdb.lint.rule import Context, Violation, rule
from tenantdb.lint.rules.common import GLOBAL_ROWS, TENANT_ROWS, normal_predicate
from tenantdb.model import Table


@rule(
    "TDB211",
    "global-fallback-unique-pair",
    help="add both partial unique indexes over the business key",
)
def global_fallback_unique_pair(ctx: Context) -> Iterator[Violation]:
    """A global-fallback table without both partial unique indexes over its key.

    Rows with a NULL tenant_id serve every tenant unless the tenant has its
    own row for the same key. A plain ``UNIQUE (tenant_id, code)`` does not
    keep two global rows apart, because NULLs are distinct in a unique
    index; the pair of partial indexes does: one global row per key, one
    row per tenant per key. The table is known by the annotation the
    templates write above its CREATE TABLE.

    Bad::

        -- tenantdb: global-fallback key=(code)
        CREATE TABLE canned_replies (
            tenant_id uuid NULL,
            code text NOT NULL,
            CONSTRAINT uq_canned_replies_tenant_id_code UNIQUE (tenant_id, code)
        );

    Good::

        -- tenantdb: global-fallback key=(code)
        CREATE TABLE canned_replies (tenant_id uuid NULL, code text NOT NULL);
        CREATE UNIQUE INDEX uq_canned_replies_code
            ON canned_replies (code) WHERE tenant_id IS NULL;
        CREATE UNIQUE INDEX uq_canned_replies_tenant_id_code
            ON canned_replies (tenant_id, code) WHERE tenant_id IS NOT NULL;
    """
    for table in ctx.created_tables():
        if table.kind != "global_fallback":
            continue
        missing = [c for c in table.key if c not in table.columns]
        if missing:
            yield Violation(
                table.source,
                f"key column '{missing[0]}' of the global-fallback annotation is not a column "
                f"of '{table.name}'",
                "name existing columns in key=(...)",
            )
            continue
        for columns, predicate, sql_predicate in (
            (table.key, GLOBAL_ROWS, spec.GLOBAL_ROWS),
            (("tenant_id", *table.key), TENANT_ROWS, spec.TENANT_ROWS),
        ):
            if not _has_partial_unique(table, columns, predicate):
                yield Violation(
                    table.source,
                    f"global-fallback table '{table.name}' has no unique index on "
                    f"({', '.join(columns)}) WHERE {sql_predicate}",
                    _index_help(table.name, columns, sql_predicate),
                )


def _has_partial_unique(table: Table, columns: tuple[str, ...], predicate: str) -> bool:
    return any(
        index.unique and index.columns == columns and normal_predicate(index.predicate) == predicate
        for index in table.indexes
    )


def _index_help(table: str, columns: tuple[str, ...], predicate: str) -> str | None:
    try:
        name = naming.unique_name(table, columns)
    except NamingError:
        return None
    return f"CREATE UNIQUE INDEX {name} ON {table} ({', '.join(columns)}) WHERE {predicate};"
