"""Migration safety: the chain's offline SQL passes squawk with no findings.

``alembic upgrade head --sql`` prints what the chain runs; squawk (the
``squawk-cli`` dev dependency) checks it as one migration run inside a
transaction (``--assume-in-transaction``). The revisions set ``lock_timeout``
and ``statement_timeout`` themselves; env.py marks the few statements Alembic
prints on its own (BEGIN/COMMIT, the version table) for squawk.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _squawk() -> str:
    found = shutil.which("squawk", path=str(Path(sys.executable).parent)) or shutil.which("squawk")
    if found is None:
        pytest.fail("squawk is not installed: pip install -e '.[dev]' (package squawk-cli)")
    return found


@pytest.fixture(scope="module")
def offline_sql() -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("TENANTDB_ROOT", "DATABASE_URL")}
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head", "--sql"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _run_squawk(sql: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "upgrade.sql"
    path.write_text(sql, encoding="utf-8")
    return subprocess.run(
        [_squawk(), "--assume-in-transaction", str(path)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )


def test_offline_upgrade_sql_passes_squawk(offline_sql: str, tmp_path: Path) -> None:
    """Test that squawk finds nothing in the whole chain's offline SQL."""
    result = _run_squawk(offline_sql, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Found 0 issues" in result.stdout


def test_squawk_would_catch_a_revision_without_timeouts(offline_sql: str, tmp_path: Path) -> None:
    """Test the check itself: without the revision's SET LOCAL lines squawk complains."""
    assert "SET LOCAL lock_timeout" in offline_sql
    stripped = "\n".join(
        line for line in offline_sql.splitlines() if not line.startswith("SET LOCAL ")
    )
    result = _run_squawk(stripped, tmp_path)
    assert result.returncode != 0
    assert "require-lock-timeout" in result.stdout
