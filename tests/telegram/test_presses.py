"""Presses that must change nothing, edits that can't happen, and groups."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from telegram.ext import Application

from bot.main import App
from bot.telegram.keyboards import private_chat_link
from core.conversation import DOUBLE, PRESS_PROBLEMS, STALE
from core.payloads import SEP, PayloadProblem, Signer
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.conftest import CHAT, KEY, TelegramChat, settle

GROUP, STRANGER = -100, 31337


@dataclass(frozen=True)
class Screen:
    """The runner is at safety check 2/3; `first` is check 1/3, already answered "None of these"."""

    first: dict
    yes: str
    no: str
    current_no: str


async def at_second_check(chat: TelegramChat) -> Screen:
    await chat.send("/start", "short safety check")
    await chat.press("Let's start", "Safety check 1/3")
    first, yes = chat.button("Numbness, tingling")
    _, no = chat.button("None of these")
    await chat.press("None of these", "Safety check 2/3")
    _, current_no = chat.button("None of these")
    return Screen(chat.message_with("Safety check 1/3"), yes, no, current_no)


def tampered(payload: str) -> str:
    """The same signature over an altered answer: "None of these" becomes "Done"."""
    owner, step, _, arg, sig = payload.split(SEP)
    return SEP.join((owner, step, "done", arg, sig))


PressMaker = Callable[[Screen, Signer], tuple[int, str, int | None]]  # chat, data, presser
NOTHING_CHANGES: list = [
    pytest.param(lambda s, signer: (CHAT, s.no, None), DOUBLE, id="double press"),
    pytest.param(lambda s, signer: (CHAT, s.yes, None), STALE, id="stale button from an earlier step"),
    pytest.param(lambda s, signer: (CHAT, tampered(s.current_no), None), PRESS_PROBLEMS[PayloadProblem.FORGED],
                 id="forged callback data"),
    pytest.param(lambda s, signer: (CHAT, "hello", None), PRESS_PROBLEMS[PayloadProblem.MALFORMED],
                 id="data that was never ours"),
    pytest.param(lambda s, signer: (CHAT, signer.sign("telegram:999", "2", "none", ""), None),
                 PRESS_PROBLEMS[PayloadProblem.FOREIGN], id="someone else's button"),
    pytest.param(lambda s, signer: (GROUP, s.current_no, STRANGER), PRESS_PROBLEMS[PayloadProblem.FOREIGN],
                 id="a stranger presses the runner's button in a group"),
]


@pytest.mark.parametrize(("make", "toast"), NOTHING_CHANGES)
async def test_a_press_that_changes_nothing_is_answered_and_leaves_everything_as_it_was(
        make: PressMaker, toast: str, app: App, bot: Application, tg: FakeTelegram, chat: TelegramChat) -> None:
    screen = await at_second_check(chat)
    where, data, presser = make(screen, app.coach.services.signer)
    if where == GROUP:  # a group message with a button to press: the link the bot posts there
        tg.user_text(GROUP, "/start", user_id=STRANGER)
        link = await tg.wait_for("sendMessage", lambda c: c.params["chat_id"] == GROUP)
        message_id = link.result["message_id"]
    else:
        message_id = screen.first["message_id"]
    before = await app.store.load(KEY)
    mark = len(tg.calls)

    _, query_id = tg.press(where, message_id, data, user_id=presser)
    answer = await tg.wait_for("answerCallbackQuery", lambda c: c.params["callback_query_id"] == query_id)
    await settle(tg)

    assert answer.params.get("text") == toast
    assert await app.store.load(KEY) == before
    assert await app.store.load(f"telegram:{STRANGER}") is None
    assert not [c for c in tg.calls[mark:] if c.method.startswith("editMessage")]
    assert len([c for c in tg.calls[mark:] if c.method == "answerCallbackQuery"]) == 1


NOT_FOUND = "Bad Request: message to edit not found"
NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply markup"
                " are exactly the same as a current content and reply markup of a message")


async def test_when_the_pressed_message_is_gone_the_choice_is_shown_below(
        app: App, bot: Application, tg: FakeTelegram, chat: TelegramChat) -> None:
    await chat.send("/start", "short safety check")
    tg.fail_next("editMessageText", 400, NOT_FOUND)
    mark = len(tg.calls)
    await chat.press("Let's start", "Safety check 1/3")
    reposted = await chat.wait_for("✓ Let's start", mark)
    assert reposted.params["text"].startswith("Hi! I'm Tiptoe") and "reply_markup" not in reposted.result
    assert [c.status for c in tg.calls[mark:] if c.method == "editMessageText"] == [400]


async def test_an_edit_that_changes_nothing_is_not_an_error(
        app: App, bot: Application, tg: FakeTelegram, chat: TelegramChat) -> None:
    await chat.send("/start", "short safety check")
    tg.fail_next("editMessageText", 400, NOT_MODIFIED)
    mark = len(tg.calls)
    await chat.press("Let's start", "Safety check 1/3")
    await chat.press("None of these", "Safety check 2/3")  # and the conversation goes on as usual
    assert [c.status for c in tg.calls[mark:] if c.method == "editMessageText"] == [400, 200]
    assert sum("✓ Let's start" in c.params.get("text", "") for c in tg.calls[mark:]) == 1  # not re-sent


async def test_a_group_gets_a_link_to_the_private_chat_and_nothing_else(
        app: App, bot: Application, tg: FakeTelegram) -> None:
    tg.user_text(GROUP, "/start", user_id=STRANGER)
    tg.user_text(GROUP, "hello everyone, who else runs?", user_id=STRANGER)
    tg.user_text(GROUP, "/start@some_other_bot", user_id=STRANGER)
    tg.user_text(-200, "/session@tiptoe_test_bot", user_id=STRANGER + 1, chat_type="supergroup")
    await settle(tg)

    in_groups = [c for c in tg.calls_of("sendMessage") if c.params["chat_id"] < 0]
    assert [c.params["chat_id"] for c in in_groups] == [GROUP, -200]
    for call in in_groups:
        assert "private chat" in call.params["text"]
        (button,), = call.result["reply_markup"]["inline_keyboard"]
        assert button["url"] == private_chat_link("tiptoe_test_bot") == "https://t.me/tiptoe_test_bot?start=hi"
    for user_id in (STRANGER, STRANGER + 1):
        assert await app.store.load(f"telegram:{user_id}") is None

    # The link's button opens the private chat and sends "/start hi": coaching starts there.
    welcome = await TelegramChat(tg, STRANGER).send("/start hi", "short safety check")
    assert welcome.result["chat"]["type"] == "private"
    assert await app.store.load(f"telegram:{STRANGER}") is not None

