"""The guided session around each exercise (issue 12 items 3-5): its level's picture, the side to
start with, how hard it felt, and pain per side. Engine level, on fakes at the ports only.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from core.engine import Coach
from core.model import Effort, ExerciseResult, Outcome, Session, SessionStatus, Side, Snapshot
from core.payloads import Signer
from core.programme import EXERCISES
from core.replies import Picture
from core.turn import Services
from tests.engine.fakes import PNG_SIGNATURE, MemoryStore, TinyCharts
from tests.engine.script import Chat, onboard, texts
from tests.engine.test_flows import ANN, START

SPLIT = 2  # the split squat: per side from level 1


@dataclass
class DrawnPictures:
    """A PictureSource that counts what it was asked for."""

    asked: list[tuple[str, int]] = field(default_factory=list)

    async def level_picture(self, exercise_key: str, level: int) -> Picture:
        self.asked.append((exercise_key, level))
        return Picture(f"{exercise_key}-level-{level}.png", PNG_SIGNATURE + b"drawn",
                       f"{exercise_key}, level {level}")


@dataclass
class Guided:
    store: MemoryStore
    clock: ManualClock
    pictures: DrawnPictures
    chat: Chat

    @property
    def snapshot(self) -> Snapshot:
        return self.store.rows[ANN.key]

    def save(self, **runner: object) -> None:
        self.store.rows[ANN.key] = replace(self.snapshot, runner=replace(self.snapshot.runner, **runner))


async def guided(with_pictures: bool = True) -> Guided:
    store, clock, pictures = MemoryStore(), ManualClock(START), DrawnPictures()
    services = Services(signer=Signer(b"guided-test"), charts=TinyCharts(),
                        pictures=pictures if with_pictures else None)
    chat = Chat(Coach(store, clock, services), ANN)
    await onboard(chat)
    return Guided(store, clock, pictures, chat)


def pictures_in(replies) -> list[str]:
    return [r.picture.filename for r in replies if r.picture is not None]


async def start(world: Guided) -> tuple:
    await world.chat.send("/session")
    return await world.chat.press("0")


async def through(world: Guided, exercises: int, effort: str = "Just right", pain: str = "0") -> None:
    for _ in range(exercises):
        await world.chat.press("Done")
        await world.chat.press(effort)
        await world.chat.press(pain)


# ---- pictures ---------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_each_levels_picture_comes_before_its_exercise_the_first_time_only() -> None:
    world = await guided()
    replies = await start(world)
    assert pictures_in(replies) == ["calf-level-1.png"]
    shown = [r.text for r in replies]
    assert shown.index("calf, level 1") < next(i for i, t in enumerate(shown) if "1/5 Isometric" in t)
    sent = []
    for _ in range(len(EXERCISES)):
        await world.chat.press("Done")
        await world.chat.press("Just right")
        sent += pictures_in(await world.chat.press("0"))
    assert sent == [f"{e.key}-level-1.png" for e in EXERCISES[1:]]
    assert world.snapshot.runner.pictures_seen == {(i, 1) for i in range(len(EXERCISES))}

    world.clock.set(START + timedelta(days=2))
    again = await start(world)
    assert pictures_in(again) == [] and "1/5 Isometric" in texts(again)
    world.save(levels=(2, 1, 1, 1, 1))  # moved up since: a new level is a new picture
    world.clock.set(START + timedelta(days=4))
    assert pictures_in(await start(world)) == ["calf-level-2.png"]


@pytest.mark.asyncio
async def test_show_me_sends_the_picture_again_and_the_buttons_on_screen_keep_working() -> None:
    world = await guided()
    await start(world)
    shown = await world.chat.press("Show me")
    assert pictures_in(shown) == ["calf-level-1.png"]
    assert "1/5 Isometric calf-raise hold" in texts(shown)
    assert "how hard was that" in texts(await world.chat.press("Done"))
    assert world.pictures.asked == [("calf", 1), ("calf", 1)]


@pytest.mark.asyncio
async def test_without_pictures_nothing_is_marked_seen() -> None:
    world = await guided(with_pictures=False)
    assert pictures_in(await start(world)) == []
    assert world.snapshot.runner.pictures_seen == frozenset()


# ---- the first side ---------------------------------------------------------------------


@pytest.mark.asyncio
async def test_the_first_side_is_offered_once_and_remembered() -> None:
    world = await guided()
    await start(world)
    await through(world, 2)
    split = world.chat.last_text
    assert "3/5 Heels-up split squat" in split and "Start with your left side" in split
    assert [b.label for b in world.chat.keyboard if "first" in b.label] == ["Left first", "Right first"]
    chosen = texts(await world.chat.press("Right first"))
    assert "Start with your right side, then the left." in chosen and "Rather start" not in chosen
    assert world.snapshot.runner.first_side is Side.RIGHT
    assert not [b for b in world.chat.keyboard if "first" in b.label]
    await through(world, 3)

    world.clock.set(START + timedelta(days=2))
    await start(world)
    await through(world, 2)
    assert "Start with your right side" in world.chat.last_text
    assert not [b for b in world.chat.keyboard if "first" in b.label]


@pytest.mark.asyncio
async def test_done_without_choosing_keeps_the_left_that_was_suggested() -> None:
    world = await guided()
    await start(world)
    await through(world, 3)
    assert world.snapshot.runner.first_side is Side.LEFT


# ---- effort -----------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_effort_is_asked_after_done_and_stored_with_the_result() -> None:
    world = await guided()
    await start(world)
    await world.chat.press("Done")
    question = world.chat.last_text
    assert "how hard was that?" in question and "2-3 reps" in question
    assert [b.label for b in world.chat.keyboard] == ["Easy", "Just right", "Hard"]
    assert "how much pain" in texts(await world.chat.press("Hard"))
    said = texts(await world.chat.press("1"))
    assert "it felt hard today, so this one doesn't count toward moving up" in said
    assert world.snapshot.history.sessions[-1].results[0].effort is Effort.HARD


@pytest.mark.asyncio
async def test_too_hard_skips_the_effort_question() -> None:
    world = await guided()
    await start(world)
    assert "how much pain" in texts(await world.chat.press("Too hard"))
    await world.chat.press("0")
    assert world.snapshot.history.sessions[-1].results[0].effort is None


@pytest.mark.asyncio
async def test_hard_twice_in_a_row_holds_the_level_and_says_so() -> None:
    world = await guided()
    await start(world)
    await through(world, 5, effort="Hard")
    world.clock.set(START + timedelta(days=2))
    await start(world)
    await world.chat.press("Done")
    await world.chat.press("Hard")
    assert "it felt hard two sessions in a row" in texts(await world.chat.press("0"))
    await through(world, 4)
    summary = world.chat.last_text
    assert "Calf hold: staying at level 1 — it felt hard two sessions in a row, so we stay at this level " \
           "until it feels just right" in summary
    assert "Easy today: Squat, Split squat" in summary


@pytest.mark.asyncio
async def test_a_typed_effort_is_taken_like_the_button() -> None:
    world = await guided()
    await start(world)
    await world.chat.press("Done")
    assert "how much pain" in texts(await world.chat.send("just right"))


# ---- pain per side ----------------------------------------------------------------------


async def at_split_pain(world: Guided) -> None:
    await start(world)
    await through(world, 2)
    await world.chat.press("Done")
    await world.chat.press("Just right")


@pytest.mark.asyncio
async def test_same_on_both_sides_is_one_tap() -> None:
    world = await guided()
    await at_split_pain(world)
    assert "Left and right felt the same? Just tap the score" in world.chat.last_text
    said = texts(await world.chat.press("1"))
    assert "✓ Pain: 1/10 on both sides" in said and "4/5" in said
    result = world.snapshot.history.sessions[-1].result_for(SPLIT)
    assert (result.pain, result.pain_left, result.pain_right) == (1, None, None)


@pytest.mark.asyncio
async def test_one_side_differs_takes_each_side_and_the_worse_one_decides() -> None:
    world = await guided()
    await at_split_pain(world)
    assert "left side: how much pain" in texts(await world.chat.press("One side differs"))
    assert "right side: how much pain" in texts(await world.chat.press("1"))
    said = texts(await world.chat.press("4"))
    assert "That's over today's limit" in said  # 4/10 on the right is red for a pain-free runner
    result = world.snapshot.history.sessions[-1].result_for(SPLIT)
    assert (result.pain, result.pain_left, result.pain_right) == (4, 1, 4)


@pytest.mark.asyncio
async def test_sides_are_asked_in_the_runners_order() -> None:
    world = await guided()
    await start(world)
    await through(world, 2)
    await world.chat.press("Right first")
    await world.chat.press("Done")
    await world.chat.press("Easy")
    assert "right side: how much pain" in texts(await world.chat.press("One side differs"))


@pytest.mark.asyncio
async def test_seven_on_the_first_side_stops_at_once() -> None:
    world = await guided()
    await at_split_pain(world)
    await world.chat.press("One side differs")
    said = texts(await world.chat.press("7"))
    assert "Your programme is paused" in said
    result = world.snapshot.history.sessions[-1].result_for(SPLIT)
    assert (result.pain, result.pain_left, result.pain_right) == (7, 7, None)


@pytest.mark.asyncio
async def test_a_side_score_can_be_typed_and_a_stale_side_button_changes_nothing() -> None:
    world = await guided()
    await at_split_pain(world)
    differs = world.chat.button("One side differs").payload
    await world.chat.press("One side differs")
    assert "right side" in texts(await world.chat.send("2"))
    before = world.snapshot
    again = await world.chat.press_payload(differs)
    assert [r.notice for r in again] == [True] and "right side" in world.chat.last_text
    assert world.snapshot.history == before.history


# ---- beyond level 5 and the easy week ------------------------------------------------------


@pytest.mark.asyncio
async def test_a_level_beyond_five_says_it_is_optional_and_has_its_picture() -> None:
    world = await guided()
    world.save(levels=(6, 1, 1, 1, 1))
    replies = await start(world)
    assert pictures_in(replies) == ["calf-level-6.png"]
    said = texts(replies)
    assert "level 6" in said and "step edge" in said
    assert "A level beyond the core five: optional. The same pain rules apply" in said
    progress = texts(await world.chat.send("/progress"))
    assert "Calf hold: level 6 (beyond the core 5)" in progress and "Squat: level 1/5" in progress


@pytest.mark.asyncio
async def test_after_six_weeks_in_a_row_the_session_is_an_easy_week() -> None:
    world = await guided()
    sessions = []
    for week in range(6):  # one finished session on the Monday of each of the six weeks before
        day = START.date() - timedelta(weeks=6 - week)
        at = START - timedelta(weeks=6 - week)
        results = tuple(ExerciseResult(i, 1, Outcome.DONE, 0, at, effort=Effort.JUST_RIGHT) for i in range(5))
        sessions.append(Session(week + 1, at, day, SessionStatus.COMPLETED, readiness=0, ended_at=at, results=results))
    world.store.rows[ANN.key] = replace(world.snapshot, history=replace(world.snapshot.history,
                                                                        sessions=tuple(sessions)))
    said = texts(await start(world))
    assert "This is an easy week: after 6 weeks of steady training" in said
    assert "3 × 20 s hold; 20 s rest between sets (easy week: one set fewer)" in said  # level 1 is 4 × 20 s


@pytest.mark.asyncio
async def test_the_self_test_names_the_side_that_hurt_more_in_sessions() -> None:
    world = await guided()
    await at_split_pain(world)
    await world.chat.press("One side differs")
    await world.chat.press("3")  # left
    await world.chat.press("0")  # right
    await through(world, 2)
    world.clock.set(START + timedelta(days=2, hours=12))  # an afternoon without a session
    assert "The heel-raise test" in texts(await world.chat.send("/selftest"))
    await world.chat.press("Ready")
    await world.chat.send("20")
    await world.chat.send("26")
    await world.chat.press("0")
    await world.chat.press("Skip")
    result = texts(await world.chat.press("Skip"))
    assert "Your left side did about 23% fewer rises than the other" in result
    assert ("In your sessions lately your left side hurt more (once), the same side that did fewer rises: "
            "build it gently, and if it keeps hurting, a physio can take a look.") in result


@pytest.mark.asyncio
async def test_the_first_side_can_be_changed_in_settings() -> None:
    world = await guided()
    menu = texts(await world.chat.send("/settings"))
    assert "One-sided exercises start on the left." in menu
    assert "One-sided exercises start on the right." in texts(await world.chat.press("First side"))
    assert world.snapshot.runner.first_side is Side.RIGHT
    await world.chat.press("First side")
    assert world.snapshot.runner.first_side is Side.LEFT


@pytest.mark.asyncio
async def test_without_pictures_there_is_no_show_me_button() -> None:
    world = await guided(with_pictures=False)
    await start(world)
    assert "Show me" not in [b.label for b in world.chat.keyboard]
