"""The pytest plugin (entry point ``pytest11``): a real PostgreSQL for every test that asks.

Fixtures, cheapest first:

* ``rollback_db``: a connection to a shared migrated database, inside a
  transaction rolled back after the test. For tests that change nothing or
  whose changes need not outlive the test (constraint checks, savepoints).
* ``db`` / ``db_url``: a fresh clone of the migrated template, dropped after
  the test; for tests that must commit, or open several connections.
* ``empty_db_url``: a fresh empty database, for migrations.
* ``migrated_template``: the database migrated once with ``alembic upgrade
  head`` that the clones are copied from.
* ``tenantdb_server`` and ``tenantdb_project``: the session's server handle
  and the project found from pytest's root directory.

Importing this module is cheap: nothing starts until a test asks for one of
these fixtures, so the plugin costs nothing to suites that do not use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import psycopg

    from tenantdb.project import Project
    from tenantdb.testing.databases import ClonePool
    from tenantdb.testing.servers import ServerHandle


#: The fixtures the collected tests ask for, to start making their databases early.
_REQUESTED = pytest.StashKey[frozenset[str]]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    config.stash[_REQUESTED] = frozenset(
        name for item in items for name in getattr(item, "fixturenames", ())
    )


def _requested(request: pytest.FixtureRequest, *names: str) -> bool:
    return bool(request.config.stash.get(_REQUESTED, frozenset()) & set(names))


@pytest.fixture(scope="session")
def tenantdb_server() -> Iterator[ServerHandle]:
    """Start the session's server (or take ``TEST_DATABASE_URL``'s) and clean up after it."""
    from tenantdb.testing.servers import EmbeddedTestServer, describe, external_url

    url = external_url()
    if url is not None:
        handle = describe(url, external=True)
        try:
            yield handle
        finally:
            # Every database of the session carries its prefix; whatever a
            # failed test or an interrupted worker left behind goes here.
            handle.sweep()
        return
    embedded = EmbeddedTestServer()
    try:
        handle = describe(embedded.start(), external=False)
        yield handle
    finally:
        embedded.stop()


@pytest.fixture(scope="session")
def tenantdb_project(pytestconfig: pytest.Config) -> Project:
    """Return the project that holds pytest's root directory."""
    from tenantdb.project import find_project

    return find_project(pytestconfig.rootpath)


@pytest.fixture(scope="session")
def migrated_template(
    request: pytest.FixtureRequest, tenantdb_server: ServerHandle, tenantdb_project: Project
) -> Iterator[str]:
    """Return the name of a database migrated once with ``alembic upgrade head``.

    Clone it, never connect to it: ``CREATE DATABASE ... TEMPLATE`` refuses a
    template someone is connected to, and the clone pool ends such sessions.
    """
    from tenantdb.dburl import connect
    from tenantdb.devdb import upgrade
    from tenantdb.testing.databases import create_database, drop_database

    if _requested(request, "empty_db_url"):
        # Empty databases need no template: make the first ones while it migrates.
        request.getfixturevalue("_tenantdb_empty_pool").start()
    name = tenantdb_server.database_name("template")
    with connect(tenantdb_server.url(), autocommit=True, source="test server") as admin:
        create_database(admin, name)
    try:
        upgrade(tenantdb_project, tenantdb_server.url(name))
        yield name
    finally:
        with connect(tenantdb_server.url(), autocommit=True, source="test server") as admin:
            drop_database(admin, name)


@pytest.fixture(scope="session")
def _tenantdb_clone_pool(
    tenantdb_server: ServerHandle, migrated_template: str
) -> Iterator[ClonePool]:
    from tenantdb.testing.databases import ClonePool

    pool = ClonePool(tenantdb_server, "clone", migrated_template)
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture(scope="session")
def _tenantdb_empty_pool(tenantdb_server: ServerHandle) -> Iterator[ClonePool]:
    from tenantdb.testing.databases import ClonePool

    pool = ClonePool(tenantdb_server, "empty", None)
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture
def db_url(tenantdb_server: ServerHandle, _tenantdb_clone_pool: ClonePool) -> Iterator[str]:
    """Return the URL of a fresh clone of the migrated template, dropped after the test."""
    name = _tenantdb_clone_pool.acquire()
    try:
        yield tenantdb_server.url(name)
    finally:
        _tenantdb_clone_pool.release(name)


@pytest.fixture
def db(db_url: str) -> Iterator[psycopg.Connection]:
    """Return an autocommit connection to a fresh clone: each statement commits."""
    from tenantdb.dburl import connect

    with connect(db_url, autocommit=True, source="test database") as conn:
        yield conn


@pytest.fixture
def empty_db_url(tenantdb_server: ServerHandle, _tenantdb_empty_pool: ClonePool) -> Iterator[str]:
    """Return the URL of a fresh empty database, dropped after the test."""
    name = _tenantdb_empty_pool.acquire()
    try:
        yield tenantdb_server.url(name)
    finally:
        _tenantdb_empty_pool.release(name)


class _SharedDatabase:
    """One migrated database and one connection to it, shared by ``rollback_db`` tests."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._conn: psycopg.Connection | None = None

    def connection(self) -> psycopg.Connection:
        from tenantdb.dburl import connect

        if self._conn is None or self._conn.closed:
            # prepare_threshold=None: a statement prepared in a test's
            # transaction would outlive its rollback, and could name a table
            # the rollback removed.
            self._conn = connect(self.url, autocommit=True, source="test database")
            self._conn.prepare_threshold = None
        return self._conn

    def close(self) -> None:
        if self._conn is not None and not self._conn.closed:
            self._conn.close()


@pytest.fixture(scope="session")
def _tenantdb_shared(
    request: pytest.FixtureRequest, tenantdb_server: ServerHandle, migrated_template: str
) -> Iterator[_SharedDatabase]:
    from tenantdb.dburl import connect
    from tenantdb.testing.databases import create_database, drop_database

    if _requested(request, "db", "db_url"):
        # Tests that need a clone come later: have the first ones ready by then.
        request.getfixturevalue("_tenantdb_clone_pool").start()

    name = tenantdb_server.database_name("shared")
    with connect(tenantdb_server.url(), autocommit=True, source="test server") as admin:
        create_database(admin, name, migrated_template)
    shared = _SharedDatabase(tenantdb_server.url(name))
    try:
        yield shared
    finally:
        shared.close()
        with connect(tenantdb_server.url(), autocommit=True, source="test server") as admin:
            drop_database(admin, name)


@pytest.fixture
def rollback_db(_tenantdb_shared: _SharedDatabase) -> Iterator[psycopg.Connection]:
    """Return a connection to a shared migrated database, in a transaction rolled back after.

    The transaction is psycopg's ``transaction(force_rollback=True)``, so a
    test that calls ``commit()`` fails at once instead of leaking rows into
    the next test; nested ``conn.transaction()`` blocks become savepoints.
    """
    import psycopg

    conn = _tenantdb_shared.connection()
    try:
        with conn.transaction(force_rollback=True):
            yield conn
    except psycopg.OperationalError:
        if not conn.closed:
            raise
        # The test closed the connection; the next test gets a new one.
