"""Compare a live database with the declared schema (exit 0 no drift, 1 drift, 2 error)."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--url",
        metavar="URL",
        help="the database to check, postgresql://user:password@host:port/dbname "
        "(default: the dev database)",
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="the report's format"
    )


def run(args: argparse.Namespace) -> int:
    from tenantdb.diff import diff_database
    from tenantdb.project import find_project

    project = find_project()
    if args.url is not None:
        from tenantdb.dburl import validate

        url = validate(args.url, "--url")
    else:
        from tenantdb import devdb

        url = devdb.url(project)
    report = diff_database(project, url)
    if args.format == "json":
        import json

        print(json.dumps(report.as_json(), indent=2))
    else:
        print(report.text(), end="")
    return 1 if report.drift else 0
