"""Tenant-scoped PostgreSQL schema as code.

The declared schema lives in ``schema/*.yaml``; :mod:`tenantdb.spec` loads it,
:mod:`tenantdb.render` turns it into DDL, Alembic applies that DDL, and the lint
and drift tools check it. The package keeps its import light: each command
imports only the modules it needs.
"""

__version__ = "0.2.0"
