"""`tenantdb lint` with no paths also verifies the revision chain against migrations.sum."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenantdb.cli import main

ROOT = Path(__file__).resolve().parents[3]
UP_SQL = "backend/alembic/versions/84320484c17e_02_init_schema.up.sql"


@pytest.fixture
def project(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TENANTDB_ROOT", str(project_copy))
    return project_copy


def test_lint_passes_on_an_intact_chain(project: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["lint"]) == 0
    assert "error:" not in capsys.readouterr().err


def test_lint_names_an_edited_revision_file(project: Path, capsys: pytest.CaptureFixture) -> None:
    up = project / UP_SQL
    up.write_text(up.read_text() + "-- a harmless comment is still an edit\n")
    assert main(["lint"]) == 1
    captured = capsys.readouterr()
    assert f"error: {UP_SQL}: edited since the sum was written" in captured.err
    # Linting named paths checks those files only, not the chain's sum.
    assert main(["lint", str(project / "schema")]) == 0
