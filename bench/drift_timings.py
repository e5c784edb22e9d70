"""Print how long the drift and integrity commands take here; asserts nothing.

    .venv/bin/python bench/drift_timings.py [--runs N]

* ``tenantdb migrations verify`` as the lint and the pre-commit hook run it:
  a new process each time, against a bare ``python -c pass`` for scale;
* catalog inspection of a migrated database;
* the declared side of ``tenantdb diff``: a scratch database created,
  the rendered schema applied, inspected, dropped;
* the whole ``tenantdb diff --url`` as a new process.

The database figures use an embedded server of its own in a temporary
directory, stopped at the end.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TENANTDB = str(Path(sys.executable).with_name("tenantdb"))


def timed(label: str, runs: int, action: Callable[[], object]) -> None:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    print(
        f"{label:<44} median {statistics.median(samples):7.1f} ms   "
        f"min {min(samples):7.1f} ms   ({runs} runs)"
    )


def run(*command: str) -> None:
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs

    timed(
        "python -c pass (process start, for scale)", runs, lambda: run(sys.executable, "-c", "pass")
    )
    timed(
        "tenantdb migrations verify (new process)",
        runs,
        lambda: run(TENANTDB, "migrations", "verify"),
    )

    from tenantdb import devdb
    from tenantdb.catalog import inspect
    from tenantdb.dburl import connect
    from tenantdb.diff import declared_model
    from tenantdb.migsum import verify
    from tenantdb.project import find_project
    from tenantdb.server import EmbeddedServer, free_port

    project = find_project(ROOT)
    timed("migsum.verify() in process", runs, lambda: verify(project.versions_dir))

    base = Path(tempfile.mkdtemp(prefix="tenantdb-bench-"))
    base.chmod(0o755)
    server = EmbeddedServer(base / "pgdata", free_port(), settings={"fsync": "off"})
    try:
        server.ensure_running()
        with connect(server.url("postgres"), autocommit=True) as admin:
            admin.execute("CREATE DATABASE bench")
        url = server.url("bench")
        devdb.upgrade(project, url)
        with connect(url) as conn:
            timed("catalog inspect (6 tables)", runs, lambda: inspect(conn))
        timed(
            "declared side (scratch create/apply/drop)", runs, lambda: declared_model(project, url)
        )
        timed(
            "tenantdb diff --url (new process)", runs, lambda: run(TENANTDB, "diff", "--url", url)
        )
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
