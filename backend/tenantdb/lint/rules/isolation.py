"""Tenant isolation: every row but a tenant's own carries a real, enforced tenant_id.

These rules read only tables whose CREATE TABLE the SQL holds: a table that
a revision merely alters was checked where it was created.
"""

from __future__ import annotations

from collections.abc import Iterator

from tenantdb.lint.rule import Context, Violation, rule
from tenantdb.spec import ROOT_TABLE


@rule(
    "TDB201",
    "missing-tenant-id",
    help="add tenant_id uuid NOT NULL with a foreign key to tenants (id)",
)
def missing_tenant_id(ctx: Context) -> Iterator[Violation]:
    """A table other than the root table ``tenants`` without a ``tenant_id`` column.

    Every row but a tenant's own belongs to exactly one tenant; without the
    column, nothing in the database says which, and no composite foreign key
    can keep a row from pointing at another tenant's data.

    Bad::

        CREATE TABLE notes (id uuid NOT NULL, body text NOT NULL);

    Good::

        CREATE TABLE notes (
            id uuid NOT NULL,
            tenant_id uuid NOT NULL,
            body text NOT NULL,
            CONSTRAINT fk_notes_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
        );
    """
    for table in ctx.created_tables():
        if table.kind != "root" and table.column("tenant_id") is None:
            yield Violation(table.source, f"table '{table.name}' has no tenant_id column")


@rule(
    "TDB202",
    "nullable-tenant-id",
    help="declare tenant_id NOT NULL (only a global-fallback table may leave it NULL)",
)
def nullable_tenant_id(ctx: Context) -> Iterator[Violation]:
    """A ``tenant_id`` that may be NULL, outside a global-fallback table.

    A row with a NULL tenant_id belongs to no tenant: every tenant-scoped
    query misses it, and a composite foreign key with MATCH SIMPLE is not
    checked at all for it. Only a global-fallback table (annotated
    ``-- tenantdb: global-fallback key=(...)``) has rows shared by all
    tenants.

    Bad::

        CREATE TABLE notes (id uuid NOT NULL, tenant_id uuid NULL);

    Good::

        CREATE TABLE notes (id uuid NOT NULL, tenant_id uuid NOT NULL);
    """
    for table in ctx.created_tables():
        column = table.column("tenant_id")
        if column is not None and column.nullable and table.kind == "tenant":
            yield Violation(column.source, f"tenant_id of '{table.name}' is nullable")


@rule(
    "TDB203",
    "tenant-id-type",
    help="give tenant_id the type of tenants.id",
)
def tenant_id_type(ctx: Context) -> Iterator[Violation]:
    """A ``tenant_id`` whose type is not the type of the root table's ``id``.

    A foreign key needs equal types on both sides to use the parent's
    index; a cast in every join is slower and hides mistakes. Checked when
    the SQL creates the root table too.

    Bad::

        CREATE TABLE tenants (id uuid NOT NULL);
        CREATE TABLE notes (id uuid NOT NULL, tenant_id bigint NOT NULL);

    Good::

        CREATE TABLE tenants (id uuid NOT NULL);
        CREATE TABLE notes (id uuid NOT NULL, tenant_id uuid NOT NULL);
    """
    root = ctx.root()
    root_id = root.column("id") if root is not None else None
    if root_id is None:
        return
    for table in ctx.tables():
        column = table.column("tenant_id")
        if column is not None and table.kind != "root" and column.type != root_id.type:
            yield Violation(
                column.source,
                f"tenant_id of '{table.name}' is {column.type}, but {ROOT_TABLE}.id is "
                f"{root_id.type}",
                f"declare it tenant_id {root_id.type}",
            )


@rule(
    "TDB204",
    "root-with-tenant-id",
    help="drop the column: the root table's own id is the tenant",
)
def root_with_tenant_id(ctx: Context) -> Iterator[Violation]:
    """The root table ``tenants`` with a ``tenant_id`` column.

    A tenant is its own row; a tenant_id on it would point a tenant at
    another tenant and make the root look like a tenant table.

    Bad::

        CREATE TABLE tenants (id uuid NOT NULL, tenant_id uuid NOT NULL);

    Good::

        CREATE TABLE tenants (id uuid NOT NULL, slug text NOT NULL);
    """
    root = ctx.root()
    column = root.column("tenant_id") if root is not None else None
    if column is not None:
        yield Violation(column.source, f"the root table '{ROOT_TABLE}' has a tenant_id column")


@rule(
    "TDB205",
    "tenant-id-without-root-key",
    help="add FOREIGN KEY (tenant_id) REFERENCES tenants (id)",
)
def tenant_id_without_root_key(ctx: Context) -> Iterator[Violation]:
    """A ``tenant_id`` without a foreign key to the root table ``tenants (id)``.

    Without the key a row can name a tenant that does not exist, or one
    that was deleted, and deleting a tenant leaves its rows behind.

    Bad::

        CREATE TABLE notes (id uuid NOT NULL, tenant_id uuid NOT NULL);

    Good::

        CREATE TABLE notes (
            id uuid NOT NULL,
            tenant_id uuid NOT NULL,
            CONSTRAINT fk_notes_tenant_id_tenants FOREIGN KEY (tenant_id)
                REFERENCES tenants (id) ON DELETE CASCADE
        );
    """
    for table in ctx.created_tables():
        column = table.column("tenant_id")
        if column is None or table.kind == "root":
            continue
        if not any(
            fk.columns == ("tenant_id",)
            and fk.ref_table == ROOT_TABLE
            and fk.ref_columns in ((), ("id",))
            for fk in table.foreign_keys
        ):
            yield Violation(
                column.source,
                f"tenant_id of '{table.name}' has no foreign key to {ROOT_TABLE} (id)",
            )
