"""Issue 9's safety items, one table each, at engine level (fakes at the ports only).

1 emergencies, 2 clinician holds, 3 the readiness gate, 4 today's run after a stop,
5 persistent pain -> referral, 6 the start-up screen, 7 self-test safety.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from core.model import History, Profile, SelfTest, Session, SessionStatus
from core.schedule import ReminderKind
from tests.engine.script import Chat, schedule_questions, texts
from tests.engine.test_flows import (
    World,
    active_or_last,
    do_session,
    finish_exercises,
    make_world,
    onboarded,
    start_session,
)

RUN_EASY = "Keep today's run easy, or skip it if it still hurts."
RUN_NOT = "Please don't run until you've been checked."
CHEST = "Chest pain, breathless or faint"


def first_line(replies) -> str:
    """The first line of the first message that isn't an edit of the pressed one."""
    return next(r.text for r in replies if not r.edit and not r.notice).split("\n", 1)[0]


async def onboarded_in(zone: str, levels: tuple[int, ...] = (), profile: Profile = Profile.PAIN_FREE):
    world, chat = await onboarded(levels, profile)
    world.save(schedule=replace(world.snapshot.runner.schedule, timezone=zone))
    return world, chat


# ---- 1. emergencies ----------------------------------------------------------------------

EMERGENCIES = [
    pytest.param("Europe/London", (CHEST,), "Call 999 or 112 now.", id="chest-pain-london"),
    pytest.param("Europe/Helsinki", (CHEST,), "Call 112 now.", id="chest-pain-helsinki"),
    pytest.param("America/New_York", (CHEST,), "Call 911 now.", id="chest-pain-new-york"),
    pytest.param("Australia/Sydney", (CHEST,), "Call 000 now.", id="chest-pain-sydney"),
    pytest.param("Pacific/Auckland", (CHEST,), "Call 111 now.", id="chest-pain-auckland"),
    pytest.param("Asia/Tokyo", (CHEST,), "Call 119 now.", id="chest-pain-tokyo"),
    pytest.param("UTC+05:00", (CHEST,), "Call your local emergency number (112, 911 or 999) now.",
                 id="chest-pain-unknown-zone"),
    pytest.param("Europe/London", ("One calf swollen, warm or red", "Yes"), "Call 999 or 112 now.",
                 id="swollen-calf-and-breathless"),
    pytest.param("America/Chicago", ("Severe pain, tight swollen shin",),
                 "Go to an emergency department now, or call 911.", id="compartment-syndrome-go-now"),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("zone", "presses", "says_first"), EMERGENCIES)
async def test_an_emergency_stops_at_once_and_says_whom_to_call_first(zone: str, presses: tuple[str, ...],
                                                                     says_first: str) -> None:
    world, chat = await onboarded_in(zone)
    await start_session(chat)
    await finish_exercises(chat, ("1",))
    await chat.press("Something's wrong")
    said = []
    for label in presses:
        said.append(await chat.press(label))
    assert first_line(said[-1]) == says_first
    everything = "\n".join(texts(r) for r in said)
    assert "how much pain" not in everything  # no pain score first
    assert "run" not in everything.replace("Your programme", "")  # nothing about running, just the call
    session = active_or_last(world)
    assert session.status is SessionStatus.STOPPED and [r.pain for r in session.results] == [1]
    assert world.snapshot.runner.clinician_hold is not None
    assert world.snapshot.history.current_hold is not None
    world.later(days=1)
    await chat.press("I've been checked")
    later = texts(await chat.press("Not yet"))  # a day on, "call now" would be the wrong advice
    assert "Please see a doctor about what happened before you train again." in later and " now." not in later


@pytest.mark.asyncio
@pytest.mark.parametrize("line", ["/session", "/start", "/resume", "/selftest"])
async def test_the_swollen_calf_question_comes_before_anything_else(line: str) -> None:
    world, chat = await onboarded()
    await start_session(chat)
    await chat.press("Something's wrong")
    await chat.press("One calf swollen, warm or red")
    asked = texts(await chat.send(line))
    assert "short of breath" in asked and "Before we start" not in asked
    assert first_line(await chat.press("Yes")) == "Call 999 or 112 now."


@pytest.mark.asyncio
async def test_a_swollen_calf_without_breathlessness_is_same_day_not_an_emergency() -> None:
    world, chat = await onboarded()
    await start_session(chat)
    await chat.press("Something's wrong")
    asked = texts(await chat.press("One calf swollen, warm or red"))
    assert "short of breath" in asked
    replies = await chat.press("No")
    assert first_line(replies).startswith("Please get seen today")
    assert "call 999 or 112 at once" in texts(replies) and RUN_NOT in texts(replies)
    assert world.snapshot.runner.clinician_hold == "clot"


# ---- 2. clinician holds ------------------------------------------------------------------


async def hold_by_exercise_pain(world: World, chat: Chat) -> None:
    await start_session(chat)
    await finish_exercises(chat, ("0",))
    await chat.press("Done")
    await chat.press("Just right")
    await chat.press("7")  # the squat


async def hold_by_readiness(world: World, chat: Chat) -> None:
    await start_session(chat, "7")


async def hold_by_red_flag(world: World, chat: Chat) -> None:
    await start_session(chat)
    await chat.press("Something's wrong")
    await chat.press("Sore spot on a bone")


async def hold_by_morning(world: World, chat: Chat) -> None:
    await do_session(chat, pain="1")
    await world.deliver_due(chat, datetime(2026, 12, 1, 8, 5, tzinfo=UTC))
    await chat.press("7")


ALL = (0, 1, 2, 3, 4)
HOLDS = [
    pytest.param(hold_by_exercise_pain, (1,), (3, 1, 3, 3, 3), id="squat-7-holds-the-squat"),
    pytest.param(hold_by_readiness, ALL, (1, 1, 1, 1, 1), id="readiness-7-holds-all"),
    pytest.param(hold_by_red_flag, ALL, (1, 1, 1, 1, 1), id="red-flag-holds-all"),
    pytest.param(hold_by_morning, ALL, (1, 1, 1, 1, 1), id="morning-7-holds-all"),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("start_hold", "affected", "levels_after"), HOLDS)
async def test_a_hold_lifts_only_from_the_next_day_after_a_clinician_check(
        start_hold, affected: tuple[int, ...], levels_after: tuple[int, ...]) -> None:
    world, chat = await onboarded(levels=(3,) * 5)
    await start_hold(world, chat)
    hold = world.snapshot.history.current_hold
    assert hold is not None and hold.exercises == affected and world.snapshot.runner.clinician_hold
    tomorrow = "Tue 1 Dec" if hold.started_at.date() == date(2026, 11, 30) else "Wed 2 Dec"

    held_levels = world.snapshot.runner.levels
    for tap in (lambda: chat.press("I've been checked"), lambda: chat.send("/resume")):
        refused = texts(await tap())  # the same minute, and /resume, go the same way
        assert f"I can take that from {tomorrow}" in refused and "Did a doctor" not in refused
        assert world.snapshot.runner.clinician_hold and world.snapshot.runner.levels == held_levels

    world.later(days=2)
    assert "Did a doctor or physio check you" in texts(await chat.send("/resume"))
    kept = texts(await chat.press("Not yet"))
    assert "the pause stays" in kept and "Your programme is paused" in kept
    assert world.snapshot.runner.clinician_hold

    await chat.press("I've been checked")
    cleared = texts(await chat.press("Yes, a clinician checked me"))
    assert "Thanks for getting checked" in cleared
    runner = world.snapshot.runner
    assert runner.clinician_hold is None and runner.levels == levels_after
    restarts = [c for c in world.snapshot.history.level_changes if c.cause == "hold"]
    assert sorted(c.exercise for c in restarts) == list(affected)
    assert all(c.to_level == 1 and "clinician check" in c.reason for c in restarts)
    assert "Before we start" in texts(await chat.send("/session"))


@pytest.mark.asyncio
@pytest.mark.parametrize(("days_apart", "asks_for_review"), [(10, True), (28, True), (29, False)],
                         ids=["10-days-apart", "28-days-apart", "29-days-apart"])
async def test_a_second_hold_within_four_weeks_asks_for_a_programme_review(days_apart: int,
                                                                          asks_for_review: bool) -> None:
    world, chat = await onboarded()
    await hold_by_readiness(world, chat)
    world.later(days=1)
    await chat.press("I've been checked")
    await chat.press("Yes, a clinician checked me")
    world.later(days=days_apart - 1)
    await hold_by_readiness(world, chat)
    world.later(days=1)
    await chat.press("I've been checked")
    asked = texts(await chat.press("Yes, a clinician checked me"))
    assert ("look at the programme itself" in asked) is asks_for_review
    if asks_for_review:
        assert world.snapshot.runner.clinician_hold
        assert "the pause stays" in texts(await chat.press("Not yet"))
        await chat.press("I've been checked")
        await chat.press("Yes, a clinician checked me")
        assert "Thanks for getting checked" in texts(await chat.press("Yes, they reviewed it"))
    assert world.snapshot.runner.clinician_hold is None
    assert [h.cleared_at is not None for h in world.snapshot.history.holds] == [True, True]


@pytest.mark.asyncio
async def test_resume_in_the_set_up_goes_to_the_clearance_and_screen_holds_need_no_programme_review() -> None:
    world = make_world()
    chat = world.chat()
    await chat.send("/start")
    await chat.press("Let's start")
    await chat.press("Sore spot on a bone")
    await chat.press("Done")
    assert "I can take that from Tue 1 Dec" in texts(await chat.send("/resume"))
    world.later(days=1)
    assert "Did a doctor or physio check you" in texts(await chat.send("/resume"))
    assert "Safety check 2/3" in texts(await chat.press("Yes, a clinician checked me"))
    await chat.press("Groin pain when running")
    await chat.press("Done")
    world.later(days=1)
    await chat.send("/resume")
    resumed = texts(await chat.press("Yes, a clinician checked me"))  # a second hold, but no training yet
    assert "look at the programme itself" not in resumed and "Safety check 3/3" in resumed


# ---- 3. the readiness gate holds for the day ------------------------------------------------


async def again_by_command(world: World, chat: Chat):
    return await chat.send("/session")


async def again_from_the_nudge(world: World, chat: Chat):
    return await chat.press_payload(world.nudge[0].payload)  # the nudge's "Start now", pressed again


@pytest.mark.asyncio
@pytest.mark.parametrize("again", [again_by_command, again_from_the_nudge], ids=["session", "nudge-start-now"])
@pytest.mark.parametrize(("profile", "score"), [(Profile.PAIN_FREE, "4"), (Profile.PAIN_FREE, "6"),
                                                (Profile.REHAB, "6")],
                         ids=["pain-free-4", "pain-free-6", "rehab-6"])
async def test_not_ready_means_no_session_that_day(profile: Profile, score: str, again) -> None:
    world, chat = await onboarded(profile=profile)
    await world.deliver_due(chat, datetime(2026, 11, 30, 6, 40, tzinfo=UTC))
    world.nudge = chat.keyboard
    await chat.press("Start now")
    refusal = texts(await chat.press(score))
    assert "skip strength work today" in refusal and "mobility" in refusal
    sessions = len(world.snapshot.history.sessions)

    replies = await again(world, chat)
    assert "no strength session today" in texts(replies)
    assert len(world.snapshot.history.sessions) == sessions  # nothing new started
    assert "ankle circles" in texts(await chat.press("Show the mobility drill"))
    assert (await chat.press_payload(world.nudge[1].payload))[0].notice  # no snoozing it back either

    world.later(days=1)
    assert "Before we start" in texts(await chat.send("/session"))


# ---- 4. what a stop means for today's run ---------------------------------------------------

RUN_LINES = [
    pytest.param(Profile.PAIN_FREE, ("Done", "Just right", "4"), RUN_EASY, id="pain-free-4-red"),
    pytest.param(Profile.PAIN_FREE, ("Done", "Just right", "6"), RUN_EASY, id="pain-free-6-red"),
    pytest.param(Profile.REHAB, ("Done", "Just right", "6"), RUN_EASY, id="rehab-6-red"),
    pytest.param(Profile.PAIN_FREE, ("Done", "Just right", "7"), RUN_NOT, id="pain-7-stop"),
    pytest.param(Profile.REHAB, ("Done", "Just right", "9"), RUN_NOT, id="rehab-9-stop"),
    pytest.param(Profile.PAIN_FREE, ("Something's wrong", "Sore spot on a bone"), RUN_NOT, id="red-flag-bone"),
    pytest.param(Profile.PAIN_FREE, ("Something's wrong", "Ankle/foot injury, can't walk"), RUN_NOT,
                 id="red-flag-ankle"),
    pytest.param(Profile.PAIN_FREE, ("Done", "Just right", "3"), None, id="pain-free-3-amber-says-nothing"),
    pytest.param(Profile.REHAB, ("Done", "Just right", "5"), None, id="rehab-5-amber-says-nothing"),
    pytest.param(Profile.PAIN_FREE, ("Something's wrong", CHEST), None, id="emergency-says-only-the-call"),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("profile", "presses", "line"), RUN_LINES)
async def test_a_stop_for_pain_says_what_it_means_for_todays_run(profile: Profile, presses: tuple[str, ...],
                                                                 line: str | None) -> None:
    world, chat = await onboarded(profile=profile)
    await start_session(chat)
    said = ""
    for label in presses:
        said = texts(await chat.press(label))
    if line is None:
        assert RUN_EASY not in said and RUN_NOT not in said
    else:
        assert said.count(line) == 1
        assert (RUN_EASY if line == RUN_NOT else RUN_NOT) not in said


# ---- 5. persistent pain: a one-time suggestion to see a physio or GP -----------------------

REVIEW = "please book a physio or GP review"


@pytest.mark.asyncio
@pytest.mark.parametrize(("squat_pains", "shown_after"), [
    (("3", "3", "3"), 3),
    (("3", "0", "3", "3"), 4),
    (("4", "3", "5"), 3),
    (("3", "0", "0", "3", "0"), None),
    (("0", "3", "0", "3"), None),
], ids=["amber-3-of-3", "amber-3-of-4", "red-and-amber-count", "2-of-4-is-not-persistent", "alternating"])
async def test_pain_in_3_of_the_last_4_sessions_suggests_a_review_once(squat_pains: tuple[str, ...],
                                                                       shown_after: int | None) -> None:
    world, chat = await onboarded()
    shown = []
    for number, pain in enumerate(squat_pains, 1):
        await start_session(chat)
        said = await finish_exercises(chat, ("0", pain, "0", "0", "0"))
        if REVIEW in said:
            shown.append(number)
        await world.deliver_due(chat, world.clock.now() + timedelta(days=2))  # mornings, Sunday's summary
    assert shown == ([shown_after] if shown_after else [])
    weekly = await world.deliver_due(chat, world.clock.now() + timedelta(days=7))
    assert ReminderKind.WEEKLY in weekly
    summaries = [r.text for r in chat.transcript if r.text.startswith("Your week")]
    assert any(REVIEW in s for s in summaries) == (shown_after is not None)


# ---- 6. the start-up screen ----------------------------------------------------------------

SCREEN_ITEMS = [
    pytest.param("Under 18", "clearance", "under 18", id="under-18"),
    pytest.param("Pregnant, or a baby", "clearance", "no long holds lying on your back", id="pregnant"),
    pytest.param("Surgery in the last 6 months", "clearance", "recent surgery", id="surgery"),
    pytest.param("Chest pain, fainting or dizziness", "hold", "Please see a doctor before you start.",
                 id="exertional-chest-pain"),
    pytest.param("High blood pressure", "clearance", "blood pressure", id="blood-pressure-or-heart"),
    pytest.param("A past stress fracture", "clearance", "stress fracture", id="stress-fracture"),
    pytest.param("Groin pain when running", "hold", "Please stop running and see a clinician promptly.",
                 id="groin-pain"),
    pytest.param("Missed periods", "clearance", "RED-S", id="red-s"),
]


async def to_health_screen(chat: Chat) -> None:
    await chat.send("/start")
    await chat.press("Let's start")
    assert "Safety check 2/3" in texts(await chat.press("None of these"))


@pytest.mark.asyncio
@pytest.mark.parametrize(("label", "route", "says"), SCREEN_ITEMS)
async def test_each_health_item_routes_to_a_hold_or_a_clearance_with_its_reason(label: str, route: str,
                                                                               says: str) -> None:
    world = make_world()
    chat = world.chat()
    await to_health_screen(chat)
    await chat.press(label)
    said = texts(await chat.press("Done"))
    if route == "hold":
        assert says in said and "Your programme is paused" in said
        assert "Your programme is paused" in texts(await chat.send("/start"))
        assert world.snapshot.runner.clinician_hold is not None and not world.snapshot.runner.onboarded
        return
    assert "Safety check 3/3" in said
    cleared = texts(await chat.press("No"))
    assert "check with a health provider" in cleared and says in cleared
    assert world.snapshot.runner.screen_flags and world.snapshot.runner.clinician_hold is None
    assert "Which days" in texts(await chat.press("I've been cleared"))


@pytest.mark.asyncio
async def test_nothing_to_report_takes_four_taps_and_the_injury_question_means_any_ever() -> None:
    world = make_world()
    chat = world.chat()
    await chat.send("/start")
    presses = 0
    for label in ("Let's start", "None of these", "None of these"):
        said = texts(await chat.press(label))
        presses += 1
    for words in ("ever", "or do you have any now", "feet", "ankles", "legs", "knees", "hips", "lower back"):
        assert words in said
    assert "past year" not in said
    assert "Which days" in texts(await chat.press("No"))
    assert presses + 1 == 4 and world.snapshot.runner.screen_flags == frozenset()


@pytest.mark.asyncio
async def test_several_items_give_one_clearance_with_every_reason() -> None:
    world = make_world()
    chat = world.chat()
    await to_health_screen(chat)
    for label in ("Surgery in the last 6 months", "A past stress fracture", "Missed periods"):
        await chat.press(label)
    await chat.press("Done")
    said = texts(await chat.press("Yes"))  # and an injury
    for reason in ("recent surgery", "stress fracture", "RED-S", "now or in the past"):
        assert reason in said
    assert world.snapshot.runner.screen_flags == frozenset({"surgery", "fracture", "reds"})


@pytest.mark.asyncio
@pytest.mark.parametrize(("label", "exercise", "after"), [("Under 18", 0, 2), ("Under 18", 4, 2),
                                                          ("Pregnant, or a baby", 4, 2), ("Pregnant, or a baby", 0, 3)],
                         ids=["under-18-calf-stays-at-2", "under-18-bridge-stays-at-2", "pregnant-bridge-stays-at-2",
                              "pregnant-calf-moves-up"])
async def test_under_18_and_pregnancy_change_how_far_levels_go(label: str, exercise: int, after: int) -> None:
    world = make_world()
    chat = world.chat()
    await to_health_screen(chat)
    await chat.press(label)
    await chat.press("Done")
    await chat.press("No")
    await chat.press("I've been cleared")
    await schedule_questions(chat)
    world.save(levels=(2,) * 5)
    for _ in range(2):  # two easy sessions, each settled the next morning
        await do_session(chat, pain="0")
        await world.deliver_due(chat, world.clock.now().replace(hour=9) + timedelta(days=1))
        await chat.press("0")
        world.later(days=3)
    assert world.snapshot.runner.levels[exercise] == after


# ---- 7. self-test safety -----------------------------------------------------------------


def with_an_old_session(world: World, days_ago: int) -> None:
    """A counting session `days_ago` days back, so a retest would be "due" by the clock alone."""
    start = world.clock.now() - timedelta(days=days_ago)
    old = Session(number=1, started_at=start, local_date=start.date(), status=SessionStatus.COMPLETED,
                  readiness=0, ended_at=start, results=())
    stored = world.snapshot
    world.store.rows[stored.runner.key] = replace(stored, history=History(sessions=(old,)))


@pytest.mark.asyncio
async def test_the_self_test_is_not_offered_at_the_end_of_a_session() -> None:
    world, chat = await onboarded()
    with_an_old_session(world, 40)
    said = await do_session(chat)
    assert "Session done" in said and "/selftest" not in said


@pytest.mark.asyncio
@pytest.mark.parametrize(("train_on_sunday", "tested_days_ago", "offered"), [
    (False, None, True), (True, None, False), (False, 20, False), (False, 29, True)],
    ids=["rest-day-offers", "session-day-does-not", "tested-20-days-ago-does-not", "tested-29-days-ago-offers"])
async def test_the_weekly_summary_offers_the_self_test_only_on_a_rest_day_a_month_on(
        train_on_sunday: bool, tested_days_ago: int | None, offered: bool) -> None:
    world, chat = await onboarded()
    with_an_old_session(world, 40)
    if tested_days_ago is not None:
        stored = world.snapshot
        test = SelfTest(number=1, taken_at=world.clock.now() - timedelta(days=tested_days_ago), left=20, right=20)
        world.store.rows[stored.runner.key] = replace(stored, history=replace(stored.history, self_tests=(test,)))
    world.clock.set(datetime(2026, 12, 6, 6, 0, tzinfo=UTC))  # Sunday
    if train_on_sunday:
        await do_session(chat)
    await world.deliver_due(chat, datetime(2026, 12, 6, 19, 5, tzinfo=UTC))
    summary = next(r.text for r in reversed(chat.transcript) if r.text.startswith("Your week"))
    assert ("/selftest" in summary) is offered


@pytest.mark.asyncio
async def test_asked_for_soon_after_a_test_or_after_a_session_it_says_so_and_goes_ahead() -> None:
    world, chat = await onboarded()
    for reps in ("20", "22"):
        await chat.send("/selftest")
        await chat.press("Ready")
        await chat.send(reps)
        await chat.send(reps)
        await chat.press("0")
        await chat.press("Skip")  # the norms: men's or women's
        await chat.press("Skip")  # the age group
        world.later(days=3)
    await do_session(chat)
    intro = texts(await chat.send("/selftest"))
    assert "Your last test was on Thu 3 Dec, 3 days ago" in intro
    assert "You've had a session today" in intro and "Ready, left leg first" in [b.label for b in chat.keyboard]


@pytest.mark.asyncio
@pytest.mark.parametrize(("pain", "scored"), [("5", True), ("6", False), ("7", False)],
                         ids=["pain-5-scored", "pain-6-not-scored", "pain-7-not-scored-and-held"])
async def test_a_test_that_hurt_6_or_more_is_not_scored_against_the_norms(pain: str, scored: bool) -> None:
    world, chat = await onboarded()
    await chat.send("/selftest")
    await chat.press("Ready")
    await chat.send("20")
    await chat.send("26")
    said = texts(await chat.press(pain))
    if scored:
        said = texts(await chat.press("Skip")) + texts(await chat.press("Skip"))
    assert ("median" in said) is scored
    assert ("not compared with the norms" in said) is not scored
    test = world.snapshot.history.self_tests[-1]
    assert (test.left, test.right, test.pain) == (20, 26, int(pain))  # kept as a pain report
    assert (world.snapshot.runner.clinician_hold == "pain") is (pain == "7")
    if pain != "5":
        assert RUN_EASY in said or RUN_NOT in said
