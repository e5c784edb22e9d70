"""`tenantdb lint` as a user runs it: the project, files, formats, exit statuses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tenantdb.cli import main
from tenantdb.lint import all_rules
from tenantdb.lint.runner import lint_text
from tenantdb.project import Project
from tenantdb.render import render_project, render_schema
from tenantdb.spec import load_schema

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "backend" / "tests" / "fixtures"


@pytest.fixture
def in_project(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("TENANTDB_ROOT", raising=False)
    monkeypatch.chdir(ROOT)
    return ROOT


@pytest.fixture
def outside(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A working directory in no project: paths are plain .sql files."""
    monkeypatch.delenv("TENANTDB_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_project_lints_clean_without_suppressions(
    in_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Test that the rendered schema and every revision have no finding and no suppression."""
    assert main(["lint"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip() == "no findings in the rendered schema, the revision chain"

    revisions = sorted((in_project / "backend" / "alembic" / "versions").glob("*.up.sql"))
    assert revisions, "the chain has at least the init revision"
    texts = [render_project(Project(in_project))] + [p.read_text() for p in revisions]
    for text in texts:
        assert "tenantdb: ignore" not in text


def test_the_templates_render_a_clean_global_fallback_table() -> None:
    """Test that a global-fallback table as the templates render it lints clean."""
    schema = load_schema(FIXTURES / "global_fallback")
    sql = render_schema(schema, ROOT / "templates")
    assert "-- tenantdb: global-fallback key=(code)" in sql
    assert lint_text(sql, "fixture.sql") == []


def test_an_unparsable_file_is_one_finding_and_exit_1(
    outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Test that a file sqlglot cannot parse gives exactly one finding, not a crash."""
    (outside / "broken.sql").write_text(
        "CREATE TABLE notes (\n    id uuid NOT NULL\n    body text\n);\n"
    )
    assert main(["lint", "broken.sql"]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 2, out
    assert lines[0].startswith("broken.sql:3:5: TDB001 cannot parse the statement near 'body'")
    assert lines[1].startswith("  help: ")
    assert err.strip() == "1 finding in broken.sql"


def test_a_missing_file_is_exit_2_with_one_error_line(
    outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Test that a path that does not exist is a usage error, not a finding."""
    (outside / "good.sql").write_text("SELECT 1;\n")
    assert main(["lint", "good.sql", "missing.sql"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "error: missing.sql: no such file or directory; give an existing .sql file\n"


def test_a_non_sql_file_outside_the_project_is_exit_2(
    outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Test that the lint refuses to guess what a non-SQL file is."""
    (outside / "notes.txt").write_text("hello\n")
    assert main(["lint", "notes.txt"]) == 2
    assert "not a .sql file" in capsys.readouterr().err


def test_json_format(outside: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Test that --format json prints a list of findings with every field."""
    (outside / "events.sql").write_text("CREATE TABLE events (payload json);\n")
    assert main(["lint", "--format", "json", "events.sql"]) == 1
    findings = json.loads(capsys.readouterr().out)
    assert isinstance(findings, list)
    json_finding = next(f for f in findings if f["code"] == "TDB303")
    assert json_finding == {
        "path": "events.sql",
        "line": 1,
        "column": 22,
        "code": "TDB303",
        "name": "json-not-jsonb",
        "message": "column 'payload' of 'events' is json",
        "help": "use jsonb",
    }


def test_json_format_when_clean(outside: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Test that a clean run prints an empty JSON list and exits 0."""
    (outside / "empty.sql").write_text("-- nothing yet\n")
    assert main(["lint", "--format", "json", "empty.sql"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_github_format(outside: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Test that --format github prints one escaped workflow annotation per finding."""
    (outside / "events.sql").write_text("CREATE TABLE events (payload json);\n")
    assert main(["lint", "--format", "github", "events.sql"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert (
        "::error file=events.sql,line=1,col=22,title=TDB303 json-not-jsonb::"
        "column 'payload' of 'events' is json%0Ahelp: use jsonb"
    ) in lines
    assert all(line.startswith("::error file=events.sql,") for line in lines)


def test_paths_under_schema_lint_the_render(
    in_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Test that a changed spec or template (what pre-commit passes) lints the render."""
    assert main(["lint", "schema/messages.yaml", "templates/table.sql.j2"]) == 0
    assert capsys.readouterr().err.strip() == "no findings in the rendered schema"


def test_list_rules_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    """Test that every rule is listed and that --explain prints its bad and good SQL."""
    assert main(["lint", "--list-rules"]) == 0
    listed = capsys.readouterr().out
    for rule in all_rules():
        assert f"{rule.code}  {rule.name}" in listed
    assert main(["lint", "--explain", "tdb206"]) == 0
    explained = capsys.readouterr().out
    assert explained.startswith("TDB206 tenant-key-not-composite\n")
    assert "Bad::" in explained and "Good::" in explained
    assert main(["lint", "--explain", "missing-tenant-id"]) == 0
    assert capsys.readouterr().out.startswith("TDB201 ")
    assert main(["lint", "--explain", "TDB404"]) == 2
    assert "no rule 'TDB404'" in capsys.readouterr().err


def test_usage_errors_exit_2() -> None:
    """Test that argparse's usage errors keep exit status 2."""
    with pytest.raises(SystemExit) as exc:
        main(["lint", "--format", "xml"])
    assert exc.value.code == 2


def test_the_lint_process_imports_no_alembic_psycopg_or_sqlalchemy() -> None:
    """Test that `tenantdb lint` stays light enough for a pre-commit hook."""
    code = (
        "import sys\n"
        "from tenantdb.cli import main\n"
        "status = main(['lint'])\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'alembic', 'psycopg', "
        "'sqlalchemy'})\n"
        "print(status, heavy)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "TENANTDB_ROOT"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env, check=False
    )
    assert result.stdout.strip() == "0 []", result.stderr
