"""Run the embedded development database (up, url, psql, down)."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("up", help="start the server, create the database, alembic upgrade head")
    actions.add_parser("url", help="print the database URL")
    actions.add_parser("psql", help="open psql on the database")
    down = actions.add_parser("down", help="stop the server")
    down.add_argument("--purge", action="store_true", help="also delete the server's data")


def run(args: argparse.Namespace) -> int:
    from tenantdb import devdb
    from tenantdb.project import find_project

    project = find_project()
    if args.action == "up":
        for line in devdb.up(project).lines():
            print(line)
    elif args.action == "url":
        print(devdb.url(project))
    elif args.action == "psql":
        import os

        command = devdb.psql_command(project)
        os.execv(command[0], command)
    elif args.action == "down":
        was_running = devdb.down(project, purge=args.purge)
        state = "stopped" if was_running else "was not running"
        print(f"dev server {state}" + ("; data deleted" if args.purge else ""))
    return 0
