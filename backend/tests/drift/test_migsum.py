"""The migrations sum: chain order, what verify names, and the committed sum file.

Every test works on a copy of the versions directory under tmp_path; the real
backend/alembic/versions/ is only ever read.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tenantdb import migsum
from tenantdb.cli import main

ROOT = Path(__file__).resolve().parents[3]
VERSIONS = ROOT / "backend" / "alembic" / "versions"
INIT = "84320484c17e_02_init_schema"

REVISION = '''\
"""{message}"""

revision{annotation} = {rev!r}
down_revision{annotation} = {down!r}
branch_labels = None
depends_on = None
'''


def write_revision(
    versions: Path, rev: str, down: str | tuple[str, ...] | None, *, annotated: bool = False
) -> str:
    """Write a revision .py with frozen SQL beside it, as `tenantdb revision` lays them out."""
    stem = f"{rev}_step"
    annotation = ": str | None" if annotated else ""
    (versions / f"{stem}.py").write_text(
        REVISION.format(message=f"step {rev}", rev=rev, down=down, annotation=annotation)
    )
    (versions / f"{stem}.up.sql").write_text(f"CREATE TABLE t_{rev} (id integer);\n")
    (versions / f"{stem}.down.sql").write_text(f"DROP TABLE t_{rev};\n")
    return stem


@pytest.fixture
def versions(tmp_path: Path) -> Path:
    """A copy of the project's versions directory, with two more revisions and a fresh sum."""
    copy = tmp_path / "versions"
    shutil.copytree(VERSIONS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    write_revision(copy, "bbb222", "84320484c17e")
    write_revision(copy, "ccc333", "bbb222", annotated=True)
    migsum.write_sum(copy)
    return copy


def messages(versions: Path) -> list[str]:
    return [f"{f.path.name}: {f.message.split(';')[0]}" for f in migsum.verify(versions)]


def test_committed_sum_is_current() -> None:
    """Fails when the committed migrations.sum is stale: run `tenantdb migrations hash`."""
    committed = (VERSIONS / migsum.SUM_NAME).read_text(encoding="utf-8")
    assert committed == migsum.sum_text(VERSIONS)
    assert migsum.verify(VERSIONS) == []


def test_files_are_listed_in_chain_order(versions: Path) -> None:
    lines = (versions / migsum.SUM_NAME).read_text().splitlines()
    assert lines[0].startswith("sha256:") and len(lines[0]) == len("sha256:") + 64
    assert [line.split()[0] for line in lines[1:]] == [
        f"{INIT}.py",
        f"{INIT}.up.sql",
        f"{INIT}.down.sql",
        "bbb222_step.py",
        "bbb222_step.up.sql",
        "bbb222_step.down.sql",
        "ccc333_step.py",
        "ccc333_step.up.sql",
        "ccc333_step.down.sql",
    ]


def test_order_follows_down_revision_not_file_names(tmp_path: Path) -> None:
    write_revision(tmp_path, "aaa", "zzz")
    write_revision(tmp_path, "zzz", None)
    assert [name for name, _ in migsum.snapshot(tmp_path)][::3] == ["zzz_step.py", "aaa_step.py"]


def test_a_merge_revision_comes_after_both_parents(tmp_path: Path) -> None:
    write_revision(tmp_path, "base", None)
    write_revision(tmp_path, "left", "base")
    write_revision(tmp_path, "right", "base")
    write_revision(tmp_path, "merge", ("right", "left"))
    order = [name for name, _ in migsum.snapshot(tmp_path)][::3]
    assert order == ["base_step.py", "left_step.py", "right_step.py", "merge_step.py"]


def test_clean_copy_verifies(versions: Path) -> None:
    assert migsum.verify(versions) == []


def test_editing_a_file_changes_its_line_and_every_later_line(versions: Path) -> None:
    before = (versions / migsum.SUM_NAME).read_text().splitlines()
    up = versions / "bbb222_step.up.sql"
    up.write_text(up.read_text() + "-- one more line\n")
    after = migsum.sum_text(versions).splitlines()
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert changed == [0, 5, 6, 7, 8, 9]


def test_verify_names_only_the_edited_file(versions: Path) -> None:
    up = versions / "bbb222_step.up.sql"
    up.write_text(up.read_text().replace("integer", "bigint"))
    assert messages(versions) == ["bbb222_step.up.sql: edited since the sum was written"]


def test_verify_names_an_edited_revision_module(versions: Path) -> None:
    py = versions / f"{INIT}.py"
    py.write_text(py.read_text().replace("02 init schema", "02 init schema (tidied)", 1))
    assert messages(versions) == [f"{INIT}.py: edited since the sum was written"]


def test_verify_names_an_added_revision(versions: Path) -> None:
    write_revision(versions, "ddd444", "ccc333")
    assert messages(versions) == [
        "ddd444_step.py: added since the sum was written",
        "ddd444_step.up.sql: added since the sum was written",
        "ddd444_step.down.sql: added since the sum was written",
    ]


def test_a_new_revision_changes_the_first_line(versions: Path) -> None:
    first = (versions / migsum.SUM_NAME).read_text().splitlines()[0]
    write_revision(versions, "ddd444", "ccc333")
    assert migsum.sum_text(versions).splitlines()[0] != first


def test_verify_names_a_removed_file(versions: Path) -> None:
    (versions / "ccc333_step.down.sql").unlink()
    assert messages(versions) == ["ccc333_step.down.sql: removed since the sum was written"]


def test_verify_names_a_removed_revision(versions: Path) -> None:
    for path in versions.glob("ccc333_step.*"):
        path.unlink()
    assert [m.split(":")[0] for m in messages(versions)] == [
        "ccc333_step.py",
        "ccc333_step.up.sql",
        "ccc333_step.down.sql",
    ]


def test_a_hand_edited_sum_is_named(versions: Path) -> None:
    path = versions / migsum.SUM_NAME
    lines = path.read_text().splitlines()
    lines[2] = lines[2][:-1] + ("0" if lines[2][-1] != "0" else "1")
    path.write_text("\n".join(lines) + "\n")
    assert messages(versions) == [
        "migrations.sum: the first line does not match the lines below it "
        "(edited by hand, or a merge kept both sides)"
    ]


def test_a_missing_sum_is_named(versions: Path) -> None:
    (versions / migsum.SUM_NAME).unlink()
    assert messages(versions) == ["migrations.sum: missing"]


def test_a_damaged_sum_is_an_error_with_its_line(versions: Path) -> None:
    path = versions / migsum.SUM_NAME
    path.write_text(path.read_text() + "<<<<<<< HEAD\n")
    with pytest.raises(migsum.SumError, match=r"migrations\.sum:11: expected `<file> sha256:"):
        migsum.verify(versions)


def test_computed_down_revision_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x_step.py").write_text('revision = "x"\ndown_revision = "a" + "b"\n')
    with pytest.raises(migsum.SumError, match=r"x_step\.py:2: `down_revision` must be a literal"):
        migsum.snapshot(tmp_path)


def test_unknown_down_revision_is_refused(tmp_path: Path) -> None:
    write_revision(tmp_path, "x", "nowhere")
    with pytest.raises(migsum.SumError, match=r"x_step\.py: down_revision 'nowhere' is not"):
        migsum.snapshot(tmp_path)


def test_a_cycle_is_refused(tmp_path: Path) -> None:
    write_revision(tmp_path, "a", "b")
    write_revision(tmp_path, "b", "a")
    with pytest.raises(migsum.SumError, match="the chain has a cycle"):
        migsum.snapshot(tmp_path)


def test_cli_verify_exit_status_and_output(versions: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["migrations", "verify", "--dir", str(versions)]) == 0
    assert "ok:" in capsys.readouterr().out

    (versions / f"{INIT}.up.sql").write_text("-- emptied\n")
    assert main(["migrations", "verify", "--dir", str(versions)]) == 1
    out = capsys.readouterr().out
    assert out == f"{versions / INIT}.up.sql: edited since the sum was written; " + (
        "revisions are immutable: restore it from git and make the change in a new revision\n"
    )

    assert main(["migrations", "hash", "--dir", str(versions)]) == 0
    assert capsys.readouterr().out == f"wrote {versions / migsum.SUM_NAME} (9 files)\n"
    assert main(["migrations", "verify", "--dir", str(versions)]) == 0


def test_cli_error_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "broken.py").write_text("revision = (\n")
    assert main(["migrations", "hash", "--dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {tmp_path / 'broken.py'}:1: not valid Python")
    assert err.count("\n") == 1
    assert not (tmp_path / migsum.SUM_NAME).exists()
