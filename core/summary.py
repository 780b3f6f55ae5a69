"""The one-page summary a runner can hand to a physio or GP: what it says, as values.

`summary_data` reads the runner's snapshot and returns a `SummaryData`; a
DocumentRenderer (bot/pdf_summary.py) lays it out on one page and adds nothing of its
own. The wording is plain and clinical: what was recorded, what the rules did, the
sources; "not a diagnosis" is said once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

from core.citations import cite
from core.consistency import counts, week_start
from core.model import Outcome, Profile, Runner, Session, Snapshot
from core.pain import settled
from core.programme import (
    AMBER_MAX_PAIN_FREE,
    AMBER_MAX_REHAB,
    CORE_LEVELS,
    DEFAULT_SESSIONS_PER_WEEK,
    EXERCISES,
    GREEN_MAX,
    MAX_LEVEL,
    MIN_LEVEL,
    NOT_READY_FROM_PAIN_FREE,
    NOT_READY_FROM_REHAB,
    SELFTEST_MEDIAN,
    SELFTEST_NOISE_REPS,
    SELFTEST_SIDE_GAP,
    STOP_FROM,
)
from core.redflags import red_flag
from core.schedule import local_date
from core.summary_glance import glance_lines
from core.summary_safety import safety_lines
from core.texts import day_list, long_date

# The page's section headings, in order; the renderer prints each exactly once.
GLANCE = "At a glance"
PROFILE = "Profile"
EXERCISES_HEADING = "Exercise levels and pain"
WEEKS_HEADING = "Sessions per week vs target"
READINESS_HEADING = "Readiness: pain before each session"
SAFETY_HEADING = "Red flags, holds and stops"
SELFTEST_HEADING = "Heel-raise self-test"
DECISIONS_HEADING = "What the coach decided and why"
SOURCES_HEADING = "Sources"
HEADINGS = (GLANCE, PROFILE, EXERCISES_HEADING, WEEKS_HEADING, READINESS_HEADING, SAFETY_HEADING,
            SELFTEST_HEADING, DECISIONS_HEADING, SOURCES_HEADING)

NOT_A_DIAGNOSIS = ("All data are self-reported by the runner in a chat app. This is a training record, "
                   "not a diagnosis.")
# When a list is longer than the page has room for, the oldest lines give way to this one.
LEFT_OUT = "{count} earlier {things} not shown here (all are in the runner's /export)."
EXERCISE_COLUMNS = ("Exercise", "Level start → now", "Done", "Pain after (median / max)",
                    "Next morning (max)", "Above limit")
SELFTEST_COLUMNS = ("Date", "Left", "Right", "Side gap", "Against the study median [HL17]")
_SEX_WORDS = {"m": "men", "f": "women"}


@dataclass(frozen=True, slots=True)
class Point:
    """One dated value on a chart."""

    day: date
    value: int


@dataclass(frozen=True, slots=True)
class ExerciseTrack:
    """One exercise over the period: its level, the pain after it and the next morning."""

    name: str
    levels: tuple[Point, ...]  # the level in effect from each day on; the first is the period's start
    pain: tuple[Point, ...]  # pain 0-10 right after the exercise, one per session it was scored
    morning: tuple[Point, ...]  # next-morning pain after the sessions that included it
    row: tuple[str, ...]  # its line in the table, as EXERCISE_COLUMNS


@dataclass(frozen=True, slots=True)
class SummaryData:
    """Everything on the page; the renderer only lays it out."""

    title: str
    subtitle: str  # who, which period, when made
    note: str  # self-reported, not a diagnosis
    glance: tuple[str, ...]  # the period in a few sentences
    start: date
    end: date
    profile: tuple[str, ...]
    pain_limit: int  # the highest acceptable score after an exercise in the runner's profile
    exercises: tuple[ExerciseTrack, ...]
    weeks: tuple[Point, ...]  # Monday of each week, counting sessions
    target: int
    readiness: tuple[Point, ...]
    readiness_limit: int  # from this score before a session, no session that day
    safety: tuple[str, ...]  # oldest first; anything in force today comes last
    self_tests: tuple[tuple[str, ...], ...]  # rows, as SELFTEST_COLUMNS
    self_test_notes: tuple[str, ...]
    decisions: tuple[str, ...]  # every level change in the period, newest first
    rules: str  # how the coach decides, under the decisions
    sources: tuple[str, ...]

    @staticmethod
    def left_out(count: int, things: str) -> str:
        """The line that stands for the `count` oldest lines of a list cut short to fit the page."""
        return LEFT_OUT.format(count=count, things=things)


def pain_limit(profile: Profile) -> int:
    """The highest score that still lets an exercise go on: green in the default profile, amber in rehab."""
    return AMBER_MAX_REHAB if profile is Profile.REHAB else GREEN_MAX


def readiness_limit(profile: Profile) -> int:
    return NOT_READY_FROM_REHAB if profile is Profile.REHAB else NOT_READY_FROM_PAIN_FREE


def summary_data(snapshot: Snapshot, today: date, weeks: int) -> SummaryData:
    """The summary of the `weeks` Monday-weeks up to and including today's."""
    runner, history = snapshot.runner, snapshot.history
    asked = week_start(today) - timedelta(weeks=weeks - 1)
    # Never the weeks before the runner started: they would read as weeks of missed sessions.
    began = min([local_date(runner.created_at, _zone_name(runner)), *(s.local_date for s in history.sessions)])
    start = max(asked, week_start(began))
    weeks = (week_start(today) - start).days // 7 + 1
    sessions = tuple(s for s in history.sessions if start <= s.local_date <= today)
    limit = pain_limit(runner.profile)
    target = runner.schedule.sessions_target if runner.schedule else DEFAULT_SESSIONS_PER_WEEK
    span = f"{weeks} week{'s' if weeks > 1 else ''}" + (", since the runner started" if start > asked else "")
    period = f"{long_date(start)} to {long_date(today)} ({span})"
    tracks = tuple(_track(snapshot, index, sessions, start, limit) for index in range(len(EXERCISES)))
    moves = [runner.level(i) - track.levels[0].value for i, track in enumerate(tracks)]
    return SummaryData(
        title="Tiptoe training summary for a clinician",
        subtitle=f"Runner: {runner.name or 'not given'}   ·   Period: {period}   ·   Made on {long_date(today)}",
        note=NOT_A_DIAGNOSIS,
        glance=glance_lines(sessions, start, today, target, limit,
                            (sum(m > 0 for m in moves), sum(m < 0 for m in moves), sum(m == 0 for m in moves))),
        start=start,
        end=today,
        profile=_profile_lines(runner, today),
        pain_limit=limit,
        exercises=tracks,
        weeks=tuple(Point(monday, sum(1 for s in sessions if counts(s) and week_start(s.local_date) == monday))
                    for monday in (start + timedelta(weeks=w) for w in range(weeks))),
        target=target,
        readiness=tuple(Point(s.local_date, s.readiness) for s in sessions if s.readiness is not None),
        readiness_limit=readiness_limit(runner.profile),
        safety=safety_lines(runner, history, sessions, start, today),
        self_tests=_self_test_rows(snapshot, start, today),
        self_test_notes=_self_test_notes(runner),
        decisions=_decisions(snapshot, start, today),
        rules=_rules(snapshot, start, today),
        sources=cite("LIIRA25", "SILB07", "HL17"),
    )


def _zone_name(runner: Runner) -> str:
    return runner.schedule.timezone if runner.schedule else "UTC"


def _profile_lines(runner: Runner, today: date) -> tuple[str, ...]:
    if runner.profile is Profile.REHAB:
        limits = (f"Pain limits: cleared-rehab profile (runner reports a clinician-diagnosed tendinopathy and "
                  f"clearance to load). Pain during an exercise may reach {AMBER_MAX_REHAB}/10 and must settle "
                  f"by the next morning [SILB07]; {AMBER_MAX_REHAB + 1}/10 stops that exercise; "
                  f"{STOP_FROM}+ stops the session and pauses training.")
    else:
        limits = (f"Pain limits: default pain-free profile. 0-{GREEN_MAX}/10 counts as easy; "
                  f"{AMBER_MAX_PAIN_FREE}/10 holds the level; {AMBER_MAX_PAIN_FREE + 1}+ stops that exercise; "
                  f"{STOP_FROM}+ stops the session and pauses training. Next-morning pain must be no worse "
                  f"than before the session [SILB07].")
    lines = [limits,
             "Lower-limb injury or pain in the past year, reported at set-up: "
             + ("yes" if runner.injury_history else "no") + "."]
    schedule = runner.schedule
    if schedule is not None:
        lines.append(f"Runs on {day_list(schedule.run_days)} at {schedule.run_time.strftime('%H:%M')} "
                     f"({schedule.timezone}); target {schedule.sessions_target} strength sessions a week "
                     f"({day_list(schedule.strength_days)}), as the warm-up before the run [LIIRA25].")
    levels = ", ".join(f"{e.short} {runner.level(i)}" for i, e in enumerate(EXERCISES))
    lines.append(f"Current levels ({MIN_LEVEL}-{MAX_LEVEL}; above {CORE_LEVELS} optional): {levels}.")
    lines.append("Status: " + _status(runner, today))
    return tuple(lines)


def _status(runner: Runner, today: date) -> str:
    if runner.clinician_hold:
        flag = red_flag(runner.clinician_hold)
        why = flag.label.lower() if flag else f"{runner.clinician_hold} reported"
        return f"on hold ({why}) until the runner reports a clinician has checked them."
    if runner.paused_until is not None and runner.paused_until >= today:
        back = runner.back_from_pause
        until = "until they resume" if back is None else f"until {long_date(back)}"
        return f"paused by the runner ({runner.pause_reason or 'no reason given'}) {until}."
    return "training."


def _levels_over_time(snapshot: Snapshot, index: int, start: date) -> tuple[Point, ...]:
    """The level in effect at the period's start, then each change in the period (a step line)."""
    tz = _zone_name(snapshot.runner)
    changes = [(local_date(c.decided_at, tz), c) for c in snapshot.history.level_changes if c.exercise == index]
    before = [c for day, c in changes if day < start]
    after = [(day, c) for day, c in changes if day >= start]
    if before:
        first = before[-1].to_level
    elif after:
        first = after[0][1].from_level
    else:
        first = snapshot.runner.level(index)
    points = [Point(start, first)]
    points += [Point(day, c.to_level) for day, c in after]
    return tuple(points)


def _track(snapshot: Snapshot, index: int, sessions: tuple[Session, ...], start: date, limit: int) -> ExerciseTrack:
    scored = [(s, s.result_for(index)) for s in sessions]
    pain = tuple(Point(s.local_date, r.pain) for s, r in scored if r is not None and r.pain is not None)
    morning = tuple(Point(s.local_date + timedelta(days=1), s.morning.score)
                    for s, r in scored if r is not None and s.morning is not None)
    done = sum(1 for _, r in scored if r is not None and r.outcome in (Outcome.DONE, Outcome.TOO_HARD))
    levels = _levels_over_time(snapshot, index, start)
    now = snapshot.runner.level(index)
    values = [p.value for p in pain]
    row = (EXERCISES[index].short,
           f"{levels[0].value} → {now}",
           str(done),
           f"{median(values):g} / {max(values)}" if values else "–",
           str(max(p.value for p in morning)) if morning else "–",
           str(sum(1 for v in values if v > limit)))
    return ExerciseTrack(EXERCISES[index].short, levels, pain, morning, row)


def _self_test_rows(snapshot: Snapshot, start: date, today: date) -> tuple[tuple[str, ...], ...]:
    tz = _zone_name(snapshot.runner)
    tests = [t for t in snapshot.history.self_tests if start <= local_date(t.taken_at, tz) <= today]
    if not tests and snapshot.history.self_tests:
        tests = [snapshot.history.self_tests[-1]]  # the latest, even from before the period
    sex = snapshot.runner.sex if snapshot.runner.sex in SELFTEST_MEDIAN else None
    rows = []
    for test in tests:
        more = max(test.left, test.right)
        gap = round(100 * abs(test.left - test.right) / more) if more else 0
        rows.append((long_date(local_date(test.taken_at, tz)), str(test.left), str(test.right), f"{gap}%",
                     _against_median(test.left, test.right, sex)))
    return tuple(rows)


def _against_median(left: int, right: int, sex: str | None) -> str:
    if sex is None:
        both = " and ".join(f"{m} for {_SEX_WORDS[s]}" for s, m in SELFTEST_MEDIAN.items())
        return f"medians {both} (sex not given)"
    norm = SELFTEST_MEDIAN[sex]
    sides = [f"{leg} {'below' if reps < norm else 'at or above'}" for leg, reps in (("left", left), ("right", right))]
    if sides[0].split(" ", 1)[1] == sides[1].split(" ", 1)[1]:
        sides = [f"both {sides[0].split(' ', 1)[1]}"]
    return f"{', '.join(sides)} {norm} ({_SEX_WORDS[sex]})"


def _self_test_notes(runner: Runner) -> tuple[str, ...]:
    age = f", age band {runner.age_band}s" if runner.age_band else ""
    sex = f"{_SEX_WORDS[runner.sex]}" if runner.sex in _SEX_WORDS else "sex not given"
    return (f"Single-leg heel rises to fatigue at 60 beats/min, each leg, on a flat floor ({sex}{age}). "
            "The study used a 10° incline, so flat-floor counts may run a little high. "
            f"Medians of healthy adults [HL17]; a change of {SELFTEST_NOISE_REPS} reps or fewer between tests "
            f"may be measurement noise [HL17]. A side gap over {SELFTEST_SIDE_GAP:.0%} is a rehab convention, "
            "not a validated cut-off.",)


def _decisions(snapshot: Snapshot, start: date, today: date) -> tuple[str, ...]:
    tz = _zone_name(snapshot.runner)
    changes = [(local_date(c.decided_at, tz), c) for c in snapshot.history.level_changes]
    changes = [(day, c) for day, c in changes if start <= day <= today]
    lines = tuple(f"{long_date(day)}: {EXERCISES[c.exercise].short}, level {c.from_level} → {c.to_level} "
                  f"({c.reason})" for day, c in reversed(changes))
    return lines or ("No level changes in this period.",)


def _rules(snapshot: Snapshot, start: date, today: date) -> str:
    unsettled = sum(1 for s in snapshot.history.sessions
                    if start <= s.local_date <= today and s.morning is not None
                    and not settled(s.readiness, s.morning.score))
    return ("Rules: one level up after two easy sessions in a row that settled by the next morning, at most "
            "once a week; one level down after pain over the limit, a morning that did not settle "
            f"({unsettled} in this period) or form breaking.")
