"""Strength days, zone and clock parsing, DST-safe instants and due reminders."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from itertools import combinations
from zoneinfo import ZoneInfo

import pytest

from core.model import ExerciseResult, History, MorningCheck, Outcome, Runner, Schedule, Session, SessionStatus
from core.programme import DEFAULT_LEAD_MINUTES, WEEKLY_SUMMARY_AT
from core.schedule import (
    WEEKDAY_FULL,
    WEEKDAY_NAMES,
    DueReminder,
    ReminderKind,
    choose_strength_days,
    local_date,
    local_instant,
    local_time,
    next_session_day,
    next_strength_day,
    reminders_between,
    session_start,
)
from core.texts import schedule_summary
from core.zones import is_fixed_offset, parse_clock_time, parse_timezone, zone_for

UTC = timezone.utc
MINUTE = timedelta(minutes=1)


def days(text: str) -> frozenset[int]:
    """"Mon Wed" -> {0, 2}."""
    return frozenset(WEEKDAY_NAMES.index(name) for name in text.split())


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# ---- weekday names ------------------------------------------------------------------


def test_weekday_names_start_on_monday() -> None:
    assert WEEKDAY_NAMES == ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    assert WEEKDAY_FULL[0] == "Monday" and WEEKDAY_FULL[6] == "Sunday"
    assert all(full.startswith(short) for short, full in zip(WEEKDAY_NAMES, WEEKDAY_FULL))


# ---- choose_strength_days -----------------------------------------------------------

STRENGTH_TABLE = [
    # run days, target, chosen, reason
    ("Mon Tue Wed Thu Fri Sat Sun", 2, "Mon Thu", "Mon and Thu: your run days with the most rest between them"),
    ("Mon Tue Wed Thu Fri Sat Sun", 3, "Mon Wed Fri", "Mon, Wed and Fri: your run days with the most rest between them"),
    ("Tue Wed Fri Sat", 2, "Tue Fri", "Tue and Fri: your run days with the most rest between them"),
    ("Mon Tue Wed Thu Fri", 3, "Mon Wed Fri", "Mon, Wed and Fri: your run days with the most rest between them"),
    ("Mon Tue Wed Thu", 2, "Mon Thu", "Mon and Thu: your run days with the most rest between them"),
    ("Mon Thu", 2, "Mon Thu", "Mon and Thu: your run days, with rest between them"),
    ("Mon Wed Fri", 3, "Mon Wed Fri", "Mon, Wed and Fri: your run days, with rest between them"),
    ("Mon Wed Fri", 2, "Mon Fri", "Mon and Fri: your run days with the most rest between them"),  # Fri-Mon wraps
    ("Mon Wed Sat", 2, "Wed Sat", "Wed and Sat: your run days with the most rest between them"),
    ("Tue Thu Sat Sun", 2, "Tue Sat", "Tue and Sat: your run days with the most rest between them"),
    ("Tue Thu Sat Sun", 3, "Tue Thu Sat", "Tue, Thu and Sat: your run days with the most rest between them"),
    ("Mon Sat", 2, "Mon Sat", "Mon and Sat: your run days, with rest between them"),
    ("Sat Sun", 2, "Sat Sun",
     "Sat and Sun are back to back, as you only run on those two days: keep each session easy"),
    ("Mon Sun", 2, "Mon Sun",
     "Sun and Mon are back to back, as you only run on those two days: keep each session easy"),
    ("Mon Tue Wed", 3, "Mon Tue Wed",
     "Mon, Tue and Wed are back to back, as you only run on those three days: keep each session easy"),
    ("Mon Sat Sun", 3, "Mon Sat Sun",
     "Sat, Sun and Mon are back to back, as you only run on those three days: keep each session easy"),
    ("Mon Tue Thu", 3, "Mon Tue Thu",
     "Mon, Tue and Thu: Mon and Tue are back to back, as you only run on those three days: keep each session easy"),
    ("Mon Tue Wed Thu", 3, "Mon Tue Thu",
     "Mon, Tue and Thu: Mon and Tue are back to back, as your run days leave no room for three with rest "
     "between: keep each session easy"),
    ("Mon Tue Sat Sun", 3, "Mon Tue Sat",
     "Mon, Tue and Sat: Mon and Tue are back to back, as your run days leave no room for three with rest "
     "between: keep each session easy"),
    ("Mon Tue Sat Sun", 2, "Tue Sat", "Tue and Sat: your run days with the most rest between them"),
    ("Wed", 1, "Wed", "Wed: your only run day"),
    ("Wed", 2, "Wed Sat",
     "Wed and Sat: Wed is your run day; Sat is a non-run day, for a stand-alone session at the same time of day"),
    ("Sun", 2, "Wed Sun",
     "Wed and Sun: Sun is your run day; Wed is a non-run day, for a stand-alone session at the same time of day"),
    ("Wed", 3, "Mon Wed Fri",
     "Mon, Wed and Fri: Wed is your run day; Mon and Fri are non-run days, for stand-alone sessions at the same "
     "time of day"),
    ("", 2, "", "No run days yet, so no strength days either."),
]


@pytest.mark.parametrize(
    ("run_days", "target", "chosen", "reason"),
    STRENGTH_TABLE,
    ids=[f"{r.replace(' ', '-') or 'none'}-x{t}" for r, t, _, _ in STRENGTH_TABLE],
)
def test_choose_strength_days_table(run_days: str, target: int, chosen: str, reason: str) -> None:
    assert choose_strength_days(days(run_days), target) == (days(chosen), reason)


def _has_pair(chosen: tuple[int, ...]) -> bool:
    return any((d + 1) % 7 in chosen for d in chosen) if len(chosen) > 1 else False


ALL_RUN_DAY_SETS = [frozenset(c) for n in range(1, 8) for c in combinations(range(7), n)]


@pytest.mark.parametrize("target", [2, 3], ids=["two-a-week", "three-a-week"])
def test_choose_strength_days_avoids_back_to_back_whenever_possible(target: int) -> None:
    for run_days in ALL_RUN_DAY_SETS:
        picked, why = choose_strength_days(run_days, target)
        if len(run_days) < target:  # every run day, and non-run days make up the number
            assert len(picked) == target and run_days < picked and "non-run day" in why
            assert not _has_pair(tuple(picked)) or _has_pair(tuple(run_days)), sorted(run_days)
            continue
        count = target
        assert len(picked) == count and picked <= run_days
        could_avoid = any(not _has_pair(c) for c in combinations(sorted(run_days), count))
        assert _has_pair(tuple(picked)) is not could_avoid, sorted(run_days)
        assert ("back to back" in why) is not could_avoid, sorted(run_days)
        assert why and "\n" not in why


@pytest.mark.parametrize(
    ("run_days", "today", "expected"),
    [
        ("Tue Sat", date(2026, 1, 12), date(2026, 1, 13)),  # Mon -> Tue
        ("Tue Sat", date(2026, 1, 13), date(2026, 1, 13)),  # today is a strength day
        ("Tue Sat", date(2026, 1, 14), date(2026, 1, 17)),  # Wed -> Sat
        ("Tue Sat", date(2026, 1, 18), date(2026, 1, 20)),  # Sun wraps to next Tue
        ("Mon", date(2026, 1, 13), date(2026, 1, 19)),  # six days ahead
    ],
    ids=["mon-to-tue", "same-day", "wed-to-sat", "sun-wraps", "a-week-less-a-day"],
)
def test_next_strength_day(run_days: str, today: date, expected: date) -> None:
    schedule = Schedule(days(run_days), time(7), "UTC", 20, 2, days(run_days))
    assert next_strength_day(schedule, today) == expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-12-07 05:00", date(2026, 12, 7)),  # Mon 06:00 in Berlin: the 06:30 run is ahead
        ("2026-12-07 05:29", date(2026, 12, 7)),  # a minute before the run: still today's
        ("2026-12-07 05:30", date(2026, 12, 11)),  # the run's time: today's session has passed
        ("2026-12-07 06:00", date(2026, 12, 11)),  # 07:00 in Berlin, set up after the run
        ("2026-12-06 23:30", date(2026, 12, 7)),  # Monday 00:30 in Berlin, Sunday in UTC
    ],
    ids=["before-the-run", "just-before", "at-the-run", "after-the-run", "past-local-midnight"],
)
def test_next_session_day_is_todays_only_until_the_run(now: str, expected: date) -> None:
    schedule = Schedule(days("Mon Fri"), time(6, 30), "Europe/Berlin", 20, 2, days("Mon Fri"))
    assert next_session_day(schedule, utc(now)) == expected


def test_next_strength_day_needs_strength_days() -> None:
    with pytest.raises(ValueError):
        next_strength_day(Schedule(frozenset(), time(7), "UTC", 20, 2, frozenset()), date(2026, 1, 1))


# ---- zones --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "offset_on_jan_1"),
    [
        ("UTC", timedelta(0)),
        ("UTC+05:30", timedelta(hours=5, minutes=30)),
        ("UTC-03:00", timedelta(hours=-3)),
        ("UTC+14:00", timedelta(hours=14)),
        ("Europe/London", timedelta(0)),
        ("Australia/Sydney", timedelta(hours=11)),
        ("Asia/Kolkata", timedelta(hours=5, minutes=30)),
    ],
    ids=["utc", "plus-0530", "minus-0300", "plus-1400", "london", "sydney-summer", "kolkata"],
)
def test_zone_for(name: str, offset_on_jan_1: timedelta) -> None:
    assert datetime(2026, 1, 1, 12, tzinfo=zone_for(name)).utcoffset() == offset_on_jan_1


def test_zone_for_kinds() -> None:
    assert zone_for("UTC") is UTC
    assert isinstance(zone_for("Europe/London"), ZoneInfo)
    assert isinstance(zone_for("UTC+05:30"), timezone)


def test_zone_for_unknown_name_raises() -> None:
    with pytest.raises(Exception):
        zone_for("Mars/Olympus_Mons")


TIMEZONE_TABLE = [
    ("Europe/London", "Europe/London"),
    ("europe/london", "Europe/London"),
    ("  EUROPE/LONDON  ", "Europe/London"),
    ("America/New York", "America/New_York"),
    ("america / new york", "America/New_York"),
    ("america/new_york", "America/New_York"),
    ("Asia/Kolkata", "Asia/Kolkata"),
    ("australia/adelaide", "Australia/Adelaide"),
    ("UTC", "UTC"),
    ("utc", "UTC"),
    ("GMT", "UTC"),
    ("Z", "UTC"),
    ("UTC+2", "UTC+02:00"),
    ("GMT-3", "UTC-03:00"),
    ("+02:00", "UTC+02:00"),
    ("+0530", "UTC+05:30"),
    ("UTC+5:30", "UTC+05:30"),
    ("utc -4", "UTC-04:00"),
    ("\u22124", "UTC-04:00"),  # a typographic minus
    ("UTC+0", "UTC"),
    ("-00:00", "UTC"),
    ("UTC+02:00", "UTC+02:00"),  # our own canonical form reads back
    ("+14:00", "UTC+14:00"),  # the far edge east
    ("-12:00", "UTC-12:00"),  # the far edge west
    ("+05:45", "UTC+05:45"),
    ("+09:15", "UTC+09:15"),
    ("+14:15", None),  # past the edge east
    ("+15", None),
    ("-12:15", None),  # past the edge west
    ("-13", None),
    ("+05:20", None),  # minutes not 00/15/30/45
    ("+05:60", None),
    ("UTC+", None),
    ("5", None),  # no sign: a bare number is not an offset
    ("garbage", None),
    ("Europe/Londn", None),
    ("", None),
    ("   ", None),
    ("localtime", None),  # a tzdata file, not a place
    ("paris", "Europe/Paris"),  # a city alone
    ("new york", "America/New_York"),
    ("New-York", "America/New_York"),
    ("helsinki", "Europe/Helsinki"),
    ("  Kolkata ", "Asia/Kolkata"),
    ("sydney", "Australia/Sydney"),
    ("atlantis", None),
]


@pytest.mark.parametrize(("text", "expected"), TIMEZONE_TABLE, ids=[repr(t) for t, _ in TIMEZONE_TABLE])
def test_parse_timezone(text: str, expected: str | None) -> None:
    parsed = parse_timezone(text)
    assert parsed == expected
    if parsed is not None:
        zone_for(parsed)  # everything we store can be used
        assert parse_timezone(parsed) == parsed
        assert is_fixed_offset(parsed) == (parsed.startswith("UTC") and parsed != "UTC")  # these get the DST warning


CLOCK_TABLE = [
    ("6:30", time(6, 30)),
    ("06:30", time(6, 30)),
    ("6.30", time(6, 30)),
    ("0630", time(6, 30)),
    ("630", time(6, 30)),
    ("6", time(6, 0)),
    ("18:00", time(18, 0)),
    ("1830", time(18, 30)),
    ("23:59", time(23, 59)),
    ("0:00", time(0, 0)),
    ("6:30am", time(6, 30)),
    ("6:30 PM", time(18, 30)),
    ("6pm", time(18, 0)),
    ("6 a.m.", time(6, 0)),
    ("12am", time(0, 0)),
    ("12:30am", time(0, 30)),
    ("12pm", time(12, 0)),
    ("11pm", time(23, 0)),
    ("noon", time(12, 0)),
    ("25:00", None),
    ("24:00", None),
    ("6:75", None),
    ("6:60", None),
    ("13pm", None),
    ("0am", None),
    ("18:00pm", None),
    ("soon", None),
    ("", None),
    ("6:3", None),
]


@pytest.mark.parametrize(("text", "expected"), CLOCK_TABLE, ids=[repr(t) for t, _ in CLOCK_TABLE])
def test_parse_clock_time(text: str, expected: time | None) -> None:
    assert parse_clock_time(text) == expected


# ---- DST: find the real transitions with zoneinfo, then check local_instant around them


def transitions(tz: str, year: int) -> list[datetime]:
    """Every UTC instant in `year` at which the zone's offset changes."""
    zone = ZoneInfo(tz)
    found = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    while moment.year == year:
        later = moment + timedelta(hours=6)
        if moment.astimezone(zone).utcoffset() != later.astimezone(zone).utcoffset():
            low, high = moment, later
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                same = middle.astimezone(zone).utcoffset() == moment.astimezone(zone).utcoffset()
                low, high = (middle, high) if same else (low, middle)
            found.append(high.replace(microsecond=0))
        moment = later
    return found


# The real 2026 and 2027 dates: local date, wall time the clocks leave, wall time they show.
KNOWN_TRANSITIONS = {
    ("Europe/London", 2026): [("2026-03-29", "01:00", "02:00"), ("2026-10-25", "02:00", "01:00")],
    ("Europe/London", 2027): [("2027-03-28", "01:00", "02:00"), ("2027-10-31", "02:00", "01:00")],
    ("America/New_York", 2026): [("2026-03-08", "02:00", "03:00"), ("2026-11-01", "02:00", "01:00")],
    ("America/New_York", 2027): [("2027-03-14", "02:00", "03:00"), ("2027-11-07", "02:00", "01:00")],
    # Southern hemisphere: back on the first Sunday of April, forward on the first of October.
    ("Australia/Sydney", 2026): [("2026-04-05", "03:00", "02:00"), ("2026-10-04", "02:00", "03:00")],
    ("Australia/Sydney", 2027): [("2027-04-04", "03:00", "02:00"), ("2027-10-03", "02:00", "03:00")],
    ("Australia/Adelaide", 2026): [("2026-04-05", "03:00", "02:00"), ("2026-10-04", "02:00", "03:00")],
    ("Australia/Adelaide", 2027): [("2027-04-04", "03:00", "02:00"), ("2027-10-03", "02:00", "03:00")],
    ("Asia/Kolkata", 2026): [],
    ("Asia/Kolkata", 2027): [],
}


@pytest.mark.parametrize(
    ("tz", "year"), list(KNOWN_TRANSITIONS), ids=[f"{tz}-{year}" for tz, year in KNOWN_TRANSITIONS]
)
def test_known_transition_dates_match_zoneinfo(tz: str, year: int) -> None:
    zone = ZoneInfo(tz)
    seen = []
    for instant in transitions(tz, year):
        before = (instant - MINUTE).astimezone(zone) + MINUTE
        after = instant.astimezone(zone)
        seen.append((after.date().isoformat(), before.strftime("%H:%M"), after.strftime("%H:%M")))
    assert seen == KNOWN_TRANSITIONS[(tz, year)]


def _around(tz: str, instant: datetime) -> list[tuple[str, datetime, datetime]]:
    """(label, local wall time, expected UTC instant) at, just before and after a transition."""
    zone = ZoneInfo(tz)
    before = (instant - MINUTE).astimezone(zone).utcoffset()
    after = instant.astimezone(zone).utcoffset()
    assert before is not None and after is not None
    left = (instant + before).replace(tzinfo=None)  # wall clock as the old offset reaches it
    shown = (instant + after).replace(tzinfo=None)  # wall clock right after the change
    if after > before:  # spring forward: [left, shown) never happens
        return [
            ("before-gap", left - MINUTE, instant - MINUTE),
            ("gap-start", left, instant),
            ("mid-gap", left + (after - before) / 2, instant),
            ("gap-last-minute", shown - MINUTE, instant),
            ("gap-end", shown, instant),
            ("after-gap", shown + MINUTE, instant + MINUTE),
        ]
    # fall back: [shown, left) happens twice; the first time counts
    return [
        ("before-repeat", shown - MINUTE, (shown - MINUTE - before).replace(tzinfo=UTC)),
        ("repeat-start", shown, (shown - before).replace(tzinfo=UTC)),
        ("mid-repeat", shown + (before - after) / 2, (shown + (before - after) / 2 - before).replace(tzinfo=UTC)),
        ("repeat-last-minute", left - MINUTE, (left - MINUTE - before).replace(tzinfo=UTC)),
        ("after-repeat", left, (left - after).replace(tzinfo=UTC)),
    ]


DST_CASES = [
    pytest.param(tz, wall, expected, id=f"{tz}-{wall:%Y-%m-%d-%H%M}-{label}")
    for (tz, year) in KNOWN_TRANSITIONS
    for instant in transitions(tz, year)
    for label, wall, expected in _around(tz, instant)
]


@pytest.mark.parametrize(("tz", "wall", "expected"), DST_CASES)
def test_local_instant_around_every_transition(tz: str, wall: datetime, expected: datetime) -> None:
    got = local_instant(wall.date(), wall.time(), tz)
    assert got == expected
    assert got.tzinfo is UTC


# A few written out by hand, so the generated table can't share a mistake with the code.
LITERAL_CASES = [
    ("Europe/London", "2026-03-29 00:59", "2026-03-29 00:59"),
    ("Europe/London", "2026-03-29 01:30", "2026-03-29 01:00"),  # skipped: fires at the jump
    ("Europe/London", "2026-03-29 02:00", "2026-03-29 01:00"),
    ("Europe/London", "2026-03-29 02:01", "2026-03-29 01:01"),
    ("Europe/London", "2026-10-25 00:59", "2026-10-24 23:59"),
    ("Europe/London", "2026-10-25 01:30", "2026-10-25 00:30"),  # twice: the first (BST)
    ("Europe/London", "2026-10-25 02:00", "2026-10-25 02:00"),
    ("America/New_York", "2026-03-08 02:30", "2026-03-08 07:00"),
    ("America/New_York", "2026-11-01 01:30", "2026-11-01 05:30"),
    ("America/New_York", "2027-03-14 02:30", "2027-03-14 07:00"),
    ("Australia/Sydney", "2026-04-05 02:30", "2026-04-04 15:30"),  # twice: the first (AEDT)
    ("Australia/Sydney", "2026-10-04 02:30", "2026-10-03 16:00"),
    ("Australia/Adelaide", "2026-10-04 02:30", "2026-10-03 16:30"),
    ("Australia/Adelaide", "2026-04-05 02:30", "2026-04-04 16:00"),
    ("Australia/Adelaide", "2026-07-01 07:00", "2026-06-30 21:30"),  # winter, +09:30
    ("Asia/Kolkata", "2026-01-01 06:00", "2026-01-01 00:30"),
    ("Asia/Kolkata", "2026-03-29 01:30", "2026-03-28 20:00"),
    ("Asia/Kolkata", "2027-07-01 05:29", "2027-06-30 23:59"),
    ("UTC+05:30", "2026-03-29 01:30", "2026-03-28 20:00"),
    ("UTC-03:00", "2026-12-31 22:00", "2027-01-01 01:00"),
    ("UTC", "2026-03-29 01:30", "2026-03-29 01:30"),
]


@pytest.mark.parametrize(
    ("tz", "wall", "expected"), LITERAL_CASES, ids=[f"{tz}-{w}" for tz, w, _ in LITERAL_CASES]
)
def test_local_instant_by_hand(tz: str, wall: str, expected: str) -> None:
    local = datetime.fromisoformat(wall)
    assert local_instant(local.date(), local.time(), tz) == utc(expected)


def test_local_instant_ignores_a_fold_on_the_time() -> None:
    first = local_instant(date(2026, 10, 25), time(1, 30, fold=1), "Europe/London")
    assert first == utc("2026-10-25 00:30")


@pytest.mark.parametrize(
    ("instant", "tz", "day", "clock"),
    [
        ("2026-01-01 20:00", "Asia/Kolkata", date(2026, 1, 2), time(1, 30)),
        ("2026-01-01 12:59", "Australia/Sydney", date(2026, 1, 1), time(23, 59)),
        ("2026-01-01 13:00", "Australia/Sydney", date(2026, 1, 2), time(0, 0)),
        ("2026-10-25 00:30", "Europe/London", date(2026, 10, 25), time(1, 30)),
        ("2026-10-25 01:30", "Europe/London", date(2026, 10, 25), time(1, 30)),  # the repeat
        ("2026-03-01 02:00", "UTC-03:00", date(2026, 2, 28), time(23, 0)),
    ],
    ids=["kolkata-next-day", "sydney-before-midnight", "sydney-midnight", "london-first-0130",
         "london-second-0130", "fixed-offset-previous-day"],
)
def test_local_date_and_time(instant: str, tz: str, day: date, clock: time) -> None:
    assert local_date(utc(instant), tz) == day
    assert local_time(utc(instant), tz) == clock


def test_local_date_rejects_naive_instants() -> None:
    with pytest.raises(ValueError):
        local_date(datetime(2026, 1, 1, 12), "UTC")


# ---- session_start ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "day", "run_time", "lead", "expected"),
    [
        ("Europe/London", date(2026, 1, 13), time(7), 20, "2026-01-13 06:40"),
        ("Europe/London", date(2026, 1, 13), time(7), None, "2026-01-13 06:40"),  # default lead
        ("Europe/London", date(2026, 1, 13), time(7), 60, "2026-01-13 06:00"),
        ("Europe/London", date(2026, 1, 13), time(0, 10), 20, "2026-01-12 23:50"),  # previous day
        ("Europe/London", date(2026, 3, 29), time(1, 30), 20, "2026-03-29 00:40"),  # run in the gap
        ("Europe/London", date(2026, 3, 29), time(2, 10), 20, "2026-03-29 00:50"),  # lead spans the jump
        ("Europe/London", date(2026, 10, 25), time(1, 10), 20, "2026-10-24 23:50"),  # first 01:10
        ("America/New_York", date(2026, 3, 8), time(3, 10), 30, "2026-03-08 06:40"),
        ("Australia/Sydney", date(2026, 10, 4), time(3, 0), 20, "2026-10-03 15:40"),
        ("Asia/Kolkata", date(2026, 1, 13), time(6), 45, "2026-01-12 23:45"),
    ],
    ids=["plain", "no-lead-uses-default", "hour-lead", "crosses-midnight", "london-gap",
         "london-lead-over-jump", "london-repeat", "new-york-after-jump", "sydney-gap-end", "kolkata"],
)
def test_session_start(tz: str, day: date, run_time: time, lead: int | None, expected: str) -> None:
    schedule = Schedule(days("Tue"), run_time, tz, lead, 2, days("Tue"))
    assert session_start(schedule, day) == utc(expected)


def test_session_start_default_lead_comes_from_programme() -> None:
    schedule = Schedule(days("Tue"), time(7), "UTC", None, 2, days("Tue"))
    assert session_start(schedule, date(2026, 1, 13)) == utc("2026-01-13 07:00") - timedelta(
        minutes=DEFAULT_LEAD_MINUTES
    )


# ---- reminders ----------------------------------------------------------------------

S, N, M, W, C = (ReminderKind.SESSION, ReminderKind.RUN_NOTE, ReminderKind.MORNING,
                 ReminderKind.WEEKLY, ReminderKind.CHECK_IN)

# Runs Tue, Thu, Sat at 07:00 London; strength on Tue and Sat; joined Sat 10 Jan 2026,
# so no check-in is due before Tue 27 Jan.
BASE_SCHEDULE = Schedule(days("Tue Thu Sat"), time(7), "Europe/London", 20, 2, days("Tue Sat"))
BASE = Runner(
    key="terminal:1", platform="terminal", chat_id="1", name="Ana",
    created_at=utc("2026-01-10 09:00"), onboarded=True, schedule=BASE_SCHEDULE,
)
WEEK = (utc("2026-01-12 00:00"), utc("2026-01-19 00:00"))  # Mon to Mon, GMT = UTC


def session(number: int, day: date, *, results: bool = True, morning: int | None = None) -> Session:
    started = datetime.combine(day, time(6, 40), UTC)
    return Session(
        number=number, started_at=started, local_date=day,
        status=SessionStatus.COMPLETED if results else SessionStatus.NOT_READY,
        results=(ExerciseResult(0, 1, Outcome.DONE, 0, started),) if results else (),
        morning=MorningCheck(morning, started + timedelta(days=1)) if morning is not None else None,
    )


def schedule_with(**changes: object) -> Runner:
    return replace(BASE, schedule=replace(BASE_SCHEDULE, **changes))


def due(kind: ReminderKind, day: str, at: str) -> DueReminder:
    return DueReminder(kind, date.fromisoformat(day), utc(at))


FULL_WEEK = [
    due(S, "2026-01-13", "2026-01-13 06:40"),
    due(N, "2026-01-15", "2026-01-15 06:40"),
    due(S, "2026-01-17", "2026-01-17 06:40"),
    due(W, "2026-01-18", "2026-01-18 19:00"),
]

REMINDER_TABLE = [
    ("strength-and-run-days", BASE, History(), WEEK, FULL_WEEK),
    ("no-offday-notes", schedule_with(offday_notes=False), History(), WEEK,
     [r for r in FULL_WEEK if r.kind is not N]),
    ("no-pre-run-nudges", schedule_with(lead_minutes=None), History(), WEEK, [FULL_WEEK[-1]]),
    ("hour-lead", schedule_with(lead_minutes=60), History(), WEEK,
     [replace(r, due_at=r.due_at - timedelta(minutes=40)) if r.kind is not W else r for r in FULL_WEEK]),
    ("paused-until-thursday", replace(BASE, paused_until=date(2026, 1, 15)), History(), WEEK, FULL_WEEK[2:]),
    ("paused-until-wednesday", replace(BASE, paused_until=date(2026, 1, 14)), History(), WEEK, FULL_WEEK[1:]),
    ("paused-until-resume", replace(BASE, paused_until=date.max), History(), WEEK, []),
    ("clinician-hold", replace(BASE, clinician_hold="pain 8/10"), History(), WEEK, []),
    ("unreachable", replace(BASE, unreachable=True), History(), WEEK, []),
    ("not-onboarded", replace(BASE, onboarded=False), History(), WEEK, []),
    ("no-schedule", replace(BASE, schedule=None), History(), WEEK, []),
    ("empty-window", BASE, History(), (WEEK[0], WEEK[0]), []),
    ("backwards-window", BASE, History(), (WEEK[1], WEEK[0]), []),
    ("start-is-exclusive", BASE, History(), (utc("2026-01-13 06:40"), utc("2026-01-14 00:00")), []),
    ("end-is-inclusive", BASE, History(), (utc("2026-01-13 06:39"), utc("2026-01-13 06:40")), FULL_WEEK[:1]),
    ("one-minute-late", BASE, History(), (utc("2026-01-13 06:30"), utc("2026-01-13 06:39")), []),
    ("several-days", BASE, History(), (utc("2026-01-14 12:00"), utc("2026-01-17 12:00")), FULL_WEEK[1:3]),
    ("two-sundays", BASE, History(), (utc("2026-01-11 00:00"), utc("2026-01-19 00:00")),
     [due(W, "2026-01-11", "2026-01-11 19:00")] + FULL_WEEK),
    # next-morning check: due the morning after a session with results, until answered
    ("morning-after-session", BASE, History(sessions=(session(1, date(2026, 1, 13)),)), WEEK,
     FULL_WEEK[:1] + [due(M, "2026-01-14", "2026-01-14 08:00")] + FULL_WEEK[1:]),
    ("morning-answered", BASE, History(sessions=(session(1, date(2026, 1, 13), morning=1),)), WEEK, FULL_WEEK),
    ("no-results-no-morning", BASE, History(sessions=(session(1, date(2026, 1, 13), results=False),)), WEEK,
     FULL_WEEK),
    ("morning-paused", replace(BASE, paused_until=date(2026, 1, 14)),
     History(sessions=(session(1, date(2026, 1, 13)),)), WEEK, FULL_WEEK[1:]),
    ("morning-before-window", BASE, History(sessions=(session(1, date(2026, 1, 10)),)), WEEK, FULL_WEEK),
    ("morning-at-0640-after-run-note", schedule_with(morning_time=time(6, 40)),
     History(sessions=(session(1, date(2026, 1, 14)),)), WEEK,
     FULL_WEEK[:1] + [FULL_WEEK[1], due(M, "2026-01-15", "2026-01-15 06:40")] + FULL_WEEK[2:]),
    ("two-mornings", BASE,
     History(sessions=(session(1, date(2026, 1, 13)), session(2, date(2026, 1, 17)))), WEEK,
     FULL_WEEK[:1] + [due(M, "2026-01-14", "2026-01-14 08:00")] + FULL_WEEK[1:3]
     + [due(M, "2026-01-18", "2026-01-18 08:00"), FULL_WEEK[3]]),
]


@pytest.mark.parametrize(
    ("runner", "history", "window", "expected"),
    [row[1:] for row in REMINDER_TABLE],
    ids=[row[0] for row in REMINDER_TABLE],
)
def test_reminders_between(
    runner: Runner, history: History, window: tuple[datetime, datetime], expected: list[DueReminder]
) -> None:
    assert reminders_between(runner, history, *window) == tuple(expected)


def test_weekly_summary_is_on_sunday_evening() -> None:
    found = reminders_between(schedule_with(lead_minutes=None), History(),
                              utc("2026-01-12 00:00"), utc("2026-03-09 00:00"))
    weekly = [r for r in found if r.kind is W]
    assert len(weekly) == 8  # 18 Jan to 8 Mar
    for reminder in weekly:
        assert reminder.local_date.weekday() == WEEKLY_SUMMARY_AT[0] == 6
        assert local_time(reminder.due_at, "Europe/London") == time(*WEEKLY_SUMMARY_AT[1:])


def test_reminders_in_a_zone_far_from_utc() -> None:
    # Sydney in January is UTC+11: Saturday 07:00 local is Friday 20:00 UTC.
    runner = replace(BASE, schedule=replace(BASE_SCHEDULE, timezone="Australia/Sydney"))
    found = reminders_between(runner, History(), utc("2026-01-16 00:00"), utc("2026-01-17 00:00"))
    assert found == (due(S, "2026-01-17", "2026-01-16 19:40"),)


def test_nudge_across_local_midnight_keeps_the_run_day() -> None:
    runner = schedule_with(run_time=time(0, 10))
    found = reminders_between(runner, History(), utc("2026-01-12 23:00"), utc("2026-01-13 00:00"))
    assert found == (due(S, "2026-01-13", "2026-01-12 23:50"),)


def test_due_reminder_key() -> None:
    assert due(M, "2026-01-14", "2026-01-14 08:00").key == "morning:2026-01-14"
    assert due(C, "2026-01-27", "2026-01-27 06:40").key == "check_in:2026-01-27"


# DST: a Sunday runner in each zone, on the day the clocks change.
def sunday_runner(tz: str, run_time: time) -> Runner:
    return replace(BASE, schedule=Schedule(days("Sun"), run_time, tz, 20, 2, days("Sun")))


DST_REMINDERS = [
    ("london-spring-run-in-gap", "Europe/London", "2026-03-29", time(1, 30),
     "2026-03-29 00:40", "2026-03-29 18:00"),
    ("london-spring-morning-run", "Europe/London", "2026-03-29", time(7), "2026-03-29 05:40", "2026-03-29 18:00"),
    ("london-autumn-repeated-time", "Europe/London", "2026-10-25", time(1, 30),
     "2026-10-25 00:10", "2026-10-25 19:00"),
    ("london-2027-spring", "Europe/London", "2027-03-28", time(1, 0), "2027-03-28 00:40", "2027-03-28 18:00"),
    ("new-york-spring-gap", "America/New_York", "2026-03-08", time(2, 30),
     "2026-03-08 06:40", "2026-03-08 23:00"),
    ("new-york-autumn-repeat", "America/New_York", "2026-11-01", time(1, 30),
     "2026-11-01 05:10", "2026-11-02 00:00"),
    ("sydney-autumn-repeat", "Australia/Sydney", "2026-04-05", time(2, 30),
     "2026-04-04 15:10", "2026-04-05 09:00"),
    ("sydney-spring-gap", "Australia/Sydney", "2026-10-04", time(2, 30),
     "2026-10-03 15:40", "2026-10-04 08:00"),
    ("adelaide-spring-gap", "Australia/Adelaide", "2026-10-04", time(2, 30),
     "2026-10-03 16:10", "2026-10-04 08:30"),
    ("kolkata-no-dst", "Asia/Kolkata", "2026-03-29", time(1, 30), "2026-03-28 19:40", "2026-03-29 13:30"),
]


@pytest.mark.parametrize(
    ("tz", "day", "run_time", "nudge", "weekly"),
    [row[1:] for row in DST_REMINDERS],
    ids=[row[0] for row in DST_REMINDERS],
)
def test_reminders_on_dst_days_fire_once(tz: str, day: str, run_time: time, nudge: str, weekly: str) -> None:
    runner = sunday_runner(tz, run_time)
    # two days either side, so any duplicate from the repeated hour would show
    start = utc(f"{day} 12:00") - timedelta(days=2)
    found = reminders_between(runner, History(), start, start + timedelta(days=4))
    assert found == (due(S, day, nudge), due(W, day, weekly))


# Check-in: once, on the first strength day after two full Monday-weeks without results.
def check_ins(runner: Runner, history: History) -> list[DueReminder]:
    found = reminders_between(runner, history, utc("2026-01-01 00:00"), utc("2026-04-01 00:00"))
    return [r for r in found if r.kind is C]


CHECK_IN_TABLE = [
    # BASE joined Sat 10 Jan: full weeks 12-18 and 19-25 Jan, so Tue 27 Jan.
    ("from-joining", BASE, History(), "2026-01-27"),
    # last results on a Sunday: the next full week starts the day after
    ("last-session-sunday", replace(BASE, created_at=utc("2026-01-01 09:00")),
     History(sessions=(session(1, date(2026, 1, 11)),)), "2026-01-27"),
    # one day later, a Monday: that week is not missed, so a week later
    ("last-session-monday", replace(BASE, created_at=utc("2026-01-01 09:00")),
     History(sessions=(session(1, date(2026, 1, 12), morning=0),)), "2026-02-03"),
    ("last-session-saturday", replace(BASE, created_at=utc("2026-01-01 09:00")),
     History(sessions=(session(1, date(2026, 1, 10), morning=0),)), "2026-01-27"),
    # a session without results does not end the gap
    ("no-results-still-a-gap", BASE,
     History(sessions=(session(1, date(2026, 1, 20), results=False),)), "2026-01-27"),
    ("later-session-moves-it", BASE,
     History(sessions=(session(1, date(2026, 1, 24), morning=0),)), "2026-02-10"),
    # the gap counts from the end of a pause
    ("after-a-pause", replace(BASE, paused_until=date(2026, 2, 1)), History(), "2026-02-17"),
    ("strength-on-monday", schedule_with(run_days=days("Mon Thu"), strength_days=days("Mon Thu")),
     History(), "2026-01-26"),
    ("no-lead-still-checks-in", schedule_with(lead_minutes=None), History(), "2026-01-27"),
    ("on-hold", replace(BASE, clinician_hold="calf pain 7/10"), History(), None),
    ("paused-until-resume", replace(BASE, paused_until=date.max), History(), None),
    ("unreachable", replace(BASE, unreachable=True), History(), None),
]


@pytest.mark.parametrize(
    ("runner", "history", "day"), [row[1:] for row in CHECK_IN_TABLE], ids=[row[0] for row in CHECK_IN_TABLE]
)
def test_check_in_once_per_gap(runner: Runner, history: History, day: str | None) -> None:
    found = check_ins(runner, history)
    if day is None:
        assert found == []
        return
    assert runner.schedule is not None
    on = date.fromisoformat(day)
    assert found == [DueReminder(C, on, session_start(runner.schedule, on))]


def test_check_in_shares_the_session_time_and_comes_after_it() -> None:
    found = reminders_between(BASE, History(), utc("2026-01-27 00:00"), utc("2026-01-28 00:00"))
    assert found == (due(S, "2026-01-27", "2026-01-27 06:40"), due(C, "2026-01-27", "2026-01-27 06:40"))


def test_check_in_not_repeated_in_later_windows() -> None:
    later = reminders_between(BASE, History(), utc("2026-01-28 00:00"), utc("2026-06-01 00:00"))
    assert C not in {r.kind for r in later}
    assert S in {r.kind for r in later}  # ordinary nudges carry on


def test_windows_back_to_back_give_the_same_reminders_as_one() -> None:
    history = History(sessions=(session(1, date(2026, 1, 13)), session(2, date(2026, 3, 28))))
    runner = replace(BASE, schedule=replace(BASE_SCHEDULE, run_days=days("Tue Thu Sat Sun"),
                                            strength_days=days("Tue Sun")))
    start, end = utc("2026-01-01 00:00"), utc("2026-04-30 00:00")
    whole = reminders_between(runner, history, start, end)
    pieces: list[DueReminder] = []
    cursor = start
    while cursor < end:
        step = min(cursor + timedelta(minutes=617), end)  # odd steps cross every boundary
        pieces += reminders_between(runner, history, cursor, step)
        cursor = step
    assert tuple(pieces) == whole
    assert len({r.key for r in whole}) == len(whole)
    assert all(r.due_at.tzinfo is UTC for r in whole)


@pytest.mark.parametrize(("now", "said"), [
    ("2026-12-06 23:30", "Next session: Mon 7 Dec."),  # before its reminder (23:40 the evening before)
    ("2026-12-06 23:45", "Next session: Mon 7 Dec, before your 00:10 run (too late for its reminder"),
    ("2026-12-07 00:05", "Next session: today, before your 00:10 run (too late for its reminder"),
], ids=["before-the-reminder", "after-it-the-evening-before", "after-it-that-day"])
def test_the_summary_names_the_day_of_a_run_just_after_midnight(now: str, said: str) -> None:
    schedule = Schedule(days("Mon Fri"), time(0, 10), "UTC", 30, 2, days("Mon Fri"))
    assert said in schedule_summary(schedule, utc(now), History())
