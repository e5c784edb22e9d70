"""Each assertion passes when the database is as wanted and fails, with diagnostics, when not.

The cases are data: a call that must pass, and a call that must raise
AssertionError whose text contains every listed fragment (the title, and the
wanted/found/extra/missing items that make a failure readable).
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from tenantdb import testing as t

S = {"schema": "shop"}

# (assertion, positional arguments after the connection, keyword arguments)
PASSING: list[tuple[Any, tuple[Any, ...], dict[str, Any]]] = [
    (t.has_table, ("owners",), S),
    (t.has_table, ("shop.owners",), {}),
    (t.hasnt_table, ("cats",), S),
    (t.hasnt_table, ("owners",), {}),  # not in public
    (t.tables_are, (["owners", "pets", "bare"],), S),
    (t.has_column, ("owners", "note"), S),
    (t.hasnt_column, ("owners", "age"), S),
    (t.columns_are, ("owners", ["created_at", "id", "name", "note", "price", "tenant_id"]), S),
    (t.col_type_is, ("owners", "name", "text"), S),
    (t.col_type_is, ("owners", "created_at", "timestamptz"), S),
    (t.col_type_is, ("owners", "created_at", "timestamp with time zone"), S),
    (t.col_type_is, ("owners", "id", "int4"), S),
    (t.col_type_is, ("owners", "price", "numeric(10,2)"), S),
    (t.col_type_is, ("owners", "price", "numeric(10, 2)"), S),
    (t.col_not_null, ("owners", "name"), S),
    (t.col_is_null, ("owners", "note"), S),
    (t.col_has_default, ("owners", "name"), S),
    (t.col_hasnt_default, ("owners", "note"), S),
    (t.col_default_is, ("owners", "name", "'anonymous'"), S),
    (t.col_default_is, ("owners", "name", "'anonymous'::text"), S),
    (t.col_default_is, ("owners", "created_at", "now()"), S),
    (t.col_default_is, ("owners", "created_at", "NOW()"), S),
    (t.has_pk, ("owners",), S),
    (t.col_is_pk, ("owners", "id"), S),
    (t.col_is_pk, ("pets", ["tenant_id", "id"]), S),
    (t.has_fk, ("pets",), S),
    (t.fk_ok, ("pets", ["tenant_id", "owner_id"], "owners", ["tenant_id", "id"]), S),
    (
        t.fk_ok,
        ("pets", ["tenant_id", "owner_id"], "owners", ["tenant_id", "id"]),
        {**S, "name": "fk_pets_tenant_id_owner_id_owners"},
    ),
    (t.col_is_unique, ("owners", ["tenant_id", "id"]), S),
    (t.has_check, ("owners",), S),
    (t.has_check, ("owners",), {**S, "name": "ck_owners_name"}),
    (t.has_index, ("pets", "ix_pets_tenant_id_owner_id"), S),
    (t.has_index, ("pets", "ix_pets_tenant_id_owner_id", ["tenant_id", "owner_id"]), S),
    (t.has_index, ("pets", "ix_pets_tenant_id_owner_id", ["tenant_id", "owner_id desc"]), S),
    (t.index_is_unique, ("pets", "uq_pets_kind"), S),
    (t.index_is_unique, ("owners", "pk_owners"), S),
    (t.index_is_partial, ("pets", "uq_pets_kind"), S),
    (t.index_is_partial, ("pets", "uq_pets_kind", "kind <> 'cat'"), S),
    (t.index_is_partial, ("pets", "uq_pets_kind", "(kind <> 'cat'::text)"), S),
    (
        t.indexes_are,
        (
            "pets",
            ["pk_pets", "ix_pets_tenant_id_owner_id", "uq_pets_kind"],
        ),
        S,
    ),
    (t.indexes_are, ("bare", []), S),
    (
        t.constraints_are,
        ("owners", ["pk_owners", "uq_owners_tenant_id_id", "ck_owners_name"]),
        S,
    ),
    (t.constraints_are, ("bare", []), S),
    (t.lives_ok, ("INSERT INTO shop.pets (id, tenant_id, owner_id) VALUES (1, 10, 1)",), {}),
    (t.results_eq, ("SELECT id, name FROM shop.owners ORDER BY id", [(1, "ann"), (2, "bob")]), {}),
    (t.results_eq, ("SELECT id FROM shop.owners ORDER BY id", [1, 2]), {}),
    (t.results_eq, ("SELECT id FROM shop.owners WHERE id = %s", [2]), {"params": (2,)}),
    (t.set_eq, ("SELECT id FROM shop.owners", [2, 1]), {}),
    (t.is_empty, ("SELECT * FROM shop.pets",), {}),
]

# (assertion, arguments, keyword arguments, fragments the message must contain)
FAILING: list[tuple[Any, tuple[Any, ...], dict[str, Any], list[str]]] = [
    (t.has_table, ("cats",), S, ["table shop.cats does not exist", "found:", "owners"]),
    (t.hasnt_table, ("owners",), S, ["hasnt_table: table shop.owners exists"]),
    (
        t.tables_are,
        (["owners", "pets", "cats"],),
        S,
        ["tables_are(shop): the tables differ", "extra:\n        bare", "missing:\n        cats"],
    ),
    (t.has_column, ("owners", "age"), S, ["column owners.age does not exist", "tenant_id"]),
    (t.has_column, ("cats", "age"), S, ["table shop.cats does not exist"]),
    (t.hasnt_column, ("owners", "note"), S, ["hasnt_column: column owners.note exists"]),
    (t.hasnt_column, ("cats", "note"), S, ["table shop.cats does not exist"]),
    (
        t.columns_are,
        ("owners", ["id", "tenant_id", "name", "note", "price", "age"]),
        S,
        ["columns differ", "extra:\n        created_at", "missing:\n        age"],
    ),
    (
        t.col_type_is,
        ("owners", "name", "integer"),
        S,
        ["col_type_is(owners.name): wrong type", "wanted: integer", "found:  text"],
    ),
    (t.col_type_is, ("owners", "price", "numeric"), S, ["found:  numeric(10,2)"]),
    (t.col_type_is, ("owners", "name", "no_such_type"), S, ["wanted: no_such_type"]),
    (t.col_not_null, ("owners", "note"), S, ["owners.note): the column allows NULL"]),
    (t.col_is_null, ("owners", "name"), S, ["owners.name): the column is NOT NULL"]),
    (t.col_has_default, ("owners", "note"), S, ["owners.note): the column has no default"]),
    (t.col_hasnt_default, ("owners", "name"), S, ["has a default", "found: 'anonymous'::text"]),
    (
        t.col_default_is,
        ("owners", "name", "'nobody'"),
        S,
        ["wrong default", "wanted: 'nobody'", "found:  'anonymous'::text"],
    ),
    (t.col_default_is, ("owners", "note", "'x'"), S, ["the column has no default"]),
    (t.has_pk, ("bare",), S, ["has_pk(bare): the table has no primary key"]),
    (
        t.col_is_pk,
        ("pets", ["id", "tenant_id"]),
        S,
        ["other columns", "wanted: id, tenant_id", "found:  tenant_id, id"],
    ),
    (t.col_is_pk, ("bare", "x"), S, ["has no primary key"]),
    (t.has_fk, ("owners",), S, ["has_fk(owners): the table has no foreign key"]),
    (
        t.fk_ok,
        ("pets", ["owner_id", "tenant_id"], "owners", ["id", "tenant_id"]),
        S,
        [
            "fk_ok(pets): no such foreign key",
            "wanted: pets(owner_id, tenant_id) REFERENCES shop.owners(id, tenant_id)",
            "fk_pets_tenant_id_owner_id_owners: pets(tenant_id, owner_id) REFERENCES "
            "shop.owners(tenant_id, id)",
        ],
    ),
    (
        t.fk_ok,
        ("pets", ["tenant_id", "owner_id"], "owners", ["tenant_id", "id"]),
        {**S, "name": "fk_pets_owner"},
        ["another name", "wanted: fk_pets_owner"],
    ),
    (t.fk_ok, ("owners", "id", "pets", "id"), S, ["no such foreign key", "no foreign keys"]),
    (
        t.col_is_unique,
        ("owners", ["id", "tenant_id"]),
        S,
        ["no UNIQUE constraint on (id, tenant_id)", "uq_owners_tenant_id_id: (tenant_id, id)"],
    ),
    (t.has_check, ("pets",), S, ["has_check(pets): the table has no CHECK constraint"]),
    (t.has_check, ("owners",), {**S, "name": "ck_owners_x"}, ["no CHECK constraint ck_owners_x"]),
    (t.has_index, ("pets", "ix_nope"), S, ["index ix_nope on pets does not exist", "uq_pets_kind"]),
    (
        t.has_index,
        ("pets", "ix_pets_tenant_id_owner_id", ["owner_id", "tenant_id"]),
        S,
        ["other columns", "wanted: owner_id, tenant_id", "found:  tenant_id, owner_id"],
    ),
    (
        t.has_index,
        ("pets", "ix_pets_tenant_id_owner_id", ["tenant_id", "owner_id asc"]),
        S,
        ["found:  tenant_id, owner_id DESC"],
    ),
    (t.index_is_unique, ("pets", "ix_pets_tenant_id_owner_id"), S, ["is not unique"]),
    (t.index_is_partial, ("owners", "pk_owners"), S, ["the index is not partial"]),
    (
        t.index_is_partial,
        ("pets", "uq_pets_kind", "kind <> 'dog'"),
        S,
        ["another predicate", "wanted: kind <> 'dog'", "found:  (kind <> 'cat'::text)"],
    ),
    (
        t.indexes_are,
        ("pets", ["pk_pets", "ix_pets_owner"]),
        S,
        ["indexes differ", "ix_pets_tenant_id_owner_id\n        uq_pets_kind", "ix_pets_owner"],
    ),
    (
        t.constraints_are,
        ("owners", ["pk_owners", "ck_owners_name", "ck_owners_note"]),
        S,
        ["constraints differ", "extra:\n        uq_owners_tenant_id_id", "ck_owners_note"],
    ),
    (
        t.lives_ok,
        ("INSERT INTO shop.pets (id, tenant_id, owner_id) VALUES (1, 20, 1)",),
        {},
        ["lives_ok: the statement failed", "23503", "fk_pets_tenant_id_owner_id_owners"],
    ),
    (
        t.results_eq,
        ("SELECT id, name FROM shop.owners ORDER BY id", [(1, "ann"), (2, "bill")]),
        {},
        ["differ beginning at row 2", "wanted: (2, 'bill')", "found:  (2, 'bob')"],
    ),
    (
        t.results_eq,
        ("SELECT id FROM shop.owners ORDER BY id", [1]),
        {},
        ["number of rows differs", "wanted: 1 rows", "found:  2 rows", "extra:\n        (2)"],
    ),
    (
        t.results_eq,
        ("SELECT id FROM shop.owners ORDER BY id DESC", [1, 2]),
        {},
        ["differ beginning at row 1"],
    ),
    (
        t.set_eq,
        ("SELECT id, name FROM shop.owners", [(1, "ann"), (3, "cy")]),
        {},
        ["set_eq: the results differ", "extra:\n        (2, 'bob')", "missing:\n        (3, 'cy')"],
    ),
    (
        t.is_empty,
        ("SELECT id, note FROM shop.owners ORDER BY id",),
        {},
        ["returned 2 rows", "(1, NULL)"],
    ),
]


def _name(case: tuple[Any, ...]) -> str:
    return f"{case[0].__name__}-{case[1][0] if case[1] else ''}"


@pytest.mark.parametrize("case", PASSING, ids=[_name(c) for c in PASSING])
def test_passes(shop: psycopg.Connection, case: tuple[Any, ...]) -> None:
    """Test that the assertion returns quietly on a database that is as wanted."""
    assertion, args, kwargs = case
    assertion(shop, *args, **kwargs)


@pytest.mark.parametrize("case", FAILING, ids=[_name(c) for c in FAILING])
def test_fails(shop: psycopg.Connection, case: tuple[Any, ...]) -> None:
    """Test that the assertion raises AssertionError with its diagnostics, connection intact."""
    assertion, args, kwargs, fragments = case
    with pytest.raises(AssertionError) as caught:
        assertion(shop, *args, **kwargs)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    # No assertion leaves the transaction aborted.
    assert shop.execute("SELECT 1").fetchone() == (1,)


# -- throws_ok ---------------------------------------------------------------------------

FK_VIOLATION = "INSERT INTO shop.pets (id, tenant_id, owner_id) VALUES (1, 20, 1)"


def test_throws_ok_passes_on_sqlstate_and_constraint(shop: psycopg.Connection) -> None:
    """Test that throws_ok accepts the error and returns it for further checks."""
    error = t.throws_ok(shop, FK_VIOLATION, "23503", "fk_pets_tenant_id_owner_id_owners")
    assert isinstance(error, psycopg.errors.ForeignKeyViolation)
    t.throws_ok(shop, FK_VIOLATION, "23503")
    t.throws_ok(shop, FK_VIOLATION, "foreign_key_violation")
    t.throws_ok(shop, FK_VIOLATION, "23503", message="is not present in table")


@pytest.mark.parametrize(
    ("sql", "sqlstate", "constraint", "message", "fragments"),
    [
        (FK_VIOLATION, "23514", None, None, ["failed otherwise", "wanted: 23514", "23503:"]),
        (
            FK_VIOLATION,
            "23503",
            "fk_other",
            None,
            [
                "wanted: 23503 [constraint fk_other]",
                "[constraint fk_pets_tenant_id_owner_id_owners]",
            ],
        ),
        (FK_VIOLATION, "23503", None, "no such text", ["says something else"]),
        (
            "INSERT INTO shop.pets (id, tenant_id, owner_id) VALUES (1, 10, 1)",
            "23503",
            None,
            None,
            ["the statement succeeded", "wanted: 23503", "found:  no error"],
        ),
    ],
)
def test_throws_ok_fails(
    shop: psycopg.Connection,
    sql: str,
    sqlstate: str,
    constraint: str | None,
    message: str | None,
    fragments: list[str],
) -> None:
    """Test that throws_ok fails on another error, another constraint, or no error at all."""
    with pytest.raises(AssertionError) as caught:
        t.throws_ok(shop, sql, sqlstate, constraint, message=message)
    for fragment in fragments:
        assert fragment in str(caught.value), str(caught.value)


def test_throws_ok_undoes_a_statement_that_succeeded(shop: psycopg.Connection) -> None:
    """Test that a statement that wrongly succeeds under throws_ok leaves no row behind."""
    ok = "INSERT INTO shop.pets (id, tenant_id, owner_id) VALUES (1, 10, 1)"
    with pytest.raises(AssertionError):
        t.throws_ok(shop, ok, "23503")
    t.is_empty(shop, "SELECT * FROM shop.pets")


@pytest.mark.parametrize("connection", ["shop", "shop_plain"])
def test_savepoint_keeps_the_connection_usable(
    request: pytest.FixtureRequest, connection: str
) -> None:
    """Test that after throws_ok and a failed lives_ok the transaction goes on, earlier work kept.

    Both with autocommit (``shop``, inside a transaction) and without
    (``shop_plain``, psycopg's default), where no COMMIT may be issued.
    """
    conn: psycopg.Connection = request.getfixturevalue(connection)
    conn.execute("INSERT INTO shop.pets (id, tenant_id, owner_id) VALUES (1, 10, 1)")
    t.throws_ok(conn, FK_VIOLATION, "23503")
    with pytest.raises(AssertionError):
        t.lives_ok(conn, FK_VIOLATION)
    t.lives_ok(conn, "INSERT INTO shop.pets (id, tenant_id, owner_id) VALUES (2, 20, 2)")
    t.set_eq(conn, "SELECT id, tenant_id FROM shop.pets", [(1, 10), (2, 20)])
    if connection == "shop_plain":
        # Nothing committed: a second connection sees no pets.
        with psycopg.connect(conn.info.dsn, password=conn.info.password or None) as other:
            t.is_empty(other, "SELECT * FROM shop.pets")


def test_lives_ok_in_autocommit_outside_a_transaction(shop_url: str) -> None:
    """Test that lives_ok on a bare autocommit connection commits, and a failure leaves nothing."""
    with psycopg.connect(shop_url, autocommit=True) as conn:
        try:
            t.lives_ok(conn, "INSERT INTO shop.bare (x) VALUES (42)")
            t.throws_ok(conn, "INSERT INTO shop.bare (x) VALUES ('x')", "22P02")
            with psycopg.connect(shop_url) as other:
                t.results_eq(other, "SELECT x FROM shop.bare", [42])
        finally:
            conn.execute("DELETE FROM shop.bare")


def test_diagnostics_cut_long_lists(shop: psycopg.Connection) -> None:
    """Test that a long list of rows is cut after twenty, saying how many more."""
    with pytest.raises(AssertionError) as caught:
        t.is_empty(shop, "SELECT generate_series(1, 25)")
    assert "... and 5 more" in str(caught.value)
    assert "(21)" not in str(caught.value)


def test_every_assertion_has_passing_and_failing_cases() -> None:
    """Test that no assertion of the public list goes without a case of each kind here."""
    separately = {"throws_ok"}  # its own tests above
    passing = {case[0].__name__ for case in PASSING} | separately
    failing = {case[0].__name__ for case in FAILING} | separately
    public = set(t.__all__)
    assert public - passing == set(), "assertions without a passing case"
    assert public - failing == set(), "assertions without a failing case"
