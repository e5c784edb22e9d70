"""Find the project from the current directory, walking up as git does.

A project root is a directory that holds both ``alembic.ini`` and a
``schema/`` directory. Every command resolves its paths from that root, so
``tenantdb render`` works the same from ``backend/`` as from the top.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tenantdb.errors import ProjectNotFound

#: Overrides the search, e.g. for tools run outside the checkout.
ROOT_ENV = "TENANTDB_ROOT"


@dataclass(frozen=True)
class Project:
    """The fixed layout of a project below its root."""

    root: Path

    @property
    def schema_dir(self) -> Path:
        return self.root / "schema"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def alembic_ini(self) -> Path:
        return self.root / "alembic.ini"

    @property
    def alembic_dir(self) -> Path:
        return self.root / "backend" / "alembic"

    @property
    def versions_dir(self) -> Path:
        return self.alembic_dir / "versions"

    @property
    def state_dir(self) -> Path:
        """Git-ignored working state: the embedded server's data and logs."""
        return self.root / ".tenantdb"

    @property
    def docs_dir(self) -> Path:
        return self.root / "docs"

    def relative(self, path: Path) -> str:
        """Return ``path`` relative to the root when it is inside it, for messages."""
        try:
            return str(path.resolve().relative_to(self.root))
        except ValueError:
            return str(path)


def is_root(path: Path) -> bool:
    return (path / "alembic.ini").is_file() and (path / "schema").is_dir()


def find_project(start: Path | None = None) -> Project:
    """Return the project that contains ``start`` (default: the current directory)."""
    override = os.environ.get(ROOT_ENV)
    if override:
        root = Path(override).resolve()
        if not is_root(root):
            raise ProjectNotFound(
                f"{ROOT_ENV}={override} is not a tenantdb project "
                "(it needs alembic.ini and a schema/ directory)"
            )
        return Project(root)
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if is_root(candidate):
            return Project(candidate)
    raise ProjectNotFound(
        f"no tenantdb project in {here} or above it (looked for alembic.ini beside a "
        "schema/ directory); run the command inside the checkout"
    )
