"""Lint SQL for the naming convention and tenant isolation (the project, or .sql files).

Exit status: 0 when clean, 1 when there are findings, 2 on a usage or I/O
error. With no paths, lints the rendered declared schema and the revision
chain; see ``tenantdb lint --list-rules`` for what is checked.
"""

from __future__ import annotations

import argparse
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    from tenantdb.lint.report import FORMATS

    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help=".sql files or directories; a path under schema/ or templates/ lints the "
        "rendered schema, one under backend/alembic/versions/ the revision chain "
        "(default: both)",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default), json (a list of findings) or github (workflow annotations)",
    )
    actions = parser.add_mutually_exclusive_group()
    actions.add_argument(
        "--explain", metavar="CODE", help="print what rule CODE checks, with bad and good SQL"
    )
    actions.add_argument("--list-rules", action="store_true", help="list every rule and exit")


def run(args: argparse.Namespace) -> int:
    from tenantdb import lint
    from tenantdb.errors import TenantdbError

    if args.list_rules:
        for rule in lint.all_rules():
            print(f"{rule.code}  {rule.name:<34} {rule.summary}")
        return 0
    if args.explain:
        rule = lint.find_rule(args.explain)
        if rule is None:
            raise TenantdbError(
                f"no rule {args.explain!r}; `tenantdb lint --list-rules` lists the codes"
            )
        print(f"{rule.code} {rule.name}\n\n{rule.doc}\n\nFix: {rule.help}")
        return 0

    from tenantdb.errors import ProjectNotFound
    from tenantdb.lint import targets as lint_targets
    from tenantdb.lint.report import render, summary
    from tenantdb.project import find_project

    try:
        project = find_project()
    except ProjectNotFound:
        if not args.paths:
            raise
        project = None  # linting .sql files outside a project, e.g. from another repository
    if args.paths:
        targets = lint_targets.path_targets(args.paths, project)
    else:
        targets = lint_targets.project_targets()
    result = lint.lint_targets(targets, project)
    # The revision chain must still match its migrations.sum (`tenantdb migrations verify`).
    chain: list[str] = []
    if not args.paths:
        from tenantdb.migsum import verify

        chain = [f"{project.relative(f.path)}: {f.message}" for f in verify(project.versions_dir)]

    sys.stdout.write(render(result.findings, args.format))
    if args.format == "text":
        print(summary(result.findings, result.checked), file=sys.stderr)
    for line in chain:
        print(f"error: {line}", file=sys.stderr)
    return 1 if result.findings or chain else 0
