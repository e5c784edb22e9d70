"""`tenantdb diff` end to end: exit codes, the JSON report, masked errors, the scratch database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tenantdb.cli import main
from tenantdb.diff import SCRATCH_PREFIX, declared_model
from tenantdb.errors import DatabaseError
from tenantdb.server import free_port

if TYPE_CHECKING:
    import psycopg

    from tenantdb.project import Project


@pytest.fixture(autouse=True)
def _in_project(tenantdb_project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TENANTDB_ROOT", str(tenantdb_project.root))


def scratch_databases(conn: psycopg.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT datname FROM pg_database WHERE left(datname, %s) = %s",
        (len(SCRATCH_PREFIX), SCRATCH_PREFIX),
    ).fetchall()
    return [row[0] for row in rows]


def test_no_drift_exits_0(
    db_url: str, db: psycopg.Connection, capsys: pytest.CaptureFixture
) -> None:
    assert main(["diff", "--url", db_url]) == 0
    out = capsys.readouterr().out
    assert out.startswith("no drift: ")
    assert scratch_databases(db) == []


def test_drift_exits_1_with_a_json_report(
    db_url: str, db: psycopg.Connection, capsys: pytest.CaptureFixture
) -> None:
    db.execute("ALTER TABLE messages ADD COLUMN edited_at timestamptz")
    db.execute("DROP INDEX ix_conversations_tenant_id_visitor_ref")

    assert main(["diff", "--url", db_url, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["drift"] is True
    assert report["database"] == db_url
    found = {
        (t["table"], d["change"], d["object"], d["name"])
        for t in report["tables"]
        for d in t["differences"]
    }
    assert found == {
        ("messages", "extra", "column", "edited_at"),
        ("conversations", "missing", "index", "ix_conversations_tenant_id_visitor_ref"),
    }

    assert main(["diff", "--url", db_url]) == 1
    text = capsys.readouterr().out
    assert text.startswith("drift: 2 differences in 2 tables\n")
    assert "\ntable messages\n  extra column edited_at\n    declared  -\n" in text
    assert scratch_databases(db) == []


def test_json_without_drift(db_url: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["diff", "--url", db_url, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["drift"], report["tables"]) == (False, [])


def test_a_bad_url_is_one_masked_line(capsys: pytest.CaptureFixture) -> None:
    assert main(["diff", "--url", "mysql://app:s3cret@db/app"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "error: --url is not a PostgreSQL URL: 'mysql://app:***@db/app'; "
        "expected postgresql://user:password@host:port/dbname\n"
    )


def test_an_unreachable_server_is_one_masked_line(capsys: pytest.CaptureFixture) -> None:
    port = free_port()
    assert main(["diff", "--url", f"postgresql://app:s3cret@127.0.0.1:{port}/app"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(
        f"error: cannot connect to the database at postgresql://app:***@127.0.0.1:{port}/app: "
    )
    assert captured.err.count("\n") == 1
    assert "s3cret" not in captured.err


def test_default_url_is_the_dev_database(
    project_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    """Without --url the dev database is checked; here nothing runs on its port."""
    port = free_port()
    monkeypatch.setenv("TENANTDB_ROOT", str(project_copy))
    monkeypatch.setenv("TENANTDB_DEV_PORT", str(port))
    assert main(["diff"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"error: cannot connect to the database at postgresql://postgres@127.0.0.1:{port}/tenantdb"
    )


def test_the_scratch_database_is_dropped_when_the_declared_schema_fails(
    tenantdb_project: Project, db_url: str, db: psycopg.Connection
) -> None:
    with pytest.raises(DatabaseError, match="the declared schema does not apply to an empty"):
        declared_model(tenantdb_project, db_url, sql="CREATE TABLE broken (id nosuchtype);")
    assert scratch_databases(db) == []
