"""Write command output: to standard output, or to a file all at once."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from tenantdb.errors import TenantdbError


def emit(text: str, out: str | None = None) -> None:
    """Print ``text``, or write it to ``out`` atomically (never half-written)."""
    if out is None or out == "-":
        sys.stdout.write(text)
        return
    write_atomic(Path(out), text)


def write_atomic(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise TenantdbError(f"{path}: cannot write: {exc.strerror or exc}") from exc
