"""02 init schema

Frozen by `tenantdb revision` from the declared schema. The SQL is in the
.up.sql and .down.sql files of the same name beside this file, and it never
changes when schema/ or templates/ change later.

Revision ID: 84320484c17e
Revises:
Create Date: 2026-12-03T15:43:41+00:00
"""

from __future__ import annotations

from tenantdb.migrate import run_frozen_sql

revision = "84320484c17e"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_frozen_sql(__file__, "up")


def downgrade() -> None:
    run_frozen_sql(__file__, "down")
