"""What the runner sees of their progress: the summary text, the chart's data and the export."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.consistency import consistency, counts, week_start
from core.model import History, Runner, Snapshot
from core.programme import CHART_WEEKS, DEFAULT_SESSIONS_PER_WEEK, EXERCISES, MAX_LEVEL, PAIN_MAX


@dataclass(frozen=True, slots=True)
class PainPoint:
    exercise: int
    day: date
    pain: int


@dataclass(frozen=True, slots=True)
class ProgressData:
    """The numbers behind the progress chart; the renderer adds nothing of its own."""

    exercise_names: tuple[str, ...]
    pain: tuple[PainPoint, ...]  # pain after each exercise, oldest first
    weeks: tuple[tuple[date, int], ...]  # (Monday, sessions that count), oldest first
    target: int
    title: str


def progress_data(runner: Runner, history: History, today: date) -> ProgressData:
    first_monday = week_start(today) - timedelta(weeks=CHART_WEEKS - 1)
    pain = tuple(
        PainPoint(r.exercise, s.local_date, r.pain)
        for s in history.sessions if s.local_date >= first_monday
        for r in s.results if r.pain is not None
    )
    weeks = tuple(
        (monday, sum(1 for s in history.sessions if counts(s) and week_start(s.local_date) == monday))
        for monday in (first_monday + timedelta(weeks=w) for w in range(CHART_WEEKS))
    )
    target = runner.schedule.sessions_target if runner.schedule else DEFAULT_SESSIONS_PER_WEEK
    return ProgressData(tuple(e.short for e in EXERCISES), pain, weeks, target,
                        f"Tiptoe progress, weeks to {today.isoformat()}")


def progress_text(runner: Runner, history: History, today: date) -> str:
    target = runner.schedule.sessions_target if runner.schedule else DEFAULT_SESSIONS_PER_WEEK
    week = consistency(history, target, today)
    lines = ["Your levels:"]
    for index, exercise in enumerate(EXERCISES):
        level = runner.level(index)
        last = _last_pain(history, index)
        tail = f" (last pain {last}/{PAIN_MAX})" if last is not None else ""
        lines.append(f"• {exercise.short}: level {level}/{MAX_LEVEL}{tail}")
    lines.append("")
    lines.append(f"This week: {week.this_week}/{week.target} sessions"
                 + (" ✓" if week.met_this_week else ""))
    lines.append(f"Weeks in a row on target: {week.weeks_in_a_row}")
    total = sum(1 for s in history.sessions if counts(s))
    lines.append(f"Sessions so far: {total}")
    recent = history.level_changes[-3:]
    if recent:
        lines.append("")
        lines.append("Latest changes:")
        lines.extend(f"• {EXERCISES[c.exercise].short}: level {c.from_level} → {c.to_level} ({c.reason})"
                     for c in recent)
    return "\n".join(lines)


def _last_pain(history: History, index: int) -> int | None:
    for session in reversed(history.sessions):
        result = session.result_for(index)
        if result is not None and result.pain is not None:
            return result.pain
    return None


def export_json(snapshot: Snapshot, exported_at: datetime) -> bytes:
    """Everything stored about the runner, as readable JSON."""
    runner, history = snapshot.runner, snapshot.history
    schedule = runner.schedule
    document = {
        "exported_at": exported_at.isoformat(),
        "runner": {
            "id": runner.key, "name": runner.name, "created_at": runner.created_at.isoformat(),
            "profile": runner.profile.value, "injury_history": runner.injury_history,
            "levels": {e.key: runner.level(i) for i, e in enumerate(EXERCISES)},
            "paused_until": runner.paused_until.isoformat() if runner.paused_until else None,
            "pause_reason": runner.pause_reason, "clinician_hold": runner.clinician_hold,
            "sex": runner.sex, "age_band": runner.age_band, "screening": sorted(runner.screen_flags),
            "referral_shown_at": runner.referral_shown_at.isoformat() if runner.referral_shown_at else None,
        },
        "schedule": None if schedule is None else {
            "run_days": sorted(schedule.run_days), "run_time": schedule.run_time.strftime("%H:%M"),
            "timezone": schedule.timezone, "lead_minutes": schedule.lead_minutes,
            "sessions_target": schedule.sessions_target, "strength_days": sorted(schedule.strength_days),
            "morning_time": schedule.morning_time.strftime("%H:%M"), "offday_notes": schedule.offday_notes,
        },
        "sessions": [
            {
                "number": s.number, "date": s.local_date.isoformat(), "started_at": s.started_at.isoformat(),
                "ended_at": s.ended_at.isoformat() if s.ended_at else None, "status": s.status.value,
                "readiness_pain": s.readiness,
                "exercises": [
                    {"exercise": EXERCISES[r.exercise].key, "level": r.level, "outcome": r.outcome.value,
                     "pain": r.pain, "recorded_at": r.recorded_at.isoformat()}
                    for r in s.results
                ],
                "next_morning": None if s.morning is None else {
                    "score": s.morning.score, "recorded_at": s.morning.recorded_at.isoformat()},
            }
            for s in history.sessions
        ],
        "level_changes": [
            {"number": c.number, "exercise": EXERCISES[c.exercise].key, "from": c.from_level, "to": c.to_level,
             "reason": c.reason, "cause": c.cause, "decided_at": c.decided_at.isoformat()}
            for c in history.level_changes
        ],
        "holds": [
            {"number": h.number, "reason": h.reason, "started_at": h.started_at.isoformat(),
             "cleared_at": h.cleared_at.isoformat() if h.cleared_at else None,
             "exercises": [EXERCISES[i].key for i in h.exercises]}
            for h in history.holds
        ],
        "self_tests": [
            {"number": t.number, "taken_at": t.taken_at.isoformat(), "left": t.left, "right": t.right,
             "pain": t.pain}
            for t in history.self_tests
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False).encode()
