"""A small schema of known shape for the tests of the assertions.

``shop`` has one of everything the assertions look at: a composite foreign
key, a CHECK, defaults, a nullable column, a DESC index column, a partial
unique index, and a table (``bare``) with none of them. It lives in a
database of its own, created once per session; each test gets a connection
inside a transaction that is rolled back afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from tenantdb.testing.databases import create_database, drop_database

SHOP_SQL = """
CREATE SCHEMA shop;

CREATE TABLE shop.owners (
    id         integer       NOT NULL,
    tenant_id  integer       NOT NULL,
    name       text          NOT NULL DEFAULT 'anonymous',
    note       text,
    price      numeric(10,2),
    created_at timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT pk_owners PRIMARY KEY (id),
    CONSTRAINT uq_owners_tenant_id_id UNIQUE (tenant_id, id),
    CONSTRAINT ck_owners_name CHECK (length(name) BETWEEN 1 AND 50)
);

CREATE TABLE shop.pets (
    id        integer NOT NULL,
    tenant_id integer NOT NULL,
    owner_id  integer,
    kind      text    NOT NULL DEFAULT 'cat',
    CONSTRAINT pk_pets PRIMARY KEY (tenant_id, id),
    CONSTRAINT fk_pets_tenant_id_owner_id_owners
        FOREIGN KEY (tenant_id, owner_id) REFERENCES shop.owners (tenant_id, id)
);

CREATE INDEX ix_pets_tenant_id_owner_id ON shop.pets (tenant_id, owner_id DESC);
CREATE UNIQUE INDEX uq_pets_kind ON shop.pets (kind) WHERE kind <> 'cat';

CREATE TABLE shop.bare (x integer);

INSERT INTO shop.owners (id, tenant_id, name) VALUES (1, 10, 'ann'), (2, 20, 'bob');
"""


@pytest.fixture(scope="session")
def shop_url(tenantdb_server) -> Iterator[str]:
    name = tenantdb_server.database_name("shop")
    with psycopg.connect(tenantdb_server.url(), autocommit=True) as admin:
        create_database(admin, name)
    try:
        with psycopg.connect(tenantdb_server.url(name), autocommit=True) as conn:
            conn.execute(SHOP_SQL)
        yield tenantdb_server.url(name)
    finally:
        with psycopg.connect(tenantdb_server.url(), autocommit=True) as admin:
            drop_database(admin, name)


@pytest.fixture(scope="session")
def _shop_connection(shop_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(shop_url, autocommit=True) as conn:
        conn.prepare_threshold = None
        yield conn


@pytest.fixture
def shop(_shop_connection: psycopg.Connection) -> Iterator[psycopg.Connection]:
    """An autocommit connection to the shop database, in a transaction rolled back after."""
    with _shop_connection.transaction(force_rollback=True):
        yield _shop_connection


@pytest.fixture
def shop_plain(shop_url: str) -> Iterator[psycopg.Connection]:
    """A connection with autocommit off, as psycopg makes by default; rolled back after."""
    with psycopg.connect(shop_url) as conn:
        yield conn
        conn.rollback()
