"""Live timers: when a dialogue's timer next falls due, when its step ends, the message it edits; "just the dose".

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dialogues") as dialogues:
        dialogues.add_column(sa.Column("timer_due_at", sa.DateTime(timezone=True), nullable=True))
        dialogues.add_column(sa.Column("timer_ends_at", sa.DateTime(timezone=True), nullable=True))
        dialogues.add_column(sa.Column("timer_message", sa.Text(), nullable=True))
        dialogues.create_index("ix_dialogues_timer_due_at", ["timer_due_at"])
        dialogues.create_index("ix_dialogues_timer_ends_at", ["timer_ends_at"])
    with op.batch_alter_table("runners") as runners:
        runners.add_column(sa.Column("dose_only", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("runners") as runners:
        runners.drop_column("dose_only")
    with op.batch_alter_table("dialogues") as dialogues:
        dialogues.drop_index("ix_dialogues_timer_ends_at")
        dialogues.drop_index("ix_dialogues_timer_due_at")
        dialogues.drop_column("timer_message")
        dialogues.drop_column("timer_ends_at")
        dialogues.drop_column("timer_due_at")
