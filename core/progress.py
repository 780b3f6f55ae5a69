"""What the runner sees of their progress: the summary text, the chart's data and the export."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.consistency import consistency, counts, week_start
from core.model import History, Profile, Runner, Snapshot
from core.pain import pain_limit
from core.programme import (
    CHART_WEEKS, CORE_LEVELS, DEFAULT_SESSIONS_PER_WEEK, EXERCISES, MAX_LEVEL, MIN_LEVEL, PAIN_MAX, PAIN_MIN, SIDE_LOOKBACK_DAYS,
)
from core.sides import side_lines
from core.schedule import local_date


@dataclass(frozen=True, slots=True)
class PainPoint:
    exercise: int
    day: date
    pain: int


@dataclass(frozen=True, slots=True)
class LevelSpan:
    """The days one exercise stayed at one level, both ends included."""

    exercise: int
    level: int
    first: date
    last: date


@dataclass(frozen=True, slots=True)
class ProgressData:
    """The numbers and words of the progress chart; the renderer adds nothing of its own.

    Every panel spans `first_day` to `last_day`: from the later of the day they joined and
    CHART_WEEKS ago (so nothing before the runner joined is drawn) to the end of this week
    (so this week's sessions have their whole slot); what happened stops at `today`.
    """

    exercise_names: tuple[str, ...]
    first_day: date
    last_day: date  # the Sunday of this week
    today: date
    levels: tuple[LevelSpan, ...]  # per exercise, oldest first: the main progress signal
    max_level: int
    pain: tuple[PainPoint, ...]  # pain after each exercise, oldest first
    pain_limit: int  # the runner's own limit: 2 pain-free, 5 in cleared rehab
    weeks: tuple[tuple[date, int], ...]  # (Monday, sessions that count), oldest first
    target: int
    title: str
    caption: str = "Your levels, pain and sessions per week"  # the message the chart goes with
    # The chat says "level 2/5" (of the core five): the axis says the same, and where 6-7 sit.
    level_title: str = (f"Level of each exercise ({MIN_LEVEL}-{CORE_LEVELS}, "
                        f"then {CORE_LEVELS + 1}-{MAX_LEVEL} beyond)")
    pain_title: str = f"Pain after each exercise ({PAIN_MIN}-{PAIN_MAX})"
    limit_label: str = ""
    weeks_title: str = ""
    so_far_label: str = "so far"  # under this week's count while the week is still going
    today_label: str = "today"
    date_format: str = "%d %b"  # every panel's dates


def progress_data(runner: Runner, history: History, today: date) -> ProgressData:
    zone = runner.schedule.timezone if runner.schedule else "UTC"
    joined = min(local_date(runner.created_at, zone), today)
    first_day = max(joined, week_start(today) - timedelta(weeks=CHART_WEEKS - 1))
    pain = tuple(
        PainPoint(r.exercise, s.local_date, r.pain)
        for s in history.sessions if first_day <= s.local_date <= today
        for r in s.results if r.pain is not None
    )
    mondays = range((week_start(today) - week_start(first_day)).days // 7 + 1)
    weeks = tuple(
        (monday, sum(1 for s in history.sessions if counts(s) and week_start(s.local_date) == monday))
        for monday in (week_start(first_day) + timedelta(weeks=w) for w in mondays)
    )
    target = runner.schedule.sessions_target if runner.schedule else DEFAULT_SESSIONS_PER_WEEK
    limit = pain_limit(runner.profile)
    rehab = " (cleared rehab)" if runner.profile is Profile.REHAB else ""
    return ProgressData(
        exercise_names=tuple(e.short for e in EXERCISES), first_day=first_day,
        last_day=week_start(today) + timedelta(days=6), today=today,
        levels=level_spans(runner, history, zone, first_day, today), max_level=MAX_LEVEL, pain=pain,
        pain_limit=limit, weeks=weeks, target=target,
        title=f"Your progress, {first_day:%d %b} to {today:%d %b %Y}",
        limit_label=f"your limit: {PAIN_MIN}-{limit}{rehab}", weeks_title=f"Sessions per week (target {target})")


def level_spans(runner: Runner, history: History, zone: str, first: date, last: date) -> tuple[LevelSpan, ...]:
    """Each exercise's level day by day from `first` to `last`, as runs of equal level."""
    spans: list[LevelSpan] = []
    for index in range(len(EXERCISES)):
        changes = [(local_date(c.decided_at, zone), c) for c in history.level_changes if c.exercise == index]
        before = [c.to_level for day, c in changes if day < first]
        level = before[-1] if before else (changes[0][1].from_level if changes else runner.level(index))
        # The level each day ended on, where it changed (a later change the same day wins).
        ended_on = {day: c.to_level for day, c in changes if first <= day <= last}
        start = first
        for day in sorted(ended_on):
            if ended_on[day] == level:
                continue
            if day > start:
                spans.append(LevelSpan(index, level, start, day - timedelta(days=1)))
            start, level = day, ended_on[day]
        spans.append(LevelSpan(index, level, start, last))
    return tuple(spans)


def progress_text(runner: Runner, history: History, today: date) -> str:
    target = runner.schedule.sessions_target if runner.schedule else DEFAULT_SESSIONS_PER_WEEK
    week = consistency(history, target, today)
    lines = ["Your levels:"]
    for index, exercise in enumerate(EXERCISES):
        level = runner.level(index)
        last = _last_pain(history, index)
        tail = f" (last pain {last}/{PAIN_MAX})" if last is not None else ""
        where = f"{level}/{CORE_LEVELS}" if level <= CORE_LEVELS else f"{level} (beyond the core {CORE_LEVELS})"
        lines.append(f"• {exercise.short}: level {where}{tail}")
    lines.append("")
    lines.append(f"This week: {week.this_week}/{week.target} sessions"
                 + (" ✓" if week.met_this_week else ""))
    lines.append(f"Weeks in a row on target: {week.weeks_in_a_row}")
    total = sum(1 for s in history.sessions if counts(s))
    lines.append(f"Sessions so far: {total}")
    sides = side_lines(history, today)
    if sides:
        lines.append("")
        lines.append(f"Left and right (last {SIDE_LOOKBACK_DAYS // 7} weeks):")
        lines.extend(sides)
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
            "first_side": runner.first_side.value if runner.first_side else None,
            "pictures_seen": [{"exercise": EXERCISES[e].key, "level": lvl} for e, lvl in sorted(runner.pictures_seen)],
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
                     "pain": r.pain, "pain_left": r.pain_left, "pain_right": r.pain_right,
                     "effort": r.effort.value if r.effort else None, "recorded_at": r.recorded_at.isoformat()}
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
