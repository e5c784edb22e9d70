"""Freeze the rendered schema as the first Alembic revision."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-m", "--message", required=True, help='e.g. "02 init schema"')
    parser.add_argument("--rev-id", help="the revision id (default: a random one)")


def run(args: argparse.Namespace) -> int:
    from tenantdb.project import find_project
    from tenantdb.revision import write_revision

    project = find_project()
    written = write_revision(project, args.message, rev_id=args.rev_id)
    for path in written.files:
        print(f"wrote {project.relative(path)}")
    return 0
