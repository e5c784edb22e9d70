"""Loading the declared schema: what it accepts, derives and rejects."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from tenantdb.errors import SpecError
from tenantdb.spec import build_schema, load_schema

ROOT = Path(__file__).resolve().parents[2]

TENANTS: dict[str, Any] = {
    "table": "tenants",
    "kind": "root",
    "comment": "The root.",
    "columns": {"name": {"type": "text"}},
}
PARENTS: dict[str, Any] = {
    "table": "parents",
    "kind": "tenant",
    "comment": "Referenced by items.",
    "columns": {"label": {"type": "text"}},
}
ITEMS: dict[str, Any] = {
    "table": "items",
    "kind": "tenant",
    "comment": "References parents.",
    "columns": {"parent_id": {"references": "parents", "on_delete": "cascade"}},
}


def documents(**changes: dict[str, Any] | None) -> dict[str, Any]:
    """Return a valid three-table schema as documents, with whole tables replaced."""
    docs = {
        "tenants": copy.deepcopy(TENANTS),
        "parents": copy.deepcopy(PARENTS),
        "items": copy.deepcopy(ITEMS),
    }
    for name, doc in changes.items():
        if doc is None:
            docs.pop(name)
        else:
            docs[name] = doc
    return {f"schema/{name}.yaml": doc for name, doc in docs.items()}


def with_column(base: dict[str, Any], name: str, body: Any) -> dict[str, Any]:
    doc = copy.deepcopy(base)
    doc.setdefault("columns", {})[name] = body
    return doc


def with_key(base: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(base)
    doc[key] = value
    return doc


def test_the_project_schema_loads_in_dependency_order() -> None:
    schema = load_schema(ROOT / "schema", relative_to=ROOT)
    names = schema.names
    assert names[0] == "tenants"
    assert set(names) == {
        "tenants",
        "tenant_domains",
        "conversations",
        "messages",
        "incidents",
        "events",
    }
    for table in schema.tables:
        for referenced in table.references:
            assert names.index(referenced) < names.index(table.name), table.name


def test_derived_keys_of_a_tenant_table() -> None:
    schema = build_schema(documents())
    parents, items = schema.table("parents"), schema.table("items")

    assert [c.name for c in items.columns[:2]] == ["id", "tenant_id"]
    assert not items.column("tenant_id").nullable
    assert parents.uniques[0].columns == ("tenant_id", "id"), "referenced table needs the pair"
    assert not items.uniques, "an unreferenced table needs no (tenant_id, id) key"
    composite = items.foreign_keys[1]
    assert composite.name == "fk_items_tenant_id_parent_id_parents"
    assert composite.columns == ("tenant_id", "parent_id")
    assert composite.ref_columns == ("tenant_id", "id")
    assert composite.on_delete == "CASCADE"
    # The composite key's index also serves the plain tenant_id key.
    assert [i.name for i in items.indexes] == ["ix_items_tenant_id_parent_id"]


def test_root_table_has_no_tenant_column() -> None:
    tenants = build_schema(documents()).table("tenants")
    assert [c.name for c in tenants.columns] == ["id", "name"]
    assert not tenants.foreign_keys


def test_global_fallback_table_gets_the_partial_unique_pair() -> None:
    schema = load_schema(ROOT / "backend/tests/fixtures/global_fallback")
    table = schema.table("canned_replies")
    assert table.column("tenant_id").nullable
    pair = [(i.name, i.column_names, i.unique, i.where) for i in table.indexes]
    assert pair == [
        ("uq_canned_replies_code", ("code",), True, "tenant_id IS NULL"),
        ("uq_canned_replies_tenant_id_code", ("tenant_id", "code"), True, "tenant_id IS NOT NULL"),
    ]


def test_values_become_a_check() -> None:
    doc = with_column(PARENTS, "status", {"type": "text", "values": ["open", "closed"]})
    parents = build_schema(documents(parents=doc)).table("parents")
    assert parents.checks[0].name == "ck_parents_status"
    assert parents.checks[0].expression == "status IN ('open', 'closed')"


def test_yaml_scalars_are_sql_literals_in_defaults() -> None:
    doc = with_column(PARENTS, "is_open", {"type": "boolean", "default": False})
    assert build_schema(documents(parents=doc)).table("parents").column("is_open").default == (
        "false"
    )


REJECTED = [
    pytest.param(
        documents(parents=with_key(PARENTS, "colour", "red")),
        "schema/parents.yaml",
        "colour",
        "unknown key",
        id="unknown-table-key",
    ),
    pytest.param(
        documents(parents=with_column(PARENTS, "label2", {"type": "text", "size": 3})),
        "schema/parents.yaml",
        "columns.label2.size",
        "unknown key",
        id="unknown-column-key",
    ),
    pytest.param(
        documents(parents=with_column(PARENTS, "title", {"type": "varchar(20)"})),
        "schema/parents.yaml",
        "columns.title.type",
        "use text",
        id="varchar",
    ),
    pytest.param(
        documents(parents=with_column(PARENTS, "at", {"type": "timestamp"})),
        "schema/parents.yaml",
        "columns.at.type",
        "timestamptz",
        id="timestamp-without-zone",
    ),
    pytest.param(
        documents(parents=with_column(PARENTS, "data", {"type": "json"})),
        "schema/parents.yaml",
        "columns.data.type",
        "jsonb",
        id="json",
    ),
    pytest.param(
        documents(parents=with_column(PARENTS, "n", {"type": "serial"})),
        "schema/parents.yaml",
        "columns.n.type",
        "not allowed",
        id="serial",
    ),
    pytest.param(
        documents(parents=with_column(PARENTS, "n", {"type": "money"})),
        "schema/parents.yaml",
        "columns.n.type",
        "unknown type",
        id="unknown-type",
    ),
    pytest.param(
        documents(parents=with_column(PARENTS, "CamelCase", {"type": "text"})),
        "schema/parents.yaml",
        "columns.CamelCase",
        "snake_case",
        id="not-snake-case",
    ),
    pytest.param(
        documents(parents=with_column(PARENTS, "a" * 64, {"type": "text"})),
        "schema/parents.yaml",
        "columns." + "a" * 64,
        "63",
        id="identifier-over-63-bytes",
    ),
    pytest.param(
        documents(
            items=with_column(ITEMS, "other_id", {"references": "others", "on_delete": "cascade"})
        ),
        "schema/items.yaml",
        "columns.other_id.references",
        "unknown table 'others'",
        id="missing-table",
    ),
    pytest.param(
        documents(
            parents=with_column(PARENTS, "item_id", {"references": "items", "on_delete": "cascade"})
        ),
        "schema/items.yaml",
        "columns.parent_id.references",
        "reference cycle items -> parents -> items",
        id="reference-cycle",
    ),
    pytest.param(
        documents(parents=with_key(PARENTS, "kind", "root")),
        "schema/parents.yaml",
        "kind",
        "only 'tenants' may be the root",
        id="second-root",
    ),
    pytest.param(
        documents(tenants=None),
        "schema/parents.yaml",
        "kind",
        "root table 'tenants'",
        id="no-root",
    ),
    pytest.param(
        documents(parents=with_column(PARENTS, "tenant_id", {"type": "uuid"})),
        "schema/parents.yaml",
        "columns.tenant_id",
        "implied",
        id="tenant-declares-tenant-id",
    ),
    pytest.param(
        documents(tenants=with_column(TENANTS, "tenant_id", {"type": "uuid"})),
        "schema/tenants.yaml",
        "columns.tenant_id",
        "has no tenant_id",
        id="root-declares-tenant-id",
    ),
    pytest.param(
        documents(parents=with_column(PARENTS, "id", {"type": "uuid"})),
        "schema/parents.yaml",
        "columns.id",
        "implied primary key",
        id="declares-id",
    ),
    pytest.param(
        documents(
            items=with_key(
                ITEMS, "indexes", [{"columns": ["parent_id"]}, {"columns": ["parent_id"]}]
            )
        ),
        "schema/items.yaml",
        "table",
        "would both be named 'ix_items_parent_id'",
        id="duplicate-index-name",
    ),
    pytest.param(
        documents(parents=with_key(PARENTS, "unique", [["label"], ["label"]])),
        "schema/parents.yaml",
        "table",
        "uq_parents_label",
        id="duplicate-unique-name",
    ),
    pytest.param(
        documents(
            items=with_column(
                ITEMS, "parent_id", {"references": "parents", "on_delete": "set null"}
            )
        ),
        "schema/items.yaml",
        "columns.parent_id.on_delete",
        "tenant_id",
        id="set-null-on-composite-key",
    ),
    pytest.param(
        documents(items=with_column(ITEMS, "parent_id", {"references": "parents"})),
        "schema/items.yaml",
        "columns.parent_id.on_delete",
        "choose",
        id="missing-on-delete",
    ),
    pytest.param(
        documents(
            items=with_column(ITEMS, "mother", {"references": "parents", "on_delete": "cascade"})
        ),
        "schema/items.yaml",
        "columns.mother",
        "named 'parent_id'",
        id="reference-column-name",
    ),
    pytest.param(
        documents(parents=with_column(PARENTS, "n", {"type": "integer", "default": "1; DROP"})),
        "schema/parents.yaml",
        "columns.n.default",
        "single expression",
        id="default-two-statements",
    ),
    pytest.param(
        documents(parents=with_column(PARENTS, "n", {"type": "integer", "default": "1 -- x"})),
        "schema/parents.yaml",
        "columns.n.default",
        "comments",
        id="default-comment",
    ),
    pytest.param(
        documents(parents=with_column(PARENTS, "n", {"type": "integer", "default": "1 2"})),
        "schema/parents.yaml",
        "columns.n.default",
        "not a single SQL expression",
        id="default-not-one-expression",
    ),
    pytest.param(
        documents(parents=with_column(PARENTS, "n", {"type": "integer", "default": "(SELECT 1)"})),
        "schema/parents.yaml",
        "columns.n.default",
        "subquery",
        id="default-subquery",
    ),
    pytest.param(
        documents(parents=with_column(PARENTS, "n", {"type": "integer", "check": "m > 0"})),
        "schema/parents.yaml",
        "columns.n.check",
        "unknown column 'm'",
        id="check-unknown-column",
    ),
    pytest.param(
        documents(parents=with_key(PARENTS, "table", "mothers")),
        "schema/parents.yaml",
        "table",
        "mothers.yaml",
        id="table-name-not-file-name",
    ),
    pytest.param(
        documents(parents=with_key(PARENTS, "kind", "view")),
        "schema/parents.yaml",
        "kind",
        "unknown kind",
        id="unknown-kind",
    ),
    pytest.param(
        documents(parents=with_key(PARENTS, "key", ["label"])),
        "schema/parents.yaml",
        "key",
        "only a global_fallback",
        id="key-on-tenant-table",
    ),
    pytest.param(
        documents(parents={k: v for k, v in PARENTS.items() if k != "comment"}),
        "schema/parents.yaml",
        "comment",
        "required",
        id="missing-comment",
    ),
    pytest.param(
        documents(
            parents=with_key(PARENTS, "indexes", [{"columns": ["label sideways"]}]),
        ),
        "schema/parents.yaml",
        "indexes[0].columns[0]",
        "'column desc'",
        id="bad-index-column",
    ),
]


@pytest.mark.parametrize(("docs", "path", "key_path", "message"), REJECTED)
def test_rejected(docs: dict[str, Any], path: str, key_path: str, message: str) -> None:
    with pytest.raises(SpecError) as caught:
        build_schema(docs)
    error = caught.value
    assert (error.path, error.key_path) == (path, key_path), str(error)
    assert message in error.message
    assert "\n" not in str(error)


def test_global_fallback_cannot_be_referenced() -> None:
    gf = {
        "table": "parents",
        "kind": "global_fallback",
        "comment": "Global rows.",
        "key": ["label"],
        "columns": {"label": {"type": "text"}},
    }
    with pytest.raises(SpecError, match="business key, not by a foreign key"):
        build_schema(documents(parents=gf))


def test_duplicate_yaml_key_names_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "tenants.yaml").write_text(
        "table: tenants\nkind: root\ncomment: x\ncolumns:\n  name: {type: text}\n"
        "  name: {type: text}\n"
    )
    with pytest.raises(SpecError) as caught:
        load_schema(tmp_path, relative_to=tmp_path)
    assert str(caught.value).startswith("tenants.yaml:6:3: duplicate key 'name'")


def test_yaml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "tenants.yaml").write_text("table: tenants\nkind: [root\n")
    with pytest.raises(SpecError) as caught:
        load_schema(tmp_path, relative_to=tmp_path)
    assert str(caught.value).startswith("tenants.yaml:3:1: invalid YAML")


def test_empty_schema_directory(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"no \*\.yaml files"):
        load_schema(tmp_path)
