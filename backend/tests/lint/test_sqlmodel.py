"""Reading SQL into the schema model: statements, positions, normal form."""

from __future__ import annotations

from tenantdb.model import CHECK, FOREIGN_KEY, PRIMARY_KEY, UNIQUE, IndexElement, Source
from tenantdb.sqlmodel import SYNTAX, read_sql


def test_inline_table_and_alter_constraints_are_the_same_model() -> None:
    """Test that a constraint reads the same inline, as a table constraint and via ALTER TABLE."""
    inline = read_sql(
        "CREATE TABLE notes (\n"
        "  id uuid CONSTRAINT pk_notes PRIMARY KEY,\n"
        "  tenant_id uuid NOT NULL CONSTRAINT fk_notes_tenant_id_tenants\n"
        "    REFERENCES tenants (id) ON DELETE CASCADE,\n"
        "  slug text CONSTRAINT uq_notes_slug UNIQUE CONSTRAINT ck_notes_slug CHECK (slug <> '')\n"
        ");",
        "inline.sql",
    )
    table_level = read_sql(
        "CREATE TABLE notes (id uuid, tenant_id uuid NOT NULL, slug text,\n"
        "  CONSTRAINT pk_notes PRIMARY KEY (id),\n"
        "  CONSTRAINT fk_notes_tenant_id_tenants FOREIGN KEY (tenant_id)\n"
        "    REFERENCES tenants (id) ON DELETE CASCADE,\n"
        "  CONSTRAINT uq_notes_slug UNIQUE (slug),\n"
        "  CONSTRAINT ck_notes_slug CHECK (slug <> ''));",
        "table.sql",
    )
    altered = read_sql(
        "CREATE TABLE notes (id uuid, tenant_id uuid NOT NULL, slug text);\n"
        "ALTER TABLE notes ADD CONSTRAINT pk_notes PRIMARY KEY (id);\n"
        "ALTER TABLE ONLY notes ADD CONSTRAINT fk_notes_tenant_id_tenants FOREIGN KEY (tenant_id)\n"
        "    REFERENCES tenants (id) ON DELETE CASCADE,\n"
        "  ADD CONSTRAINT uq_notes_slug UNIQUE (slug);\n"
        "ALTER TABLE notes ADD CONSTRAINT ck_notes_slug CHECK (slug <> '');",
        "alter.sql",
    )

    def shape(schema):  # everything but where each came from
        table = schema.model.table("notes")
        return sorted(
            (c.name, c.kind, c.columns, c.ref_table, c.ref_columns, c.on_delete, c.expression)
            for c in table.constraints
        )

    expected = [
        ("ck_notes_slug", CHECK, ("slug",), None, (), "NO ACTION", "slug <> ''"),
        (
            "fk_notes_tenant_id_tenants",
            FOREIGN_KEY,
            ("tenant_id",),
            "tenants",
            ("id",),
            "CASCADE",
            None,
        ),
        ("pk_notes", PRIMARY_KEY, ("id",), None, (), "NO ACTION", None),
        ("uq_notes_slug", UNIQUE, ("slug",), None, (), "NO ACTION", None),
    ]
    assert shape(inline) == shape(table_level) == shape(altered) == expected
    for schema in (inline, table_level, altered):
        assert schema.model.table("notes").column("id").nullable is False  # a PK implies NOT NULL
        assert schema.problems == []


def test_sources_point_at_names() -> None:
    """Test that every object carries the file, line and column of its name."""
    schema = read_sql(
        "-- heading\n"
        "CREATE TABLE notes (\n"
        "    id uuid NOT NULL,\n"
        "    CONSTRAINT pk_notes PRIMARY KEY (id)\n"
        ");\n"
        "CREATE INDEX ix_notes_id\n"
        "    ON notes (id);  CREATE TABLE tags (label text);\n",
        "x.sql",
    )
    notes = schema.model.table("notes")
    assert notes.source == Source("x.sql", 2, 14)
    assert notes.column("id").source == Source("x.sql", 3, 5)
    assert notes.primary_key.source == Source("x.sql", 4, 16)
    assert notes.indexes[0].source == Source("x.sql", 6, 14)
    assert schema.model.table("tags").source == Source("x.sql", 7, 34)


def test_one_bad_statement_does_not_lose_the_others() -> None:
    """Test that an unparsable statement is one problem at its place and the rest is read."""
    schema = read_sql(
        "CREATE TABLE a (id uuid);\n"
        "CREATE TABLE b (id uuid NOT NULL\n"
        "  x text);\n"
        "CREATE TABLE c (id uuid);\n",
        "x.sql",
    )
    assert list(schema.model.tables) == ["a", "c"]
    [problem] = schema.problems
    assert problem.kind == SYNTAX
    assert (problem.source.line, problem.source.column) == (3, 3)
    assert "'x'" in problem.message


def test_semicolons_and_comments_inside_literals_do_not_split() -> None:
    """Test the statement splitter against the places a ';' or '--' does not count."""
    sql = (
        "CREATE TABLE a (note text DEFAULT 'a;b -- c', \"we;ird\" text);\n"
        "ALTER TABLE a ADD COLUMN e text DEFAULT E'it\\'s; fine';\n"
        "/* a /* nested ; */ comment; */\n"
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$;\n"
        "CREATE TABLE b (id uuid) -- no semicolon at the end\n"
    )
    schema = read_sql(sql, "x.sql")
    assert schema.problems == []
    assert schema.files[0].statements == 4
    table = schema.model.table("a")
    assert table.column("note").default == "'a;b -- c'"
    assert "we;ird" in table.columns
    assert table.column("e").default == "E'it\\'s; fine'"
    assert "b" in schema.model.tables
    assert [c.text for c in schema.files[0].comments] == [
        "a /* nested ; */ comment;",
        "no semicolon at the end",
    ]


def test_normal_form_of_types_names_and_expressions() -> None:
    """Test lower-cased unquoted names, canonical types, and expressions kept as written."""
    schema = read_sql(
        'CREATE TABLE Notes ("Title" VARCHAR(20), At TIMESTAMP WITH TIME ZONE DEFAULT now(),\n'
        "  n INT4 NULL DEFAULT (1 + 2), j JSON, s bigserial,\n"
        '  CONSTRAINT ck CHECK (length("Title") BETWEEN 1 AND 20));\n'
        "CREATE UNIQUE INDEX uq ON notes USING btree (n DESC NULLS LAST, lower(j::text))\n"
        "  WHERE (n IS NOT NULL);\n"
        "COMMENT ON COLUMN notes.n IS 'a count';",
        "x.sql",
    )
    table = schema.model.table("notes")
    assert {name: c.type for name, c in table.columns.items()} == {
        "Title": "character varying(20)",
        "at": "timestamptz",
        "n": "integer",
        "j": "json",
        "s": "bigserial",
    }
    assert table.column("at").default == "now()"
    assert table.column("n").default == "(1 + 2)"
    assert table.column("n").comment == "a count"
    assert table.column("s").nullable is False  # serial implies NOT NULL
    assert table.constraints[0].expression == 'length("Title") BETWEEN 1 AND 20'
    assert table.constraints[0].columns == ("Title",)
    [index] = table.indexes
    assert index.unique and index.method == "btree"
    assert index.predicate == "(n IS NOT NULL)"
    assert index.elements[0] == IndexElement("n", None, descending=True, nulls_first=False)
    assert index.elements[1].column is None and "j" in (index.elements[1].expression or "")


def test_global_fallback_annotation_and_drops() -> None:
    """Test the annotation sets the kind and key; DROP removes what a chain dropped."""
    schema = read_sql(
        "CREATE TABLE tenants (id uuid);\n"
        "-- canned_replies (global-fallback table)\n"
        "-- tenantdb: global-fallback key=(locale, code)\n"
        "CREATE TABLE canned_replies (tenant_id uuid, locale text, code text);\n"
        "CREATE TABLE scratch (id uuid);\n"
        "CREATE INDEX ix_canned_replies_code ON canned_replies (code);\n",
        "one.sql",
    )
    read_sql(
        "DROP TABLE scratch;\nDROP INDEX ix_canned_replies_code;\n"
        "ALTER TABLE canned_replies DROP COLUMN locale, ALTER COLUMN code SET NOT NULL;",
        "two.sql",
        schema,
    )
    assert [t.kind for t in schema.model.tables.values()] == ["root", "global_fallback"]
    replies = schema.model.table("canned_replies")
    assert replies.key == ("locale", "code")
    assert replies.indexes == []
    assert list(replies.columns) == ["tenant_id", "code"]
    assert replies.column("code").nullable is False
    assert schema.created == {"tenants", "canned_replies"}
    assert [f.path for f in schema.files] == ["one.sql", "two.sql"]


def test_unmodelled_ddl_is_a_problem_and_other_commands_are_not() -> None:
    """Test that DDL sqlglot reads only as an opaque command is reported, not skipped."""
    schema = read_sql(
        "CREATE EXTENSION IF NOT EXISTS pgcrypto;\n"
        "ALTER TABLE notes ATTACH PARTITION notes_2026 FOR VALUES FROM (1) TO (2);\n",
        "x.sql",
    )
    [problem] = schema.problems
    assert problem.source.line == 2
    assert "ALTER TABLE notes" in problem.message


def test_user_defined_and_parameterized_types_keep_their_names() -> None:
    """Test that type names are not mixed up between columns (the type names are memoized)."""
    schema = read_sql(
        "CREATE TABLE t (a mood, b public.citext, c text, d text[], e timestamp(3), f mood);",
        "x.sql",
    )
    types = {name: c.type for name, c in schema.model.table("t").columns.items()}
    assert types == {
        "a": "mood",
        "b": "public.citext",
        "c": "text",
        "d": "text[]",
        "e": "timestamp(3)",
        "f": "mood",
    }
