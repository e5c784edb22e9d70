"""The naming convention: one place computes every name, and it never truncates."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tenantdb import naming
from tenantdb.errors import NamingError


def test_composite_names_use_every_column() -> None:
    assert (
        naming.foreign_key_name("messages", ["tenant_id", "conversation_id"], "conversations")
        == "fk_messages_tenant_id_conversation_id_conversations"
    )
    assert naming.unique_name("conversations", ["tenant_id", "id"]) == (
        "uq_conversations_tenant_id_id"
    )
    assert naming.index_name("messages", ["tenant_id", "conversation_id", "created_at"]) == (
        "ix_messages_tenant_id_conversation_id_created_at"
    )
    assert naming.check_name("incidents", ["opened_at", "resolved_at"]) == (
        "ck_incidents_opened_at_resolved_at"
    )
    assert naming.primary_key_name("events") == "pk_events"


def test_sixty_three_bytes_fit() -> None:
    table = "t" * (63 - len("pk_"))
    assert naming.primary_key_name(table) == "pk_" + table


def test_a_name_over_sixty_three_bytes_is_an_error_not_truncated() -> None:
    table = "t" * (64 - len("pk_"))
    with pytest.raises(NamingError, match="64 bytes, over PostgreSQL's limit of 63"):
        naming.primary_key_name(table)


def test_the_limit_counts_bytes_not_characters() -> None:
    with pytest.raises(NamingError, match="64 bytes"):
        naming.check_identifier("é" * 32)


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("conversations", "conversation_id"),
        ("incidents", "incident_id"),
        ("categories", "category_id"),
        ("addresses", "address_id"),
        ("boxes", "box_id"),
        ("glass", "glass_id"),
    ],
)
def test_reference_column(table: str, column: str) -> None:
    assert naming.reference_column(table) == column


def test_sqlalchemy_convention_names_like_the_module() -> None:
    """Alembic's naming_convention and tenantdb.naming agree on every kind."""
    metadata = sa.MetaData(naming_convention=naming.SQLALCHEMY_NAMING_CONVENTION)
    sa.Table("conversations", metadata, sa.Column("id"), sa.Column("tenant_id"))
    messages = sa.Table(
        "messages",
        metadata,
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("tenant_id", sa.Uuid),
        sa.Column("conversation_id", sa.Uuid),
        sa.Column("created_at", sa.DateTime(timezone=True)),
        sa.Column("body", sa.Text),
        sa.ForeignKeyConstraint(
            ["tenant_id", "conversation_id"], ["conversations.tenant_id", "conversations.id"]
        ),
        sa.UniqueConstraint("tenant_id", "id"),
        sa.CheckConstraint("length(body) > 0", name="body"),
        sa.Index(None, "tenant_id", "conversation_id", "created_at"),
    )
    from sqlalchemy.dialects import postgresql

    dialect = postgresql.dialect()
    ddl = str(sa.schema.CreateTable(messages).compile(dialect=dialect))
    index_ddl = str(sa.schema.CreateIndex(next(iter(messages.indexes))).compile(dialect=dialect))

    assert naming.primary_key_name("messages") in ddl
    assert (
        naming.foreign_key_name("messages", ["tenant_id", "conversation_id"], "conversations")
        in ddl
    )
    assert naming.unique_name("messages", ["tenant_id", "id"]) in ddl
    assert naming.check_name("messages", ["body"]) in ddl
    assert naming.index_name("messages", ["tenant_id", "conversation_id", "created_at"]) in (
        index_ddl
    )
