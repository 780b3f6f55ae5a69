"""The guided session: a runner's first side and pictures sent; each exercise's effort and per-side pain.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("runners") as runners:
        runners.add_column(sa.Column("first_side", sa.Text(), nullable=True))
        runners.add_column(sa.Column("pictures_seen", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("exercise_results") as results:
        results.add_column(sa.Column("effort", sa.Text(), nullable=True))
        results.add_column(sa.Column("pain_left", sa.Integer(), nullable=True))
        results.add_column(sa.Column("pain_right", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("exercise_results") as results:
        results.drop_column("pain_right")
        results.drop_column("pain_left")
        results.drop_column("effort")
    with op.batch_alter_table("runners") as runners:
        runners.drop_column("pictures_seen")
        runners.drop_column("first_side")
