"""What the database tests of this schema share: the declared schema, its samples, its keys.

The tests here are derived from the declared schema (``schema/*.yaml``) as
far as they can be: :func:`pytest_generate_tests` parametrizes every test
that asks for ``spec_table``, ``composite_key``, ``nullable_key`` or
``check_case`` with every table, composite foreign key, nullable composite
key or CHECK constraint the spec declares. A table added to ``schema/`` is
tested by all of them without a line written here; a value the generic row
factory cannot guess goes in ``dbtests/samples.yaml``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tenantdb.project import find_project
from tenantdb.spec import CheckConstraint, ForeignKey, Schema, Table, load_schema
from tenantdb.testing.rows import RowFactory, allowed_values

SAMPLES = Path(__file__).with_name("samples.yaml")


@functools.cache
def declared_schema(root: Path) -> Schema:
    project = find_project(root)
    return load_schema(project.schema_dir, relative_to=project.root)


@functools.cache
def samples() -> dict[str, Any]:
    import yaml

    return yaml.safe_load(SAMPLES.read_text(encoding="utf-8")) or {}


@dataclass(frozen=True)
class Key:
    """A composite foreign key of the declared schema, with the table that holds it."""

    table: str
    fk: ForeignKey

    @property
    def column(self) -> str:
        """The reference column (``conversation_id``); the first column is ``tenant_id``."""
        return self.fk.columns[1]

    def __str__(self) -> str:
        return self.fk.name


@dataclass(frozen=True)
class CheckCase:
    """A CHECK constraint with how to break it and what must still pass it."""

    table: str
    check: CheckConstraint
    bad: dict[str, Any] | None
    good: tuple[dict[str, Any], ...]

    def __str__(self) -> str:
        return self.check.name


def composite_keys(schema: Schema) -> list[Key]:
    return [Key(t.name, fk) for t in schema.tables for fk in t.foreign_keys if fk.is_composite]


def check_cases(schema: Schema) -> list[CheckCase]:
    wanted = samples().get("checks") or {}
    cases = []
    for table in schema.tables:
        for check in table.checks:
            entry = wanted.get(check.name) or {}
            bad = entry.get("bad")
            values = allowed_values(check)
            if bad is None and values:
                # Any value outside the list breaks a list-of-values CHECK.
                bad = {check.columns[0]: "not_a_listed_value"}
            cases.append(CheckCase(table.name, check, bad, tuple(entry.get("good") or ())))
    return cases


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    schema = declared_schema(metafunc.config.rootpath)
    if "spec_table" in metafunc.fixturenames:
        tables: list[Table] = list(schema.tables)
        metafunc.parametrize("spec_table", tables, ids=[t.name for t in tables])
    if "composite_key" in metafunc.fixturenames:
        keys = composite_keys(schema)
        metafunc.parametrize("composite_key", keys, ids=[str(k) for k in keys])
    if "nullable_key" in metafunc.fixturenames:
        keys = [
            k for k in composite_keys(schema) if schema.table(k.table).column(k.column).nullable
        ]
        metafunc.parametrize("nullable_key", keys, ids=[str(k) for k in keys])
    if "check_case" in metafunc.fixturenames:
        cases = check_cases(schema)
        metafunc.parametrize("check_case", cases, ids=[str(c) for c in cases])


@pytest.fixture(scope="session")
def schema(tenantdb_project) -> Schema:
    """The declared schema of the project under test."""
    return declared_schema(tenantdb_project.root)


@pytest.fixture
def rows(schema: Schema) -> RowFactory:
    """A factory of valid rows of the declared schema, with the samples of samples.yaml."""
    return RowFactory(schema, samples().get("values") or {})
