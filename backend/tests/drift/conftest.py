"""Fixtures of the drift tests: the declared side, made once per session."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tenantdb.model import SchemaModel
    from tenantdb.project import Project
    from tenantdb.testing.servers import ServerHandle


@pytest.fixture(scope="session")
def declared_model(tenantdb_server: ServerHandle, tenantdb_project: Project) -> SchemaModel:
    """The declared schema as PostgreSQL normalizes it: rendered, applied to a scratch database."""
    from tenantdb.diff import declared_model

    return declared_model(tenantdb_project, tenantdb_server.url())
