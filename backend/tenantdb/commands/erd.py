"""Print a Mermaid erDiagram of the declared schema."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--out", metavar="FILE", help="write to FILE instead of stdout")


def run(args: argparse.Namespace) -> int:
    from tenantdb.erd import render_erd
    from tenantdb.output import emit
    from tenantdb.project import find_project
    from tenantdb.spec import load_schema

    project = find_project()
    emit(render_erd(load_schema(project.schema_dir, relative_to=project.root)), args.out)
    return 0
