"""What the package's tests share: a copy of the project to run commands in."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """Return a copy of the project (spec, templates, Alembic and its revisions).

    Commands run in it can write, break or extend anything without touching
    the checkout.
    """
    target = tmp_path / "project"
    for name in ("schema", "templates", "backend/alembic"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "alembic.ini", target / "alembic.ini")
    return target
