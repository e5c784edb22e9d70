"""The development database: the embedded server in ``.tenantdb/pgdata``, migrated.

``tenantdb dev up`` starts the server (initializing it the first time),
creates the ``tenantdb`` database, runs ``alembic upgrade head`` and reports
what is there. Running it again is quick: a running server is left alone and
Alembic finds nothing to do.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tenantdb.errors import ServerError

if TYPE_CHECKING:
    import psycopg

    from tenantdb.project import Project
    from tenantdb.server import EmbeddedServer

PORT_ENV = "TENANTDB_DEV_PORT"
DEFAULT_PORT = 55432
DATABASE = "tenantdb"


def configured_port() -> int:
    value = os.environ.get(PORT_ENV, str(DEFAULT_PORT))
    try:
        port = int(value)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise ServerError(f"{PORT_ENV}={value!r} is not a TCP port; use a number from 1 to 65535")
    return port


def server(project: Project) -> EmbeddedServer:
    from tenantdb.server import EmbeddedServer

    return EmbeddedServer(project.state_dir / "pgdata", configured_port())


def url(project: Project) -> str:
    """Return the dev database's URL (the running server's port if it runs)."""
    dev = server(project)
    status = dev.status()
    return dev.url(DATABASE, port=status.port if status.running else None)


@dataclass
class TableSummary:
    name: str
    columns: int
    constraints: int
    indexes: int


@dataclass
class Summary:
    server_version: str
    url: str
    revision: str
    started: bool
    tables: list[TableSummary] = field(default_factory=list)

    def lines(self) -> list[str]:
        state = "started" if self.started else "already running"
        out = [
            f"PostgreSQL {self.server_version} ({state})",
            f"url:      {self.url}",
            f"revision: {self.revision}",
        ]
        if self.tables:
            width = max(len(t.name) for t in self.tables)
            out.append(f"{'table'.ljust(width)}  columns  constraints  indexes")
            out += [
                f"{t.name.ljust(width)}  {t.columns:>7}  {t.constraints:>11}  {t.indexes:>7}"
                for t in self.tables
            ]
        return out


def up(project: Project) -> Summary:
    """Start the dev server, create the database, migrate it, and summarize it."""
    from tenantdb.dburl import connect

    dev = server(project)
    was_running = dev.status().running
    status = dev.ensure_running()
    maintenance = dev.url("postgres", port=status.port)
    database_url = dev.url(DATABASE, port=status.port)
    with connect(maintenance, autocommit=True, source="dev server") as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,))
        if exists.fetchone() is None:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    upgrade(project, database_url)
    with connect(database_url, source="dev database") as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        revision = _current_revision(conn)
        tables = _table_summaries(conn)
    return Summary(version, database_url, revision, not was_running, tables)


def upgrade(project: Project, database_url: str, revision: str = "head") -> None:
    """Run ``alembic upgrade`` on ``database_url``, as the ``alembic`` command would."""
    from alembic import command
    from alembic.util import CommandError

    from tenantdb.errors import DatabaseError
    from tenantdb.migrate import alembic_config

    try:
        command.upgrade(alembic_config(project, database_url), revision)
    except CommandError as exc:
        raise DatabaseError(f"alembic upgrade {revision} failed: {exc}") from exc


def down(project: Project, *, purge: bool = False) -> bool:
    """Stop the dev server (and delete its data with ``purge``); False if it was not running."""
    dev = server(project)
    if purge:
        running = dev.status().running
        dev.purge()
        return running
    return dev.stop()


def psql_command(project: Project) -> list[str]:
    from tenantdb.server import bin_dir

    dev = server(project)
    if not dev.status().running:
        raise ServerError("the dev server is not running; start it with `tenantdb dev up`")
    return [str(bin_dir() / "psql"), url(project)]


def _current_revision(conn: psycopg.Connection) -> str:
    row = conn.execute("SELECT string_agg(version_num, ', ') FROM alembic_version").fetchone()
    return row[0] if row and row[0] else "(none)"


def _table_summaries(conn: psycopg.Connection) -> list[TableSummary]:
    from tenantdb.catalog import inspect

    model = inspect(conn)
    return [
        TableSummary(t.name, len(t.columns), len(t.constraints), len(t.indexes))
        for t in sorted(model.tables.values(), key=lambda t: t.name)
    ]
