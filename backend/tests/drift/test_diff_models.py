"""The diff algorithm on hand-built models: what counts as a difference, and the report."""

from __future__ import annotations

import dataclasses
import json

import pytest

from tenantdb.diff import compare
from tenantdb.model import (
    CHECK,
    FOREIGN_KEY,
    PRIMARY_KEY,
    UNIQUE,
    Column,
    Constraint,
    Index,
    IndexElement,
    SchemaModel,
    Table,
)


def notes_model() -> SchemaModel:
    """Two tables as the catalog would give them, with PostgreSQL's printed definitions."""
    model = SchemaModel()
    model.add_table(
        Table(
            "tenants",
            columns={"id": Column("id", "uuid", False, "gen_random_uuid()")},
            constraints=[
                Constraint("pk_tenants", PRIMARY_KEY, ("id",), definition="PRIMARY KEY (id)")
            ],
            indexes=[
                Index(
                    "pk_tenants",
                    "tenants",
                    (IndexElement("id"),),
                    unique=True,
                    definition="CREATE UNIQUE INDEX pk_tenants ON public.tenants USING btree (id)",
                    constraint_backed=True,
                )
            ],
            comment="Who pays.",
        )
    )
    model.add_table(
        Table(
            "notes",
            columns={
                "id": Column("id", "uuid", False, "gen_random_uuid()"),
                "tenant_id": Column("tenant_id", "uuid", False),
                "body": Column("body", "text", False, comment="What was noted."),
                "status": Column("status", "text", False, "'open'::text"),
            },
            constraints=[
                Constraint("pk_notes", PRIMARY_KEY, ("id",), definition="PRIMARY KEY (id)"),
                Constraint(
                    "fk_notes_tenant_id_tenants",
                    FOREIGN_KEY,
                    ("tenant_id",),
                    ref_table="tenants",
                    ref_columns=("id",),
                    on_delete="CASCADE",
                    definition="FOREIGN KEY (tenant_id) REFERENCES tenants(id) ON DELETE CASCADE",
                ),
                Constraint(
                    "ck_notes_body",
                    CHECK,
                    ("body",),
                    expression="(length(body) > 0)",
                    definition="CHECK ((length(body) > 0))",
                ),
            ],
            indexes=[
                Index(
                    "ix_notes_tenant_id",
                    "notes",
                    (IndexElement("tenant_id"),),
                    definition="CREATE INDEX ix_notes_tenant_id ON public.notes "
                    "USING btree (tenant_id)",
                )
            ],
            comment="A note.",
        )
    )
    return model


def keys(report) -> list[tuple[str, str, str, str]]:
    return [(d.table, d.change, d.object, d.name) for d in report.differences]


def test_identical_models_have_no_drift() -> None:
    report = compare(notes_model(), notes_model())
    assert not report.drift
    assert report.differences == []
    assert report.text() == "no drift: the database matches the declared schema\n"


def test_missing_and_extra_tables_are_one_difference_each() -> None:
    declared, database = notes_model(), notes_model()
    del database.tables["notes"]
    database.add_table(Table("audit", columns={"id": Column("id", "integer")}))
    report = compare(declared, database)
    assert keys(report) == [
        ("notes", "missing", "table", "notes"),
        ("audit", "extra", "table", "audit"),
    ]
    assert report.differences[0].declared == "4 columns, 3 constraints, 1 index"
    assert report.differences[1].database == "1 column, 0 constraints, 0 indexes"


@pytest.mark.parametrize(
    ("change", "aspects", "database_definition"),
    [
        (
            lambda c: setattr(c, "type", "character varying(20)"),
            ("type",),
            "character varying(20) NOT NULL DEFAULT 'open'::text",
        ),
        (
            lambda c: setattr(c, "nullable", True),
            ("nullability",),
            "text NULL DEFAULT 'open'::text",
        ),
        (lambda c: setattr(c, "default", None), ("default",), "text NOT NULL"),
    ],
)
def test_a_changed_column_names_what_changed(change, aspects, database_definition) -> None:
    database = notes_model()
    change(database.tables["notes"].columns["status"])
    report = compare(notes_model(), database)
    assert keys(report) == [("notes", "changed", "column", "status")]
    (difference,) = report.differences
    assert difference.aspects == aspects
    assert difference.declared == "text NOT NULL DEFAULT 'open'::text"
    assert difference.database == database_definition


def test_missing_and_extra_columns() -> None:
    database = notes_model()
    columns = database.tables["notes"].columns
    del columns["body"]
    columns["edited_at"] = Column("edited_at", "timestamptz")
    report = compare(notes_model(), database)
    assert keys(report) == [
        ("notes", "missing", "column", "body"),
        ("notes", "extra", "column", "edited_at"),
    ]
    assert report.differences[0].declared == "text NOT NULL"
    assert report.differences[1].database == "timestamptz NULL"


def test_constraints_compare_what_postgresql_printed() -> None:
    database = notes_model()
    table = database.tables["notes"]
    fk = table.constraints[1]
    table.constraints[1] = dataclasses.replace(
        fk,
        on_delete="RESTRICT",
        definition="FOREIGN KEY (tenant_id) REFERENCES tenants(id) ON DELETE RESTRICT",
    )
    # The expression as a person might type it differs; the printed definition does not.
    table.constraints[2] = dataclasses.replace(table.constraints[2], expression="length(body)>0")
    del table.constraints[0]
    table.constraints.append(
        Constraint("uq_notes_body", UNIQUE, ("body",), definition="UNIQUE (body)")
    )
    report = compare(notes_model(), database)
    assert keys(report) == [
        ("notes", "missing", "constraint", "pk_notes"),
        ("notes", "changed", "constraint", "fk_notes_tenant_id_tenants"),
        ("notes", "extra", "constraint", "uq_notes_body"),
    ]
    changed = report.differences[1]
    assert changed.declared.endswith("ON DELETE CASCADE")
    assert changed.database.endswith("ON DELETE RESTRICT")


def test_indexes_ignore_the_schema_qualifier_and_constraint_backed_ones() -> None:
    database = notes_model()
    index = database.tables["notes"].indexes[0]
    # Another search_path prints the table without its schema: the same index.
    index.definition = "CREATE INDEX ix_notes_tenant_id ON notes USING btree (tenant_id)"
    # The index behind a primary key is reported through the constraint, not twice.
    database.tables["tenants"].indexes.clear()
    assert not compare(notes_model(), database).drift


def test_missing_extra_and_changed_indexes() -> None:
    database = notes_model()
    indexes = database.tables["notes"].indexes
    indexes[0] = dataclasses.replace(
        indexes[0],
        predicate="(status <> 'done'::text)",
        definition="CREATE INDEX ix_notes_tenant_id ON public.notes USING btree (tenant_id) "
        "WHERE (status <> 'done'::text)",
    )
    indexes.append(
        Index(
            "ix_notes_status",
            "notes",
            (IndexElement("status"),),
            definition="CREATE INDEX ix_notes_status ON public.notes USING hash (status)",
        )
    )
    declared = notes_model()
    declared.tables["notes"].indexes.append(
        Index(
            "ix_notes_body",
            "notes",
            (IndexElement("body"),),
            definition="CREATE INDEX ix_notes_body ON public.notes USING btree (body)",
        )
    )
    report = compare(declared, database)
    assert keys(report) == [
        ("notes", "changed", "index", "ix_notes_tenant_id"),
        ("notes", "missing", "index", "ix_notes_body"),
        ("notes", "extra", "index", "ix_notes_status"),
    ]


def test_comments_on_tables_and_columns() -> None:
    database = notes_model()
    database.tables["notes"].comment = None
    database.tables["notes"].columns["body"].comment = "Edited by hand."
    report = compare(notes_model(), database)
    assert keys(report) == [
        ("notes", "changed", "comment", "notes"),
        ("notes", "changed", "comment", "notes.body"),
    ]
    assert (report.differences[1].declared, report.differences[1].database) == (
        "What was noted.",
        "Edited by hand.",
    )


def test_models_from_sql_text_compare_by_structure() -> None:
    """Without printed definitions (a model made from SQL), the spelled-out form is compared."""
    declared, database = notes_model(), notes_model()
    for model in (declared, database):
        for table in model.tables.values():
            for constraint in table.constraints:
                constraint.definition = None
            for index in table.indexes:
                index.definition = None
    assert not compare(declared, database).drift
    database.tables["notes"].constraints[1].on_delete = "RESTRICT"
    database.tables["notes"].indexes[0].method = "hash"
    report = compare(declared, database)
    assert keys(report) == [
        ("notes", "changed", "constraint", "fk_notes_tenant_id_tenants"),
        ("notes", "changed", "index", "ix_notes_tenant_id"),
    ]


def test_text_report_groups_by_table_with_both_definitions() -> None:
    database = notes_model()
    database.tables["notes"].columns["status"].nullable = True
    del database.tables["notes"].constraints[2]
    database.add_table(Table("audit", columns={"id": Column("id", "integer")}))
    report = compare(notes_model(), database, database_label="postgresql://app@db/app")
    assert report.text() == (
        "drift: 3 differences in 2 tables\n"
        "  declared: the declared schema\n"
        "  database: postgresql://app@db/app\n"
        "\n"
        "table notes\n"
        "  changed column status (nullability)\n"
        "    declared  text NOT NULL DEFAULT 'open'::text\n"
        "    database  text NULL DEFAULT 'open'::text\n"
        "  missing constraint ck_notes_body\n"
        "    declared  CHECK ((length(body) > 0))\n"
        "    database  -\n"
        "\n"
        "table audit\n"
        "  extra table audit\n"
        "    declared  -\n"
        "    database  1 column, 0 constraints, 0 indexes\n"
    )
    document = json.loads(json.dumps(report.as_json()))
    assert document["drift"] is True
    assert [t["table"] for t in document["tables"]] == ["notes", "audit"]
    assert document["tables"][0]["differences"][0] == {
        "change": "changed",
        "object": "column",
        "name": "status",
        "declared": "text NOT NULL DEFAULT 'open'::text",
        "database": "text NULL DEFAULT 'open'::text",
        "aspects": ["nullability"],
    }
