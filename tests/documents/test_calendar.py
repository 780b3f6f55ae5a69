"""The calendar files: parsed back with icalendar, across daylight-saving changes, with stable uids."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.documents import FileDocuments
from core.calendar_plan import CalendarPlan, calendar_plans
from core.model import Runner
from core.payloads import Signer
from core.programme import session_minutes
from tests.documents.sample import SCHEDULE, sample_snapshot

SIGNER = Signer(b"calendar-test-secret")


def runner(**schedule: object) -> Runner:
    sample = sample_snapshot().runner
    return replace(sample, schedule=replace(SCHEDULE, **schedule), levels=(1, 1, 1, 1, 1))


async def parsed(plan: CalendarPlan) -> Calendar:
    return Calendar.from_ical(await FileDocuments().calendar_ics(plan))


def plans(who: Runner, today: date, now: datetime | None = None) -> tuple[CalendarPlan, CalendarPlan]:
    now = now or datetime.combine(today, time(9), tzinfo=UTC)
    return calendar_plans(who, SIGNER.pseudonym(who.key), today, now)


async def test_the_sessions_file_parses_with_the_runners_zone_and_an_alarm_at_each_start() -> None:
    sessions, runs = plans(runner(), date(2026, 11, 30))
    calendar = await parsed(sessions)

    events = calendar.events
    assert len(events) == 16  # Mondays and Fridays for eight weeks
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/London"]
    first = events[0]
    assert first.start == datetime(2026, 11, 30, 6, 10, tzinfo=ZoneInfo("Europe/London"))  # 20 min before 06:30
    assert first.end - first.start == timedelta(minutes=session_minutes((1, 1, 1, 1, 1)))  # level 1's doses
    assert first["DTSTART"].params["TZID"] == "Europe/London"
    (alarm,) = first.walk("VALARM")
    assert alarm["TRIGGER"].dt == timedelta(0) and alarm["ACTION"] == "DISPLAY"
    assert str(calendar["X-WR-CALNAME"]) == "Tiptoe strength sessions"
    assert sessions.filename.endswith(".ics")


async def test_run_days_are_a_calendar_of_their_own_without_alarms() -> None:
    _, runs = plans(runner(), date(2026, 11, 30))
    calendar = await parsed(runs)

    assert str(calendar["X-WR-CALNAME"]) == "Tiptoe run days"
    assert len(calendar.events) == 32  # Mon, Wed, Fri and Sat for eight weeks
    assert {e.start.time() for e in calendar.events} == {time(6, 30)}
    assert all(not e.walk("VALARM") and str(e["TRANSP"]) == "TRANSPARENT" for e in calendar.events)


@pytest.mark.parametrize(("zone", "before", "after"), [
    ("Europe/London", date(2027, 3, 26), date(2027, 3, 29)),  # clocks go forward on Sun 28 Mar
    ("Europe/London", date(2027, 10, 29), date(2027, 11, 1)),  # and back on Sun 31 Oct
    ("America/New_York", date(2027, 3, 12), date(2027, 3, 15)),  # forward on Sun 14 Mar
], ids=["london-spring", "london-autumn", "new-york-spring"])
async def test_sessions_keep_their_local_time_across_a_daylight_saving_change(zone: str, before: date,
                                                                              after: date) -> None:
    sessions, _ = plans(runner(timezone=zone), before)
    events = {e.start.date(): e for e in (await parsed(sessions)).events}

    for day in (before, after):
        assert events[day].start.time() == time(6, 10) and events[day].start.tzinfo == ZoneInfo(zone)
    shift = events[after].start.utcoffset() - events[before].start.utcoffset()
    assert abs(shift) == timedelta(hours=1)  # the same wall time is another UTC instant


async def test_a_reimport_updates_the_same_events_instead_of_adding_copies() -> None:
    who = runner()
    first, _ = plans(who, date(2026, 11, 30))
    later, _ = plans(replace(who, levels=(3, 3, 3, 3, 3)), date(2026, 12, 4), datetime(2026, 12, 4, 20, tzinfo=UTC))
    old = {e["UID"]: e for e in (await parsed(first)).events}
    new = {e["UID"]: e for e in (await parsed(later)).events}

    overlap = set(old) & set(new)
    assert len(overlap) == 15  # every planned day in both exports keeps its uid
    for uid in overlap:
        assert new[uid]["SEQUENCE"] > old[uid]["SEQUENCE"]  # so calendar apps take the newer one
    assert all("4242" not in uid for uid in new)  # no platform id in the uid
    other, _ = plans(replace(who, key="discord:99"), date(2026, 11, 30))
    assert not set(old) & {e.uid for e in other.events}  # another runner never collides


@pytest.mark.parametrize(("lead", "alarms"), [(20, 1), (45, 1), (None, 0)], ids=["lead-20", "lead-45", "no-reminders"])
async def test_sessions_start_lead_minutes_before_the_run_and_alarm_only_with_reminders(lead: int | None,
                                                                                       alarms: int) -> None:
    sessions, _ = plans(runner(lead_minutes=lead), date(2026, 11, 30))
    first = (await parsed(sessions)).events[0]
    assert first.start.time() == (datetime(2026, 11, 30, 6, 30) - timedelta(minutes=lead or 20)).time()
    assert len(first.walk("VALARM")) == alarms


async def test_a_fixed_offset_zone_is_written_in_utc() -> None:
    sessions, _ = plans(runner(timezone="UTC+05:30"), date(2026, 11, 30))
    first = (await parsed(sessions)).events[0]
    assert first.start == datetime(2026, 11, 30, 0, 40, tzinfo=UTC)  # 06:10 at +05:30


def test_a_paused_runner_has_nothing_planned_until_the_pause_ends() -> None:
    paused = replace(runner(), paused_until=date(2026, 12, 13))
    sessions, runs = plans(paused, date(2026, 11, 30))
    assert min(e.day for e in sessions.events) == date(2026, 12, 14)
    assert min(e.day for e in runs.events) == date(2026, 12, 14)
    held, _ = plans(replace(runner(), clinician_hold="bone"), date(2026, 11, 30))
    assert held.events == ()


@pytest.mark.parametrize("levels", [(1, 1, 1, 1, 1), (3, 3, 3, 3, 3), (5, 5, 5, 5, 5), (2, 3, 4, 4, 4)],
                         ids=["level-1", "level-3", "level-5", "mixed"])
def test_a_session_event_lasts_as_long_as_the_exercises_at_the_runners_levels(levels: tuple[int, ...]) -> None:
    sessions, _ = plans(replace(runner(), levels=levels), date(2026, 11, 30))
    assert {event.minutes for event in sessions.events} == {session_minutes(levels)}
