"""How fast `tenantdb lint` is: start-up, big generated schemas, and two other linters.

Prints, from one run on this machine:

1. ``tenantdb lint`` on the project as a whole process, median of N runs,
   against ``python -c "import sqlglot, jinja2, yaml"`` measured the same way
   in the same run (target: at most 1.8x);
2. render + lint of a generated declared schema of 1,000 and of 2,000 tenant
   tables, in process (targets: 1,000 tables in at most 3 s; 2,000 in at
   most 2.2x the time of 1,000);
3. squawk and ``sqlfluff lint --dialect postgres`` on the same 1,000-table SQL,
   each installed by this script in a scratch venv under /tmp (not project
   dependencies), as whole processes beside ``tenantdb lint`` on that file,
   and both ratios.

Run from the repository root with the project's venv::

    .venv/bin/python bench/lint_bench.py [--runs 11] [--skip-others]

The figures are printed, never asserted: speed is read by people, not by a
test that fails on a slow machine.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRATCH_VENV = Path(tempfile.gettempdir()) / "tenantdb-lint-bench-venv"
OTHER_LINTERS = ("squawk-cli", "sqlfluff")
#: sqlfluff is far slower than the others; past this it is reported as timed out.
OTHER_TIMEOUT = 1800.0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="runs per start-up median")
    parser.add_argument(
        "--skip-others", action="store_true", help="do not install and time squawk and sqlfluff"
    )
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k not in ("TENANTDB_ROOT",)}

    print(f"python {sys.version.split()[0]}, sqlglot {_sqlglot_version()}, {os.cpu_count()} cores")

    # 1. Start-up: the whole process, as a pre-commit hook runs it.
    tenantdb = str(Path(sys.executable).with_name("tenantdb"))
    imports = [sys.executable, "-c", "import sqlglot, jinja2, yaml"]
    lint = [tenantdb, "lint"]
    times = _interleaved({"imports": imports, "lint": lint}, args.runs, env)
    base, ours = statistics.median(times["imports"]), statistics.median(times["lint"])
    print("\n1. start-up, whole process, median of", args.runs)
    print(f"   python -c 'import sqlglot, jinja2, yaml'  {base * 1000:7.0f} ms")
    print(f"   tenantdb lint (the project)              {ours * 1000:7.0f} ms")
    print(f"   ratio                                    {ours / base:7.2f}x  (target <= 1.8x)")

    # 2. Generated schemas: render + lint, in process.
    print("\n2. generated declared schema: render + lint, in process (best of 3)")
    with tempfile.TemporaryDirectory(prefix="tenantdb-lint-bench-") as tmp:
        results: dict[int, float] = {}
        sql_1000 = Path(tmp) / "schema-1000.sql"
        for count in (1000, 2000):
            project = Path(tmp) / f"p{count}"
            generate_project(project, count)
            timing = _best_of(3, lambda project=project: _render_and_lint(project))
            load, render, lint_time, findings, sql = timing
            total = load + render + lint_time
            results[count] = total
            lines = sql.count("\n")
            print(
                f"   {count:5d} tables ({lines:6d} lines): load spec {load:5.2f} s, "
                f"render {render:5.2f} s, lint {lint_time:5.2f} s = {total:5.2f} s, "
                f"{findings} findings"
            )
            if count == 1000:
                sql_1000.write_text(sql, encoding="utf-8")
        print(f"   1,000 tables: {results[1000]:.2f} s (target <= 3 s)")
        print(f"   2,000 / 1,000: {results[2000] / results[1000]:.2f}x (target <= 2.2x)")

        # 3. Other linters on the same SQL, each a whole process.
        if args.skip_others:
            return 0
        print("\n3. the same 1,000-table SQL, whole process, median of 3")
        bin_dir = _scratch_venv()
        commands = {
            "tenantdb lint": [tenantdb, "lint", str(sql_1000)],
            "squawk": [str(bin_dir / "squawk"), str(sql_1000)],
            "sqlfluff lint --dialect postgres": [
                str(bin_dir / "sqlfluff"),
                "lint",
                "--dialect",
                "postgres",
                "--processes",
                "1",
                str(sql_1000),
            ],
        }
        # sqlfluff skips a file over 20,000 bytes, and stops parsing one past
        # 100,000 parse nodes, unless told otherwise.
        (Path(tmp) / ".sqlfluff").write_text(
            "[sqlfluff]\nlarge_file_skip_byte_limit = 0\nmax_parse_nodes = 0\n", encoding="utf-8"
        )
        medians: dict[str, float | None] = {}
        for name, command in commands.items():
            runs = 1 if name.startswith("sqlfluff") else 3
            measured, output = _timed_runs(command, runs, env, cwd=Path(tmp))
            medians[name] = statistics.median(measured) if measured else None
            shown = f"{medians[name]:8.2f} s" if medians[name] is not None else "timed out"
            note = " (1 run)" if runs == 1 else ""
            print(f"   {name:34s} {shown}{note}  [{output}]")
        ours_file = medians["tenantdb lint"]
        for name in ("squawk", "sqlfluff lint --dialect postgres"):
            other = medians[name]
            if ours_file and other:
                print(f"   tenantdb lint / {name}: {ours_file / other:.2f}x")
    return 0


# -- the generated project ----------------------------------------------------------


def generate_project(root: Path, tables: int) -> None:
    """Write a project of ``tables`` tenant tables, each referencing the one before."""
    schema = root / "schema"
    schema.mkdir(parents=True)
    shutil.copytree(ROOT / "templates", root / "templates")
    (root / "alembic.ini").write_text("", encoding="utf-8")
    shutil.copy(ROOT / "schema" / "tenants.yaml", schema / "tenants.yaml")
    for i in range(1, tables + 1):
        name = f"t{i:04d}_items"
        reference = ""
        if i > 1:
            reference = (
                f"  t{i - 1:04d}_item_id:\n"
                f"    references: t{i - 1:04d}_items\n"
                "    on_delete: cascade\n"
            )
        (schema / f"{name}.yaml").write_text(
            f"table: {name}\n"
            "kind: tenant\n"
            f"comment: Generated table {i}.\n"
            "columns:\n"
            "  title:\n"
            "    type: text\n"
            '    check: "length(title) BETWEEN 1 AND 200"\n'
            "  status:\n"
            "    type: text\n"
            "    default: \"'open'\"\n"
            "    values: [open, closed]\n"
            "  is_archived:\n"
            "    type: boolean\n"
            "    default: false\n"
            "  created_at:\n"
            "    type: timestamptz\n"
            "    default: now()\n"
            f"{reference}"
            "indexes:\n"
            "  - columns: [tenant_id, created_at desc]\n",
            encoding="utf-8",
        )


def _render_and_lint(root: Path) -> tuple[float, float, float, int, str]:
    from tenantdb import spec
    from tenantdb.lint.runner import lint_text
    from tenantdb.render import render_schema
    from tenantdb.spec import load_schema

    # As the `tenantdb` command runs it: with the cyclic garbage collector
    # off (see tenantdb.cli.main); the garbage is collected after the clock.
    # Each measurement starts cold, as a new process would.
    spec._read_expression.cache_clear()
    gc.disable()
    try:
        start = time.perf_counter()
        schema = load_schema(root / "schema", relative_to=root)
        loaded = time.perf_counter()
        sql = render_schema(schema, root / "templates")
        rendered = time.perf_counter()
        findings = lint_text(sql, "generated.sql")
        linted = time.perf_counter()
    finally:
        gc.enable()
        gc.collect()
    return loaded - start, rendered - loaded, linted - rendered, len(findings), sql


def _best_of(runs: int, measure: Callable[[], tuple]) -> tuple:
    results = [measure() for _ in range(runs)]
    return min(results, key=lambda r: r[0] + r[1] + r[2])


# -- processes ----------------------------------------------------------------------


def _interleaved(
    commands: dict[str, list[str]], runs: int, env: dict[str, str]
) -> dict[str, list[float]]:
    """Time each command ``runs`` times, alternating, so drift hits both alike."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():  # one warm-up each: disk caches
        _run(command, env, ROOT)
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(_run(command, env, ROOT))
    return times


def _timed_runs(
    command: list[str], runs: int, env: dict[str, str], cwd: Path
) -> tuple[list[float], str]:
    """Time ``runs`` runs; also say what the last one reported, to show it read the file."""
    times: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        try:
            result = subprocess.run(
                command,
                cwd=cwd,
                env=env,
                capture_output=True,
                text=True,
                timeout=OTHER_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return [], f"over {OTHER_TIMEOUT:.0f} s"
        times.append(time.perf_counter() - start)
    out = result.stdout + result.stderr
    violations = sum(1 for line in out.splitlines() if line.lstrip().startswith("L:"))
    lines = out.strip().splitlines()
    last = lines[-1].strip() if lines else "no output"
    if violations:
        last = f"{violations} violations"
    return times, f"exit {result.returncode}: {last[:70]}"


def _run(command: list[str], env: dict[str, str], cwd: Path, timeout: float = 120.0) -> float:
    start = time.perf_counter()
    subprocess.run(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=timeout,
        check=False,
    )
    return time.perf_counter() - start


def _scratch_venv() -> Path:
    """Create (once) a venv under /tmp with squawk and sqlfluff; return its bin/."""
    bin_dir = SCRATCH_VENV / "bin"
    if not all((bin_dir / tool).exists() for tool in ("squawk", "sqlfluff")):
        print(f"   installing {', '.join(OTHER_LINTERS)} into {SCRATCH_VENV} ...")
        subprocess.run([sys.executable, "-m", "venv", str(SCRATCH_VENV)], check=True)
        installed = subprocess.run(
            [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", *OTHER_LINTERS],
            capture_output=True,
            text=True,
            check=False,
        )
        if installed.returncode != 0:
            raise SystemExit(f"pip install {' '.join(OTHER_LINTERS)} failed:\n{installed.stderr}")
    for tool in ("squawk", "sqlfluff"):
        version = subprocess.run(
            [str(bin_dir / tool), "--version"], capture_output=True, text=True, check=False
        )
        print(f"   {tool}: {version.stdout.strip() or version.stderr.strip()}")
    return bin_dir


def _sqlglot_version() -> str:
    import sqlglot
    import sqlglot.parser

    compiled = not sqlglot.parser.__file__.endswith(".py")
    return f"{sqlglot.__version__}{' (compiled, sqlglotc)' if compiled else ''}"


if __name__ == "__main__":
    sys.exit(main())
