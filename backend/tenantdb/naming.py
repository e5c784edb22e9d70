"""The naming convention: the one place that computes constraint and index names.

Every name is fully determined by its table and its columns (all of them, in
order, for a composite key), so that the templates, the lint and Alembic's
``naming_convention`` agree without being told:

* ``pk_<table>``, e.g. ``pk_messages``;
* ``fk_<table>_<columns>_<referenced table>``, e.g.
  ``fk_messages_tenant_id_conversation_id_conversations``;
* ``uq_<table>_<columns>``, e.g. ``uq_conversations_tenant_id_id``;
* ``ix_<table>_<columns>``, e.g. ``ix_messages_tenant_id_conversation_id_created_at``;
* ``ck_<table>_<columns>``, e.g. ``ck_messages_sender_role``.

PostgreSQL truncates identifiers longer than 63 bytes (NAMEDATALEN - 1) with
only a NOTICE, which would make two long names collide silently; a name that
does not fit is therefore an error here, never shortened.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tenantdb.errors import NamingError

#: PostgreSQL's identifier limit in bytes (NAMEDATALEN - 1).
MAX_IDENTIFIER_BYTES = 63

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")

#: The same convention in SQLAlchemy's terms, for Alembic's ``target_metadata``.
#: ``column_0_N_name`` joins every column of the constraint with ``_``. A CHECK
#: constraint has no column list in SQLAlchemy, so its ``name`` carries the
#: joined column names and the convention adds the prefix and table.
SQLALCHEMY_NAMING_CONVENTION: dict[str, str] = {
    "pk": "pk_%(table_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
}


def check_identifier(name: str, what: str = "identifier") -> str:
    """Return ``name`` if it fits in 63 bytes, else raise :class:`NamingError`."""
    size = len(name.encode("utf-8"))
    if size > MAX_IDENTIFIER_BYTES:
        raise NamingError(
            f"{what} {name!r} is {size} bytes, over PostgreSQL's limit of "
            f"{MAX_IDENTIFIER_BYTES}; shorten the table or column names it is made from"
        )
    return name


def _join(columns: Sequence[str]) -> str:
    if not columns:
        raise ValueError("a constraint or index name needs at least one column")
    return "_".join(columns)


def primary_key_name(table: str) -> str:
    return check_identifier(f"pk_{table}", "primary key name")


def foreign_key_name(table: str, columns: Sequence[str], referenced_table: str) -> str:
    return check_identifier(f"fk_{table}_{_join(columns)}_{referenced_table}", "foreign key name")


def unique_name(table: str, columns: Sequence[str]) -> str:
    return check_identifier(f"uq_{table}_{_join(columns)}", "unique constraint name")


def index_name(table: str, columns: Sequence[str]) -> str:
    return check_identifier(f"ix_{table}_{_join(columns)}", "index name")


def check_name(table: str, columns: Sequence[str]) -> str:
    return check_identifier(f"ck_{table}_{_join(columns)}", "check constraint name")


def singular(table: str) -> str:
    """Return the singular of a plural snake_case table name (``incidents`` -> ``incident``).

    Only the English endings that table names here use; a name that is not
    plural comes back unchanged.
    """
    if table.endswith("ies") and len(table) > 3:
        return table[:-3] + "y"
    for ending in ("sses", "shes", "ches", "xes"):
        if table.endswith(ending):
            return table[:-2]
    if table.endswith("s") and not table.endswith("ss"):
        return table[:-1]
    return table


def reference_column(table: str) -> str:
    """Return the column that references ``table``: ``conversations`` -> ``conversation_id``."""
    return f"{singular(table)}_id"
