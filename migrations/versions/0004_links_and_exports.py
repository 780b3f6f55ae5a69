"""One runner on two platforms: linked identities, link codes, wrong tries; reminders carry their chat.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _instant(name: str, *, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("runners") as runners:
        runners.add_column(sa.Column("remind_all_chats", sa.Boolean(), server_default=sa.false(), nullable=False))
        runners.add_column(sa.Column("linked_into", sa.Text(), nullable=True))
    # Reminder rows name their chat; rows planned before this take the runner's.
    op.add_column("reminders", sa.Column("chat_id", sa.Text(), nullable=True))
    op.execute("UPDATE reminders SET chat_id = (SELECT runners.chat_id FROM runners "
               "WHERE runners.key = reminders.runner_key)")
    with op.batch_alter_table("reminders") as reminders:
        reminders.drop_constraint("uq_reminders_runner_key_kind_local_date", type_="unique")
        reminders.create_unique_constraint("uq_reminders_runner_key_kind_local_date_platform",
                                           ["runner_key", "kind", "local_date", "platform"])
    op.create_table(
        "runner_identities",
        sa.Column("platform", sa.Text(), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=False),
        sa.Column("runner_key", sa.Text(), nullable=False),
        sa.Column("chat_id", sa.Text(), nullable=False),
        _instant("linked_at", nullable=False),
        sa.ForeignKeyConstraint(["runner_key"], ["runners.key"], name="fk_runner_identities_runner_key_runners",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("platform", "external_id", name="pk_runner_identities"),
    )
    op.create_index("ix_runner_identities_runner_key", "runner_identities", ["runner_key"])
    op.create_table(
        "link_codes",
        sa.Column("code_hash", sa.Text(), nullable=False),
        sa.Column("runner_key", sa.Text(), nullable=False),
        sa.Column("platform", sa.Text(), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=False),
        sa.Column("chat_id", sa.Text(), nullable=False),
        _instant("created_at", nullable=False),
        _instant("expires_at", nullable=False),
        _instant("used_at"),
        sa.ForeignKeyConstraint(["runner_key"], ["runners.key"], name="fk_link_codes_runner_key_runners",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("code_hash", name="pk_link_codes"),
    )
    op.create_index("ix_link_codes_runner_key", "link_codes", ["runner_key"])
    op.create_table(
        "link_tries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("platform", sa.Text(), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=False),
        _instant("tried_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_link_tries"),
    )
    op.create_index("ix_link_tries_platform_external_id_tried_at", "link_tries",
                    ["platform", "external_id", "tried_at"])


def downgrade() -> None:
    op.drop_index("ix_link_tries_platform_external_id_tried_at", table_name="link_tries")
    op.drop_table("link_tries")
    op.drop_index("ix_link_codes_runner_key", table_name="link_codes")
    op.drop_table("link_codes")
    op.drop_index("ix_runner_identities_runner_key", table_name="runner_identities")
    op.drop_table("runner_identities")
    # Rows that exist once per platform go back to once per (runner, kind, day): keep the earliest.
    op.execute("DELETE FROM reminders WHERE id NOT IN (SELECT min(id) FROM reminders "
               "GROUP BY runner_key, kind, local_date)")
    with op.batch_alter_table("reminders") as reminders:
        reminders.drop_constraint("uq_reminders_runner_key_kind_local_date_platform", type_="unique")
        reminders.create_unique_constraint("uq_reminders_runner_key_kind_local_date",
                                           ["runner_key", "kind", "local_date"])
        reminders.drop_column("chat_id")
    with op.batch_alter_table("runners") as runners:
        runners.drop_column("linked_into")
        runners.drop_column("remind_all_chats")
