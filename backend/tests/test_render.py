"""Rendering: the exact DDL of a small spec, its drops, and template errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlglot

from tenantdb.errors import RenderError
from tenantdb.render import render_drop, render_schema
from tenantdb.spec import build_schema, load_schema

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"

SMALL = {
    "schema/tenants.yaml": {
        "table": "tenants",
        "kind": "root",
        "comment": "Who pays.",
        "columns": {"slug": {"type": "text", "unique": True}},
    },
    "schema/rooms.yaml": {
        "table": "rooms",
        "kind": "tenant",
        "comment": "A room's name is the tenant's business.",
        "columns": {
            "name": {"type": "text", "check": "length(name) > 0"},
            "is_open": {"type": "boolean", "default": True},
        },
    },
    "schema/posts.yaml": {
        "table": "posts",
        "kind": "tenant",
        "comment": "Something said in a room.",
        "columns": {
            "room_id": {"references": "rooms", "on_delete": "cascade"},
            "posted_at": {"type": "timestamptz", "default": "now()", "nullable": True},
        },
        "indexes": [{"columns": ["tenant_id", "posted_at desc"], "where": "posted_at IS NOT NULL"}],
    },
}

EXPECTED = """\
-- The declared schema, rendered by `tenantdb render` from schema/*.yaml.
-- Do not edit: change the spec and render again.

-- tenants (root table)
CREATE TABLE tenants (
    id   uuid NOT NULL DEFAULT gen_random_uuid(),
    slug text NOT NULL,
    CONSTRAINT pk_tenants PRIMARY KEY (id),
    CONSTRAINT uq_tenants_slug UNIQUE (slug)
);

COMMENT ON TABLE tenants IS 'Who pays.';

-- rooms (tenant table)
CREATE TABLE rooms (
    id        uuid    NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid    NOT NULL,
    name      text    NOT NULL,
    is_open   boolean NOT NULL DEFAULT true,
    CONSTRAINT pk_rooms PRIMARY KEY (id),
    CONSTRAINT uq_rooms_tenant_id_id UNIQUE (tenant_id, id),
    CONSTRAINT fk_rooms_tenant_id_tenants
        FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT ck_rooms_name
        CHECK (length(name) > 0)
);

COMMENT ON TABLE rooms IS 'A room''s name is the tenant''s business.';

-- posts (tenant table)
CREATE TABLE posts (
    id        uuid        NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid        NOT NULL,
    room_id   uuid        NOT NULL,
    posted_at timestamptz NULL     DEFAULT now(),
    CONSTRAINT pk_posts PRIMARY KEY (id),
    CONSTRAINT fk_posts_tenant_id_tenants
        FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT fk_posts_tenant_id_room_id_rooms
        FOREIGN KEY (tenant_id, room_id)
        REFERENCES rooms (tenant_id, id) ON DELETE CASCADE
);

CREATE INDEX ix_posts_tenant_id_posted_at
    ON posts (tenant_id, posted_at DESC)
    WHERE posted_at IS NOT NULL;

-- covers fk_posts_tenant_id_room_id_rooms
CREATE INDEX ix_posts_tenant_id_room_id
    ON posts (tenant_id, room_id);

COMMENT ON TABLE posts IS 'Something said in a room.';
"""


def test_exact_sql_of_a_small_spec() -> None:
    assert render_schema(build_schema(SMALL), TEMPLATES) == EXPECTED


def test_drops_come_in_reverse_dependency_order() -> None:
    drops = render_drop(build_schema(SMALL), TEMPLATES)
    statements = [line for line in drops.splitlines() if line.startswith("DROP")]
    assert statements == ["DROP TABLE posts;", "DROP TABLE rooms;", "DROP TABLE tenants;"]


def test_rendering_does_not_depend_on_file_order() -> None:
    reordered = dict(reversed(list(SMALL.items())))
    assert render_schema(build_schema(reordered), TEMPLATES) == EXPECTED


def test_project_render_is_deterministic_and_parses() -> None:
    schema = load_schema(ROOT / "schema", relative_to=ROOT)
    first = render_schema(schema, TEMPLATES)
    assert first == render_schema(load_schema(ROOT / "schema", relative_to=ROOT), TEMPLATES)
    statements = [s for s in sqlglot.parse(first, read="postgres") if s is not None]
    creates = [s for s in statements if s.key == "create"]
    # One CREATE TABLE per table, plus the indexes.
    assert sum(1 for s in creates if s.args.get("kind") == "TABLE") == len(schema.tables)
    assert first.endswith(";\n") and "  \n" not in first


@pytest.fixture
def templates_copy(tmp_path: Path) -> Path:
    target = tmp_path / "templates"
    shutil.copytree(TEMPLATES, target)
    return target


def test_template_syntax_error_names_file_and_line(templates_copy: Path) -> None:
    path = templates_copy / "drop.sql.j2"
    path.write_text(path.read_text() + "{% endfor %}\n")
    with pytest.raises(RenderError, match=r"drop\.sql\.j2:\d+: template syntax error"):
        render_drop(build_schema(SMALL), templates_copy)


def test_undefined_variable_names_file_and_line(templates_copy: Path) -> None:
    path = templates_copy / "drop.sql.j2"
    path.write_text(path.read_text().replace("table.name", "table.nmae"))
    with pytest.raises(RenderError, match=r"drop\.sql\.j2:\d+: .*nmae"):
        render_drop(build_schema(SMALL), templates_copy)


def test_missing_template(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="not found"):
        render_schema(build_schema(SMALL), tmp_path)
