"""Migration integrity: a chained SHA-256 sum over the revision files, kept in git.

Revisions are immutable: once applied somewhere, editing one silently forks
the schema of every database migrated before the edit from every database
migrated after it. ``tenantdb migrations hash`` writes
``backend/alembic/versions/migrations.sum``::

    sha256:<hash over every line below>
    84320484c17e_02_init_schema.py sha256:<h1>
    84320484c17e_02_init_schema.up.sql sha256:<h2>
    84320484c17e_02_init_schema.down.sql sha256:<h3>

The files are listed in the order of the Alembic chain (each revision's
``.py``, then its frozen ``.up.sql`` and ``.down.sql``), and each hash covers
the previous one: ``h2 = sha256(h1 + name + NUL + bytes)``. Editing a file
therefore changes its line and every later one, and any new revision changes
the first line, so two branches that both add a revision conflict in git
instead of forking the chain silently.

``tenantdb migrations verify`` recomputes the chain and names each edited,
added or removed file. It runs in the lint and the pre-commit hook, so this
module imports nothing heavy: the chain order comes from reading the
``revision`` and ``down_revision`` assignments with :mod:`ast`, not from
Alembic, which would import every revision module.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tenantdb.errors import TenantdbError

SUM_NAME = "migrations.sum"
#: The frozen SQL files that belong to a revision ``<stem>.py``, in sum order.
FROZEN_SUFFIXES = (".up.sql", ".down.sql")
#: The hash the chain starts from; changing it would invalidate every sum file.
SEED = hashlib.sha256(b"tenantdb migrations sum v1").digest()
PREFIX = "sha256:"

_LINE = re.compile(r"^(?P<name>\S+) sha256:(?P<digest>[0-9a-f]{64})$")
_TOTAL = re.compile(r"^sha256:(?P<digest>[0-9a-f]{64})$")


class SumError(TenantdbError):
    """A revision file or the sum file cannot be read as what it should be."""


@dataclass(frozen=True)
class Revision:
    """What the chain order needs from a revision file, read without importing it."""

    revision: str
    down_revisions: tuple[str, ...]
    name: str


@dataclass(frozen=True)
class Entry:
    """One line of the sum: a file and the chained hash up to and including it."""

    name: str
    digest: bytes

    def line(self) -> str:
        return f"{self.name} {PREFIX}{self.digest.hex()}"


@dataclass(frozen=True)
class SumFile:
    total: bytes
    entries: tuple[Entry, ...]

    def text(self) -> str:
        return "\n".join([PREFIX + self.total.hex(), *(e.line() for e in self.entries)]) + "\n"


@dataclass(frozen=True)
class Finding:
    """Why the sum no longer matches: ``path`` is the file to look at."""

    path: Path
    message: str


# -- reading the chain ---------------------------------------------------------------


def sum_path(versions_dir: Path) -> Path:
    return versions_dir / SUM_NAME


def read_revision(name: str, source: str | bytes, where: str) -> Revision:
    """Read ``revision`` and ``down_revision`` from a revision file's source text.

    Alembic's templates write both as plain assignments, with or without an
    annotation (``revision: str = "..."``); anything computed is refused, since
    the order of the chain must not depend on running code.
    """
    try:
        tree = ast.parse(source, filename=where)
    except SyntaxError as exc:
        raise SumError(f"{where}:{exc.lineno}: not valid Python: {exc.msg}") from exc
    values: dict[str, ast.expr | None] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
            values[target.id] = value
    if "revision" not in values:
        raise SumError(
            f'{where}: no `revision = "..."` assignment; every .py file in the versions '
            "directory must be an Alembic revision"
        )
    revision = _literal_ids(values["revision"], where, "revision")
    if len(revision) != 1:
        raise SumError(f"{where}: `revision` must be one string")
    down = _literal_ids(values.get("down_revision"), where, "down_revision")
    return Revision(revision[0], down, name)


def _literal_ids(node: ast.expr | None, where: str, what: str) -> tuple[str, ...]:
    if node is None:
        return ()
    try:
        value = ast.literal_eval(node)
    except ValueError:
        raise SumError(
            f"{where}:{node.lineno}: `{what}` must be a literal (a string, a tuple of "
            "strings, or None) so the chain can be read without running the file"
        ) from None
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, tuple | list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise SumError(f"{where}:{node.lineno}: `{what}` must be a string, a tuple of strings or None")


def chain_order(revisions: list[Revision], versions_dir: Path) -> list[Revision]:
    """Order revisions from the base to the head(s), parents before children.

    Kahn's algorithm; when branches leave several revisions ready at once the
    one with the smallest id goes first, so the order never depends on the
    file system.
    """
    by_id: dict[str, Revision] = {}
    for rev in revisions:
        if rev.revision in by_id:
            raise SumError(
                f"{versions_dir / rev.name}: revision {rev.revision!r} is also declared in "
                f"{by_id[rev.revision].name}; give one of them a new id"
            )
        by_id[rev.revision] = rev
    for rev in revisions:
        for parent in rev.down_revisions:
            if parent not in by_id:
                raise SumError(
                    f"{versions_dir / rev.name}: down_revision {parent!r} is not a revision "
                    "in this directory; fix the chain"
                )
    waiting = {rev.revision: set(rev.down_revisions) for rev in revisions}
    ready = sorted(r for r, parents in waiting.items() if not parents)
    order: list[Revision] = []
    while ready:
        current = ready.pop(0)
        del waiting[current]
        order.append(by_id[current])
        for child, parents in waiting.items():
            if current in parents:
                parents.discard(current)
                if not parents:
                    ready.append(child)
        ready.sort()
    if waiting:
        stuck = by_id[min(waiting)]
        raise SumError(
            f"{versions_dir / stuck.name}: the chain has a cycle through revision "
            f"{stuck.revision!r}; fix its down_revision"
        )
    return order


def snapshot(
    versions_dir: Path, overlay: Mapping[str, bytes] | None = None
) -> list[tuple[str, bytes]]:
    """Return the revision files in chain order, as (name, bytes).

    ``overlay`` maps file names to contents that are about to be written, so a
    caller can compute the sum of a directory as it will be, before touching it.
    """
    contents: dict[str, bytes] = {}
    if versions_dir.is_dir():
        for path in versions_dir.iterdir():
            if path.is_file() and (path.suffix == ".py" or path.name.endswith(FROZEN_SUFFIXES)):
                contents[path.name] = b""  # read lazily below, only if part of a revision
    contents.update(dict.fromkeys(overlay or {}, b""))

    def read(name: str) -> bytes:
        if overlay and name in overlay:
            return overlay[name]
        path = versions_dir / name
        try:
            return path.read_bytes()
        except OSError as exc:
            raise SumError(f"{path}: cannot read: {exc.strerror or exc}") from exc

    revisions = [
        read_revision(name, read(name), str(versions_dir / name))
        for name in sorted(contents)
        if name.endswith(".py") and not name.startswith("_")
    ]
    files: list[tuple[str, bytes]] = []
    for rev in chain_order(revisions, versions_dir):
        stem = rev.name[: -len(".py")]
        files.append((rev.name, read(rev.name)))
        files += [(stem + s, read(stem + s)) for s in FROZEN_SUFFIXES if stem + s in contents]
    return files


# -- the sum -------------------------------------------------------------------------


def link(previous: bytes, name: str, content: bytes) -> bytes:
    """One step of the chain: the hash of the previous hash, the file's name and bytes."""
    return hashlib.sha256(previous + name.encode("utf-8") + b"\0" + content).digest()


def compute(files: list[tuple[str, bytes]]) -> SumFile:
    entries: list[Entry] = []
    previous = SEED
    for name, content in files:
        previous = link(previous, name, content)
        entries.append(Entry(name, previous))
    body = "".join(e.line() + "\n" for e in entries)
    return SumFile(hashlib.sha256(body.encode("utf-8")).digest(), tuple(entries))


def sum_text(versions_dir: Path, overlay: Mapping[str, bytes] | None = None) -> str:
    """The sum file's text for ``versions_dir`` (plus ``overlay``), byte for byte."""
    return compute(snapshot(versions_dir, overlay)).text()


def write_sum(versions_dir: Path) -> Path:
    """Write the sum file of ``versions_dir`` atomically; return its path."""
    from tenantdb.output import write_atomic

    path = sum_path(versions_dir)
    write_atomic(path, sum_text(versions_dir))
    return path


def parse_sum(text: str, path: Path) -> SumFile:
    lines = text.splitlines()
    if not lines or not _TOTAL.match(lines[0]):
        raise SumError(
            f"{path}:1: expected `sha256:<64 hex digits>`; the file is damaged, "
            "restore it from git or run `tenantdb migrations hash`"
        )
    entries = []
    for number, line in enumerate(lines[1:], start=2):
        match = _LINE.match(line)
        if not match:
            raise SumError(
                f"{path}:{number}: expected `<file> sha256:<64 hex digits>`; the file is "
                "damaged, restore it from git or run `tenantdb migrations hash`"
            )
        entries.append(Entry(match["name"], bytes.fromhex(match["digest"])))
    return SumFile(bytes.fromhex(_TOTAL.match(lines[0])["digest"]), tuple(entries))


def verify(versions_dir: Path) -> list[Finding]:
    """Compare the revision files with the sum; return what differs, file by file.

    A file counts as *edited* only if its own bytes changed: its recorded hash
    is recomputed from the recorded hash before it, so the edit of one file is
    not blamed on every later file whose chained hash it also changed.
    """
    path = sum_path(versions_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return [Finding(path, "missing; run `tenantdb migrations hash` to write it")]
    except (OSError, UnicodeDecodeError) as exc:
        raise SumError(f"{path}: cannot read: {exc}") from exc
    recorded = parse_sum(text, path)
    body = "".join(e.line() + "\n" for e in recorded.entries)
    if hashlib.sha256(body.encode("utf-8")).digest() != recorded.total:
        # A hand edit or a merge that kept both sides: the lines cannot be trusted
        # to tell which revision file changed.
        return [
            Finding(
                path,
                "the first line does not match the lines below it (edited by hand, or a "
                "merge kept both sides); run `tenantdb migrations hash` after checking the "
                "chain",
            )
        ]
    files = snapshot(versions_dir)
    current = dict(files)
    recorded_names = [e.name for e in recorded.entries]

    findings: list[Finding] = []
    previous = SEED
    for entry in recorded.entries:
        if entry.name not in current:
            findings.append(
                Finding(
                    versions_dir / entry.name,
                    "removed since the sum was written; revisions are immutable: restore "
                    "it from git",
                )
            )
        elif link(previous, entry.name, current[entry.name]) != entry.digest:
            findings.append(
                Finding(
                    versions_dir / entry.name,
                    "edited since the sum was written; revisions are immutable: restore it "
                    "from git and make the change in a new revision",
                )
            )
        previous = entry.digest
    for name, _ in files:
        if name not in recorded_names:
            findings.append(
                Finding(
                    versions_dir / name,
                    "added since the sum was written; if it is a new revision, run "
                    "`tenantdb migrations hash` and commit the sum with it",
                )
            )
    if findings:
        return findings

    # Same files, same bytes: what is left is the order of the chain, or the sum
    # file itself.
    expected = compute(files)
    if [name for name, _ in files] != recorded_names:
        moved = next(
            n for n, r in zip((n for n, _ in files), recorded_names, strict=True) if n != r
        )
        return [
            Finding(
                versions_dir / moved,
                "moved in the chain since the sum was written (a down_revision changed); "
                "restore the chain from git",
            )
        ]
    if expected != recorded:  # unreachable unless the seed or the format changed
        return [Finding(path, "out of date; run `tenantdb migrations hash`")]
    return []


def updated_sum(versions_dir: Path, new_files: Mapping[Path, str]) -> tuple[Path, str]:
    """Return the sum file and its text as they must be once ``new_files`` are written.

    Refuses when the chain already disagrees with its sum: adding a revision
    must not launder an edit of an older one into a fresh sum.
    """
    problems = [f for f in verify(versions_dir) if f.path != sum_path(versions_dir)]
    if problems:
        first = problems[0]
        raise SumError(
            f"{first.path}: {first.message}; fix the chain before writing a new revision"
        )
    overlay = {path.name: text.encode("utf-8") for path, text in new_files.items()}
    return sum_path(versions_dir), sum_text(versions_dir, overlay)
