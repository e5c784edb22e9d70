"""Databases for tests: pytest-postgresql's janitor, and a pool that clones ahead of time.

Cloning a migrated template (``CREATE DATABASE ... TEMPLATE``) copies the
whole catalog of a database, several megabytes, and costs from tens to
hundreds of milliseconds on a small machine; dropping one costs about as much
again. A test must not wait for that, so :class:`ClonePool` keeps a clone or
two ready, made by a worker thread while the previous test runs, and drops a
used clone in the same thread after the test. A test's own overhead is then a
hand-over and a connection.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from contextlib import contextmanager
from typing import TYPE_CHECKING

from pytest_postgresql.janitor import DatabaseJanitor

if TYPE_CHECKING:
    from collections.abc import Iterator

    import psycopg
    from psycopg import sql

    from tenantdb.testing.servers import ServerHandle

logger = logging.getLogger(__name__)


class Janitor(DatabaseJanitor):
    """pytest-postgresql's janitor, over a maintenance connection we already hold.

    The stock janitor opens a connection per operation from user, host and
    port; reusing ours saves a connection per create and drop, and keeps
    every libpq setting of the URL (``sslmode``, a socket directory, ...).
    """

    def __init__(
        self,
        admin: psycopg.Connection,
        dbname: str,
        template_dbname: str | None = None,
    ) -> None:
        info = admin.info
        super().__init__(
            user=info.user,
            host=info.host,
            port=info.port,
            password=info.password or None,
            dbname=dbname,
            template_dbname=template_dbname,
            maintenance_dbname=info.dbname,
        )
        self._admin = admin

    @contextmanager
    def cursor(self, dbname: str | None = None) -> Iterator[psycopg.Cursor]:
        if dbname not in (None, self.maintenance_dbname):
            with super().cursor(dbname) as cur:
                yield cur
            return
        with self._admin.cursor() as cur:
            yield cur

    def _build_create_database_sql(self) -> sql.Composed:
        from psycopg import sql

        query = super()._build_create_database_sql()
        # PostgreSQL 15 made WAL_LOG the default strategy: it copies the
        # template block by block through shared buffers and writes all of it
        # to the WAL, which for a small template is slower than copying the
        # files (FILE_COPY), and leaves dirty buffers that make the DROP slow.
        if self.template_dbname and self._admin.info.server_version >= 150000:
            query = query + sql.SQL(" STRATEGY = FILE_COPY")
        return query


class ClonePool:
    """Databases made ahead of time by a worker thread, and dropped by it after use.

    ``template`` None makes empty databases (from ``template1``), otherwise
    clones of ``template``. Call :meth:`close` to stop the worker and drop
    everything the pool still holds.
    """

    def __init__(
        self, server: ServerHandle, label: str, template: str | None = None, size: int = 2
    ) -> None:
        self.server = server
        self.label = label
        self.template = template
        self.size = size
        self._ready: deque[str] = deque()
        self._used: deque[str] = deque()
        self._counter = 0
        self._error: BaseException | None = None
        self._closing = False
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    # -- what tests call ------------------------------------------------------------

    def start(self) -> None:
        """Start making databases now, before the first test asks for one."""
        with self._cond:
            self._start()

    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._work, name=f"tenantdb-{self.label}-pool", daemon=True
            )
            self._thread.start()

    def acquire(self) -> str:
        """Return the name of a fresh database; it belongs to the caller until released."""
        with self._cond:
            self._start()
            while not self._ready:
                if self._error is not None:
                    raise self._error
                if self._closing:
                    raise RuntimeError(f"the {self.label} database pool is closed")
                self._cond.wait()
            name = self._ready.popleft()
            self._cond.notify_all()
            return name

    def release(self, name: str) -> None:
        """Hand a used database back; the worker drops it."""
        with self._cond:
            self._used.append(name)
            self._cond.notify_all()

    def close(self) -> None:
        """Stop the worker, then drop every database still ready or waiting to be dropped."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=120)
        leftovers = [*self._ready, *self._used]
        self._ready.clear()
        self._used.clear()
        if leftovers:
            from tenantdb.dburl import connect

            with connect(self.server.url(), autocommit=True, source="test server") as admin:
                for name in leftovers:
                    _drop_logged(admin, name)

    # -- the worker -----------------------------------------------------------------

    def _work(self) -> None:
        from tenantdb.dburl import connect

        try:
            admin = connect(self.server.url(), autocommit=True, source="test server")
        except BaseException as exc:
            with self._cond:
                self._error = exc
                self._cond.notify_all()
            return
        with admin:
            while True:
                with self._cond:
                    while True:
                        if self._closing:
                            return
                        # A missing database delays a test; a pending drop only holds disk.
                        if len(self._ready) < self.size and self._error is None:
                            to_drop = None
                            break
                        if self._used:
                            to_drop = self._used.popleft()
                            break
                        self._cond.wait()
                if to_drop is None:
                    self._create_one(admin)
                else:
                    _drop_logged(admin, to_drop)

    def _create_one(self, admin: psycopg.Connection) -> None:
        self._counter += 1
        name = self.server.database_name(f"{self.label}_{self._counter:04d}")
        try:
            Janitor(admin, name, self.template).init()
        except BaseException as exc:
            logger.exception("Could not create test database %s", name)
            with self._cond:
                self._error = exc
                self._cond.notify_all()
            return
        with self._cond:
            self._ready.append(name)
            self._cond.notify_all()


def _drop_logged(admin: psycopg.Connection, name: str) -> None:
    """Drop ``name``; a failure is logged, and the session's final sweep retries it."""
    try:
        Janitor(admin, name).drop()
    except Exception:
        logger.exception("Could not drop test database %s; the final sweep will retry", name)


def create_database(admin: psycopg.Connection, name: str, template: str | None = None) -> None:
    """Create ``name`` now (a clone of ``template`` when given)."""
    Janitor(admin, name, template).init()


def drop_database(admin: psycopg.Connection, name: str) -> None:
    """Drop ``name`` now, ending any session still connected to it."""
    Janitor(admin, name).drop()
