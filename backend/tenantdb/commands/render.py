"""Render the declared schema as DDL (CREATE statements in dependency order)."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--down", action="store_true", help="render the DROP statements, in reverse order"
    )
    parser.add_argument("-o", "--out", metavar="FILE", help="write to FILE instead of stdout")


def run(args: argparse.Namespace) -> int:
    from tenantdb.output import emit
    from tenantdb.project import find_project
    from tenantdb.render import render_project

    emit(render_project(find_project(), down=args.down), args.out)
    return 0
