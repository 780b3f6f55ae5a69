"""Level pictures on Telegram (issue 12 item 3): sent with an exercise the first time a runner meets it
at a level, never again unasked, and on "Show me"; over real PTB against the emulator.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from telegram.ext import Application

from bot.main import App
from core.programme import EXERCISES
from tests.conftest import START
from tests.engine.fakes import PNG_SIGNATURE
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.conftest import KEY, TelegramChat, onboard, settle

CALF = EXERCISES[0].name


def photos(tg: FakeTelegram) -> list[str]:
    """The captions of every picture sent, in order (charts excluded: none is asked for here)."""
    return [c.params["caption"] for c in tg.calls_of("sendPhoto") if c.ok]


async def finish_session(chat: TelegramChat) -> None:
    for number in range(1, len(EXERCISES) + 1):
        await chat.press("Done", "how hard was that")
        await chat.press("Just right", "how much pain did you feel")
        await chat.press("0", f"{number + 1}/5" if number < len(EXERCISES) else "Session done")


async def test_pictures_come_once_per_new_level_and_show_me_sends_one_again(
        app: App, bot: Application, tg: FakeTelegram, chat: TelegramChat) -> None:
    await onboard(chat)
    await chat.send("/session", "Before we start")
    await chat.press("0", f"{CALF}, level 1.", method="sendPhoto")
    await settle(tg)  # and the exercise's own message after it
    await finish_session(chat)
    await settle(tg)
    first = [c for c in tg.calls_of("sendPhoto") if c.ok]
    assert [c.params["caption"].split(".")[0] for c in first] == [f"{e.name}, level 1" for e in EXERCISES]
    assert all(c.files["photo"][1].startswith(PNG_SIGNATURE) for c in first)
    assert first[0].files["photo"][0].startswith("calf-level-1-")
    # Each picture comes just before its exercise's own message.
    sent = [c for c in tg.calls if c.ok and c.method in ("sendPhoto", "sendMessage")]
    after_calf_photo = sent[sent.index(next(c for c in sent if c.method == "sendPhoto")) + 1]
    assert "1/5 Isometric calf-raise hold" in after_calf_photo.params["text"]

    app.clock.set(START + timedelta(days=2))  # Wednesday: the same levels, no pictures unasked
    await chat.send("/session", "Before we start")
    await chat.press("0", "1/5 Isometric calf-raise hold")
    await settle(tg)
    assert len(photos(tg)) == len(EXERCISES)
    await chat.press("Show me", f"{CALF}, level 1.", method="sendPhoto")
    await settle(tg)
    assert len(photos(tg)) == len(EXERCISES) + 1
    await chat.press("Done", "how hard was that")  # the buttons shown again still work
    await chat.press("Just right", "how much pain did you feel")
    await chat.press("0", "2/5")
    await settle(tg)
    assert len(photos(tg)) == len(EXERCISES) + 1

    stored = await app.store.load(KEY)  # the calf moved up since
    await app.store.save(stored, replace(stored, runner=stored.runner.with_level(0, 2)))
    app.clock.set(START + timedelta(days=4))
    await chat.send("/session", "Before we start")
    await chat.press("0", f"{CALF}, level 2.", method="sendPhoto")
    await settle(tg)
    assert photos(tg)[-1].startswith(f"{CALF}, level 2.") and len(photos(tg)) == len(EXERCISES) + 2
    assert (await app.store.load(KEY)).runner.pictures_seen == {(i, 1) for i in range(5)} | {(0, 2)}
