"""Write docs/schema.md: the diagram and a reference of every table of the declared schema."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the committed docs/schema.md is stale",
    )


def run(args: argparse.Namespace) -> int:
    from tenantdb.output import write_atomic
    from tenantdb.project import find_project
    from tenantdb.schemadoc import DOC_PATH, render_docs
    from tenantdb.spec import load_schema

    project = find_project()
    text = render_docs(load_schema(project.schema_dir, relative_to=project.root))
    path = project.root / DOC_PATH
    if args.check:
        try:
            current = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            current = None
        except (OSError, UnicodeDecodeError) as exc:
            from tenantdb.errors import TenantdbError

            raise TenantdbError(f"{DOC_PATH}: cannot read: {exc}") from exc
        if current != text:
            state = "missing" if current is None else "stale"
            print(f"{DOC_PATH}: {state}; run `tenantdb docs` and commit the result")
            return 1
        print(f"ok: {DOC_PATH} is up to date")
        return 0
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        print(f"{DOC_PATH} is up to date")
        return 0
    write_atomic(path, text)
    print(f"wrote {DOC_PATH}")
    return 0
