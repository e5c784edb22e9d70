"""The chain of revisions: reversible, idempotent under concurrency, atomic per revision."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import psycopg
import pytest
from alembic import command
from alembic.script import ScriptDirectory

from tenantdb import testing as t
from tenantdb.catalog import inspect
from tenantdb.diff import compare
from tenantdb.migrate import alembic_config
from tenantdb.model import SchemaModel
from tenantdb.spec import Schema

#: How many `alembic upgrade head` processes race on one empty database.
RACERS = 8


def _head(project) -> str:
    head = ScriptDirectory.from_config(alembic_config(project)).get_current_head()
    assert head is not None
    return head


def catalog(url: str) -> SchemaModel:
    """Read the database's schema as drift does: what pg_catalog prints."""
    with psycopg.connect(url) as conn:
        return inspect(conn, label=url)


def assert_same_catalog(first: SchemaModel, second: SchemaModel) -> None:
    """Fail with the drift report unless both have the same tables, columns (in order),
    constraint and index definitions and comments."""
    report = compare(first, second, declared_label="first", database_label="second")
    assert not report.drift, report.text()
    columns = {name: list(table.columns) for name, table in first.tables.items()}
    assert {name: list(table.columns) for name, table in second.tables.items()} == columns


def _only_alembic_version_left(conn: psycopg.Connection) -> None:
    t.tables_are(conn, ["alembic_version"])
    t.set_eq(
        conn,
        """
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public'
        """,
        ["alembic_version", "alembic_version_pkc"],
    )
    t.is_empty(conn, "SELECT * FROM alembic_version")


def test_upgrade_downgrade_upgrade_gives_the_same_catalog(
    empty_db_url: str, tenantdb_project, db_url: str
) -> None:
    """Test that downgrade base undoes upgrade head: upgrading again gives the same catalog."""
    config = alembic_config(tenantdb_project, empty_db_url)
    command.upgrade(config, "head")
    first = catalog(empty_db_url)
    assert first.tables, "upgrade head created the tables"
    command.downgrade(config, "base")
    with psycopg.connect(empty_db_url) as conn:
        _only_alembic_version_left(conn)
    command.upgrade(config, "head")
    with psycopg.connect(empty_db_url) as conn:
        t.results_eq(conn, "SELECT version_num FROM alembic_version", [_head(tenantdb_project)])
    assert_same_catalog(first, catalog(empty_db_url))
    # And the template the other tests clone (db_url is a clone) was built the same way.
    assert_same_catalog(first, catalog(db_url))


def test_downgrade_base_leaves_only_alembic_version(db_url: str, tenantdb_project) -> None:
    """Test that downgrade base leaves alembic_version, empty, and nothing else."""
    command.downgrade(alembic_config(tenantdb_project, db_url), "base")
    with psycopg.connect(db_url) as conn:
        _only_alembic_version_left(conn)


def test_concurrent_upgrades_apply_the_schema_once(
    empty_db_url: str, tenantdb_project, schema: Schema, db_url: str
) -> None:
    """Test that eight `alembic upgrade head` processes at once all succeed and migrate once.

    They run the real console script from the project's environment, with
    DATABASE_URL, from the repository root, as a deploy would. A second
    application of the init revision would fail on CREATE TABLE, so eight
    exit codes of 0 and one row in alembic_version mean it ran once.
    """
    alembic = Path(sys.executable).with_name("alembic")
    if not alembic.is_file():
        pytest.fail(f"{alembic} is missing; install the project with `pip install -e .`")
    env = {**os.environ, "DATABASE_URL": empty_db_url}
    env.pop("TEST_DATABASE_URL", None)
    racers = [
        subprocess.Popen(
            [str(alembic), "upgrade", "head"],
            cwd=tenantdb_project.root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(RACERS)
    ]
    outcomes = []
    for racer in racers:
        out, err = racer.communicate(timeout=120)
        outcomes.append((racer.returncode, (out + err).strip().splitlines()[-1:]))
    assert [code for code, _ in outcomes] == [0] * RACERS, outcomes
    with psycopg.connect(empty_db_url) as conn:
        t.results_eq(conn, "SELECT version_num FROM alembic_version", [_head(tenantdb_project)])
        t.tables_are(conn, [*schema.names, "alembic_version"])
    assert_same_catalog(catalog(db_url), catalog(empty_db_url))


GOOD_REVISION = '''
"""A revision that works: it adds a table."""
from alembic import op

revision = "aaaa00000002"
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE TABLE kept (id integer PRIMARY KEY)")


def downgrade() -> None:
    op.execute("DROP TABLE kept")
'''

BROKEN_REVISION = '''
"""A revision that fails halfway: its first statement works, its second does not."""
from alembic import op

revision = "bbbb00000003"
down_revision = "aaaa00000002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE TABLE half_done (id integer PRIMARY KEY)")
    op.execute("SELECT 1 / 0")


def downgrade() -> None:
    op.execute("DROP TABLE half_done")
'''


def test_failing_revision_leaves_the_previous_one(
    empty_db_url: str, tenantdb_project, schema: Schema, tmp_path: Path
) -> None:
    """Test that a revision failing halfway is undone whole, leaving the revision before it.

    The chain is a copy of the project's revisions in a temporary directory,
    plus a good revision and a broken one after it; the project's own
    versions directory is never touched.
    """
    versions = tmp_path / "versions"
    versions.mkdir()
    for path in tenantdb_project.versions_dir.iterdir():
        if path.is_file() and path.suffix in (".py", ".sql"):
            shutil.copy2(path, versions / path.name)
    head = _head(tenantdb_project)
    (versions / "aaaa00000002_good.py").write_text(textwrap.dedent(GOOD_REVISION.format(down=head)))
    (versions / "bbbb00000003_broken.py").write_text(textwrap.dedent(BROKEN_REVISION))

    config = alembic_config(tenantdb_project, empty_db_url)
    config.set_main_option("version_locations", str(versions))
    with pytest.raises(Exception, match="division by zero"):
        command.upgrade(config, "head")

    with psycopg.connect(empty_db_url) as conn:
        t.results_eq(conn, "SELECT version_num FROM alembic_version", ["aaaa00000002"])
        t.has_table(conn, "kept")
        t.hasnt_table(conn, "half_done")
        t.tables_are(conn, [*schema.names, "alembic_version", "kept"])
