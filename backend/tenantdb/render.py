"""Render the declared schema into DDL with the Jinja templates of ``templates/``.

``render_schema`` gives the CREATE statements of every table in dependency
order; ``render_drop`` the matching DROP statements in reverse order. The
output depends on nothing but the spec and the templates, so it is the same
byte for byte on every machine.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tenantdb.errors import RenderError

if TYPE_CHECKING:
    import jinja2

    from tenantdb.project import Project
    from tenantdb.spec import Schema

SCHEMA_TEMPLATE = "schema.sql.j2"
DROP_TEMPLATE = "drop.sql.j2"


def sql_string(value: str) -> str:
    """Quote ``value`` as a standard-conforming SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def environment(templates_dir: Path) -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["sql_string"] = sql_string
    env.filters["ljust"] = lambda value, width: str(value).ljust(width)
    return env


def render_schema(schema: Schema, templates_dir: Path) -> str:
    """Return the CREATE statements of ``schema``."""
    return _render(templates_dir, SCHEMA_TEMPLATE, schema)


def render_drop(schema: Schema, templates_dir: Path) -> str:
    """Return the DROP statements that undo :func:`render_schema`."""
    return _render(templates_dir, DROP_TEMPLATE, schema)


def render_project(project: Project, *, down: bool = False) -> str:
    """Load the project's declared schema and render it (or its drops)."""
    from tenantdb.spec import load_schema

    schema = load_schema(project.schema_dir, relative_to=project.root)
    render = render_drop if down else render_schema
    return render(schema, project.templates_dir)


def _render(templates_dir: Path, name: str, schema: Schema) -> str:
    import jinja2

    try:
        template = environment(templates_dir).get_template(name)
        text = template.render(schema=schema)
    except jinja2.TemplateSyntaxError as exc:
        where = f"{exc.filename or exc.name}:{exc.lineno}"
        raise RenderError(f"{where}: template syntax error: {exc.message}") from exc
    except jinja2.TemplateNotFound as exc:
        raise RenderError(
            f"{templates_dir}: template {exc.name!r} not found; restore it from git"
        ) from exc
    except jinja2.UndefinedError as exc:
        raise RenderError(f"{_template_line(exc)}: {exc.message}; fix the template") from exc
    return _tidy(text)


def _template_line(exc: BaseException) -> str:
    """Return ``file:line`` of the innermost template frame of ``exc``'s traceback."""
    where = "templates"
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            where = f"{filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


def _tidy(text: str) -> str:
    """Strip trailing spaces and end with exactly one newline."""
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"
