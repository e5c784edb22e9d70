"""The command line as a user meets it: exit codes, one-line errors, files written.

Each test runs the real console entry point in a subprocess, in a copy of the
project under ``tmp_path`` so that nothing here touches the checkout.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None, module: str = "tenantdb"
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture
def project(project_copy: Path) -> Path:
    return project_copy


def test_render_from_a_subdirectory(project: Path) -> None:
    result = run("render", cwd=project / "backend" / "alembic")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("-- The declared schema")
    assert "CREATE TABLE messages" in result.stdout


def test_render_out_writes_the_file(project: Path) -> None:
    result = run("render", "--down", "--out", "out/drop.sql", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / "out" / "drop.sql").read_text().endswith("DROP TABLE tenants;\n")


def test_malformed_spec_is_one_line_and_writes_nothing(project: Path) -> None:
    spec = project / "schema" / "messages.yaml"
    spec.write_text(spec.read_text().replace("type: text", "type: varchar(255)", 1))
    result = run("render", "--out", "schema.sql", cwd=project)
    assert_one_line_error(result, "error: schema/messages.yaml: columns.", ".type:", "use text")
    assert result.returncode == 2
    assert not (project / "schema.sql").exists()
    assert not [p for p in project.iterdir() if p.name.startswith(".schema.sql")]


def test_template_error_is_one_line(project: Path) -> None:
    template = project / "templates" / "table.sql.j2"
    template.write_text(template.read_text().replace("table.comment", "table.remark"))
    result = run("render", cwd=project)
    assert_one_line_error(result, "table.sql.j2:", "remark")


def test_outside_a_project(tmp_path: Path) -> None:
    result = run("render", cwd=tmp_path)
    assert_one_line_error(result, "no tenantdb project")


def test_revision_refuses_a_chain_that_has_revisions(project: Path) -> None:
    before = sorted(p.name for p in (project / "backend/alembic/versions").iterdir())
    result = run("revision", "-m", "03 more", cwd=project)
    assert_one_line_error(result, "already has revision(s)", "by hand")
    after = sorted(p.name for p in (project / "backend/alembic/versions").iterdir())
    assert after == before


def test_revision_freezes_the_rendered_sql(project: Path) -> None:
    for path in (project / "backend" / "alembic" / "versions").iterdir():
        path.unlink()
    result = run("revision", "-m", "02 init schema", "--rev-id", "abc123", cwd=project)
    assert result.returncode == 0, result.stderr
    versions = project / "backend" / "alembic" / "versions"
    up = (versions / "abc123_02_init_schema.up.sql").read_text()
    rendered = run("render", cwd=project).stdout
    assert up.startswith("SET LOCAL lock_timeout")
    assert up.endswith(rendered)
    assert (versions / "abc123_02_init_schema.down.sql").read_text() == (
        run("render", "--down", cwd=project).stdout
    )
    # A later change to the spec does not touch the frozen files.
    spec = project / "schema" / "messages.yaml"
    spec.write_text(spec.read_text().replace("10000", "20000"))
    assert (versions / "abc123_02_init_schema.up.sql").read_text() == up
    history = run("history", cwd=project, module="alembic")
    assert "abc123 (head), 02 init schema" in history.stdout, history.stderr


def test_offline_sql_needs_no_database(project: Path) -> None:
    result = run("upgrade", "head", "--sql", cwd=project, module="alembic")
    assert result.returncode == 0, result.stderr
    assert "CREATE TABLE messages" in result.stdout
    assert "pg_advisory" not in result.stdout


@pytest.mark.parametrize(
    ("url", "fragments"),
    [
        ("mysql://app:s3cret@db/app", ("not a PostgreSQL URL", "app:***@db")),
        (
            "postgresql://app:s3cret@127.0.0.1:1/app",
            ("cannot connect to postgresql://app:***@127.0.0.1:1/app",),
        ),
    ],
    ids=["wrong-scheme", "unreachable"],
)
def test_bad_database_url_is_one_line_without_the_password(
    project: Path, url: str, fragments: tuple[str, ...]
) -> None:
    result = run("upgrade", "head", cwd=project, env={"DATABASE_URL": url}, module="alembic")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "s3cret" not in result.stderr + result.stdout
    output = result.stdout + result.stderr
    failure = [line for line in output.splitlines() if line.startswith("FAILED")]
    assert len(failure) == 1, output
    for fragment in fragments:
        assert fragment in failure[0]


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def test_dev_up_on_a_busy_port(project: Path, busy_port: int) -> None:
    result = run("dev", "up", cwd=project, env={"TENANTDB_DEV_PORT": str(busy_port)})
    assert_one_line_error(result, f"port {busy_port} on 127.0.0.1 is in use", "TENANTDB_DEV_PORT")


def test_dev_port_must_be_a_port(project: Path) -> None:
    result = run("dev", "url", cwd=project, env={"TENANTDB_DEV_PORT": "http"})
    assert_one_line_error(result, "TENANTDB_DEV_PORT='http' is not a TCP port")


def test_dev_up_is_idempotent_and_down_purges(project: Path) -> None:
    from tenantdb.server import free_port

    env = {"TENANTDB_DEV_PORT": str(free_port())}
    try:
        first = run("dev", "up", cwd=project, env=env)
        assert first.returncode == 0, first.stderr
        lines = first.stdout.splitlines()
        assert lines[0].startswith("PostgreSQL ") and lines[0].endswith("(started)")
        assert (
            lines[1]
            == f"url:      postgresql://postgres@127.0.0.1:{env['TENANTDB_DEV_PORT']}/tenantdb"
        )
        revision = next(p.stem for p in (project / "backend/alembic/versions").glob("*.py"))
        assert lines[2] == f"revision: {revision.split('_')[0]}"
        tables = {line.split()[0]: line.split()[1:] for line in lines[4:]}
        assert set(tables) == {
            "conversations",
            "events",
            "incidents",
            "messages",
            "tenant_domains",
            "tenants",
        }
        assert tables["messages"] == ["6", "5", "2"]

        second = run("dev", "up", cwd=project, env=env)
        assert second.returncode == 0, second.stderr
        assert second.stdout.splitlines()[0].endswith("(already running)")
        assert second.stdout.splitlines()[1:] == lines[1:]

        url = run("dev", "url", cwd=project, env=env)
        assert url.stdout.strip() == lines[1].split()[-1]
    finally:
        down = run("dev", "down", "--purge", cwd=project, env=env)
    assert down.returncode == 0, down.stderr
    assert down.stdout.strip() == "dev server stopped; data deleted"
    assert not (project / ".tenantdb" / "pgdata").exists()
