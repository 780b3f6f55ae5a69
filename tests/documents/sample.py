"""A runner six weeks into the programme, built as values: the sample every document test reads."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from core.model import (
    ExerciseResult,
    History,
    LevelChange,
    MorningCheck,
    Outcome,
    Profile,
    Runner,
    Schedule,
    SelfTest,
    Session,
    SessionStatus,
    Snapshot,
)

TODAY = date(2026, 12, 9)  # a Wednesday
FIRST = date(2026, 11, 2)  # the first session, a Monday five weeks earlier
LONDON = "Europe/London"
SCHEDULE = Schedule(run_days=frozenset({0, 2, 4, 5}), run_time=time(6, 30), timezone=LONDON, lead_minutes=20,
                    sessions_target=2, strength_days=frozenset({0, 4}))
# Pain after each exercise, session by session (calf, squat, split, hinge, bridge).
PAINS = ((1, 2, 1, 0, 0), (0, 2, 3, 1, 0), (1, 1, 2, 0, 0), (0, 1, 1, 0, 0), (0, 1, 5, 0, 0),
         (0, 0, 2, 1, 0), (0, 1, 1, 0, 0), (1, 0, 1, 0, 0), (0, 0, 0, 0, 0))
MORNINGS = (1, 0, 1, 0, 3, 0, 0, 1, 0)
READINESS = (1, 0, 1, 0, 0, 1, 0, 1, 0)
SELF_TESTS = ((date(2026, 11, 3), 18, 23), (date(2026, 12, 8), 22, 24))


def at(day: date, hour: int = 6, minute: int = 15) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def session_days() -> list[date]:
    """Mondays and Fridays from FIRST, skipping the Friday of the third week (a missed session)."""
    days = []
    day = FIRST
    while len(days) < len(PAINS):
        if day.weekday() in (0, 4) and day != date(2026, 11, 20):
            days.append(day)
        day += timedelta(days=1)
    return days


def sample_snapshot(*, name: str = "Sam Rivera", hold: str | None = None) -> Snapshot:
    sessions = []
    for number, (day, pains, morning, ready) in enumerate(zip(session_days(), PAINS, MORNINGS, READINESS), 1):
        results = tuple(
            ExerciseResult(exercise=i, level=1, outcome=Outcome.DONE if pain <= 3 else Outcome.STOPPED, pain=pain,
                           recorded_at=at(day, 6, 15 + i * 3))
            for i, pain in enumerate(pains))
        sessions.append(Session(number=number, started_at=at(day), local_date=day, status=SessionStatus.COMPLETED,
                                readiness=ready, ended_at=at(day, 6, 35), results=results,
                                morning=MorningCheck(morning, at(day + timedelta(days=1), 8, 5))))
    not_ready = Session(number=len(sessions) + 1, started_at=at(date(2026, 12, 7)), local_date=date(2026, 12, 7),
                        status=SessionStatus.NOT_READY, readiness=4, ended_at=at(date(2026, 12, 7)))
    sessions.insert(len(sessions) - 1, not_ready)
    sessions = [s for s in sorted(sessions, key=lambda s: s.local_date)]
    sessions = [Session(number=i, started_at=s.started_at, local_date=s.local_date, status=s.status,
                        readiness=s.readiness, ended_at=s.ended_at, results=s.results, morning=s.morning)
                for i, s in enumerate(sessions, 1)]
    easy = "two easy sessions in a row"
    changes = (
        LevelChange(1, 0, 1, 2, easy, at(date(2026, 11, 10), 8, 5), "progress"),
        LevelChange(2, 2, 1, 2, easy, at(date(2026, 11, 10), 8, 5), "progress"),
        LevelChange(3, 3, 1, 2, easy, at(date(2026, 11, 10), 8, 5), "progress"),
        LevelChange(4, 4, 1, 2, easy, at(date(2026, 11, 10), 8, 5), "progress"),
        LevelChange(5, 2, 2, 1, "pain 5/10 today", at(date(2026, 11, 16), 6, 30), "pain"),
        LevelChange(6, 1, 1, 2, easy, at(date(2026, 11, 24), 8, 5), "progress"),
        LevelChange(7, 0, 2, 3, easy, at(date(2026, 11, 28), 8, 5), "progress"),
        LevelChange(8, 4, 2, 3, easy, at(date(2026, 12, 5), 8, 5), "progress"),
    )
    tests = tuple(SelfTest(n, at(day, 18, 0), left, right) for n, (day, left, right) in enumerate(SELF_TESTS, 1))
    runner = Runner(key="telegram:4242", platform="telegram", chat_id="4242", name=name,
                    created_at=at(date(2026, 11, 1), 9, 0), onboarded=True, profile=Profile.PAIN_FREE,
                    injury_history=True, schedule=SCHEDULE, levels=(3, 2, 1, 2, 3), clinician_hold=hold,
                    sex="f", age_band=40)
    return Snapshot(runner=runner, history=History(sessions=tuple(sessions), level_changes=changes,
                                                   self_tests=tests))
