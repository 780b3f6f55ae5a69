"""Initial tables: runners, their dialogue and history, and app_meta.

Revision ID: 0001
Revises:
Create Date: 2025-06-01

Every child table's primary key starts with runner_key, so its index serves the
per-runner lookups too. Instants are timestamptz on PostgreSQL; on SQLite the
UtcDateTime type (bot/storage/tables.py) stores them as UTC.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _instant(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _runner_key(table: str) -> list[sa.SchemaItem]:
    """The runner_key column and its cascading foreign key to runners."""
    return [
        sa.Column("runner_key", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["runner_key"],
            ["runners.key"],
            name=f"fk_{table}_runner_key_runners",
            ondelete="CASCADE",
        ),
    ]


def _session_key(table: str) -> list[sa.SchemaItem]:
    """runner_key + session_number, with a cascading foreign key to sessions."""
    return [
        sa.Column("runner_key", sa.Text(), nullable=False),
        sa.Column("session_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["runner_key", "session_number"],
            ["sessions.runner_key", "sessions.number"],
            name=f"fk_{table}_runner_key_session_number_sessions",
            ondelete="CASCADE",
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "runners",
        sa.Column("key", sa.Text(), nullable=False),  # "platform:external id"
        sa.Column("platform", sa.Text(), nullable=False),
        sa.Column("chat_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        _instant("created_at"),
        sa.Column("onboarded", sa.Boolean(), nullable=False),
        sa.Column("profile", sa.Text(), nullable=False),
        sa.Column("injury_history", sa.Boolean(), nullable=False),
        # schedule: all null until onboarding sets it
        sa.Column("run_days", sa.Text(), nullable=True),  # "0,2,4", Monday = 0
        sa.Column("run_time", sa.Text(), nullable=True),  # local "HH:MM"
        sa.Column("timezone", sa.Text(), nullable=True),
        sa.Column("lead_minutes", sa.Integer(), nullable=True),
        sa.Column("sessions_target", sa.Integer(), nullable=True),
        sa.Column("strength_days", sa.Text(), nullable=True),
        sa.Column("morning_time", sa.Text(), nullable=True),
        sa.Column("offday_notes", sa.Boolean(), nullable=True),
        sa.Column("levels", sa.Text(), nullable=False),  # "1,1,1,1,1"
        sa.Column("paused_until", sa.Date(), nullable=True),
        sa.Column("pause_reason", sa.Text(), nullable=True),
        sa.Column("clinician_hold", sa.Text(), nullable=True),
        sa.Column("unreachable", sa.Boolean(), nullable=False),
        sa.Column("sex", sa.Text(), nullable=True),
        sa.Column("age_band", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),  # optimistic concurrency
        sa.PrimaryKeyConstraint("key", name="pk_runners"),
    )
    op.create_table(
        "dialogues",
        *_runner_key("dialogues"),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),  # JSON [[name, value], ...]
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("last_press", sa.Text(), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("runner_key", name="pk_dialogues"),
    )
    op.create_table(
        "sessions",
        *_runner_key("sessions"),
        sa.Column("number", sa.Integer(), nullable=False),
        _instant("started_at"),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("readiness", sa.Integer(), nullable=True),
        _instant("ended_at", nullable=True),
        sa.PrimaryKeyConstraint("runner_key", "number", name="pk_sessions"),
    )
    op.create_table(
        "exercise_results",
        *_session_key("exercise_results"),
        sa.Column("exercise", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("pain", sa.Integer(), nullable=True),
        _instant("recorded_at"),
        sa.PrimaryKeyConstraint(
            "runner_key", "session_number", "exercise", name="pk_exercise_results"
        ),
    )
    op.create_table(
        "morning_checks",
        *_session_key("morning_checks"),
        sa.Column("score", sa.Integer(), nullable=False),
        _instant("recorded_at"),
        sa.PrimaryKeyConstraint("runner_key", "session_number", name="pk_morning_checks"),
    )
    op.create_table(
        "level_changes",
        *_runner_key("level_changes"),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("exercise", sa.Integer(), nullable=False),
        sa.Column("from_level", sa.Integer(), nullable=False),
        sa.Column("to_level", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        _instant("decided_at"),
        sa.PrimaryKeyConstraint("runner_key", "number", name="pk_level_changes"),
    )
    op.create_table(
        "self_tests",
        *_runner_key("self_tests"),
        sa.Column("number", sa.Integer(), nullable=False),
        _instant("taken_at"),
        sa.Column("left_reps", sa.Integer(), nullable=False),
        sa.Column("right_reps", sa.Integer(), nullable=False),
        sa.Column("pain", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("runner_key", "number", name="pk_self_tests"),
    )
    op.create_table(
        "app_meta",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_app_meta"),
    )


def downgrade() -> None:
    for table in (
        "app_meta",
        "self_tests",
        "level_changes",
        "morning_checks",
        "exercise_results",
        "sessions",
        "dialogues",
        "runners",
    ):
        op.drop_table(table)
