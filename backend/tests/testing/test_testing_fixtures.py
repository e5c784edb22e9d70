"""The plugin's fixtures: what each database holds, and that nothing outlives the session."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import psycopg
import pytest

from tenantdb import testing as t
from tenantdb.testing.databases import ClonePool

MIGRATED_TABLES = [
    "alembic_version",
    "conversations",
    "events",
    "incidents",
    "messages",
    "tenant_domains",
    "tenants",
]


def _databases(server) -> set[str]:
    with psycopg.connect(server.url(), autocommit=True) as admin:
        return {r[0] for r in admin.execute("SELECT datname FROM pg_database").fetchall()}


def test_embedded_server_is_the_sessions_own(tenantdb_server, tenantdb_project) -> None:
    """Test that the default server is not the dev server, and that the handle reports it."""
    if tenantdb_server.external:
        pytest.skip("TEST_DATABASE_URL is set: the session uses that server, not its own")
    with psycopg.connect(tenantdb_server.url()) as conn:
        data_dir = conn.execute("SHOW data_directory").fetchone()[0]
        version = conn.execute("SHOW server_version").fetchone()[0]
    assert not Path(data_dir).is_relative_to(tenantdb_project.state_dir)
    assert tenantdb_server.version == version
    assert tenantdb_server.url("x").endswith("/x")


def test_rollback_db_is_migrated_and_refuses_commit(rollback_db: psycopg.Connection) -> None:
    """Test that rollback_db sees the migrated schema and cannot commit by mistake."""
    t.tables_are(rollback_db, MIGRATED_TABLES)
    rollback_db.execute("INSERT INTO tenants (slug, name) VALUES ('acme', 'Acme')")
    with pytest.raises(psycopg.ProgrammingError):
        rollback_db.commit()


def test_rollback_db_connection_survives_being_closed(
    rollback_db: psycopg.Connection, _tenantdb_shared
) -> None:
    """Test that a test closing the shared connection does not break the next test."""
    rollback_db.close()
    fresh = _tenantdb_shared.connection()
    assert fresh is not rollback_db
    t.is_empty(fresh, "SELECT * FROM tenants")


def test_db_is_a_fresh_clone_that_commits(db: psycopg.Connection, db_url: str) -> None:
    """Test that db is a migrated clone, and that its statements commit at once."""
    t.tables_are(db, MIGRATED_TABLES)
    t.is_empty(db, "SELECT * FROM tenants")
    db.execute("INSERT INTO tenants (slug, name) VALUES ('acme', 'Acme')")
    with psycopg.connect(db_url) as other:
        t.results_eq(other, "SELECT slug FROM tenants", ["acme"])


def test_empty_db_url_is_empty(empty_db_url: str) -> None:
    """Test that empty_db_url holds no table at all."""
    with psycopg.connect(empty_db_url) as conn:
        t.tables_are(conn, [])


def test_clone_pool_drops_what_it_made(tenantdb_server, migrated_template: str) -> None:
    """Test that clones are distinct, belong to the session, and are gone after close()."""
    pool = ClonePool(tenantdb_server, "pooltest", migrated_template, size=1)
    try:
        names = [pool.acquire() for _ in range(3)]
        assert len(set(names)) == 3
        assert all(n.startswith(tenantdb_server.prefix) for n in names)
        with psycopg.connect(tenantdb_server.url(names[0])) as conn:
            t.has_table(conn, "tenants")
        for name in names:
            pool.release(name)
    finally:
        pool.close()
    left = {d for d in _databases(tenantdb_server) if "pooltest" in d}
    assert left == set()


EXTERNAL_SESSION = """
import psycopg
from tenantdb import testing as t


def test_uses_the_external_server(tenantdb_server):
    assert tenantdb_server.external


def test_clone_then_fail(db):
    db.execute("INSERT INTO tenants (slug, name) VALUES ('acme', 'Acme')")
    assert False, "a failing test must not leave its database behind"


def test_empty_then_fail(empty_db_url):
    raise RuntimeError("an error must not leave its database behind")


def test_rolled_back(rollback_db):
    t.tables_are(rollback_db, {tables!r})
"""


def test_external_server_is_left_as_it_was(tmp_path: Path, tenantdb_server) -> None:
    """Test that a session on TEST_DATABASE_URL, with failing tests, drops all it created.

    A second pytest process runs against this session's server as its
    "external" server; afterwards the server has exactly the databases it
    had before (apart from this session's own, which come and go).
    """
    (tmp_path / "test_external_session.py").write_text(
        textwrap.dedent(EXTERNAL_SESSION.format(tables=MIGRATED_TABLES))
    )
    before = _databases(tenantdb_server)
    env = {
        **os.environ,
        "TEST_DATABASE_URL": tenantdb_server.url(),
        "TENANTDB_ROOT": str(Path(__file__).resolve().parents[3]),
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr
    assert "2 failed, 2 passed" in summary, result.stdout + result.stderr
    after = _databases(tenantdb_server)
    ours = tenantdb_server.prefix
    assert {d for d in after - before if not d.startswith(ours)} == set()


def test_sessions_reuse_an_initialized_cluster(tmp_path: Path, monkeypatch) -> None:
    """Test that the first session caches its initdb result and the next starts from a copy."""
    from tenantdb.testing.servers import SCRATCH_ENV, EmbeddedTestServer, cluster_cache

    monkeypatch.setenv(SCRATCH_ENV, str(tmp_path))
    cache = cluster_cache()
    assert cache is not None and not cache.exists()
    for session in ("first", "second"):
        if session == "second":
            # No initdb now: the cluster must come from the cache.
            def refuse(self) -> None:
                raise AssertionError("initdb ran although a cached cluster exists")

            monkeypatch.setattr("tenantdb.server.EmbeddedServer.initialize", refuse)
        server = EmbeddedTestServer()
        try:
            url = server.start()
            with psycopg.connect(url) as conn:
                t.results_eq(conn, "SELECT current_user", ["postgres"])
        finally:
            server.stop()
        assert (cache / "PG_VERSION").is_file(), f"no cached cluster after the {session} session"
    # Only the cache is left: each session's own directory is gone.
    assert [p.name for p in tmp_path.iterdir()] == [cache.name]
