"""Level pictures on Discord (issue 12 item 3): an attachment with an exercise the first time a runner
meets it at a level, never again unasked, and on "Show me"; over real discord.py against the emulator.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.discord import TiptoeDiscord
from bot.main import App
from core.programme import EXERCISES
from tests.discord.conftest import START, DiscordChat, onboard, start_session, texts
from tests.engine.fakes import PNG_SIGNATURE

pytestmark = pytest.mark.asyncio


def pictures(chat: DiscordChat) -> list[tuple[str, str]]:
    """(filename, message text) of every level picture in the DM, oldest first."""
    return [(a.filename, m.content) for m in chat.messages() for a in m.attachments if "-level-" in a.filename]


async def test_pictures_come_once_per_new_level_and_show_me_sends_one_again(
        app: App, bot: TiptoeDiscord, chat: DiscordChat) -> None:
    await onboard(chat)
    await start_session(chat)
    for number in range(1, len(EXERCISES) + 1):
        assert "how hard was that" in texts(await chat.press("Done"))
        assert "how much pain" in texts(await chat.press("Just right"))
        await chat.press("0")
    sent = pictures(chat)
    assert [name.split("-level-")[0] for name, _ in sent] == [e.key for e in EXERCISES]
    assert [text.split(".")[0] for _, text in sent] == [f"{e.name}, level 1" for e in EXERCISES]
    calf = next(m for m in chat.messages() if m.attachments and "calf-level-1-" in m.attachments[0].filename)
    assert calf.attachments[0].data.startswith(PNG_SIGNATURE)
    after = chat.messages()[chat.messages().index(calf) + 1]
    assert "1/5 Isometric calf-raise hold" in after.content  # the picture comes just before its exercise

    app.clock.set(START + timedelta(days=2))
    assert "Before we start" in texts(await chat.slash("session"))
    assert "1/5 Isometric" in texts(await chat.press("0"))
    assert len(pictures(chat)) == len(EXERCISES)  # the same levels: nothing unasked
    shown = await chat.press("Show me")
    assert [r.picture.filename.split("-level-")[0] for r in shown.replies if r.picture] == ["calf"]
    assert len(pictures(chat)) == len(EXERCISES) + 1
    assert "how hard was that" in texts(await chat.press("Done"))  # the exercise's buttons still work

    stored = await app.store.load(f"discord:{chat.user_id}")  # the squat moved up since
    await app.store.save(stored, replace(stored, runner=stored.runner.with_level(1, 2)))
    assert "how much pain" in texts(await chat.press("Just right"))
    await chat.press("0")
    assert pictures(chat)[-1][0].startswith("squat-level-2-")
    assert len(pictures(chat)) == len(EXERCISES) + 2
