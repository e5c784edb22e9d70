"""The global-fallback template, applied to PostgreSQL with the fixture spec.

``canned_replies`` keeps one global row per code (``tenant_id IS NULL``) and
one row per tenant per code; the two partial unique indexes refuse a second
of either, and a read prefers the tenant's row over the global one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tenantdb.render import render_schema
from tenantdb.spec import load_schema

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "backend" / "tests" / "fixtures" / "global_fallback"

# The read ADR-0001 describes: the tenant's own row when it has one, else the global one.
PREFERRED = """
SELECT DISTINCT ON (code) body
  FROM canned_replies
 WHERE code = %(code)s AND (tenant_id = %(tenant)s OR tenant_id IS NULL)
 ORDER BY code, tenant_id NULLS LAST
"""


@pytest.fixture
def conn(empty_db_url: str) -> Iterator[psycopg.Connection]:
    ddl = render_schema(load_schema(FIXTURE), ROOT / "templates")
    with psycopg.connect(empty_db_url, autocommit=True) as connection:
        connection.execute(ddl)
        yield connection


def tenant(conn: psycopg.Connection, slug: str) -> str:
    row = conn.execute(
        "INSERT INTO tenants (slug, name) VALUES (%s, %s) RETURNING id", (slug, slug.title())
    ).fetchone()
    assert row is not None
    return str(row[0])


def reply(conn: psycopg.Connection, tenant_id: str | None, code: str, body: str) -> None:
    conn.execute(
        "INSERT INTO canned_replies (tenant_id, code, body) VALUES (%s, %s, %s)",
        (tenant_id, code, body),
    )


def test_one_global_row_and_one_row_per_tenant_are_accepted(conn: psycopg.Connection) -> None:
    acme, globex = tenant(conn, "acme"), tenant(conn, "globex")
    reply(conn, None, "greeting", "Hello!")
    reply(conn, acme, "greeting", "Welcome to Acme.")
    reply(conn, globex, "greeting", "Globex here.")
    count = conn.execute("SELECT count(*) FROM canned_replies WHERE code = 'greeting'")
    assert count.fetchone() == (3,)


def test_a_second_global_row_for_a_key_is_refused(conn: psycopg.Connection) -> None:
    reply(conn, None, "greeting", "Hello!")
    with pytest.raises(psycopg.errors.UniqueViolation) as caught:
        reply(conn, None, "greeting", "Hi!")
    assert caught.value.diag.constraint_name == "uq_canned_replies_code"


def test_a_second_tenant_row_for_a_key_is_refused(conn: psycopg.Connection) -> None:
    acme = tenant(conn, "acme")
    reply(conn, acme, "greeting", "Welcome to Acme.")
    with pytest.raises(psycopg.errors.UniqueViolation) as caught:
        reply(conn, acme, "greeting", "Acme again.")
    assert caught.value.diag.constraint_name == "uq_canned_replies_tenant_id_code"


def test_a_read_prefers_the_tenants_row_over_the_global_one(conn: psycopg.Connection) -> None:
    acme, globex = tenant(conn, "acme"), tenant(conn, "globex")
    reply(conn, None, "greeting", "Hello!")
    reply(conn, acme, "greeting", "Welcome to Acme.")
    for tenant_id, expected in ((acme, "Welcome to Acme."), (globex, "Hello!")):
        rows = conn.execute(PREFERRED, {"code": "greeting", "tenant": tenant_id}).fetchall()
        assert rows == [(expected,)]


def test_deleting_a_tenant_keeps_the_global_rows(conn: psycopg.Connection) -> None:
    acme = tenant(conn, "acme")
    reply(conn, None, "greeting", "Hello!")
    reply(conn, acme, "greeting", "Welcome to Acme.")
    conn.execute("DELETE FROM tenants WHERE id = %s", (acme,))
    rows = conn.execute("SELECT tenant_id, body FROM canned_replies").fetchall()
    assert rows == [(None, "Hello!")]
