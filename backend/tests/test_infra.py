"""Static checks of the Docker Compose setup: infra/, backend/Dockerfile, .env.example.

The machines that run these tests have no Docker engine, so nothing here
builds an image or starts a container. The files are parsed and their wiring
checked instead, so that on a machine with Docker
``docker compose -f infra/docker-compose.yml --env-file .env exec api alembic
upgrade head`` finds a healthy server, a URL it accepts and a project to run
in. Each check is a function that raises AssertionError; the tests run it on
the real files, and again on copies broken on purpose, to show it can fail.
"""

from __future__ import annotations

import copy
import json
import os
import posixpath
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from tenantdb.dburl import validate
from tenantdb.errors import DatabaseError

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_PATH = ROOT / "infra" / "docker-compose.yml"
DOCKERFILE_PATH = ROOT / "backend" / "Dockerfile"
DOCKERIGNORE_PATH = ROOT / ".dockerignore"
ENV_EXAMPLE_PATH = ROOT / ".env.example"

#: What ``alembic upgrade head`` and the tenantdb commands read, relative to the
#: project root; each must reach the same place under the image's WORKDIR.
RUNTIME_PATHS = (
    "alembic.ini",
    "schema",
    "templates",
    "backend/alembic",
    "backend/tenantdb",
)

#: The variables the official postgres image reads to create its user and database.
POSTGRES_VARIABLES = ("POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB")


# -- reading the files ----------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction, continuation lines joined."""

    line: int
    keyword: str
    args: str


def parse_dockerfile(text: str) -> list[Instruction]:
    instructions: list[Instruction] = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        # Docker drops comment lines, also between continuation lines.
        if stripped.startswith("#") or (not stripped and not pending):
            continue
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, args = (pending + stripped).partition(" ")
        instructions.append(Instruction(start, keyword.upper(), args.strip()))
        pending = ""
    assert not pending, "backend/Dockerfile ends inside a line continuation"
    return instructions


def parse_env_file(text: str, name: str = ".env.example") -> dict[str, str]:
    """Read NAME=value lines as Compose does, refusing what it would misread."""
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key), (
            f"{name}:{number}: expected NAME=value, got {line!r}"
        )
        assert key not in values, f"{name}:{number}: {key} is set twice"
        values[key] = value
    return values


@dataclass(frozen=True)
class IgnoreRule:
    exclude: bool
    pattern: re.Pattern[str]


def parse_dockerignore(text: str) -> list[IgnoreRule]:
    """Turn .dockerignore lines into rules, in order (the last match wins).

    Docker's matcher, as far as this project's file needs it: a leading ``/``
    is dropped, ``*`` and ``?`` stay within one path segment, ``**`` spans
    segments, ``!`` re-includes. Character classes are not supported.
    """
    rules = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        exclude = not line.startswith("!")
        pattern = posixpath.normpath(line.lstrip("!").strip().lstrip("/"))
        assert "[" not in pattern, f".dockerignore: {line!r}: character classes are not checked"
        rules.append(IgnoreRule(exclude, re.compile(_glob_regex(pattern))))
    return rules


def _glob_regex(pattern: str) -> str:
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out) + r"\Z"


def is_ignored(relative: str, rules: list[IgnoreRule]) -> bool:
    """Whether a context path is left out: a rule matching it or a parent applies."""
    parts = relative.split("/")
    candidates = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    ignored = False
    for rule in rules:
        if any(rule.pattern.match(candidate) for candidate in candidates):
            ignored = rule.exclude
    return ignored


@dataclass
class Infra:
    """Everything the checks read, loaded once and copied before a test breaks it."""

    root: Path
    compose: dict[str, Any]
    env: dict[str, str]
    dockerfile: list[Instruction]
    ignore: list[IgnoreRule]

    @property
    def compose_dir(self) -> Path:
        return self.root / "infra"

    def service(self, name: str) -> dict[str, Any]:
        return self.compose["services"][name]


def load_infra() -> Infra:
    for path in (COMPOSE_PATH, DOCKERFILE_PATH, DOCKERIGNORE_PATH, ENV_EXAMPLE_PATH):
        assert path.is_file(), f"{path.relative_to(ROOT)} is missing"
    compose = yaml.safe_load(COMPOSE_PATH.read_text(encoding="utf-8"))
    assert isinstance(compose, dict), "infra/docker-compose.yml is not a YAML mapping"
    return Infra(
        root=ROOT,
        compose=compose,
        env=parse_env_file(ENV_EXAMPLE_PATH.read_text(encoding="utf-8")),
        dockerfile=parse_dockerfile(DOCKERFILE_PATH.read_text(encoding="utf-8")),
        ignore=parse_dockerignore(DOCKERIGNORE_PATH.read_text(encoding="utf-8")),
    )


# -- small helpers --------------------------------------------------------------------

# $$ is an escaped dollar; ${NAME}, ${NAME:-default}, ${NAME:?error} and $NAME interpolate.
_INTERPOLATION = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)[^}]*\}|(?P<bare>[A-Za-z_]\w*))"
)


def interpolated_names(value: Any) -> set[str]:
    """The variables Compose substitutes anywhere in ``value`` (keys are not substituted)."""
    if isinstance(value, dict):
        return set().union(*(interpolated_names(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(interpolated_names(v) for v in value))
    if isinstance(value, str):
        return {
            m["braced"] or m["bare"] for m in _INTERPOLATION.finditer(value) if not m["escaped"]
        }
    return set()


def is_interpolation_of(value: Any, name: str) -> bool:
    """Whether ``value`` is exactly ``${name}``, optionally with a default or an error text."""
    return isinstance(value, str) and re.fullmatch(rf"\$\{{{name}(?::?[-?][^}}]*)?\}}", value)


def environment(service: dict[str, Any]) -> dict[str, Any]:
    """A service's environment in mapping form (Compose also accepts a NAME=value list)."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.partition("=")[::2] for item in env)
    return env


def image_major(image: str) -> int:
    match = re.fullmatch(
        r"(?:docker\.io/)?(?:library/)?postgres:(\d+)(?:\.\d+)?(?:-[\w.]+)?", image
    )
    assert match, f"db image {image!r} is not the official postgres image pinned to a major"
    return int(match.group(1))


def copy_args(instruction: Instruction) -> tuple[list[str], list[str], str]:
    """Split COPY/ADD arguments into flags, sources and destination."""
    args = instruction.args
    parts = json.loads(args) if args.startswith("[") else shlex.split(args)
    flags = [p for p in parts if p.startswith("--")]
    paths = [p for p in parts if not p.startswith("--")]
    assert len(paths) >= 2, f"Dockerfile:{instruction.line}: COPY needs a source and a destination"
    return flags, paths[:-1], paths[-1]


def context_files(root: Path, source: str, ignore: list[IgnoreRule]) -> Iterator[str]:
    """The files a COPY source sends from the build context, .dockerignore applied."""
    base = root / source
    if base.is_file():
        relative = base.relative_to(root).as_posix()
        if not is_ignored(relative, ignore):
            yield relative
        return
    for directory, dirs, files in os.walk(base):
        here = Path(directory).relative_to(root).as_posix()
        dirs[:] = sorted(d for d in dirs if not is_ignored(f"{here}/{d}", ignore))
        for name in sorted(files):
            if not is_ignored(f"{here}/{name}", ignore):
                yield f"{here}/{name}"


@dataclass(frozen=True)
class ImageLayout:
    """Where the Dockerfile puts the context's files, and where it runs things."""

    files: dict[PurePosixPath, str]  # image path -> context path
    workdir: PurePosixPath
    #: For each RUN: its instruction, the working directory, and the files present then.
    runs: tuple[tuple[Instruction, PurePosixPath, frozenset[PurePosixPath]], ...]


def image_layout(infra: Infra) -> ImageLayout:
    """Replay WORKDIR and COPY over the build context, as ``docker build`` would."""
    files: dict[PurePosixPath, str] = {}
    workdir = PurePosixPath("/")
    runs = []
    for instruction in infra.dockerfile:
        if instruction.keyword == "WORKDIR":
            workdir = workdir / instruction.args
        elif instruction.keyword == "RUN":
            runs.append((instruction, workdir, frozenset(files)))
        elif instruction.keyword in ("COPY", "ADD"):
            flags, sources, dest = copy_args(instruction)
            if any(flag.startswith("--from") for flag in flags):
                continue  # from another stage, not from the context
            target = workdir / dest
            into_directory = dest.endswith("/") or len(sources) > 1
            for source in sources:
                source_path = infra.root / source
                for relative in context_files(infra.root, source, infra.ignore):
                    if source_path.is_dir():
                        inner = Path(relative).relative_to(source_path.relative_to(infra.root))
                        files[target / inner.as_posix()] = relative
                    elif into_directory:
                        files[target / PurePosixPath(relative).name] = relative
                    else:
                        files[target] = relative
    return ImageLayout(files, workdir, tuple(runs))


def repository_files(root: Path, path: str) -> list[str]:
    """The files under ``path`` that the project needs at run time (no caches)."""
    base = root / path
    if base.is_file():
        return [path]
    found = []
    for directory, dirs, names in os.walk(base):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        here = Path(directory).relative_to(root).as_posix()
        found += [f"{here}/{name}" for name in names if not name.endswith(".pyc")]
    return sorted(found)


# -- the checks -----------------------------------------------------------------------


def check_services(infra: Infra) -> None:
    services = infra.compose.get("services")
    assert isinstance(services, dict), "infra/docker-compose.yml has no services mapping"
    for name in ("db", "api"):
        assert isinstance(services.get(name), dict), f"service {name!r} is missing"


def check_db_image(infra: Infra) -> None:
    image = infra.service("db").get("image", "")
    major = image_major(image)
    assert major >= 14, f"db image {image!r}: the project supports PostgreSQL 14 and later"


def check_db_healthcheck(infra: Infra) -> None:
    health = infra.service("db").get("healthcheck")
    assert isinstance(health, dict), "db has no healthcheck; api waits for it to be healthy"
    assert not health.get("disable"), "db's healthcheck is disabled"
    test = health.get("test")
    command = " ".join(test) if isinstance(test, list) else str(test)
    assert "pg_isready" in command, f"db's healthcheck does not run pg_isready: {command!r}"
    # On first start the image runs a temporary server on the Unix socket only;
    # a check over the socket would pass before the real server listens on TCP.
    assert re.search(r"(?:-h|--host)[ =]?\S", command), (
        "db's healthcheck must check over TCP (pg_isready -h 127.0.0.1)"
    )


def check_db_volume(infra: Infra) -> None:
    db = infra.service("db")
    major = image_major(db.get("image", ""))
    # The official image keeps its data in /var/lib/postgresql/data up to 17; from 18 on
    # in /var/lib/postgresql/<major>/docker, with the volume expected on /var/lib/postgresql.
    data_dir = "/var/lib/postgresql/data" if major < 18 else "/var/lib/postgresql"
    declared = infra.compose.get("volumes") or {}
    mounts = []
    for volume in db.get("volumes") or []:
        if isinstance(volume, str):
            source, _, rest = volume.partition(":")
            mounts.append((source, rest.partition(":")[0]))
        else:
            if volume.get("type", "volume") == "volume":
                mounts.append((volume.get("source", ""), volume.get("target", "")))
    named = [(s, t) for s, t in mounts if s and not s.startswith((".", "/", "~"))]
    assert named, "db keeps its data in no named volume; it would be lost with the container"
    for source, _ in named:
        assert source in declared, f"volume {source!r} is not declared under top-level volumes"
    assert any(target == data_dir for _, target in named), (
        f"no named volume is mounted on {data_dir}, where postgres:{major} keeps its data"
    )


def check_db_credentials(infra: Infra) -> None:
    env = environment(infra.service("db"))
    for name in POSTGRES_VARIABLES:
        assert is_interpolation_of(env.get(name), name), (
            f"db's {name} must come from .env as ${{{name}}}, not {env.get(name)!r}"
        )


def check_api_depends_on_healthy_db(infra: Infra) -> None:
    depends = infra.service("api").get("depends_on")
    assert isinstance(depends, dict), "api's depends_on must be a mapping with a condition"
    condition = (depends.get("db") or {}).get("condition")
    assert condition == "service_healthy", (
        f"api must wait for db with condition service_healthy, not {condition!r}"
    )


def check_api_database_url(infra: Infra) -> None:
    value = environment(infra.service("api")).get("DATABASE_URL")
    assert is_interpolation_of(value, "DATABASE_URL"), (
        f"api's DATABASE_URL must come from .env as ${{DATABASE_URL}}, not {value!r}"
    )
    url = infra.env.get("DATABASE_URL", "")
    try:
        validate(url, ".env.example's DATABASE_URL")  # what backend/alembic/env.py accepts
    except DatabaseError as exc:
        raise AssertionError(str(exc)) from exc
    parts = urlsplit(url)
    assert parts.scheme == "postgresql", "DATABASE_URL must be libpq's postgresql://..."
    assert parts.hostname == "db", (
        f"DATABASE_URL must point at the service db, not {parts.hostname!r}"
    )
    assert parts.port in (None, 5432), f"db listens on 5432 inside the network, not {parts.port}"
    expected = {
        "user": infra.env.get("POSTGRES_USER"),
        "password": infra.env.get("POSTGRES_PASSWORD"),
        "database": infra.env.get("POSTGRES_DB"),
    }
    actual = {
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "database": unquote(parts.path.lstrip("/")),
    }
    for what, wanted in expected.items():
        assert actual[what] == wanted, (
            f".env.example: the {what} in DATABASE_URL differs from the POSTGRES_* line"
        )


def check_api_build(infra: Infra) -> None:
    build = infra.service("api").get("build")
    assert isinstance(build, dict), "api must be built (build: context and dockerfile)"
    context = (infra.compose_dir / build.get("context", ".")).resolve()
    assert context == infra.root.resolve(), (
        f"api's build context resolves to {context}, not the repository root"
    )
    dockerfile = (context / build.get("dockerfile", "Dockerfile")).resolve()
    assert dockerfile == (infra.root / "backend" / "Dockerfile").resolve(), (
        f"api's dockerfile resolves to {dockerfile}, not backend/Dockerfile"
    )
    assert dockerfile.is_file(), f"{dockerfile} does not exist"


def check_api_command(infra: Infra) -> None:
    # The image's CMD prints help and exits; `exec api ...` needs a running container.
    command = infra.service("api").get("command")
    words = shlex.split(command) if isinstance(command, str) else command
    assert words == ["sleep", "infinity"], (
        f"api must stay up to be exec'd into (command: sleep infinity), not {command!r}"
    )


def check_env_example_covers_interpolation(infra: Infra) -> None:
    missing = sorted(interpolated_names(infra.compose) - set(infra.env))
    assert not missing, f".env.example does not define {', '.join(missing)}"


def check_dockerfile_base(infra: Infra) -> None:
    bases = [i.args.split()[0] for i in infra.dockerfile if i.keyword == "FROM"]
    assert bases == ["python:3.11-slim"], f"the image must build FROM python:3.11-slim: {bases}"


def check_dockerfile_user(infra: Infra) -> None:
    users = [i for i in infra.dockerfile if i.keyword == "USER"]
    assert users, "the image runs as root: add a USER"
    user = users[-1].args.split(":")[0]
    assert user not in ("root", "0"), f"Dockerfile:{users[-1].line}: USER {user} is root"
    created = any(
        i.keyword == "RUN" and re.search(rf"\b(useradd|adduser)\b.*\b{re.escape(user)}\b", i.args)
        for i in infra.dockerfile
    )
    assert created or user.isdigit(), f"USER {user} is never created (useradd)"


def check_copy_sources(infra: Infra) -> None:
    for instruction in infra.dockerfile:
        if instruction.keyword not in ("COPY", "ADD"):
            continue
        flags, sources, _ = copy_args(instruction)
        if any(flag.startswith("--from") for flag in flags):
            continue
        where = f"Dockerfile:{instruction.line}"
        for source in sources:
            normalized = posixpath.normpath(source)
            assert not normalized.startswith(("/", "..")), (
                f"{where}: {source!r} is outside the build context"
            )
            assert (infra.root / source).exists(), f"{where}: {source!r} does not exist"
            assert not is_ignored(normalized, infra.ignore), (
                f"{where}: {source!r} is excluded by .dockerignore"
            )


def check_image_layout(infra: Infra) -> None:
    layout = image_layout(infra)
    for path in RUNTIME_PATHS:
        needed = repository_files(infra.root, path)
        assert needed, f"{path} is missing from the repository"
        for relative in needed:
            assert layout.workdir / relative in layout.files, (
                f"{relative} does not reach {layout.workdir / relative} in the image "
                "(not copied, or excluded by .dockerignore)"
            )


def check_pip_install(infra: Infra) -> None:
    layout = image_layout(infra)
    installs = [(i, wd, present) for i, wd, present in layout.runs if "pip install" in i.args]
    assert installs, "the Dockerfile never runs pip install"
    instruction, workdir, present = installs[0]
    assert re.search(r"pip install (?:\S+ )*\.(?:\s|$)", instruction.args), (
        f"Dockerfile:{instruction.line}: install the project itself (pip install .)"
    )
    pyproject = tomllib.loads((infra.root / "pyproject.toml").read_text(encoding="utf-8"))
    build_inputs = ["pyproject.toml", pyproject["project"].get("readme", "pyproject.toml")]
    build_inputs += repository_files(infra.root, "backend/tenantdb")
    for relative in build_inputs:
        assert workdir / relative in present, (
            f"Dockerfile:{instruction.line}: pip install runs before {relative} is copied"
        )


CHECKS: list[Callable[[Infra], None]] = [
    check_services,
    check_db_image,
    check_db_healthcheck,
    check_db_volume,
    check_db_credentials,
    check_api_depends_on_healthy_db,
    check_api_database_url,
    check_api_build,
    check_api_command,
    check_env_example_covers_interpolation,
    check_dockerfile_base,
    check_dockerfile_user,
    check_copy_sources,
    check_image_layout,
    check_pip_install,
]


# -- tests ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def infra() -> Infra:
    return load_infra()


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__.removeprefix("check_"))
def test_real_files_pass(infra: Infra, check: Callable[[Infra], None]) -> None:
    """Test that the committed files pass each check."""
    check(copy.deepcopy(infra))


def _set(mapping: dict[str, Any], key: str, value: Any) -> None:
    mapping[key] = value


def _dockerfile(infra: Infra, keyword: str, change: Callable[[Instruction], Instruction]) -> None:
    infra.dockerfile[:] = [change(i) if i.keyword == keyword else i for i in infra.dockerfile]


def _add_copy(infra: Infra, args: str) -> None:
    infra.dockerfile.append(Instruction(99, "COPY", args))


#: A way to break each check's subject, and the check that must notice.
BROKEN: list[tuple[str, Callable[[Infra], None], Callable[[Infra], None]]] = [
    ("no api", lambda i: i.compose["services"].pop("api"), check_services),
    ("latest image", lambda i: _set(i.service("db"), "image", "postgres:latest"), check_db_image),
    ("postgres 13", lambda i: _set(i.service("db"), "image", "postgres:13"), check_db_image),
    ("no healthcheck", lambda i: i.service("db").pop("healthcheck"), check_db_healthcheck),
    (
        "socket healthcheck",
        lambda i: _set(i.service("db")["healthcheck"], "test", ["CMD", "pg_isready"]),
        check_db_healthcheck,
    ),
    ("undeclared volume", lambda i: i.compose.pop("volumes"), check_db_volume),
    (
        "bind mount",
        lambda i: _set(i.service("db"), "volumes", ["./data:/var/lib/postgresql/data"]),
        check_db_volume,
    ),
    (
        "postgres 18 mount point",
        lambda i: _set(i.service("db"), "image", "postgres:18"),
        check_db_volume,
    ),
    (
        "literal password",
        lambda i: _set(environment(i.service("db")), "POSTGRES_PASSWORD", "secret"),
        check_db_credentials,
    ),
    (
        "depends_on list",
        lambda i: _set(i.service("api"), "depends_on", ["db"]),
        check_api_depends_on_healthy_db,
    ),
    (
        "url host localhost",
        lambda i: _set(i.env, "DATABASE_URL", "postgresql://tenantdb:change-me@localhost/tenantdb"),
        check_api_database_url,
    ),
    (
        "url user differs",
        lambda i: _set(i.env, "POSTGRES_USER", "someone"),
        check_api_database_url,
    ),
    (
        "url not from env",
        lambda i: _set(environment(i.service("api")), "DATABASE_URL", "postgresql://x@db/x"),
        check_api_database_url,
    ),
    (
        "url not postgresql",
        lambda i: _set(i.env, "DATABASE_URL", "sqlite:///tenantdb.db"),
        check_api_database_url,
    ),
    (
        "url with a driver",
        lambda i: _set(
            i.env, "DATABASE_URL", "postgresql+psycopg://tenantdb:change-me@db/tenantdb"
        ),
        check_api_database_url,
    ),
    ("context infra/", lambda i: _set(i.service("api")["build"], "context", "."), check_api_build),
    (
        "wrong dockerfile",
        lambda i: _set(i.service("api")["build"], "dockerfile", "Dockerfile"),
        check_api_build,
    ),
    ("no command", lambda i: i.service("api").pop("command"), check_api_command),
    (
        "variable not in .env.example",
        lambda i: i.env.pop("POSTGRES_HOST_PORT"),
        check_env_example_covers_interpolation,
    ),
    (
        "full image",
        lambda i: _dockerfile(i, "FROM", lambda x: replace(x, args="python:3.11")),
        check_dockerfile_base,
    ),
    (
        "root user",
        lambda i: _dockerfile(i, "USER", lambda x: replace(x, args="root")),
        check_dockerfile_user,
    ),
    (
        "no user",
        lambda i: i.dockerfile.__setitem__(
            slice(None), [x for x in i.dockerfile if x.keyword != "USER"]
        ),
        check_dockerfile_user,
    ),
    ("missing source", lambda i: _add_copy(i, "setup.cfg ./"), check_copy_sources),
    ("source outside", lambda i: _add_copy(i, "../secrets ./"), check_copy_sources),
    ("ignored source", lambda i: _add_copy(i, ".env.example ./"), check_copy_sources),
    (
        "frozen sql ignored",
        lambda i: i.ignore.extend(parse_dockerignore("**/*.sql")),
        check_image_layout,
    ),
    (
        "templates not copied",
        lambda i: i.dockerfile.__setitem__(
            slice(None), [x for x in i.dockerfile if "templates" not in x.args]
        ),
        check_image_layout,
    ),
    (
        "workdir elsewhere",
        lambda i: i.dockerfile.append(Instruction(99, "WORKDIR", "/srv")),
        check_image_layout,
    ),
    (
        "readme not copied before install",
        lambda i: _dockerfile(
            i, "COPY", lambda x: replace(x, args=x.args.replace("README.md", ""))
        ),
        check_pip_install,
    ),
]


@pytest.mark.parametrize(("mutate", "check"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_check_fails_on_broken_copy(
    infra: Infra, mutate: Callable[[Infra], None], check: Callable[[Infra], None]
) -> None:
    """Test that a check fails once its subject is broken, so it can catch a real mistake."""
    broken = copy.deepcopy(infra)
    mutate(broken)
    with pytest.raises(AssertionError):
        check(broken)


def test_every_check_is_shown_to_fail() -> None:
    """Test that no check lacks a broken copy above."""
    assert {c.__name__ for c in CHECKS} == {b[2].__name__ for b in BROKEN}


@pytest.mark.parametrize(
    ("pattern", "path", "ignored"),
    [
        (".env", ".env", True),
        (".env", "backend/.env", False),
        ("**/__pycache__", "backend/tenantdb/__pycache__/cli.cpython-311.pyc", True),
        ("**/*.egg-info", "backend/tenantdb.egg-info/PKG-INFO", True),
        ("backend/tests", "backend/tests/test_infra.py", True),
        ("backend/tests", "backend/tenantdb/cli.py", False),
        ("*.sql\n!backend/**", "backend/alembic/versions/x.up.sql", False),
    ],
)
def test_dockerignore_matching(pattern: str, path: str, ignored: bool) -> None:
    """Test that the .dockerignore reading agrees with Docker on the cases used here."""
    assert is_ignored(path, parse_dockerignore(pattern)) is ignored


def test_env_is_git_ignored_and_the_example_is_not() -> None:
    """Test that .env, which holds the real password, never gets committed."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout to ask git check-ignore")

    def ignored(path: str) -> bool:
        result = subprocess.run(
            ["git", "check-ignore", "-q", "--no-index", path], cwd=ROOT, check=False
        )
        assert result.returncode in (0, 1), f"git check-ignore failed for {path}"
        return result.returncode == 0

    assert ignored(".env"), ".env is not git-ignored: a real password could be committed"
    assert not ignored(".env.example"), ".env.example is git-ignored; it must be committed"


def test_image_workdir_runs_alembic_and_render(infra: Infra, tmp_path: Path) -> None:
    """Test that the files the Dockerfile copies are enough for Alembic and tenantdb.

    The image's working directory is rebuilt in a temporary directory from the
    layout the Dockerfile produces; ``alembic upgrade head --sql`` (offline, no
    server) must find its configuration, env.py, the revision and its frozen
    SQL there, and ``tenantdb render`` the declared schema and the templates.
    """
    layout = image_layout(infra)
    workdir = tmp_path / "image" / layout.workdir.relative_to("/")
    for image_path, relative in layout.files.items():
        if image_path.is_relative_to(layout.workdir):
            target = workdir / image_path.relative_to(layout.workdir)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(infra.root / relative, target)
    env = {k: v for k, v in os.environ.items() if k != "TENANTDB_ROOT"}
    env["DATABASE_URL"] = infra.env["DATABASE_URL"]

    upgrade = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head", "--sql"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert upgrade.returncode == 0, upgrade.stderr
    assert "CREATE TABLE tenants" in upgrade.stdout
    assert "INSERT INTO alembic_version" in upgrade.stdout

    render = subprocess.run(
        [sys.executable, "-m", "tenantdb", "render"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert render.returncode == 0, render.stderr
    assert "CREATE TABLE messages" in render.stdout
