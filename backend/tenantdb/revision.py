"""Write a frozen revision: the rendered SQL, up and down, fixed at the time of writing.

``tenantdb revision -m "02 init schema"`` renders the declared schema and
writes three files into ``backend/alembic/versions/``::

    <rev>_02_init_schema.py        the Alembic revision, a few stable lines
    <rev>_02_init_schema.up.sql    the CREATE statements, as rendered now
    <rev>_02_init_schema.down.sql  the DROP statements, as rendered now

Later changes to ``schema/`` or ``templates/`` never touch these files:
whether the chain still produces the declared schema is checked by applying
it and comparing catalogs, never by rendering an old revision again.

Only the first revision can be written this way; a chain that already has
revisions needs a diff-based revision, which this command refuses to guess.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tenantdb.errors import RevisionError

if TYPE_CHECKING:
    from tenantdb.project import Project

#: Put before the frozen CREATE statements: fail fast instead of queueing behind
#: a long lock, and never run unbounded (squawk's require-lock-timeout and
#: require-statement-timeout). SET LOCAL ends with the revision's transaction.
PREAMBLE = """\
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';
"""

REVISION_TEMPLATE = '''\
"""{message}

Frozen by `tenantdb revision` from the declared schema. The SQL is in the
.up.sql and .down.sql files of the same name beside this file, and it never
changes when schema/ or templates/ change later.

Revision ID: {rev}
Revises:
Create Date: {date}
"""

from __future__ import annotations

from tenantdb.migrate import run_frozen_sql

revision = "{rev}"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_frozen_sql(__file__, "up")


def downgrade() -> None:
    run_frozen_sql(__file__, "down")
'''


@dataclass(frozen=True)
class WrittenRevision:
    revision: str
    files: tuple[Path, ...]


def slugify(message: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")
    if not slug:
        raise RevisionError(
            f"the message {message!r} has no letters or digits; describe the change"
        )
    return slug[:60].rstrip("_")


def existing_revisions(project: Project) -> list[str]:
    from alembic.script import ScriptDirectory

    from tenantdb.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config(project))
    return [rev.revision for rev in script.walk_revisions()]


def write_revision(project: Project, message: str, *, rev_id: str | None = None) -> WrittenRevision:
    """Render the declared schema and freeze it as the first revision of the chain."""
    from alembic.util import rev_id as new_rev_id

    from tenantdb.migsum import updated_sum
    from tenantdb.render import render_project

    existing = existing_revisions(project)
    if existing:
        raise RevisionError(
            f"{project.relative(project.versions_dir)} already has revision(s) "
            f"{', '.join(existing)}; `tenantdb revision` only writes the first, frozen "
            "revision. Write the next one by hand (`alembic revision -m ...`)"
        )
    slug = slugify(message)
    up_sql = PREAMBLE + "\n" + render_project(project)
    down_sql = render_project(project, down=True)

    rev = rev_id or new_rev_id()
    stem = f"{rev}_{slug}"
    date = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    contents = {
        project.versions_dir / f"{stem}.up.sql": up_sql,
        project.versions_dir / f"{stem}.down.sql": down_sql,
        project.versions_dir / f"{stem}.py": REVISION_TEMPLATE.format(
            message=message.strip(), stem=stem, rev=rev, date=date
        ),
    }
    # The chain's sum changes with the new files, in the same all-or-nothing write.
    sum_file, sum_text = updated_sum(project.versions_dir, contents)
    _write_all(contents, replace={sum_file: sum_text})
    return WrittenRevision(rev, (*contents, sum_file))


def _write_all(contents: dict[Path, str], replace: dict[Path, str] | None = None) -> None:
    """Write every file or none: each goes to a temporary name first.

    Files in ``contents`` must be new; files in ``replace`` may exist already.
    """
    replace = replace or {}
    temporary: list[tuple[Path, Path]] = []
    try:
        for path, text in {**contents, **replace}.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists() and path not in replace:
                raise RevisionError(f"{path} already exists; choose another message")
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_text(text, encoding="utf-8")
            temporary.append((tmp, path))
        for tmp, path in temporary:
            tmp.replace(path)
    except OSError as exc:
        raise RevisionError(f"cannot write the revision: {exc}") from exc
    finally:
        for tmp, _ in temporary:
            tmp.unlink(missing_ok=True)
