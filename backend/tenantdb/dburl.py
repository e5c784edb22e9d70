"""Database URLs: the plain libpq form users write, masked for display.

Users and ``DATABASE_URL`` speak libpq: ``postgresql://user:pass@host:port/db``,
also ``postgresql:///db?host=/socket/dir``. SQLAlchemy needs a driver in the
scheme; :func:`sqlalchemy_url` adds psycopg 3. A password never reaches a log
line or a message: everything shown goes through :func:`mask`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tenantdb.errors import DatabaseError

if TYPE_CHECKING:
    import psycopg

SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")

_PASSWORD_IN_NETLOC = re.compile(r"^([a-z+]+://[^:/@?#]*):[^@/?#]*@", re.IGNORECASE)
_PASSWORD_IN_QUERY = re.compile(r"([?&]password=)[^&#]*", re.IGNORECASE)


def mask(url: str) -> str:
    """Return ``url`` with any password replaced by ``***``."""
    url = _PASSWORD_IN_NETLOC.sub(r"\1:***@", url)
    return _PASSWORD_IN_QUERY.sub(r"\1***", url)


def validate(url: str, source: str = "DATABASE_URL") -> str:
    """Return ``url`` if it is a PostgreSQL URL libpq accepts, else raise one line."""
    scheme = urlsplit(url).scheme.lower() if "://" in url else ""
    if scheme not in SCHEMES:
        raise DatabaseError(
            f"{source} is not a PostgreSQL URL: {mask(url)!r}; expected "
            "postgresql://user:password@host:port/dbname"
        )
    from psycopg.conninfo import conninfo_to_dict

    try:
        conninfo_to_dict(libpq_url(url))
    except Exception as exc:  # psycopg.ProgrammingError; its text may echo the URL
        raise DatabaseError(
            f"{source} is not a valid PostgreSQL URL: {mask(url)!r}; expected "
            "postgresql://user:password@host:port/dbname"
        ) from exc
    return url


def libpq_url(url: str) -> str:
    """Return ``url`` with a scheme libpq understands (drop a SQLAlchemy driver suffix)."""
    return re.sub(r"^postgresql\+psycopg://", "postgresql://", url, flags=re.IGNORECASE)


def sqlalchemy_url(url: str) -> str:
    """Return ``url`` for SQLAlchemy, with the psycopg 3 driver."""
    return re.sub(r"^postgres(?:ql)?(?:\+psycopg)?://", "postgresql+psycopg://", url, flags=re.I)


def database_name(url: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    return str(conninfo_to_dict(libpq_url(url)).get("dbname") or "")


def with_database(url: str, database: str) -> str:
    """Return ``url`` pointing at another database of the same server."""
    from urllib.parse import quote

    return urlsplit(url)._replace(path="/" + quote(database)).geturl()


def connect(url: str, *, autocommit: bool = False, source: str = "database") -> psycopg.Connection:
    """Open a psycopg connection, translating failures into one masked line."""
    import psycopg

    try:
        return psycopg.connect(libpq_url(url), autocommit=autocommit, connect_timeout=10)
    except psycopg.OperationalError as exc:
        raise DatabaseError(
            f"cannot connect to the {source} at {mask(url)}: {first_line(exc)}; "
            "check the URL and that the server is running (`make up` starts the dev server)"
        ) from exc


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return mask(text.splitlines()[0]) if text else type(exc).__name__
