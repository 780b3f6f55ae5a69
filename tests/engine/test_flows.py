"""Every flow of the dialogue end to end at engine level, asserting on each reply.

The coach runs on fakes at its ports only (MemoryStore, ManualClock, TinyCharts); a
`Chat` presses buttons by label like a person. Where a test needs a runner further
along (levels above 1, the rehab profile), it saves that snapshot into the store,
as the database would hold it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.clock import ManualClock
from core.engine import Coach
from core.model import Outcome, Profile, SessionStatus, Snapshot, UserRef
from core.payloads import Signer
from core.programme import EXERCISES, SNOOZE_MINUTES
from core.redflags import RED_FLAGS, SCREENED
from core.reminders import due_reminders
from core.schedule import ReminderKind
from core.turn import Services
from tests.engine.fakes import PNG_SIGNATURE, MemoryStore, TinyCharts
from tests.engine.script import Chat, deliver_due, onboard, schedule_questions, screen_clear, texts

START = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # a Monday; London keeps UTC in winter
ANN = UserRef(platform="terminal", external_id="ann", chat_id="ann", display_name="Ann")
BOB = UserRef(platform="terminal", external_id="bob", chat_id="bob", display_name="Bob")


# ---- the world every test runs in -----------------------------------------------------


@dataclass
class World:
    store: MemoryStore
    clock: ManualClock
    signer: Signer
    coach: Coach

    def chat(self, user: UserRef = ANN) -> Chat:
        return Chat(self.coach, user)

    @property
    def snapshot(self) -> Snapshot:
        return self.store.rows[ANN.key]

    def save(self, **runner: object) -> None:
        """Store Ann as if she had got here by herself (levels, profile...)."""
        stored = self.snapshot
        self.store.rows[ANN.key] = replace(stored, runner=replace(stored.runner, **runner))

    def later(self, **span: float) -> None:
        self.clock.set(self.clock.now() + timedelta(**span))

    async def deliver_due(self, chat: Chat, until: datetime) -> list[ReminderKind]:
        """Move the clock to `until`, delivering reminders on the way, as the dispatcher does."""
        return await deliver_due(self.coach, self.clock, chat, until)


def make_world() -> World:
    store, clock, signer = MemoryStore(), ManualClock(START), Signer(b"flows-test-secret")
    return World(store, clock, signer, Coach(store, clock, Services(signer=signer, charts=TinyCharts())))


async def onboarded(levels: tuple[int, ...] = (), profile: Profile = Profile.PAIN_FREE) -> tuple[World, Chat]:
    world = make_world()
    chat = world.chat()
    await onboard(chat)
    if levels or profile is not Profile.PAIN_FREE:
        world.save(levels=levels or world.snapshot.runner.levels, profile=profile)
    return world, chat


async def start_session(chat: Chat, readiness: str = "0") -> str:
    assert "Before we start" in texts(await chat.send("/session"))
    return texts(await chat.press(readiness))


async def finish_exercises(chat: Chat, pains: tuple[str, ...], first: int = 0) -> str:
    """Done ✓ then a pain score for each remaining exercise; the last replies' text."""
    said = ""
    for offset, pain in enumerate(pains):
        assert f"{first + offset + 1}/{len(EXERCISES)}" in chat.last_text
        await chat.press("Done")
        await chat.press("Just right")
        said = texts(await chat.press(pain))
    return said


async def do_session(chat: Chat, pain: str = "1", readiness: str = "0") -> str:
    assert "Good to go" in await start_session(chat, readiness)
    return await finish_exercises(chat, (pain,) * len(EXERCISES))


def active_or_last(world: World):
    return world.snapshot.history.sessions[-1]


# ---- safety screening ------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("flag", SCREENED, ids=[f.key for f in SCREENED])
async def test_a_red_flag_in_screening_holds_until_checked_the_next_day_then_resumes_at_the_next_question(
        flag) -> None:
    world = make_world()
    chat = world.chat()
    await chat.send("/start")
    assert "Safety check 1/3" in texts(await chat.press("Let's start"))
    await chat.press(flag.label)
    stopped = texts(await chat.press("Done"))
    if flag.key == "clot":  # one follow-up decides between today and an emergency
        assert "short of breath" in stopped
        stopped = texts(await chat.press("No"))
    assert flag.advice_for(None).split("\n")[0] in stopped and "Your programme is paused" in stopped
    assert world.snapshot.runner.clinician_hold == flag.key
    assert not world.snapshot.runner.onboarded

    refused = texts(await chat.send("/session"))
    assert "Your programme is paused" in refused and "set up" not in refused
    assert world.snapshot.history.sessions == ()
    assert "I can take that from Tue 1 Dec" in texts(await chat.press("I've been checked"))
    assert world.snapshot.runner.clinician_hold == flag.key

    world.later(days=1)
    assert "Did a doctor or physio check you" in texts(await chat.press("I've been checked"))
    resumed = texts(await chat.press("Yes, a clinician checked me"))
    assert "Thanks for getting checked" in resumed and "Safety check 2/3" in resumed
    assert world.snapshot.runner.clinician_hold is None
    assert world.snapshot.history.holds[-1].cleared_at == world.clock.now()


@pytest.mark.asyncio
async def test_blood_pressure_asks_for_clearance_and_keeps_that_advice_when_asked_again() -> None:
    world = make_world()
    chat = world.chat()
    await chat.send("/start")
    await chat.press("Let's start")
    await chat.press("None of these")
    await chat.press("High blood pressure")
    assert "Safety check 3/3" in texts(await chat.press("Done"))
    first = texts(await chat.press("No"))
    assert "check with a health provider" in first and "holds in this programme" in first
    again = texts(await chat.send("/start"))
    assert "carry on where we left off" in again and "holds in this programme" in again
    assert "Which days" in texts(await chat.press("I've been cleared"))
    assert world.snapshot.runner.screen_flags == frozenset({"heart"})


@pytest.mark.asyncio
@pytest.mark.parametrize(("answer", "profile", "pain_4_says"), [
    ("Yes", Profile.REHAB, "Noted. We'll hold this level"),
    ("No", Profile.PAIN_FREE, "over today's limit"),
], ids=["rehab-4-is-amber", "pain-free-4-is-red"])
async def test_injury_history_remind_me_later_then_cleared_sets_the_pain_limits(
        answer: str, profile: Profile, pain_4_says: str) -> None:
    world = make_world()
    chat = world.chat()
    await screen_clear(chat)
    asked = texts(await chat.press("Yes"))  # an injury or pain, ever or now
    assert "check with a health provider" in asked and "now or in the past" in asked
    assert world.snapshot.runner.injury_history

    assert "I'll remind you on Thu 3 Dec" in texts(await chat.press("Remind me later"))
    world.later(days=3)
    assert "carry on where we left off" in texts(await chat.send("/start"))
    assert "diagnose a tendinopathy" in texts(await chat.press("I've been cleared"))

    chosen = texts(await chat.press(answer))
    assert "You'll stay on level 1" in chosen and "Which days do you usually run?" in chosen
    assert ("up to 5/10" in chosen) == (profile is Profile.REHAB)
    assert world.snapshot.runner.profile is profile

    await schedule_questions(chat)
    await start_session(chat)
    await chat.press("Done")
    await chat.press("Just right")
    assert pain_4_says in texts(await chat.press("4"))
    assert active_or_last(world).results[0].pain == 4


# ---- readiness and pain during a session -------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(("profile", "score", "says", "status", "hold"), [
    (Profile.PAIN_FREE, "3", "Good to go", SessionStatus.ACTIVE, None),
    (Profile.PAIN_FREE, "4", "let's skip strength work today", SessionStatus.NOT_READY, None),
    (Profile.PAIN_FREE, "6", "let's skip strength work today", SessionStatus.NOT_READY, None),
    (Profile.PAIN_FREE, "7", "before you've even started", SessionStatus.NOT_READY, "pain"),
    (Profile.REHAB, "5", "Good to go", SessionStatus.ACTIVE, None),
    (Profile.REHAB, "6", "let's skip strength work today", SessionStatus.NOT_READY, None),
    (Profile.REHAB, "7", "before you've even started", SessionStatus.NOT_READY, "pain"),
], ids=["pain-free-3-go", "pain-free-4-not-today", "pain-free-6-not-today", "pain-free-7-hold",
        "rehab-5-go", "rehab-6-not-today", "rehab-7-hold"])
async def test_readiness_decides_whether_there_is_a_session_today(
        profile: Profile, score: str, says: str, status: SessionStatus, hold: str | None) -> None:
    world, chat = await onboarded(profile=profile)
    reply = await start_session(chat, score)
    assert says in reply
    session = active_or_last(world)
    assert session.status is status and session.readiness == int(score)
    assert world.snapshot.runner.clinician_hold == hold
    if hold:
        assert "Your programme is paused" in reply
        assert "Your programme is paused" in texts(await chat.send("/session"))


@pytest.mark.asyncio
@pytest.mark.parametrize(("profile", "pain", "says", "next_exercise"), [
    (Profile.PAIN_FREE, "2", "Nice and easy", True),
    (Profile.PAIN_FREE, "3", "We'll hold this level", True),
    (Profile.PAIN_FREE, "4", "over today's limit", True),
    (Profile.PAIN_FREE, "6", "over today's limit", True),
    (Profile.PAIN_FREE, "7", "we stop the session and pause the programme", False),
    (Profile.REHAB, "5", "We'll hold this level", True),
    (Profile.REHAB, "6", "over today's limit", True),
    (Profile.REHAB, "10", "we stop the session and pause the programme", False),
], ids=["pain-free-2-green", "pain-free-3-amber", "pain-free-4-red", "pain-free-6-red", "pain-free-7-stop",
        "rehab-5-amber", "rehab-6-red", "rehab-10-stop"])
async def test_pain_after_an_exercise(profile: Profile, pain: str, says: str, next_exercise: bool) -> None:
    world, chat = await onboarded(profile=profile)
    await start_session(chat)
    await chat.press("Done")
    await chat.press("Just right")
    reply = texts(await chat.press(pain))
    assert says in reply
    session = active_or_last(world)
    assert session.results[0].pain == int(pain)
    if next_exercise:
        assert "2/5" in reply and session.status is SessionStatus.ACTIVE
        assert world.snapshot.runner.clinician_hold is None
    else:
        assert "Your programme is paused" in reply
        assert session.status is SessionStatus.STOPPED and session.results[0].outcome is Outcome.STOPPED
        assert world.snapshot.runner.clinician_hold == "pain"
        assert "Your programme is paused" in texts(await chat.send("/session"))


@pytest.mark.asyncio
@pytest.mark.parametrize(("level", "first", "line", "levels_after"), [
    (2, ("Done", "Just right", "4"), "Calf hold: level 2 → 1 — pain 4/10 today", (1, 2, 2, 2, 2)),
    (1, ("Done", "Just right", "4"), "Calf hold: staying at level 1 — pain 4/10 today; this is already the gentlest version",
     (1, 1, 1, 1, 1)),
    (2, ("Too hard", "1"), "Calf hold: level 2 → 1 — it was too hard today", (1, 2, 2, 2, 2)),
    (2, ("Done", "Just right", "3"), "Calf hold: staying at level 2 — pain 3/10, try a smaller range", (2, 2, 2, 2, 2)),
], ids=["red-pain-level-2-drops", "red-pain-level-1-stays", "too-hard-drops", "amber-holds"])
async def test_the_session_end_lowers_a_level_after_red_pain_or_too_hard(
        level: int, first: tuple[str, ...], line: str, levels_after: tuple[int, ...]) -> None:
    world, chat = await onboarded(levels=(level,) * len(EXERCISES))
    await start_session(chat)
    assert f"1/5 Isometric calf-raise hold, level {level}" in chat.last_text
    for label in first:
        await chat.press(label)
    done = await finish_exercises(chat, ("0",) * 4, first=1)
    assert "Session done!" in done and line in done
    assert world.snapshot.runner.levels == levels_after
    assert active_or_last(world).status is SessionStatus.COMPLETED


@pytest.mark.asyncio
@pytest.mark.parametrize("flag", RED_FLAGS, ids=[f.key for f in RED_FLAGS])
async def test_somethings_wrong_with_a_red_flag_stops_the_session_and_holds(flag) -> None:
    world, chat = await onboarded()
    await start_session(chat)
    await finish_exercises(chat, ("1",))
    assert "What's going on?" in texts(await chat.press("Something's wrong"))
    stopped = texts(await chat.press(flag.label))
    if flag.key == "clot":
        stopped = texts(await chat.press("No"))
    assert flag.advice_for("Europe/London") in stopped and "Your programme is paused" in stopped
    session = active_or_last(world)
    assert session.status is SessionStatus.STOPPED
    assert [r.pain for r in session.results] == [1]  # what was done stays recorded
    assert world.snapshot.runner.clinician_hold == flag.key
    assert "Your programme is paused" in texts(await chat.send("/session"))
    world.later(days=1)
    await chat.press("I've been checked")
    assert "Let's carry on gently" in texts(await chat.press("Yes, a clinician checked me"))
    assert world.snapshot.runner.clinician_hold is None


@pytest.mark.asyncio
async def test_somethings_wrong_back_and_pain_only_keep_the_session_going() -> None:
    world, chat = await onboarded()
    await start_session(chat)
    await chat.press("Something's wrong")
    assert "1/5" in texts(await chat.press("Back to the session"))
    await chat.press("Something's wrong")
    assert "how much pain did you feel" in texts(await chat.press("Pain, but none of these"))
    assert "2/5" in texts(await chat.press("2"))
    assert active_or_last(world).results[0].outcome is Outcome.STOPPED
    assert active_or_last(world).status is SessionStatus.ACTIVE


# ---- settings, pause and resume ----------------------------------------------------------

Step = tuple[str, str]  # ("press", label) or ("send", text)


@pytest.mark.asyncio
@pytest.mark.parametrize(("steps", "confirmation", "shown"), [
    ((("press", "Run time"), ("send", "6:45")), "Saved ✓", "at 06:45 (Europe/London)"),
    ((("press", "Run time"), ("press", "17:30")), "Saved ✓", "at 17:30 (Europe/London)"),
    ((("press", "Time zone"), ("send", "America/Denver")), "Time zone set: America/Denver ✓",
     "at 07:00 (America/Denver)"),
    ((("press", "Time zone"), ("send", "utc+5:30")), "Time zone set: UTC+05:30 ✓", "(UTC+05:30)"),
    ((("press", "Run days"), ("press", "✓ Sat"), ("press", "Tue"), ("press", "Done")), "Saved ✓",
     "You run on Mon, Tue, Wed and Fri"),
    ((("press", "Run days"), ("press", "✓ Mon"), ("press", "✓ Wed"), ("press", "✓ Fri"), ("press", "✓ Sat"),
      ("press", "Sun"), ("press", "Done")), "Saved ✓", "You run on Sun at"),
    ((("press", "Sessions a week"), ("press", "3 a week")), "Saved ✓", "Strength days: Mon, Wed and Fri"),
    ((("press", "Reminder lead"), ("press", "No reminders")), "Saved ✓", "Reminders are off"),
    ((("press", "Reminder lead"), ("press", "45 min")), "Saved ✓", "remind you 45 min before your run"),
    ((("press", "Morning check time"), ("press", "07:00")), "Saved ✓", "Morning check: 07:00."),
    ((("press", "Morning check time"), ("send", "9:30")), "Saved ✓", "Morning check: 09:30."),
    ((("press", "Off-day run notes"),), "Off-day notes off", "Off-day notes: off."),
    ((("press", "Pain limits"), ("press", "Rehab")), "Rehab limits", "Pain limits: rehab (up to 5/10)."),
], ids=["run-time-typed", "run-time-pressed", "zone-typed", "zone-offset-typed", "run-days-toggled",
        "run-days-all-unticked-then-one", "three-a-week", "no-reminders", "lead-45", "morning-pressed",
        "morning-typed", "offday-notes-off", "rehab-limits"])
async def test_each_setting_is_saved_and_shown_in_the_next_settings(
        steps: tuple[Step, ...], confirmation: str, shown: str) -> None:
    world, chat = await onboarded()
    menu = texts(await chat.send("/settings"))
    assert "What would you like to change?" in menu and shown not in menu
    said = []
    for kind, what in steps:
        said.append(texts(await (chat.press(what) if kind == "press" else chat.send(what))))
    assert confirmation in "\n".join(said)
    assert "What would you like to change?" in said[-1]  # back at the menu
    assert "Settings saved." in texts(await chat.press("Done"))
    assert shown in texts(await chat.send("/settings"))


@pytest.mark.asyncio
async def test_saved_settings_reach_the_stored_schedule() -> None:
    world, chat = await onboarded()
    await chat.send("/settings")
    await chat.press("Run time")
    await chat.send("6:45")
    await chat.press("Reminder lead")
    await chat.press("No reminders")
    await chat.press("Morning check time")
    await chat.send("9:30")
    await chat.press("Off-day run notes")
    schedule = world.snapshot.runner.schedule
    assert schedule.run_time == time(6, 45) and schedule.lead_minutes is None
    assert schedule.morning_time == time(9, 30) and not schedule.offday_notes
    assert schedule.run_days == frozenset({0, 2, 4, 5}) and schedule.timezone == "Europe/London"


@pytest.mark.asyncio
@pytest.mark.parametrize(("reason", "length", "until", "said"), [
    ("Travel", "1 week", date(2026, 12, 6), "Paused until Mon 7 Dec"),  # the last day paused; back Monday
    ("Travel", "2 weeks", date(2026, 12, 13), "Paused until Mon 14 Dec"),
    ("Illness", "4 weeks", date(2026, 12, 27), "Paused until Mon 28 Dec"),
    ("Injury", "Until I resume", date.max, "Paused until you send /resume"),
], ids=["one-week", "two-weeks", "four-weeks", "open"])
async def test_pause_then_resume(reason: str, length: str, until: date, said: str) -> None:
    world, chat = await onboarded()
    assert "What's the reason?" in texts(await chat.send("/pause"))
    asked = texts(await chat.press(reason))
    assert "For how long?" in asked
    assert ("physio or GP" in asked) == (reason == "Injury")
    assert said in texts(await chat.press(length))
    runner = world.snapshot.runner
    assert runner.paused_until == until and runner.pause_reason == reason.lower()
    now = world.clock.now()
    assert due_reminders(runner, world.snapshot.history, now, now + timedelta(days=6)) == ()
    if runner.back_from_pause is not None:  # the day they're back is a Monday, so its nudge comes
        back = due_reminders(runner, world.snapshot.history, now, now + timedelta(days=29))[0]
        assert (back.kind, back.local_date) == (ReminderKind.SESSION, until + timedelta(days=1))
    assert f"You're on a break {said.removeprefix('Paused ')}." in texts(await chat.send("/session"))
    assert world.snapshot.history.sessions == ()

    assert "Welcome back! Reminders are on again" in texts(await chat.send("/resume"))
    runner = world.snapshot.runner
    assert runner.paused_until is None and runner.pause_reason is None
    assert due_reminders(runner, world.snapshot.history, now, now + timedelta(days=6)) != ()
    assert "Before we start" in texts(await chat.send("/session"))


@pytest.mark.asyncio
async def test_pause_by_typed_date_and_resume_when_not_paused() -> None:
    world, chat = await onboarded()
    assert "You're not paused" in texts(await chat.send("/resume"))
    await chat.send("/pause")
    await chat.press("Something else")
    assert "Paused until Thu 24 Dec" in texts(await chat.send("2026-12-24"))  # the day they'll be back
    assert world.snapshot.runner.paused_until == date(2026, 12, 23)


@pytest.mark.asyncio
async def test_pausing_mid_session_stops_the_session_and_keeps_its_scores() -> None:
    world, chat = await onboarded()
    await start_session(chat)
    await finish_exercises(chat, ("2",))
    await chat.send("/pause")
    await chat.press("Travel")
    await chat.press("1 week")
    session = active_or_last(world)
    assert session.status is SessionStatus.STOPPED and [r.pain for r in session.results] == [2]


# ---- self-test, export, delete ---------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(("sex", "age", "lines"), [
    ("Men's", "30s", ("Left leg: 20 rises, under the median of 24 for men",
                      "Right leg: 26 rises, at or above the median of 24 for men",
                      "men in their 30s at about 32–33")),
    ("Women's", "Skip", ("Left leg: 20 rises, under the median of 21 for women",
                         "Right leg: 26 rises, at or above the median of 21 for women")),
    ("Skip", "Skip", ("the study's medians were 24 for men and 21 for women",)),
], ids=["men-30s", "women-no-age", "no-sex"])
async def test_selftest_compares_with_the_median_and_the_other_side(
        sex: str, age: str, lines: tuple[str, ...]) -> None:
    world, chat = await onboarded()
    assert "The heel-raise test" in texts(await chat.send("/selftest"))
    assert "LEFT leg" in texts(await chat.press("Ready"))
    assert "Left leg: 20 ✓" in texts(await chat.send("20")) and "RIGHT leg" in chat.last_text
    assert "Did the test hurt?" in texts(await chat.send("26 reps"))
    assert "study norms" in texts(await chat.press("0"))
    assert "age group" in texts(await chat.press(sex))
    result = texts(await chat.press(age))
    assert "Test saved ✓" in result
    for line in lines:
        assert line in result
    assert "Your left side did about 23% fewer rises than the other" in result
    test = world.snapshot.history.self_tests[-1]
    assert (test.left, test.right, test.pain) == (20, 26, 0)
    assert world.snapshot.runner.sex == {"Men's": "m", "Women's": "f", "Skip": None}[sex]


@pytest.mark.asyncio
async def test_a_zero_is_checked_for_a_typo_and_then_a_leg_that_cannot_rise_goes_to_a_clinician() -> None:
    world, chat = await onboarded()
    await chat.send("/selftest")
    await chat.press("Ready")
    assert "Left leg: 20 ✓" in texts(await chat.send("20"))
    asked = texts(await chat.send("0"))
    assert "0 on your right leg: not a single rise onto tiptoe on it?" in asked
    assert "RIGHT leg" in texts(await chat.press("No, let me retype"))  # a typo: asked again, the left kept
    await chat.send("0")
    assert "start suddenly" in texts(await chat.press("Yes, not one"))
    stopped = texts(await chat.press("No"))
    assert stopped.startswith("✓ No\nPlease see a physio or GP in the next few days")
    assert "Please don't run until you've been checked." in stopped and "paused until a clinician" in stopped
    assert chat.button("I've been checked")
    runner, history = world.snapshot.runner, world.snapshot.history
    assert runner.clinician_hold == "no_heel_rise" and history.current_hold is not None
    assert history.self_tests == ()  # not scored against the norms: it is a reason to see someone
    assert "paused until a clinician" in texts(await chat.send("/session"))
    world.later(days=1)
    assert "Did a doctor or physio check you" in texts(await chat.send("/resume"))
    assert "the pause stays. Please see a physio or GP in the next few days" in texts(await chat.press("Not yet"))


@pytest.mark.asyncio
async def test_a_leg_that_cannot_rise_after_a_sudden_pop_is_a_same_day_visit() -> None:
    world, chat = await onboarded()
    await chat.send("/selftest")
    await chat.press("Ready")
    await chat.send("0")
    await chat.press("Yes, not one")
    stopped = texts(await chat.press("Yes"))
    assert "Please get it seen today, at an emergency department or urgent care." in stopped
    assert world.snapshot.runner.clinician_hold == "rupture"


@pytest.mark.asyncio
async def test_a_second_selftest_skips_the_norm_questions_and_compares_with_the_first() -> None:
    world, chat = await onboarded()
    for left, right in ((20, 26), (28, 27)):
        await chat.send("/selftest")
        await chat.press("Ready")
        await chat.send(str(left))
        await chat.send(str(right))
        result = texts(await chat.press("1"))
        if left == 20:
            await chat.press("Women's")
            result = texts(await chat.press("40s"))
    assert "Since your last test, left: 20 → 28: 8 more" in result
    assert "Since your last test, right: 26 → 27" in result
    assert len(world.snapshot.history.self_tests) == 2


@pytest.mark.asyncio
async def test_export_holds_every_recorded_score() -> None:
    world, chat = await onboarded()
    await start_session(chat, "1")
    await finish_exercises(chat, ("0", "1", "2", "3", "1"))
    await world.deliver_due(chat, datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    assert "Settled overnight" in texts(await chat.press("1"))
    await chat.send("/selftest")
    await chat.press("Ready")
    await chat.send("22")
    await chat.send("25")
    await chat.press("2")
    await chat.press("Skip")
    await chat.press("Skip")

    reply = (await chat.send("/export"))[0]
    assert reply.attachment is not None and reply.attachment.filename.endswith(".json")
    document = json.loads(reply.attachment.data)
    session = document["sessions"][0]
    assert session["readiness_pain"] == 1
    assert [e["pain"] for e in session["exercises"]] == [0, 1, 2, 3, 1]
    assert session["next_morning"]["score"] == 1
    assert [(t["left"], t["right"], t["pain"]) for t in document["self_tests"]] == [(22, 25, 2)]
    assert document["runner"]["id"] == ANN.key and document["schedule"]["timezone"] == "Europe/London"


@pytest.mark.asyncio
async def test_progress_shows_levels_and_a_chart() -> None:
    world, chat = await onboarded()
    assert "No sessions yet" in texts(await chat.send("/progress"))
    await do_session(chat, pain="2")
    reply = (await chat.send("/progress"))[0]
    assert "Calf hold: level 1/5 (last pain 2/10)" in reply.text and "Sessions so far: 1" in reply.text
    assert reply.picture is not None and reply.picture.data.startswith(PNG_SIGNATURE)


@pytest.mark.asyncio
async def test_delete_cancel_keeps_everything_and_confirm_erases_it() -> None:
    world, chat = await onboarded()
    await do_session(chat)
    kept = world.snapshot
    assert "can't be undone" in texts(await chat.send("/delete"))
    assert "Nothing was deleted" in texts(await chat.press("Cancel"))
    assert world.snapshot.runner == kept.runner and world.snapshot.history == kept.history

    old_button = chat.keyboard[0].payload
    await chat.send("/delete")
    assert "everything is erased" in texts(await chat.press("Yes, delete everything"))
    assert world.store.rows == {}
    # An old button pressed afterwards is refused and brings nothing back.
    assert (await chat.press_payload(old_button))[0].notice
    assert world.store.rows == {}
    assert "Hi! I'm Tiptoe" in texts(await chat.send("/start"))
    assert world.snapshot.history.sessions == () and world.snapshot.runner.levels == (1,) * len(EXERCISES)


@pytest.mark.asyncio
async def test_delete_cancelled_mid_session_goes_back_to_the_same_exercise() -> None:
    world, chat = await onboarded()
    await start_session(chat)
    await chat.send("/delete")
    replies = texts(await chat.press("Cancel"))
    assert "Nothing was deleted" in replies and "1/5 Isometric calf-raise hold" in replies
    assert "how hard was that" in texts(await chat.press("Done"))
    assert "how much pain" in texts(await chat.press("Just right"))


@pytest.mark.asyncio
async def test_a_button_kept_from_a_deleted_conversation_never_matches_the_new_one() -> None:
    world = make_world()
    chat = world.chat()
    await chat.send("/start")
    kept = chat.button("Let's start")  # the old conversation's first step
    await chat.send("/delete")
    await chat.press("Yes, delete everything")
    await chat.send("/start")  # a new conversation, at its own first step
    before = world.snapshot
    assert (await chat.press_payload(kept.payload))[0].notice
    assert world.snapshot == before and world.snapshot.dialogue.state == "welcome"


# ---- reminders and their buttons -------------------------------------------------------


@pytest.mark.parametrize(("minutes_after_nudge", "snoozes"), [(9, True), (10, False), (11, False)],
                         ids=["run-11-min-away", "run-10-min-away", "run-9-min-away"])
@pytest.mark.asyncio
async def test_no_snooze_that_would_end_after_the_run_started(minutes_after_nudge: int, snoozes: bool) -> None:
    world, chat = await onboarded()  # runs at 07:00 London, nudged at 06:40
    await world.deliver_due(chat, datetime(2026, 11, 30, 6, 40, tzinfo=UTC))
    world.later(minutes=minutes_after_nudge)
    before = world.snapshot
    replies = await chat.press(f"Snooze {SNOOZE_MINUTES} min")
    if snoozes:
        assert world.snapshot.runner.snoozed_until is not None
    else:
        assert replies[0].notice and "Too close to your run" in replies[0].text
        assert world.snapshot == before


@pytest.mark.asyncio
@pytest.mark.parametrize(("minute", "next_session"), [
    (6 * 60, "Mon 30 Nov"),
    (6 * 60 + 45, "today, before your 07:00 run (too late for its reminder: start whenever you're ready)"),
    (8 * 60, "Fri 4 Dec"),
], ids=["before-the-reminder", "between-the-reminder-and-the-run", "after-the-run"])
async def test_the_set_up_names_todays_session_only_while_its_run_is_ahead(minute: int, next_session: str) -> None:
    world = make_world()
    # Monday, a strength day: the run is at 07:00, its reminder 20 min before
    world.clock.set(START.replace(hour=minute // 60, minute=minute % 60))
    chat = world.chat()
    await onboard(chat)
    assert f"Next session: {next_session}." in chat.last_text
    assert f"Next session: {next_session}." in texts(await chat.send("/settings"))


@pytest.mark.asyncio
async def test_after_todays_session_the_settings_name_the_next_strength_day() -> None:
    world, chat = await onboarded()  # Monday 06:00; the run is at 07:00
    assert "Next session: Mon 30 Nov." in texts(await chat.send("/settings"))
    await chat.press("Done")
    await do_session(chat)
    assert "Next session: Fri 4 Dec." in texts(await chat.send("/settings"))


@pytest.mark.asyncio
async def test_left_off_asks_the_waiting_question_again_with_live_buttons_and_stores_nothing() -> None:
    world = make_world()
    chat = world.chat()
    assert await world.coach.left_off(ANN) == ()  # nobody yet
    await screen_clear(chat)  # at the injury question
    before = world.snapshot
    (again,) = await world.coach.left_off(ANN)
    assert "injury or pain" in again.text and world.snapshot == before
    no = next(button for row in again.buttons for button in row if button.label == "No")
    assert "Which days do you usually run?" in texts(await chat.press_payload(no.payload))
    await schedule_questions(chat)
    assert "All set!" in texts(await world.coach.left_off(ANN))  # the set-up's last step waits for a tap
    await chat.press("Wait for the reminder")
    assert await world.coach.left_off(ANN) == ()  # idle: nothing waits


@pytest.mark.asyncio
async def test_snooze_brings_the_nudge_back_and_skip_records_the_day_once() -> None:
    world, chat = await onboarded()
    assert await world.deliver_due(chat, datetime(2026, 11, 30, 6, 45, tzinfo=UTC)) == [ReminderKind.SESSION]
    assert "Ready?" in chat.last_text
    nudge = chat.keyboard

    snoozed = await chat.press(f"Snooze {SNOOZE_MINUTES} min")
    assert [r.edit for r in snoozed] == [True] and f"Snoozed for {SNOOZE_MINUTES} min" in snoozed[0].text
    runner = world.snapshot.runner
    now = world.clock.now()
    assert runner.snoozed_until == now + timedelta(minutes=SNOOZE_MINUTES)
    history = world.snapshot.history
    assert due_reminders(runner, history, now, now + timedelta(minutes=SNOOZE_MINUTES - 1)) == ()
    back = due_reminders(runner, history, now, now + timedelta(minutes=SNOOZE_MINUTES))
    assert [r.due_at for r in back] == [now + timedelta(minutes=SNOOZE_MINUTES)]
    assert (await chat.press_payload(nudge[1].payload))[0].text == "Already snoozed ✓"

    await world.deliver_due(chat, now + timedelta(minutes=SNOOZE_MINUTES + 1))
    assert "Ready?" in chat.last_text and world.snapshot.runner.snoozed_until is None
    skipped = texts(await chat.press("Skip today"))
    assert "No problem, enjoy your run. Next session: Fri 4 Dec." in skipped
    assert "Next session: Fri 4 Dec." in texts(await chat.send("/settings"))  # not today's, skipped
    await chat.press("Done")
    session = world.snapshot.history.sessions[-1]
    assert session.status is SessionStatus.SKIPPED and session.local_date == date(2026, 11, 30)

    before = world.snapshot
    again = await chat.press_payload(nudge[2].payload)  # Skip on the first nudge of the day
    assert [r.text for r in again] == ["Already skipped ✓"] and again[0].notice
    assert world.snapshot == before


@pytest.mark.asyncio
async def test_the_morning_check_after_two_easy_sessions_moves_up_a_level() -> None:
    world, chat = await onboarded()
    await do_session(chat, pain="1")  # Monday 06:00, before the 06:40 nudge (which then says nothing)
    assert await world.deliver_due(chat, datetime(2026, 12, 1, 9, 0, tzinfo=UTC)) == [
        ReminderKind.SESSION, ReminderKind.MORNING]
    assert "Good morning! After yesterday" in chat.last_text
    first = texts(await chat.press("0"))
    assert "Settled overnight ✓" in first
    # The same hold for all five is said once.
    assert "All five: staying at level 1 — one more easy session" in first
    await world.deliver_due(chat, datetime(2026, 12, 4, 6, 45, tzinfo=UTC))
    assert "Before we start" in texts(await chat.press("Start now"))
    await chat.press("0")
    await finish_exercises(chat, ("0",) * len(EXERCISES))
    await world.deliver_due(chat, datetime(2026, 12, 5, 9, 0, tzinfo=UTC))
    second = texts(await chat.press("0"))
    assert "All five: level 1 → 2 — two easy sessions in a row" in second
    assert world.snapshot.runner.levels == (2,) * len(EXERCISES)


@pytest.mark.asyncio
@pytest.mark.parametrize(("days", "levels_after", "line"), [
    (13, (3, 3, 3, 3, 3), None),
    (14, (2, 2, 2, 2, 2), "All five: level 3 → 2 — 14 days since your last session, so easing back in"),
    (15, (2, 2, 2, 2, 2), "All five: level 3 → 2 — 15 days since your last session, so easing back in"),
    (27, (2, 2, 2, 2, 2), "All five: level 3 → 2 — 27 days since your last session"),
    (28, (1, 1, 1, 1, 1), "All five: level 3 → 1 — 28 days since your last session"),
], ids=["13-days-same", "14-days-one-down", "15-days-one-down", "27-days-one-down", "28-days-two-down"])
async def test_a_long_gap_starts_the_next_session_easier(
        days: int, levels_after: tuple[int, ...], line: str | None) -> None:
    world, chat = await onboarded(levels=(3,) * len(EXERCISES))
    await do_session(chat, pain="1")  # green but no morning check: levels stay at 3
    assert world.snapshot.runner.levels == (3,) * len(EXERCISES)
    world.later(days=days)
    opened = texts(await chat.send("/session"))
    assert "Before we start" in opened
    if line is None:
        assert "Welcome back" not in opened
    else:
        assert "Welcome back! After a break we ease in a little" in opened and line in opened
        assert all(c.cause == "gap" for c in world.snapshot.history.level_changes)
    assert world.snapshot.runner.levels == levels_after
    await chat.press("0")
    assert f"level {levels_after[0]}" in chat.last_text
