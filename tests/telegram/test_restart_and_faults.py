"""Restarts and Bot API faults mid-session: no answer is lost, the conversation goes on."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.clock import ManualClock
from bot.main import App
from bot.telegram import RetryPolicy
from tests.fakes.telegram_api import FakeTelegram
from tests.storage.backends import DatabaseUnderTest
from tests.telegram.conftest import (
    CHAT, KEY, FAST, START, TelegramChat, onboard_directly, running_bot, settle, start_session,
)


async def pains(app: App) -> list[int | None]:
    snapshot = await app.store.load(KEY)
    assert snapshot is not None
    return [r.pain for r in snapshot.history.sessions[-1].results]


async def test_a_button_from_before_a_restart_carries_the_session_on(database: DatabaseUnderTest,
                                                                     tg: FakeTelegram) -> None:
    chat = TelegramChat(tg)
    async with database.open_app(ManualClock(START)) as first:
        await onboard_directly(first)
        async with running_bot(first.coach, tg):
            await start_session(chat)
            await chat.press("Done", "how hard was that")
            await chat.press("Just right", "how much pain")
            await chat.press("2", "2/5 Heels-up squat")
    # A new process: new engine, new Application, the same database and the same chat on screen.
    async with database.open_app(ManualClock(START)) as second:
        async with running_bot(second.coach, tg):
            await chat.press("Done", "how hard was that")
            await chat.press("Just right", "how much pain")
            await chat.press("0", "3/5 Heels-up split squat")
        assert await pains(second) == [2, 0]
    # Nothing was handled twice across the restart: one answer per press, one question per step.
    answered = sorted(c.params["callback_query_id"] for c in tg.calls_of("answerCallbackQuery"))
    assert answered == sorted(p.query_id for p in chat.presses)
    assert sum("3/5 Heels-up split squat" in c.params.get("text", "") for c in tg.calls_of("sendMessage")) == 1


Fault = Callable[[FakeTelegram], object]
IMPATIENT = RetryPolicy(backoff=FAST.backoff, longest_flood_wait=FAST.longest_flood_wait, call_timeout=0.5)
FAULTS = [  # (what goes wrong at the next send, how patient the bot is)
    pytest.param(lambda tg: tg.fail_next("sendMessage", 429, retry_after=0.05, count=3), FAST, id="429 storm"),
    pytest.param(lambda tg: tg.fail_next("sendMessage", 500, count=FAST.attempts - 1), FAST,
                 id="500 until the last try"),
    pytest.param(lambda tg: (tg.fail_next("sendMessage", 502), tg.fail_next("sendMessage", 503)), FAST,
                 id="502 then 503"),
    pytest.param(lambda tg: tg.fail_next("editMessageText", 500, count=2), FAST, id="edit 500 twice"),
    pytest.param(lambda tg: tg.fail_next("answerCallbackQuery", 500), FAST, id="answer 500"),
    pytest.param(lambda tg: tg.stall_next("sendMessage", 3.0), IMPATIENT, id="stalled send times out"),
]


@pytest.mark.parametrize(("fault", "retry"), FAULTS)
async def test_a_transient_fault_is_retried_and_the_score_is_kept(
        fault: Fault, retry: RetryPolicy, app: App, tg: FakeTelegram, chat: TelegramChat) -> None:
    await onboard_directly(app)
    async with running_bot(app.coach, tg, retry=retry):
        await start_session(chat)
        await chat.press("Done", "how hard was that")
        await chat.press("Just right", "how much pain")
        fault(tg)
        await chat.press("1", "2/5 Heels-up squat")
        assert await pains(app) == [1]
        await chat.press("Done", "how hard was that")
        await chat.press("Just right", "how much pain")  # and the conversation simply goes on
        await chat.press("0", "3/5 Heels-up split squat")
    assert await pains(app) == [1, 0]


@pytest.mark.parametrize("hiccup", [
    pytest.param(lambda tg: tg.fail_next("deleteWebhook", 502, count=2), id="502 twice"),
    pytest.param(lambda tg: tg.stall_next("deleteWebhook", 3.0), id="stalled past the call timeout"),
])
async def test_a_hiccup_while_starting_to_poll_is_retried(hiccup: Fault, app: App, tg: FakeTelegram,
                                                          chat: TelegramChat) -> None:
    """getMe answered, then clearing the webhook before polling failed: the bot starts anyway."""
    await onboard_directly(app)
    hiccup(tg)
    async with running_bot(app.coach, tg, retry=IMPATIENT):
        await start_session(chat)
        await chat.press("Done", "how hard was that")
    assert tg.calls_of("deleteWebhook")[-1].status == 200  # retried until it worked (a stalled call is never answered)


async def test_replies_lost_to_a_long_outage_lose_no_score(app: App, tg: FakeTelegram,
                                                          chat: TelegramChat) -> None:
    await onboard_directly(app)
    async with running_bot(app.coach, tg):
        await start_session(chat)
        await chat.press("Done", "how hard was that")
        await chat.press("Just right", "how much pain")
        tg.fail_next("sendMessage", 500, count=FAST.attempts)  # every try of the next message fails
        await chat.press("3")
        await settle(tg)  # updates are handled in order: the press's sends are over
        sends = [c.status for c in tg.calls_of("sendMessage") if c.params["chat_id"] == CHAT]
        assert sends[-FAST.attempts:] == [500] * FAST.attempts
        assert await pains(app) == [3]  # saved before any reply was sent
        mark = len(tg.calls)
        await chat.send("/session", "Picking up where you left off")
        await chat.wait_for("2/5 Heels-up squat", mark)


async def test_a_flood_wait_too_long_to_sit_out_is_left_to_the_runner(app: App, tg: FakeTelegram,
                                                                      chat: TelegramChat) -> None:
    await onboard_directly(app)
    async with running_bot(app.coach, tg):
        await start_session(chat)
        await chat.press("Done", "how hard was that")
        await chat.press("Just right", "how much pain")
        tg.fail_next("sendMessage", 429, retry_after=int(FAST.longest_flood_wait) + 60)
        await chat.press("0")
        await settle(tg)
        assert [c.status for c in tg.calls_of("sendMessage") if c.params.get("chat_id") == CHAT][-1] == 429
        assert await pains(app) == [0]


async def test_a_runner_who_blocked_the_bot_is_marked_unreachable(app: App, tg: FakeTelegram,
                                                                 chat: TelegramChat) -> None:
    async with running_bot(app.coach, tg):
        await chat.send("/start", "short safety check")
        tg.block_user(CHAT)
        mark = len(tg.calls)
        await chat.press("Let's start")
        await tg.wait_for("editMessageText", lambda c: c.status == 403, since=mark)
        await settle(tg)
        snapshot = await app.store.load(KEY)
        assert snapshot is not None and snapshot.runner.unreachable
        assert snapshot.dialogue.state == "screen"  # the press itself was taken
        assert not [c for c in tg.calls[mark:] if c.method == "sendMessage" and c.params["chat_id"] == CHAT]

        tg.unblock_user(CHAT)  # writing again makes them reachable again
        await chat.send("/start", "Safety check 1/3")
        snapshot = await app.store.load(KEY)
        assert snapshot is not None and not snapshot.runner.unreachable


async def test_stopping_confirms_what_was_fetched_and_shuts_down(app: App, tg: FakeTelegram, chat: TelegramChat) -> None:
    async with running_bot(app.coach, tg) as application:
        await chat.send("/start", "short safety check")
    assert not application.running and not application.updater.running
    assert tg.calls_of("getUpdates")[-1].params.get("timeout") == 0  # confirmed what it fetched
