"""What Alembic's env.py and the revisions share: the URL, the lock, the frozen SQL.

Kept apart from ``backend/alembic/env.py`` so that the CLI, the tests and
env.py resolve the database the same way, and so that a revision file stays a
few lines that never need to change.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

    from tenantdb.project import Project

#: The advisory lock that serializes concurrent ``alembic upgrade`` runs on one
#: database: the bytes of "tenantdb" as a bigint.
MIGRATION_LOCK_KEY = int.from_bytes(b"tenantdb", "big")

#: ``Config.attributes`` key through which Python callers pass the URL to env.py.
URL_ATTRIBUTE = "database_url"


def database_url(config: Config | None = None) -> str:
    """Return the URL Alembic should migrate, in libpq form.

    In order: a URL a Python caller put in ``config.attributes``, then the
    ``DATABASE_URL`` environment variable, then the embedded dev database.
    """
    from tenantdb.dburl import validate

    if config is not None and config.attributes.get(URL_ATTRIBUTE):
        return validate(config.attributes[URL_ATTRIBUTE], "the database URL")
    if os.environ.get("DATABASE_URL"):
        return validate(os.environ["DATABASE_URL"])
    from tenantdb import devdb
    from tenantdb.project import find_project

    return devdb.url(find_project())


def alembic_config(project: Project, url: str | None = None) -> Config:
    """Return the project's Alembic configuration, optionally bound to ``url``."""
    from alembic.config import Config

    config = Config(str(project.alembic_ini))
    config.set_main_option("script_location", str(project.alembic_dir))
    if url is not None:
        config.attributes[URL_ATTRIBUTE] = url
    return config


def frozen_sql_path(revision_file: str | Path, direction: str) -> Path:
    """Return the ``.up.sql`` or ``.down.sql`` file frozen beside a revision."""
    path = Path(revision_file)
    return path.with_name(f"{path.stem}.{direction}.sql")


def run_frozen_sql(revision_file: str, direction: str) -> None:
    """Execute the SQL frozen beside ``revision_file`` (called from upgrade/downgrade).

    Offline (``alembic upgrade --sql``) the text is written out verbatim.
    Online it goes to psycopg as one simple-protocol query without parameters,
    so nothing in it is mistaken for a bind parameter (``:name``, ``%s``).
    """
    from alembic import op

    sql = frozen_sql_path(revision_file, direction).read_text(encoding="utf-8")
    context = op.get_context()
    if context.as_sql:
        context.impl.static_output(sql.rstrip("\n") + "\n")
        return
    op.get_bind().connection.driver_connection.execute(sql)
