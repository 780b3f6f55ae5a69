"""Reminders: one row per (runner, kind, local date), and the runner's snooze and quiet flags.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _instant(name: str, *, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("runners") as runners:
        runners.add_column(_instant("snoozed_until"))
        runners.add_column(sa.Column("quiet", sa.Boolean(), server_default=sa.false(), nullable=False))
        runners.add_column(_instant("planned_until"))
        runners.create_index("ix_runners_planned_until", ["planned_until"])
    op.create_table(
        "reminders",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("runner_key", sa.Text(), nullable=False),
        sa.Column("platform", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        _instant("due_at", nullable=False),
        _instant("expires_at", nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        _instant("retry_at"),
        sa.Column("claimed_by", sa.Text(), nullable=True),
        _instant("lease_until"),
        _instant("sent_at"),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["runner_key"], ["runners.key"], name="fk_reminders_runner_key_runners",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_reminders"),
        sa.UniqueConstraint("runner_key", "kind", "local_date", name="uq_reminders_runner_key_kind_local_date"),
    )
    op.create_index("ix_reminders_status_due_at", "reminders", ["status", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_reminders_status_due_at", table_name="reminders")
    op.drop_table("reminders")
    with op.batch_alter_table("runners") as runners:
        runners.drop_index("ix_runners_planned_until")
        runners.drop_column("planned_until")
        runners.drop_column("quiet")
        runners.drop_column("snoozed_until")
