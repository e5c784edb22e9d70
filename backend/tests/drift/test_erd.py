"""The Mermaid diagram: the exact text for a small spec, and the project's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenantdb.cli import main
from tenantdb.erd import mermaid_type, render_erd
from tenantdb.spec import build_schema, load_schema

ROOT = Path(__file__).resolve().parents[3]

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
        "comment": "A room.",
        "columns": {
            "name": {"type": "text"},
            "capacity": {"type": "numeric(6,2)", "nullable": True},
        },
        "unique": [["tenant_id", "name"]],
    },
    "schema/posts.yaml": {
        "table": "posts",
        "kind": "tenant",
        "comment": "A post in a room, maybe a reply to another post.",
        "columns": {
            "room_id": {"references": "rooms", "on_delete": "cascade"},
            "post_id": {"references": "posts", "nullable": True, "on_delete": "restrict"},
            "score": {"type": "double precision"},
        },
    },
    "schema/canned_replies.yaml": {
        "table": "canned_replies",
        "kind": "global_fallback",
        "comment": "Replies every tenant may use unless it has its own.",
        "key": ["code"],
        "columns": {"code": {"type": "text"}},
    },
}

# A backslash at the end of a line below joins it with the next (one long line).
EXPECTED = """\
erDiagram
    tenants {
        uuid id PK
        text slug UK
    }
    canned_replies {
        uuid id PK
        uuid tenant_id FK, UK "UK (tenant_id, code) WHERE tenant_id IS NOT NULL"
        text code UK "UK (code) WHERE tenant_id IS NULL; \
UK (tenant_id, code) WHERE tenant_id IS NOT NULL"
    }
    rooms {
        uuid id PK, UK "UK (tenant_id, id)"
        uuid tenant_id FK, UK "UK (tenant_id, id); UK (tenant_id, name)"
        text name UK "UK (tenant_id, name)"
        numeric(6_2) capacity
    }
    posts {
        uuid id PK, UK "UK (tenant_id, id)"
        uuid tenant_id FK, UK "UK (tenant_id, id)"
        uuid room_id FK
        uuid post_id FK
        double_precision score
    }
    tenants |o--o{ canned_replies : "tenant_id"
    tenants ||--o{ rooms : "tenant_id"
    tenants ||--o{ posts : "tenant_id"
    rooms ||--o{ posts : "tenant_id, room_id"
    posts |o--o{ posts : "tenant_id, post_id"
"""


def test_small_spec_exactly() -> None:
    assert render_erd(build_schema(SMALL)) == EXPECTED


def test_a_key_unique_in_the_child_is_drawn_one_to_one() -> None:
    spec = {
        **SMALL,
        "schema/rooms.yaml": {
            "table": "rooms",
            "kind": "tenant",
            "comment": "A room.",
            "columns": {"name": {"type": "text"}},
        },
        "schema/room_settings.yaml": {
            "table": "room_settings",
            "kind": "tenant",
            "comment": "At most one per room.",
            "columns": {"room_id": {"references": "rooms", "on_delete": "cascade"}},
            "unique": [["tenant_id", "room_id"]],
        },
    }
    assert (
        '    rooms ||--o| room_settings : "tenant_id, room_id"'
        in render_erd(build_schema(spec)).splitlines()
    )


@pytest.mark.parametrize(
    ("sql", "word"),
    [
        ("uuid", "uuid"),
        ("double precision", "double_precision"),
        ("numeric(10,2)", "numeric(10_2)"),
    ],
)
def test_types_become_one_mermaid_word(sql: str, word: str) -> None:
    assert mermaid_type(sql) == word


def test_project_diagram_has_tenants_at_the_root(capsys: pytest.CaptureFixture) -> None:
    schema = load_schema(ROOT / "schema", relative_to=ROOT)
    text = render_erd(schema)
    lines = text.splitlines()
    assert lines[:2] == ["erDiagram", "    tenants {"]
    for table in schema.tables:
        if table.kind == "tenant":
            assert f'    tenants ||--o{{ {table.name} : "tenant_id"' in lines
    # Every composite foreign key of the declared schema is one labelled edge.
    composite = [fk for t in schema.tables for fk in t.foreign_keys if fk.is_composite]
    assert composite
    for fk in composite:
        assert sum(f': "{", ".join(fk.columns)}"' in line for line in lines) >= 1

    assert main(["erd"]) == 0
    assert capsys.readouterr().out == text
