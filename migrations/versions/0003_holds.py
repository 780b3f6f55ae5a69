"""Clinician holds with their history; the start-up screen's findings; referral and clearance times.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _instant(name: str, *, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("runners") as runners:
        runners.add_column(sa.Column("screen_flags", sa.Text(), server_default="", nullable=False))
        runners.add_column(_instant("referral_shown_at"))
        runners.add_column(_instant("clearance_reminder_at"))
    op.create_table(
        "holds",
        sa.Column("runner_key", sa.Text(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _instant("started_at", nullable=False),
        _instant("cleared_at"),
        sa.Column("exercises", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["runner_key"], ["runners.key"], name="fk_holds_runner_key_runners",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("runner_key", "number", name="pk_holds"),
    )
    # A hold stored before this table existed becomes the runner's first, open hold.
    op.execute(sa.text(
        "INSERT INTO holds (runner_key, number, reason, started_at, cleared_at, exercises) "
        "SELECT key, 1, clinician_hold, created_at, NULL, '0,1,2,3,4' FROM runners "
        "WHERE clinician_hold IS NOT NULL"))


def downgrade() -> None:
    op.drop_table("holds")
    with op.batch_alter_table("runners") as runners:
        runners.drop_column("clearance_reminder_at")
        runners.drop_column("referral_shown_at")
        runners.drop_column("screen_flags")
