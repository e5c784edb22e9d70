"""What ``tenantdb lint`` reads: the rendered schema, the revision chain, or .sql files.

With no paths it lints the project: the declared schema rendered in memory,
and the chain of revisions (each revision's frozen ``.up.sql``, in chain
order, into one model, as they apply to one database). With paths, each path
chooses what to lint, so a pre-commit hook can pass whatever changed:

* a file under ``schema/`` or ``templates/`` -> the rendered schema;
* a file under ``backend/alembic/versions/`` -> the revision chain;
* any other ``.sql`` file -> that file, as a schema of its own;
* a directory -> every ``.sql`` file below it, each as above.

Alembic is not imported (it would double the start-up time of a hook that
runs on every commit): the chain's order is read from each revision file's
``revision`` and ``down_revision`` assignments, as tenantdb.migsum does.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tenantdb.errors import TenantdbError
from tenantdb.project import Project

log = logging.getLogger(__name__)

#: The path findings about the rendered schema carry: lines are those of `tenantdb render`.
RENDER_PATH = "<tenantdb render>"

RENDER = "render"
CHAIN = "chain"
FILE = "file"


@dataclass(frozen=True)
class Target:
    kind: str
    path: Path | None = None

    def label(self, project: Project | None) -> str:
        if self.kind == RENDER:
            return "the rendered schema"
        if self.kind == CHAIN:
            return "the revision chain"
        return display(self.path, project) if self.path else ""


def project_targets() -> list[Target]:
    return [Target(RENDER), Target(CHAIN)]


def path_targets(paths: Sequence[str], project: Project | None) -> list[Target]:
    """Return the targets the given paths choose, each once, in the order given."""
    targets: list[Target] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise TenantdbError(f"{raw}: no such file or directory; give an existing .sql file")
        files = sorted(path.rglob("*.sql")) if path.is_dir() else [path]
        for file in files:
            target = _classify(file, project)
            if target is None:
                raise TenantdbError(
                    f"{raw}: not a .sql file, nor in the project's schema/, templates/ or "
                    "backend/alembic/versions/; the lint reads SQL"
                )
            if target not in targets:
                targets.append(target)
    return targets


def _classify(path: Path, project: Project | None) -> Target | None:
    if project is not None:
        resolved = path.resolve()
        if _inside(resolved, project.schema_dir) or _inside(resolved, project.templates_dir):
            return Target(RENDER)
        if _inside(resolved, project.versions_dir):
            return Target(CHAIN)
    if path.suffix == ".sql":
        return Target(FILE, path)
    return None


def _inside(path: Path, directory: Path) -> bool:
    return path.is_relative_to(directory.resolve())


def display(path: Path, project: Project | None) -> str:
    """Return how findings name ``path``: relative to the project root when inside it."""
    return project.relative(path) if project is not None else str(path)


def read_text(path: Path, project: Project | None) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise TenantdbError(
            f"{display(path, project)}: not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from exc
    except OSError as exc:
        raise TenantdbError(
            f"{display(path, project)}: cannot read: {exc.strerror or exc}"
        ) from exc


def chain_files(project: Project) -> list[Path]:
    """Return each revision's ``.up.sql``, from the first revision to the head.

    The order is the one ``tenantdb migrations`` reads (tenantdb.migsum): from
    the ``revision`` and ``down_revision`` assignments, without Alembic.
    """
    from tenantdb import migsum
    from tenantdb.migrate import frozen_sql_path

    versions = project.versions_dir
    revisions = [
        migsum.read_revision(path.name, read_text(path, project), display(path, project))
        for path in sorted(versions.glob("*.py"))
        if not path.name.startswith("_")
    ]
    ordered: list[Path] = []
    for revision in migsum.chain_order(revisions, versions):
        script = versions / revision.name
        sql = frozen_sql_path(script, "up")
        if sql.is_file():
            ordered.append(sql)
        else:
            # TODO(lint-revisions): a revision written by hand in Python (op.add_column
            # and the like) has no frozen .up.sql beside it, so the lint skips it. Its
            # SQL exists only as `alembic upgrade --sql` output, and the lint does not
            # import Alembic, to keep a pre-commit run fast.
            log.info("Skipped revision %s: no .up.sql beside %s", revision.revision, script.name)
    return ordered
