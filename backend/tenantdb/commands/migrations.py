"""Guard the revision chain: write (hash) or check (verify) its migrations.sum."""

from __future__ import annotations

import argparse
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, summary in (
        ("hash", "write migrations.sum for the revisions as they are now"),
        ("verify", "exit 1 naming each revision file edited, added or removed since"),
    ):
        action = actions.add_parser(name, help=summary, description=summary)
        action.add_argument(
            "--dir",
            metavar="DIR",
            help="the versions directory (default: the project's backend/alembic/versions)",
        )


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tenantdb import migsum

    project = None
    if args.dir:
        versions_dir = Path(args.dir)
    else:
        from tenantdb.project import find_project

        project = find_project()
        versions_dir = project.versions_dir
    if not versions_dir.is_dir():
        raise migsum.SumError(f"{versions_dir}: not a directory; pass the versions directory")

    def shown(path: Path) -> str:
        return project.relative(path) if project else str(path)

    if args.action == "hash":
        path = migsum.write_sum(versions_dir)
        count = len(migsum.parse_sum(path.read_text(encoding="utf-8"), path).entries)
        print(f"wrote {shown(path)} ({count} files)")
        return 0

    findings = migsum.verify(versions_dir)
    for finding in findings:
        print(f"{shown(finding.path)}: {finding.message}", file=sys.stdout)
    if findings:
        return 1
    print(f"ok: {shown(migsum.sum_path(versions_dir))} matches the revision files")
    return 0
