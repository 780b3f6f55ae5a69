"""The live timer at engine level: TimerDue events walk an exercise set by set.

The coach runs on fakes at its ports (MemoryStore, ManualClock); `due` plays the
dispatcher: it delivers the dialogue's `timer_due_at` as a TimerDue once the clock is there.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from core.replies import Reply
from tests.engine.script import Chat, texts
from tests.engine.test_flows import ANN, World, onboarded, start_session

pytestmark = pytest.mark.asyncio


async def at_first_exercise() -> tuple[World, Chat]:
    world, chat = await onboarded()
    assert "1/5 Isometric calf-raise hold" in await start_session(chat)
    return world, chat


async def due(world: World, chat: Chat, seconds: float) -> list[Reply]:
    """Move the clock on by `seconds`, delivering every timer that falls due on the way."""
    until = world.clock.now() + timedelta(seconds=seconds)
    said: list[Reply] = []
    while (at := world.snapshot.dialogue.timer_due_at) is not None and at <= until:
        world.clock.set(max(at, world.clock.now()))
        replies = await world.coach.timer_due(ANN.key, at)
        chat.take(replies)
        said.extend(replies)
    world.clock.set(until)
    return said


async def shown_as(world: World, message_id: str = "m1") -> None:
    """What an adapter does once it posted the timer message: tell the coach its id."""
    await world.coach.timer_posted(ANN.key, world.snapshot.dialogue.get("walk"), message_id)


async def test_a_hold_counts_down_rests_and_ends_in_the_pain_question() -> None:
    world, chat = await at_first_exercise()
    started = await chat.press("Start sets")
    timer = next(r for r in started if r.timer)
    assert "Set 1 of 4 · hold 20 s" in timer.text and "⏱ 20 s left" in timer.text and not timer.replaces
    assert [b.label for b in timer.all_buttons] == ["Pause ⏸", "Stop"]
    await shown_as(world)
    first_hold = await due(world, chat, 20)
    assert [r.text.splitlines()[2] for r in first_hold] == [
        "⏱ 15 s left", "⏱ 10 s left", "⏱ 5 s left", "⏱ 3 s left", "⏱ 20 s left"]
    assert all(r.replaces == "m1" for r in first_hold)
    assert [r.transient for r in first_hold] == [True] * 4 + [False]  # the step change is never thinned
    assert "Rest 20 s" in first_hold[-1].text and "Skip rest" in [b.label for b in first_hold[-1].all_buttons]
    rest_of_it = await due(world, chat, 20 + 3 * 40)
    assert "✓ All 4 sets done" in rest_of_it[-2].text and rest_of_it[-2].replaces == "m1"
    assert "how hard was that" in rest_of_it[-1].text
    assert world.snapshot.dialogue.timer_due_at is None


async def test_a_stale_or_repeated_timer_changes_nothing() -> None:
    world, chat = await at_first_exercise()
    await chat.press("Start sets")
    first = world.snapshot.dialogue.timer_due_at
    await due(world, chat, 5)
    before = world.snapshot
    assert await world.coach.timer_due(ANN.key, first) == ()  # a second process delivering the same one
    assert world.snapshot == before


async def test_pause_holds_the_clock_and_resume_carries_on_from_where_it_was() -> None:
    world, chat = await at_first_exercise()
    await chat.press("Start sets")
    await shown_as(world)
    await due(world, chat, 7)
    paused = await chat.press("Pause")
    assert "⏸ Paused · 13 s left" in texts(paused) and paused[0].replaces == "m1"
    assert world.snapshot.dialogue.timer_due_at is None
    assert await due(world, chat, 300) == []  # nothing moves while paused
    resumed = await chat.press("Resume")
    assert "⏱ 13 s left" in texts(resumed)
    assert world.snapshot.dialogue.timer_due_at == world.clock.now() + timedelta(seconds=3)  # the 10 s mark
    said = await due(world, chat, 13)
    assert "Rest 20 s" in said[-1].text


async def test_skip_rest_starts_the_next_set_and_stop_gives_the_exercise_back() -> None:
    world, chat = await at_first_exercise()
    await chat.press("Start sets")
    await due(world, chat, 20)
    skipped = await chat.press("Skip rest")
    assert "Set 2 of 4 · hold 20 s" in texts(skipped)
    stopped = await chat.press("Stop")
    assert "Timer stopped." in stopped[0].text and not stopped[0].buttons
    assert "1/5 Isometric calf-raise hold" in stopped[-1].text and chat.button("Done ✓")
    assert world.snapshot.dialogue.timer_due_at is None
    assert await due(world, chat, 60) == []


async def test_reps_show_a_tempo_cue_and_wait_for_set_done() -> None:
    world, chat = await at_first_exercise()
    await chat.press("Done")
    await chat.press("Just right")
    await chat.press("0")
    started = texts(await chat.press("Start sets"))
    assert "Set 1 of 2 · 8 reps" in started and "3 s down · up" in started and "⏱" not in started
    assert world.snapshot.dialogue.timer_due_at is None  # no countdown for reps
    rest = texts(await chat.press("Set done"))
    assert "Rest 30 s" in rest
    await due(world, chat, 30)
    assert "how hard was that" in texts(await chat.press("Set done"))


async def test_a_new_question_ends_the_timer() -> None:
    world, chat = await at_first_exercise()
    await chat.press("Start sets")
    await chat.send("/settings")
    assert world.snapshot.dialogue.timer_due_at is None


async def test_picking_the_session_up_again_shows_the_timer_in_a_new_message() -> None:
    world, chat = await at_first_exercise()
    await chat.press("Start sets")
    await shown_as(world)
    world.later(seconds=8)
    again = await chat.send("/session")
    timer = next(r for r in again if r.timer)
    assert not timer.replaces and "⏱ 12 s left" in timer.text
    assert world.snapshot.dialogue.timer_due_at == world.clock.now() + timedelta(seconds=2)


async def test_a_step_missed_while_the_bot_was_down_starts_from_now() -> None:
    world, chat = await at_first_exercise()
    await chat.press("Start sets")
    due_at = world.snapshot.dialogue.timer_due_at
    world.later(minutes=5)  # the bot was down through the hold and its rest
    said = await world.coach.timer_due(ANN.key, due_at)
    assert "Rest 20 s" in said[-1].text  # the end of the hold first: the rest starts now, in full
    assert world.snapshot.dialogue.timer_due_at == world.clock.now() + timedelta(seconds=5)


async def test_just_tell_me_the_dose_keeps_the_text_only_session() -> None:
    world, chat = await onboarded()
    await chat.send("/settings")
    chosen = texts(await chat.press("Just tell me the dose"))
    assert "Just the dose: no timers" in chosen and "Sessions: just the dose" in chat.last_text
    assert world.snapshot.runner.dose_only
    await chat.press("Done")
    await start_session(chat)
    assert "Start sets" not in [b.label for b in chat.keyboard] and chat.button("Done ✓")
    world.save(dose_only=False)
    assert replace(world.snapshot.runner, dose_only=True) != world.snapshot.runner


async def test_a_late_step_change_keeps_the_rest_on_time_and_gives_the_next_hold_in_full() -> None:
    world, chat = await at_first_exercise()
    await chat.press("Start sets")
    world.later(seconds=28)  # a busy bot shows the end of the 20 s hold 8 s late
    rest = await world.coach.timer_due(ANN.key, world.snapshot.dialogue.timer_due_at)
    assert "Rest 20 s" in rest[-1].text and "⏱ 12 s left" in rest[-1].text  # the rest began when the hold ended
    world.later(seconds=15)  # and its end is shown 3 s late
    hold = await world.coach.timer_due(ANN.key, world.snapshot.dialogue.timer_due_at)
    assert "Set 2 of 4 · hold 20 s" in hold[-1].text and "⏱ 20 s left" in hold[-1].text  # a hold starts when told
    assert world.snapshot.dialogue.timer_ends_at == world.clock.now() + timedelta(seconds=20)


async def test_a_timer_left_running_overnight_closes_with_its_session() -> None:
    world, chat = await at_first_exercise()
    await chat.press("Start sets")
    world.clock.set(world.clock.now() + timedelta(days=1))
    said = texts(await chat.send("hi"))
    assert "left unfinished, so I've closed it" in said
    assert world.snapshot.dialogue.state != "set" and world.snapshot.dialogue.timer_due_at is None
    assert world.snapshot.history.active_session is None
