"""The package's exceptions.

Every error a user can cause is a :class:`TenantdbError`. Its message is one
line that says what is wrong, where (a file and a key path, or file:line:col)
and what to do; the CLI prints it after ``error:`` and exits non-zero, without
a traceback. Low-level errors (YAML, sqlglot, psycopg, Alembic) are translated
into these at the boundary where they are raised, with ``raise ... from``.
"""

from __future__ import annotations


class TenantdbError(Exception):
    """Base class of every error the command line reports as one line."""

    exit_code = 2


class ProjectNotFound(TenantdbError):
    """No project root above the current directory."""


class SpecError(TenantdbError):
    """A declared-schema file is malformed or breaks a rule of the schema."""

    def __init__(self, path: str, key_path: str, message: str) -> None:
        self.path = path
        self.key_path = key_path
        self.message = message
        where = f"{path}: {key_path}" if key_path else path
        super().__init__(f"{where}: {message}")


class RenderError(TenantdbError):
    """A template failed to render."""


class NamingError(TenantdbError):
    """A computed identifier breaks the naming convention (e.g. over 63 bytes)."""


class DatabaseError(TenantdbError):
    """A database could not be reached or refused a command."""


class ServerError(TenantdbError):
    """The embedded PostgreSQL server could not be set up, started or stopped."""


class RevisionError(TenantdbError):
    """A revision could not be written."""
