"""Issue 9's dialogue bugs, one table each, at engine level (fakes at the ports only).

Runner Ann runs Mon, Wed, Fri and Sat at 07:00 London (UTC in winter), strength on Mon
and Fri, nudged at 06:40; the clock starts on Monday 30 Nov 2026 at 06:00.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from core.model import SessionStatus
from core.schedule import ReminderKind
from tests.engine.script import Chat, screen_clear, texts
from tests.engine.test_flows import (
    World,
    active_or_last,
    do_session,
    finish_exercises,
    make_world,
    onboarded,
    start_session,
)

MON_0640 = datetime(2026, 11, 30, 6, 40, tzinfo=UTC)
# Asked before a session and the next morning, in the same words.
PAIN_QUESTION = "any pain or stiffness in your feet, ankles, calves, knees or hips right now?"


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in December 2026 (day 0 is Monday 30 Nov)."""
    return datetime(2026, 11, 30, hour, minute, tzinfo=UTC) + timedelta(days=day)


# ---- an unfinished session never silences the coach -----------------------------------------


async def next_by_session(world: World, chat: Chat) -> str:
    return texts(await chat.send("/session"))


async def next_by_yesterdays_button(world: World, chat: Chat) -> str:
    return texts(await chat.press("Done"))  # still on screen from yesterday's exercise


async def next_by_typing(world: World, chat: Chat) -> str:
    return texts(await chat.send("hello"))


@pytest.mark.asyncio
@pytest.mark.parametrize("next_event", [next_by_session, next_by_yesterdays_button, next_by_typing],
                         ids=["session-command", "yesterdays-button", "typed-text"])
async def test_a_session_left_open_closes_as_partial_when_its_day_is_over(next_event) -> None:
    world, chat = await onboarded()
    await start_session(chat)
    await finish_exercises(chat, ("1", "0"))  # two done, then the runner wanders off
    world.clock.set(utc(1, 9))
    said = await next_event(world, chat)
    assert "Your session from Mon 30 Nov was left unfinished, so I've closed it; what you did counts." in said
    closed = world.snapshot.history.sessions[0]
    assert closed.status is SessionStatus.PARTIAL and [r.pain for r in closed.results] == [1, 0]
    if next_event is next_by_session:
        assert "Before we start" in said and world.snapshot.history.active_session.local_date == date(2026, 12, 1)
    else:
        assert world.snapshot.history.active_session is None
        assert "Before we start" in texts(await chat.send("/session"))


@pytest.mark.asyncio
async def test_a_session_left_open_does_not_silence_the_next_strength_days_nudge() -> None:
    world, chat = await onboarded()
    await start_session(chat)
    await finish_exercises(chat, ("1",))
    kinds = await world.deliver_due(chat, utc(4, 6, 45))  # through Friday's nudge
    assert ReminderKind.SESSION in kinds and "Ready?" in chat.last_text
    assert world.snapshot.history.sessions[0].status is SessionStatus.PARTIAL
    assert "Before we start" in texts(await chat.press("Start now"))


# ---- "not ready" cancels the day's nudge ----------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("snoozed_first", [False, True], ids=["before-the-nudge", "after-a-snooze"])
async def test_not_ready_cancels_that_days_pending_nudge(snoozed_first: bool) -> None:
    world, chat = await onboarded()
    if snoozed_first:
        await world.deliver_due(chat, MON_0640)
        await chat.press("Snooze 10 min")
        world.later(minutes=2)
    await start_session(chat, "5")
    assert world.snapshot.runner.snoozed_until is None
    assert await world.deliver_due(chat, utc(0, 7, 30)) == []
    assert ReminderKind.SESSION in await world.deliver_due(chat, utc(4, 6, 45))  # Friday's still comes


# ---- a nudge whose lead crosses midnight ------------------------------------------------------


async def late_runner() -> tuple[World, Chat]:
    """Ann runs Tuesdays at 00:10 with a 30-minute lead: nudged Monday 23:40."""
    world, chat = await onboarded()
    schedule = world.snapshot.runner.schedule
    world.save(schedule=replace(schedule, run_days=frozenset({1}), strength_days=frozenset({1}),
                                run_time=time(0, 10), lead_minutes=30))
    assert await world.deliver_due(chat, utc(0, 23, 45)) == [ReminderKind.SESSION]
    assert "Run at 00:10 on Tue 1 Dec" in chat.last_text
    return world, chat


@pytest.mark.asyncio
@pytest.mark.parametrize(("label", "says"), [("Start now", "Before we start"), ("Snooze 10 min", "Snoozed"),
                                             ("Skip today", "enjoy your run")],
                         ids=["start-now", "snooze", "skip"])
async def test_a_nudge_before_midnight_carries_the_runs_date_and_its_buttons_work(label: str, says: str) -> None:
    world, chat = await late_runner()
    replies = await chat.press(label)
    assert not replies[0].notice and says in texts(replies)
    if label == "Start now":
        assert world.snapshot.history.active_session.local_date == date(2026, 12, 1)
    if label == "Skip today":
        assert world.snapshot.history.sessions[-1].local_date == date(2026, 12, 1)
    if label == "Snooze 10 min":
        assert await world.deliver_due(chat, utc(0, 23, 56)) == [ReminderKind.SNOOZE]
        assert "Before we start" in texts(await chat.press("Start now"))
        assert world.snapshot.history.active_session.local_date == date(2026, 12, 1)


# ---- "Remind me later" on the clearance step ---------------------------------------------------


@pytest.mark.asyncio
async def test_remind_me_later_says_when_and_really_reminds_three_days_later() -> None:
    world = make_world()
    chat = world.chat()
    await screen_clear(chat)
    await chat.press("Yes")
    assert "I'll remind you on Thu 3 Dec" in texts(await chat.press("Remind me later"))
    assert await world.deliver_due(chat, utc(2, 23)) == []
    assert await world.deliver_due(chat, utc(3, 7)) == [ReminderKind.CLEARANCE]
    assert any("A reminder, as promised" in r.text for r in chat.transcript[-2:])
    assert "diagnose a tendinopathy" in texts(await chat.press("I've been cleared"))
    assert await world.deliver_due(chat, utc(9, 7)) == []  # once


# ---- in-session words and the summary agree ------------------------------------------------------

AGREEMENT = [
    pytest.param(2, ("Too hard", "0"), "next time it's one level easier", "Calf hold: level 2 → 1 — it was too hard today",
                 id="too-hard-pain-0-at-level-2"),
    pytest.param(1, ("Too hard", "0"), "already the gentlest version",
                 "Calf hold: staying at level 1 — it was too hard today; this is already the gentlest version",
                 id="too-hard-pain-0-at-level-1"),
    pytest.param(2, ("Done", "Just right", "4"), "next time it's one level easier", "Calf hold: level 2 → 1 — pain 4/10 today",
                 id="red-at-level-2"),
    pytest.param(1, ("Done", "Just right", "5"), "already the gentlest version",
                 "Calf hold: staying at level 1 — pain 5/10 today; this is already the gentlest version",
                 id="red-at-level-1"),
    pytest.param(7, ("Done", "Just right", "0"), "top level", "Calf hold: staying at level 7 — top level, nicely done",
                 id="easy-at-the-top"),
    pytest.param(2, ("Done", "Just right", "0"), "That counts toward moving up", "Easy today: Calf hold, Squat",
                 id="easy-counts"),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("level", "presses", "in_session", "summary"), AGREEMENT)
async def test_what_is_said_after_an_exercise_agrees_with_the_summary(level: int, presses: tuple[str, ...],
                                                                     in_session: str, summary: str) -> None:
    world, chat = await onboarded(levels=(level, 2, 2, 2, 2))
    await start_session(chat)
    for label in presses[:-1]:
        await chat.press(label)
    said = texts(await chat.press(presses[-1]))
    assert in_session in said
    promises = {"counts toward moving up": "counts toward moving up" in said,
                "one level easier": "one level easier" in said}
    done = await finish_exercises(chat, ("0",) * 4, first=1)
    assert summary in done
    if promises["counts toward moving up"]:
        assert "Calf hold" in done.split("Easy today:")[1]
    else:
        assert "Easy today: Squat" in done  # the calf is not among the easy ones
    if promises["one level easier"]:
        assert world.snapshot.runner.levels[0] == level - 1
    else:
        assert world.snapshot.runner.levels[0] == level


# ---- "one more easy session to move up" is true ----------------------------------------------


async def easy_session_and_morning(world: World, chat: Chat, day: int) -> str:
    world.clock.set(utc(day, 6))
    await do_session(chat, pain="0")
    await world.deliver_due(chat, utc(day + 1, 8, 5))
    return texts(await chat.press("0"))


@pytest.mark.asyncio
async def test_the_hint_names_the_one_step_a_week_limit_and_keeps_its_promise() -> None:
    world, chat = await onboarded()
    assert "one more easy session to move up" in await easy_session_and_morning(world, chat, 0)
    assert "All five: level 1 → 2" in await easy_session_and_morning(world, chat, 2)  # Wed 2 Dec
    hint = await easy_session_and_morning(world, chat, 4)  # Fri 4 Dec, one easy session at level 2
    assert "one more easy session to move up (one step a week, so not before Thu 10 Dec)" in hint
    held = await easy_session_and_morning(world, chat, 7)  # Mon 7: its morning check is Tue 8
    assert "one step a week: you can move up from Thu 10 Dec" in held
    assert world.snapshot.runner.levels == (2,) * 5
    assert "All five: level 2 → 3" in await easy_session_and_morning(world, chat, 9)  # morning: Thu 10


# ---- the weekly summary -----------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("delivered", [utc(6, 19, 0), utc(7, 8, 0)], ids=["on-time", "a-day-late"])
async def test_the_weekly_summary_reports_its_own_week_every_change_and_the_count_once(delivered: datetime) -> None:
    world, chat = await onboarded(levels=(2,) * 5)
    await easy_session_and_morning(world, chat, 0)
    world.clock.set(utc(2, 6))
    await start_session(chat)
    await chat.press("Done")
    await chat.press("Just right")
    await chat.press("5")  # the calf: red, one level down
    await finish_exercises(chat, ("0",) * 4, first=1)
    await world.deliver_due(chat, utc(3, 8, 5))
    await chat.press("0")
    world.clock.set(delivered)  # as the dispatcher does: Sunday's summary, sent when it can be
    summary = texts(await world.coach.due(chat.user.key, ReminderKind.WEEKLY, date(2026, 12, 6)))
    assert summary.startswith("Your week, Mon 30 Nov to Sun 6 Dec: 2/2 strength sessions")
    assert summary.count("/2 strength sessions") == 1 and "This week" not in summary
    assert "A new week starts tomorrow" not in summary  # only when short of the target
    assert "Calf hold: level 2 → 1 — pain 5/10 today" in summary
    assert "Squat, Split squat, SL deadlift, Bridge: level 2 → 3 — two easy sessions in a row" in summary


@pytest.mark.asyncio
async def test_a_week_short_of_its_target_ends_with_the_next_session_and_no_catching_up() -> None:
    world, chat = await onboarded()
    await easy_session_and_morning(world, chat, 0)  # one of two
    world.clock.set(utc(6, 19, 0))
    summary = texts(await world.coach.due(chat.user.key, ReminderKind.WEEKLY, date(2026, 12, 6)))
    assert summary.startswith("Your week, Mon 30 Nov to Sun 6 Dec: 1/2 strength sessions\n")
    assert ("A new week starts tomorrow: your next session is Mon 7 Dec. No need to make up missed ones; "
            "it's the steady weeks that count.") in summary
    world.save(paused_until=date(2026, 12, 13))  # paused into next week: no session to point to
    summary = texts(await world.coach.due(chat.user.key, ReminderKind.WEEKLY, date(2026, 12, 6)))
    assert summary.startswith("Your week") and "A new week starts tomorrow" not in summary


# ---- the next-morning check --------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(("first_week", "calf_pain", "morning", "head", "eases"), [
    (True, "0", "1", "Settled overnight ✓", False),
    (False, "0", "1", "so no step up this time.", False),
    (False, "3", "2", "so we ease off:", True),
    (True, "0", "2", "so no step up this time.", False),
], ids=["first-week-1-is-soreness", "later-1-holds-without-easing", "later-amber-eases", "first-week-2-holds"])
async def test_the_morning_check_compares_like_with_like(first_week: bool, calf_pain: str, morning: str,
                                                       head: str, eases: bool) -> None:
    world, chat = await onboarded(levels=(2,) * 5)
    if not first_week:
        await easy_session_and_morning(world, chat, 0)
        world.clock.set(utc(11, 6))
    asked = texts(await chat.send("/session"))
    assert PAIN_QUESTION in asked
    await chat.press("0")
    await chat.press("Done")
    await chat.press("Just right")
    await chat.press(calf_pain)
    await finish_exercises(chat, ("0",) * 4, first=1)
    await world.deliver_due(chat, world.clock.now().replace(hour=8, minute=5) + timedelta(days=1))
    assert PAIN_QUESTION in chat.last_text  # the same words as before the session
    said = texts(await chat.press(morning))
    assert head in said
    assert ("ease off" in said) is eases
    assert (world.snapshot.runner.levels[0] == 1) is eases


# ---- a one-run-day runner -----------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_one_run_day_runner_gets_two_strength_days_one_on_a_non_run_day() -> None:
    world = make_world()
    chat = world.chat()
    await screen_clear(chat)
    await chat.press("No")
    await chat.press("Sat")
    said = texts(await chat.press("Done"))
    assert "With one run day a week, I'll plan two strength sessions" in said
    await chat.send("7:00")
    await chat.send("Europe/London")
    finish = texts(await chat.press("20 min"))
    assert "Strength days: Tue and Sat: Sat is your run day; Tue is a non-run day" in finish
    assert world.snapshot.runner.schedule.strength_days == frozenset({1, 5})
    await world.deliver_due(chat, utc(1, 6, 45))  # Tuesday's nudge
    assert "Strength day: time for your" in chat.last_text and "Run at" not in chat.last_text


# ---- the injury-history profile can progress -------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("skip_one", [False, True], ids=["all-done", "one-skipped"])
async def test_with_an_injury_history_one_skipped_exercise_does_not_block_the_others(skip_one: bool) -> None:
    world, chat = await onboarded()
    world.save(injury_history=True)
    for day in (0, 4):
        world.clock.set(utc(day, 6))
        await start_session(chat)
        await chat.press("Done")
        await chat.press("Just right")
        await chat.press("0")
        await chat.press("Skip" if skip_one else "Done")  # the squat
        if not skip_one:
            await chat.press("Just right")
            await chat.press("0")
        await finish_exercises(chat, ("0",) * 3, first=2)
        await world.deliver_due(chat, utc(day + 1, 8, 5))
        said = texts(await chat.press("0"))
    levels = world.snapshot.runner.levels
    assert levels[0] == 2 and levels[2:] == (2, 2, 2) and "level 1 → 2" in said
    assert levels[1] == (1 if skip_one else 2)


# ---- typed answers -------------------------------------------------------------------------------


async def at_readiness(world: World, chat: Chat) -> None:
    assert "Before we start" in texts(await chat.send("/session"))


async def at_exercise(world: World, chat: Chat) -> None:
    await start_session(chat)


async def at_pain(world: World, chat: Chat) -> None:
    await start_session(chat)
    await chat.press("Done")
    await chat.press("Just right")


async def at_zone(world: World, chat: Chat) -> None:
    await chat.send("/settings")
    await chat.press("Time zone")


async def at_morning(world: World, chat: Chat) -> None:
    await do_session(chat)
    await world.deliver_due(chat, utc(1, 8, 5))


TYPED = [
    pytest.param(at_readiness, "0", "Good to go", id="readiness-0"),
    pytest.param(at_readiness, "3/10", "Good to go", id="readiness-3-of-10"),
    pytest.param(at_readiness, "5", "skip strength work today", id="readiness-5"),
    pytest.param(at_exercise, "done", "how hard was that", id="exercise-done"),
    pytest.param(at_exercise, "Done ✓", "how hard was that", id="exercise-done-tick"),
    pytest.param(at_exercise, "skip", "2/5 Heels-up squat", id="exercise-skip"),
    pytest.param(at_pain, "2", "Nice and easy", id="pain-2"),
    pytest.param(at_pain, "3 / 10", "We'll hold this level", id="pain-3-of-10"),
    pytest.param(at_zone, "paris", "Time zone set: Europe/Paris ✓", id="city-paris"),
    pytest.param(at_zone, "new york", "Time zone set: America/New_York ✓", id="city-new-york"),
    pytest.param(at_zone, "helsinki", "Time zone set: Europe/Helsinki ✓", id="city-helsinki"),
    pytest.param(at_zone, "UTC+2", "won't follow daylight saving", id="fixed-offset-warns"),
    pytest.param(at_morning, "1", "This morning: 1/10", id="morning-check-typed"),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("setup", "typed", "answer"), TYPED)
async def test_typed_answers_work_where_a_person_would_type_them(setup, typed: str, answer: str) -> None:
    world, chat = await onboarded()
    await setup(world, chat)
    said = texts(await chat.send(typed))
    assert answer in said and "Please tap one of the buttons" not in said
    if setup is at_readiness:
        assert active_or_last(world).readiness == int(typed.split("/")[0])
    if setup is at_zone and typed != "UTC+2":
        assert "daylight saving" not in said


# ---- repeated lines are merged ---------------------------------------------------------------------


@pytest.mark.asyncio
async def test_the_same_change_for_all_five_is_one_line() -> None:
    world, chat = await onboarded(levels=(3,) * 5)
    await do_session(chat, pain="1")
    world.later(days=19)
    opened = texts(await chat.send("/session"))
    assert "All five: level 3 → 2 — 19 days since your last session, so easing back in" in opened
    assert opened.count("level 3 → 2") == 1


# ---- cues: in full the first time at a level, then on request --------------------------------------


@pytest.mark.asyncio
async def test_full_cues_come_the_first_time_at_a_level_and_how_shows_them_again() -> None:
    world, chat = await onboarded()
    first = texts(await chat.send("/session")) + texts(await chat.press("0"))
    assert "Both hands rest on the wall or counter" in first and "4 × 20 s hold; 20 s rest between sets" in first
    await finish_exercises(chat, ("0",) * 5)
    world.later(days=2)
    await chat.send("/session")
    again = texts(await chat.press("0"))
    assert "Both hands rest on the wall" not in again and "Tap “How?” to see the cues again." in again
    shown = texts(await chat.press("How?"))
    assert "Both hands rest on the wall or counter" in shown and "1/5 Isometric calf-raise hold" in shown
    assert "how hard was that" in texts(await chat.press("Done"))
    assert "how much pain" in texts(await chat.press("Just right"))  # the buttons shown before still work
