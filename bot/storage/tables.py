"""The database tables, as SQLAlchemy 2 declarative rows.

One row class per table; no rules live here. Every child table is keyed by
`runner_key` first, so its primary key index also serves "all rows of one runner"
(the only lookup the repository makes). Relationships exist only for reading, with
`lazy="raise"`: loads say what they fetch with `selectinload`, and writes are explicit
statements in repository.py because history is append-only.

A later `reminders` table (another issue) adds its own row class here and its own
migration; giving it a `runner_key` column is enough for `SqlRunnerStore.delete`
to erase it too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Index,
    UniqueConstraint,
    false,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    Text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so migrations (and SQLite batch mode) can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """An instant, always handed back timezone-aware in UTC.

    SQLite keeps no offset, so values are converted to UTC on the way in and marked
    UTC on the way out; PostgreSQL's timestamptz already round-trips the instant.
    A naive datetime is refused: it names no instant.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: store timezone-aware instants only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _runner_fk() -> ForeignKey:
    return ForeignKey("runners.key", ondelete="CASCADE")


class RunnerRow(Base):
    __tablename__ = "runners"

    key: Mapped[str] = mapped_column(Text, primary_key=True)  # "platform:external id"
    platform: Mapped[str] = mapped_column(Text)
    chat_id: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    onboarded: Mapped[bool] = mapped_column(Boolean)
    profile: Mapped[str] = mapped_column(Text)  # core.model.Profile value
    injury_history: Mapped[bool] = mapped_column(Boolean)
    # The schedule: all null until onboarding sets it (run_time marks its presence).
    run_days: Mapped[str | None] = mapped_column(Text)  # weekdays "0,2,4", Monday = 0
    run_time: Mapped[str | None] = mapped_column(Text)  # local "HH:MM"
    timezone: Mapped[str | None] = mapped_column(Text)  # IANA name
    lead_minutes: Mapped[int | None] = mapped_column(Integer)
    sessions_target: Mapped[int | None] = mapped_column(Integer)
    strength_days: Mapped[str | None] = mapped_column(Text)  # weekdays "1,3"
    morning_time: Mapped[str | None] = mapped_column(Text)  # local "HH:MM"
    offday_notes: Mapped[bool | None] = mapped_column(Boolean)
    levels: Mapped[str] = mapped_column(Text)  # "1,1,1,1,1", in programme order
    paused_until: Mapped[date | None] = mapped_column(Date)
    pause_reason: Mapped[str | None] = mapped_column(Text)
    clinician_hold: Mapped[str | None] = mapped_column(Text)
    unreachable: Mapped[bool] = mapped_column(Boolean)
    snoozed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    quiet: Mapped[bool] = mapped_column(Boolean, server_default=false())
    # How far ahead this runner's reminder rows exist; owned by bot/reminders/planner.py.
    planned_until: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    sex: Mapped[str | None] = mapped_column(Text)
    age_band: Mapped[int | None] = mapped_column(Integer)
    remind_all_chats: Mapped[bool] = mapped_column(Boolean, server_default=false())
    # Set aside when its identity was linked to another runner's history: the key of that runner.
    # Such a runner gets no reminders and is never loaded until /unlink gives it back (bot/storage/links.py).
    linked_into: Mapped[str | None] = mapped_column(Text)
    screen_flags: Mapped[str] = mapped_column(Text, server_default="")  # "pregnant,under18"
    referral_shown_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    clearance_reminder_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    first_side: Mapped[str | None] = mapped_column(Text)  # core.model.Side value
    pictures_seen: Mapped[str] = mapped_column(Text, server_default="")  # "0:1,2:3": exercise:level pairs
    dose_only: Mapped[bool] = mapped_column(Boolean, server_default=false())  # no set-by-set timers
    # Optimistic concurrency: every save bumps it; a save from an older one fails.
    version: Mapped[int] = mapped_column(Integer)

    dialogue: Mapped[DialogueRow | None] = relationship(lazy="raise", viewonly=True)
    sessions: Mapped[list[SessionRow]] = relationship(
        lazy="raise", viewonly=True, order_by="SessionRow.number"
    )
    level_changes: Mapped[list[LevelChangeRow]] = relationship(
        lazy="raise", viewonly=True, order_by="LevelChangeRow.number"
    )
    self_tests: Mapped[list[SelfTestRow]] = relationship(
        lazy="raise", viewonly=True, order_by="SelfTestRow.number"
    )
    identities: Mapped[list[RunnerIdentityRow]] = relationship(
        lazy="raise", viewonly=True,
        order_by=lambda: [RunnerIdentityRow.linked_at, RunnerIdentityRow.platform, RunnerIdentityRow.external_id],
    )
    holds: Mapped[list[HoldRow]] = relationship(lazy="raise", viewonly=True, order_by="HoldRow.number")


class DialogueRow(Base):
    __tablename__ = "dialogues"

    runner_key: Mapped[str] = mapped_column(Text, _runner_fk(), primary_key=True)
    state: Mapped[str] = mapped_column(Text)
    data: Mapped[str] = mapped_column(Text)  # JSON list of [name, value] pairs, in order
    step: Mapped[int] = mapped_column(Integer)
    last_press: Mapped[str] = mapped_column(Text)
    prompt: Mapped[str] = mapped_column(Text)
    # A live timer: when it next falls due and when its step ends (the dispatcher claims by these;
    # a busy one only by the end), and the message it edits.
    timer_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    timer_ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    timer_message: Mapped[str | None] = mapped_column(Text)


class SessionRow(Base):
    __tablename__ = "sessions"

    runner_key: Mapped[str] = mapped_column(Text, _runner_fk(), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    local_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(Text)  # core.model.SessionStatus value
    readiness: Mapped[int | None] = mapped_column(Integer)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    # Same instant: the order the runner went through them, then programme order.
    results: Mapped[list[ExerciseResultRow]] = relationship(
        lazy="raise",
        viewonly=True,
        order_by=lambda: [ExerciseResultRow.recorded_at, ExerciseResultRow.exercise],
    )
    morning: Mapped[MorningCheckRow | None] = relationship(lazy="raise", viewonly=True)


def _session_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["runner_key", "session_number"],
        ["sessions.runner_key", "sessions.number"],
        ondelete="CASCADE",
    )


class ExerciseResultRow(Base):
    __tablename__ = "exercise_results"
    __table_args__ = (_session_fk(),)

    runner_key: Mapped[str] = mapped_column(Text, primary_key=True)
    session_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    exercise: Mapped[int] = mapped_column(Integer, primary_key=True)  # programme index
    level: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(Text)  # core.model.Outcome value
    pain: Mapped[int | None] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    effort: Mapped[str | None] = mapped_column(Text)  # core.model.Effort value
    pain_left: Mapped[int | None] = mapped_column(Integer)
    pain_right: Mapped[int | None] = mapped_column(Integer)


class MorningCheckRow(Base):
    __tablename__ = "morning_checks"
    __table_args__ = (_session_fk(),)

    runner_key: Mapped[str] = mapped_column(Text, primary_key=True)
    session_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    score: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LevelChangeRow(Base):
    __tablename__ = "level_changes"

    runner_key: Mapped[str] = mapped_column(Text, _runner_fk(), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    exercise: Mapped[int] = mapped_column(Integer)
    from_level: Mapped[int] = mapped_column(Integer)
    to_level: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    cause: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SelfTestRow(Base):
    __tablename__ = "self_tests"

    runner_key: Mapped[str] = mapped_column(Text, _runner_fk(), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    taken_at: Mapped[datetime] = mapped_column(UtcDateTime)
    left_reps: Mapped[int] = mapped_column(Integer)
    right_reps: Mapped[int] = mapped_column(Integer)
    pain: Mapped[int | None] = mapped_column(Integer)


class HoldRow(Base):
    """A clinician hold; `cleared_at` is the one column written after the insert."""

    __tablename__ = "holds"

    runner_key: Mapped[str] = mapped_column(Text, _runner_fk(), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    exercises: Mapped[str] = mapped_column(Text)  # programme indexes "0,1,2,3,4"


class AppMetaRow(Base):
    """Application-wide values, such as the secret that signs button payloads."""

    __tablename__ = "app_meta"

    name: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ReminderRow(Base):
    """One reminder for one runner, at most once per (runner, kind, local date, platform).

    A linked runner who wants reminders in every chat has one row per platform.

    The database is the source of truth for reminders (bot/reminders/): the planner
    inserts rows ahead of time, a dispatcher claims due ones atomically, and a row is
    marked sent only after the platform accepted the message.
    """

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("runner_key", "kind", "local_date", "platform"),
        Index("ix_reminders_status_due_at", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    runner_key: Mapped[str] = mapped_column(Text, _runner_fk())
    platform: Mapped[str] = mapped_column(Text)  # where it goes; the limiter is per platform
    chat_id: Mapped[str | None] = mapped_column(Text)  # the chat on that platform; None: the runner's own
    kind: Mapped[str] = mapped_column(Text)  # core.schedule.ReminderKind value
    local_date: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)  # when the session should start, etc.
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)  # never sent after this
    status: Mapped[str] = mapped_column(Text)  # pending, claimed, sent, missed, skipped, cancelled, failed
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    retry_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    claimed_by: Mapped[str | None] = mapped_column(Text)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class RunnerIdentityRow(Base):
    """A platform identity linked to a runner (/link): messages from it load that runner.

    Only linked identities have rows; any other identity is the runner whose key is
    "platform:external id" (core.model.UserRef.key).
    """

    __tablename__ = "runner_identities"

    platform: Mapped[str] = mapped_column(Text, primary_key=True)
    external_id: Mapped[str] = mapped_column(Text, primary_key=True)
    runner_key: Mapped[str] = mapped_column(Text, _runner_fk(), index=True)
    chat_id: Mapped[str] = mapped_column(Text)
    linked_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LinkCodeRow(Base):
    """A one-time link code, stored hashed; `used_at` is set when it is redeemed."""

    __tablename__ = "link_codes"

    code_hash: Mapped[str] = mapped_column(Text, primary_key=True)
    runner_key: Mapped[str] = mapped_column(Text, _runner_fk(), index=True)
    platform: Mapped[str] = mapped_column(Text)  # the identity that asked for it
    external_id: Mapped[str] = mapped_column(Text)
    chat_id: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LinkTryRow(Base):
    """A wrong link code typed by a platform identity: the per-minute limit counts these."""

    __tablename__ = "link_tries"
    __table_args__ = (Index("ix_link_tries_platform_external_id_tried_at", "platform", "external_id", "tried_at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    platform: Mapped[str] = mapped_column(Text)
    external_id: Mapped[str] = mapped_column(Text)
    tried_at: Mapped[datetime] = mapped_column(UtcDateTime)


metadata = Base.metadata


class SendPaceRow(Base):
    """One bot token's shared send pace: the next free send slot (bot/reminders/shared_limiter.py).

    Every process sending for that token advances `next_slot` in one statement to reserve
    its slots, so together they never exceed the platform's rate. `bucket` names the
    platform and a hash of the token, never the token itself.
    """

    __tablename__ = "send_pace"

    bucket: Mapped[str] = mapped_column(Text, primary_key=True)
    next_slot: Mapped[datetime] = mapped_column(UtcDateTime)
