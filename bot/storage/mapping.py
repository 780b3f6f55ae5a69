"""Rows <-> core values: plain translation, no rules and no I/O.

`*_columns` functions give the column values for an insert or update statement;
`*_from_row` functions build the frozen core value from a loaded row.
"""

from __future__ import annotations

import json
from datetime import time
from typing import Any

from bot.storage.tables import (
    DialogueRow,
    RunnerIdentityRow,
    HoldRow,
    ExerciseResultRow,
    LevelChangeRow,
    MorningCheckRow,
    RunnerRow,
    SelfTestRow,
    SessionRow,
)
from core.model import (
    Dialogue,
    Effort,
    ExerciseResult,
    LinkedChat,
    History,
    Hold,
    LevelChange,
    MorningCheck,
    Outcome,
    Profile,
    Runner,
    Schedule,
    SelfTest,
    Session,
    SessionStatus,
    Side,
    Snapshot,
)

Columns = dict[str, Any]


# ---- small text encodings ------------------------------------------------------


def weekdays_text(days: frozenset[int]) -> str:
    """{4, 0, 2} -> "0,2,4"; the empty set is ""."""
    return ",".join(str(day) for day in sorted(days))


def weekdays_from_text(text: str) -> frozenset[int]:
    return frozenset(int(part) for part in text.split(",") if part)


def time_text(value: time) -> str:
    """Local wall time as "HH:MM" (seconds only when there are any, so nothing is lost)."""
    if value.tzinfo is not None:
        raise ValueError(f"schedule times are local wall times, got {value!r}")
    if value.second or value.microsecond:
        return value.isoformat()
    return value.isoformat(timespec="minutes")


def levels_text(levels: tuple[int, ...]) -> str:
    """(1, 2, 1) -> "1,2,1": levels in programme order, or a set of programme indexes."""
    return ",".join(str(level) for level in levels)


def levels_from_text(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part)


def pictures_text(seen: frozenset[tuple[int, int]]) -> str:
    """{(2, 3), (0, 1)} -> "0:1,2:3": the (exercise, level) pictures a runner was sent."""
    return ",".join(f"{exercise}:{level}" for exercise, level in sorted(seen))


def pictures_from_text(text: str) -> frozenset[tuple[int, int]]:
    pairs = (part.split(":") for part in text.split(",") if part)
    return frozenset((int(exercise), int(level)) for exercise, level in pairs)


# ---- runner ----------------------------------------------------------------------


def schedule_columns(schedule: Schedule | None) -> Columns:
    if schedule is None:
        return {
            "run_days": None,
            "run_time": None,
            "timezone": None,
            "lead_minutes": None,
            "sessions_target": None,
            "strength_days": None,
            "morning_time": None,
            "offday_notes": None,
        }
    return {
        "run_days": weekdays_text(schedule.run_days),
        "run_time": time_text(schedule.run_time),
        "timezone": schedule.timezone,
        "lead_minutes": schedule.lead_minutes,
        "sessions_target": schedule.sessions_target,
        "strength_days": weekdays_text(schedule.strength_days),
        "morning_time": time_text(schedule.morning_time),
        "offday_notes": schedule.offday_notes,
    }


def schedule_from_row(row: RunnerRow) -> Schedule | None:
    if row.run_time is None:  # run_time is set whenever a schedule is
        return None
    return Schedule(
        run_days=weekdays_from_text(row.run_days or ""),
        run_time=time.fromisoformat(row.run_time),
        timezone=row.timezone or "",
        lead_minutes=row.lead_minutes,
        sessions_target=row.sessions_target or 0,
        strength_days=weekdays_from_text(row.strength_days or ""),
        morning_time=time.fromisoformat(row.morning_time or "08:00"),
        offday_notes=bool(row.offday_notes),
    )


def runner_columns(runner: Runner) -> Columns:
    """Every runners column except `version`, which the repository owns."""
    return {
        "key": runner.key,
        "platform": runner.platform,
        "chat_id": runner.chat_id,
        "name": runner.name,
        "created_at": runner.created_at,
        "onboarded": runner.onboarded,
        "profile": runner.profile.value,
        "injury_history": runner.injury_history,
        **schedule_columns(runner.schedule),
        "levels": levels_text(runner.levels),
        "paused_until": runner.paused_until,
        "pause_reason": runner.pause_reason,
        "clinician_hold": runner.clinician_hold,
        "unreachable": runner.unreachable,
        "snoozed_until": runner.snoozed_until,
        "quiet": runner.quiet,
        "sex": runner.sex,
        "age_band": runner.age_band,
        "remind_all_chats": runner.remind_all_chats,
        "screen_flags": ",".join(sorted(runner.screen_flags)),
        "referral_shown_at": runner.referral_shown_at,
        "clearance_reminder_at": runner.clearance_reminder_at,
        "first_side": runner.first_side.value if runner.first_side else None,
        "pictures_seen": pictures_text(runner.pictures_seen),
        "dose_only": runner.dose_only,
    }


def linked_chat_from_row(row: RunnerIdentityRow) -> LinkedChat:
    return LinkedChat(platform=row.platform, external_id=row.external_id, chat_id=row.chat_id,
                      linked_at=row.linked_at)


def runner_from_row(row: RunnerRow) -> Runner:
    """A runner row loaded with its identities (`identities` selectinloaded)."""
    return Runner(
        key=row.key,
        platform=row.platform,
        chat_id=row.chat_id,
        name=row.name,
        created_at=row.created_at,
        onboarded=row.onboarded,
        profile=Profile(row.profile),
        injury_history=row.injury_history,
        schedule=schedule_from_row(row),
        levels=levels_from_text(row.levels),
        paused_until=row.paused_until,
        pause_reason=row.pause_reason,
        clinician_hold=row.clinician_hold,
        unreachable=row.unreachable,
        snoozed_until=row.snoozed_until,
        quiet=row.quiet,
        sex=row.sex,
        age_band=row.age_band,
        links=tuple(linked_chat_from_row(identity) for identity in row.identities),
        remind_all_chats=row.remind_all_chats,
        screen_flags=frozenset(flag for flag in (row.screen_flags or "").split(",") if flag),
        referral_shown_at=row.referral_shown_at,
        clearance_reminder_at=row.clearance_reminder_at,
        first_side=Side(row.first_side) if row.first_side else None,
        pictures_seen=pictures_from_text(row.pictures_seen or ""),
        dose_only=bool(row.dose_only),
    )


# ---- dialogue --------------------------------------------------------------------


def dialogue_columns(runner_key: str, dialogue: Dialogue) -> Columns:
    return {
        "runner_key": runner_key,
        "state": dialogue.state,
        # Pairs, not an object: keeps the tuple's order and any repeated name exactly.
        "data": json.dumps([list(pair) for pair in dialogue.data]),
        "step": dialogue.step,
        "last_press": dialogue.last_press,
        "prompt": dialogue.prompt,
        "timer_due_at": dialogue.timer_due_at,
        "timer_ends_at": dialogue.timer_ends_at,
        "timer_message": dialogue.timer_message or None,
    }


def dialogue_from_row(row: DialogueRow | None) -> Dialogue:
    if row is None:
        return Dialogue()
    return Dialogue(
        state=row.state,
        data=tuple((str(name), str(value)) for name, value in json.loads(row.data)),
        step=row.step,
        last_press=row.last_press,
        prompt=row.prompt,
        timer_due_at=row.timer_due_at,
        timer_ends_at=row.timer_ends_at,
        timer_message=row.timer_message or "",
    )


# ---- history ---------------------------------------------------------------------


def session_columns(runner_key: str, session: Session) -> Columns:
    """The session's own columns; its results and morning check are rows of their own."""
    return {
        "runner_key": runner_key,
        "number": session.number,
        "started_at": session.started_at,
        "local_date": session.local_date,
        "status": session.status.value,
        "readiness": session.readiness,
        "ended_at": session.ended_at,
    }


def result_columns(runner_key: str, session_number: int, result: ExerciseResult) -> Columns:
    return {
        "runner_key": runner_key,
        "session_number": session_number,
        "exercise": result.exercise,
        "level": result.level,
        "outcome": result.outcome.value,
        "pain": result.pain,
        "recorded_at": result.recorded_at,
        "effort": result.effort.value if result.effort else None,
        "pain_left": result.pain_left,
        "pain_right": result.pain_right,
    }


def morning_columns(runner_key: str, session_number: int, check: MorningCheck) -> Columns:
    return {
        "runner_key": runner_key,
        "session_number": session_number,
        "score": check.score,
        "recorded_at": check.recorded_at,
    }


def level_change_columns(runner_key: str, change: LevelChange) -> Columns:
    return {
        "runner_key": runner_key,
        "number": change.number,
        "exercise": change.exercise,
        "from_level": change.from_level,
        "to_level": change.to_level,
        "reason": change.reason,
        "cause": change.cause,
        "decided_at": change.decided_at,
    }


def self_test_columns(runner_key: str, test: SelfTest) -> Columns:
    return {
        "runner_key": runner_key,
        "number": test.number,
        "taken_at": test.taken_at,
        "left_reps": test.left,
        "right_reps": test.right,
        "pain": test.pain,
    }


def hold_columns(runner_key: str, hold: Hold) -> Columns:
    return {
        "runner_key": runner_key,
        "number": hold.number,
        "reason": hold.reason,
        "started_at": hold.started_at,
        "cleared_at": hold.cleared_at,
        "exercises": levels_text(hold.exercises),
    }


def hold_from_row(row: HoldRow) -> Hold:
    return Hold(
        number=row.number,
        reason=row.reason,
        started_at=row.started_at,
        exercises=levels_from_text(row.exercises),
        cleared_at=row.cleared_at,
    )


def result_from_row(row: ExerciseResultRow) -> ExerciseResult:
    return ExerciseResult(
        exercise=row.exercise,
        level=row.level,
        outcome=Outcome(row.outcome),
        pain=row.pain,
        recorded_at=row.recorded_at,
        effort=Effort(row.effort) if row.effort else None,
        pain_left=row.pain_left,
        pain_right=row.pain_right,
    )


def morning_from_row(row: MorningCheckRow | None) -> MorningCheck | None:
    if row is None:
        return None
    return MorningCheck(score=row.score, recorded_at=row.recorded_at)


def session_from_row(row: SessionRow) -> Session:
    return Session(
        number=row.number,
        started_at=row.started_at,
        local_date=row.local_date,
        status=SessionStatus(row.status),
        readiness=row.readiness,
        ended_at=row.ended_at,
        results=tuple(result_from_row(result) for result in row.results),
        morning=morning_from_row(row.morning),
    )


def level_change_from_row(row: LevelChangeRow) -> LevelChange:
    return LevelChange(
        number=row.number,
        exercise=row.exercise,
        from_level=row.from_level,
        to_level=row.to_level,
        reason=row.reason,
        decided_at=row.decided_at,
        cause=row.cause,
    )


def self_test_from_row(row: SelfTestRow) -> SelfTest:
    return SelfTest(
        number=row.number,
        taken_at=row.taken_at,
        left=row.left_reps,
        right=row.right_reps,
        pain=row.pain,
    )


def snapshot_from_row(row: RunnerRow) -> Snapshot:
    """A runner row loaded with its dialogue, sessions (results, morning), changes and tests."""
    return Snapshot(
        runner=runner_from_row(row),
        dialogue=dialogue_from_row(row.dialogue),
        history=History(
            sessions=tuple(session_from_row(session) for session in row.sessions),
            level_changes=tuple(level_change_from_row(change) for change in row.level_changes),
            self_tests=tuple(self_test_from_row(test) for test in row.self_tests),
            holds=tuple(hold_from_row(hold) for hold in row.holds),
        ),
        version=row.version,
    )
