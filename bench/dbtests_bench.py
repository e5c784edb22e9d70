"""Measure the database tests: the whole run, and what isolating each test costs.

Run from the repository root::

    .venv/bin/python bench/dbtests_bench.py            # everything (about a minute)
    .venv/bin/python bench/dbtests_bench.py --runs 3   # the suite three times

It prints, and asserts nothing (targets are read by people, not tests):

1. the wall time of ``pytest dbtests`` in a fresh process, server start and
   interpreter start included (target: under 20 s on a 2-core machine);
2. the isolation overhead per test, by fixture: the setup of ``rollback_db``,
   ``db``/``db_url`` or ``empty_db_url`` plus the test's teardown (target:
   under 25 ms median where a clone is needed), from that run and from a
   synthetic run of back-to-back tests that each need a clone and do almost
   nothing, the pool's worst case;
3. what the clone pool hides: a synchronous CREATE DATABASE ... TEMPLATE and
   DROP DATABASE, and what a session start costs: initdb against copying an
   initialized data directory.

The same file is the pytest plugin that records the timings (``-p
dbtests_bench`` with ``bench/`` on the path), so the figures come from
pytest's own runs, not from a model of them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OUT_ENV = "TENANTDB_BENCH_OUT"
ISOLATION = {
    "rollback_db": "rollback_db",
    "db": "db, db_url",
    "db_url": "db, db_url",
    "empty_db_url": "empty_db_url",
}

# -- the plugin side ----------------------------------------------------------------------

_records: dict[str, dict] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    started = time.perf_counter()
    yield
    elapsed = time.perf_counter() - started
    record = _records.setdefault(request.node.nodeid, {"fixtures": {}, "wider": 0.0})
    if fixturedef.scope == "function":
        record["fixtures"][fixturedef.argname] = elapsed
    else:
        # A session or module fixture made during this test's setup is not
        # this test's isolation cost.
        record["wider"] += elapsed


def pytest_runtest_logreport(report):
    record = _records.setdefault(report.nodeid, {"fixtures": {}, "wider": 0.0})
    record[report.when] = report.duration
    record.setdefault("outcome", report.outcome)
    if report.outcome != "passed":
        record["outcome"] = report.outcome


def pytest_collection_modifyitems(items):
    # The last test of a module tears down the module's fixtures (and the
    # last of all the session's); its teardown is not a per-test cost.
    for index, item in enumerate(items):
        nxt = items[index + 1] if index + 1 < len(items) else None
        last = nxt is None or nxt.module is not item.module
        _records.setdefault(item.nodeid, {"fixtures": {}, "wider": 0.0})["last"] = last


def pytest_sessionfinish(session):
    path = os.environ.get(OUT_ENV)
    if path:
        Path(path).write_text(json.dumps(_records))


# -- the measuring side -------------------------------------------------------------------


def run_pytest(args: list[str], cwd: Path = ROOT) -> tuple[float, dict, str]:
    """Run pytest in a fresh process with this plugin; return wall time, records, summary."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        out_path = Path(out.name)
    env = {**os.environ, OUT_ENV: str(out_path), "TENANTDB_ROOT": str(ROOT)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "bench"), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += ["-p", "dbtests_bench", *args]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    records = json.loads(out_path.read_text()) if out_path.stat().st_size else {}
    out_path.unlink()
    lines = result.stdout.strip().splitlines()
    summary = lines[-1] if lines else result.stderr.strip()[-200:]
    if result.returncode != 0:
        print(result.stdout[-3000:], result.stderr[-2000:], file=sys.stderr)
    return wall, records, summary


def overheads(records: dict) -> dict[str, list[float]]:
    """Per isolation fixture: setup of the isolation fixtures plus teardown, per test, in ms."""
    by_kind: dict[str, list[float]] = {}
    for record in records.values():
        if record.get("outcome") != "passed" or record.get("last"):
            continue
        fixtures = record["fixtures"]
        kinds = {ISOLATION[name] for name in fixtures if name in ISOLATION}
        if not kinds:
            continue
        setup = sum(d for name, d in fixtures.items() if name in ISOLATION)
        kind = " + ".join(sorted(kinds))
        by_kind.setdefault(kind, []).append((setup + record.get("teardown", 0.0)) * 1000)
    return by_kind


def describe(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return f"median {statistics.median(ordered):6.1f} ms  p90 {p90:6.1f} ms  n={len(ordered)}"


SYNTHETIC = """
def test_clone_{n}(db):
    db.execute("INSERT INTO tenants (slug, name) VALUES ('t{n}', 'T')")
"""


def synthetic_clone_run(count: int) -> tuple[float, dict, str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "test_bench_clones.py"
        path.write_text("".join(textwrap.dedent(SYNTHETIC.format(n=i)) for i in range(count)))
        return run_pytest([str(path)], cwd=Path(tmp))


def clone_and_cluster_costs(repeat: int) -> dict[str, list[float]]:
    """Time a synchronous clone and drop, initdb, and copying an initialized cluster."""
    import shutil

    import psycopg

    from tenantdb.devdb import upgrade
    from tenantdb.project import find_project
    from tenantdb.testing.databases import create_database, drop_database
    from tenantdb.testing.servers import EmbeddedTestServer
    from tenantdb.testing.servers import describe as describe_server

    costs: dict[str, list[float]] = {"create": [], "drop": [], "initdb": [], "copy": []}
    server = EmbeddedTestServer()
    started = time.perf_counter()
    handle = describe_server(server.start(), external=False)
    costs["session start"] = [(time.perf_counter() - started) * 1000]
    try:
        template = handle.database_name("template")
        with psycopg.connect(handle.url(), autocommit=True) as admin:
            create_database(admin, template)
            upgrade(find_project(ROOT), handle.url(template))
            for i in range(repeat):
                name = handle.database_name(f"c{i}")
                t0 = time.perf_counter()
                create_database(admin, name, template)
                t1 = time.perf_counter()
                drop_database(admin, name)
                t2 = time.perf_counter()
                costs["create"].append((t1 - t0) * 1000)
                costs["drop"].append((t2 - t1) * 1000)
        # Copying the data directory of an initialized (stopped) cluster, as a
        # cache of initdb's work would: `cp -a` keeps the owner the server needs.
        assert server.server is not None and server.base_dir is not None
        server.server.stop()
        for i in range(3):
            target = server.base_dir / f"copy{i}"
            t0 = time.perf_counter()
            subprocess.run(["cp", "-a", str(server.server.data_dir), str(target)], check=True)
            costs["copy"].append((time.perf_counter() - t0) * 1000)
            shutil.rmtree(target)
        from tenantdb.server import EmbeddedServer, free_port

        for i in range(3):
            fresh = EmbeddedServer(server.base_dir / f"init{i}", free_port())
            t0 = time.perf_counter()
            fresh.initialize()
            costs["initdb"].append((time.perf_counter() - t0) * 1000)
            shutil.rmtree(fresh.data_dir)
    finally:
        server.stop()
    return costs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="how many full dbtests runs")
    parser.add_argument("--clones", type=int, default=30, help="synthetic back-to-back clone tests")
    parser.add_argument("--repeat", type=int, default=15, help="synchronous clones to time")
    args = parser.parse_args()

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    all_records: dict = {}
    for run in range(1, args.runs + 1):
        wall, records, summary = run_pytest(["dbtests"])
        all_records.update({f"{run}:{k}": v for k, v in records.items()})
        print(f"dbtests run {run}: {wall:5.1f} s wall, fresh process ({summary})")
    print("isolation overhead per test in dbtests (fixture setup + teardown):")
    for kind, values in sorted(overheads(all_records).items()):
        print(f"  {kind:<26} {describe(values)}")

    wall, records, summary = synthetic_clone_run(args.clones)
    print(f"synthetic: {args.clones} back-to-back tests on `db`: {wall:.1f} s wall ({summary})")
    for kind, values in sorted(overheads(records).items()):
        print(f"  {kind:<26} {describe(values)}")

    costs = clone_and_cluster_costs(args.repeat)
    print("what the pool hides, done synchronously:")
    print(f"  CREATE DATABASE ... TEMPLATE  {describe(costs['create'])}")
    print(f"  DROP DATABASE                 {describe(costs['drop'])}")
    print("session start:")
    start = costs["session start"][0]
    print(f"  cluster + start + connect     {start:6.0f} ms (from the cached cluster if any)")
    print(f"  initdb alone                  {describe(costs['initdb'])}")
    print(f"  cp -a of an initialized dir   {describe(costs['copy'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
