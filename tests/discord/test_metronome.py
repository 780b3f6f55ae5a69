"""The self-test's metronome reaches Discord as a WAV attachment on the message that explains it."""

from __future__ import annotations

import io
import wave

import pytest

from bot.discord import TiptoeDiscord
from bot.main import App
from core.metronome import SELFTEST_METRONOME
from tests.discord.conftest import DiscordChat, onboard_through_the_engine, texts

pytestmark = pytest.mark.asyncio


async def test_ready_attaches_the_metronome_before_the_count(app: App, bot: TiptoeDiscord,
                                                             chat: DiscordChat) -> None:
    await onboard_through_the_engine(app.coach)
    assert "heel-raise test" in texts(await chat.slash("selftest"))
    assert "How many heel rises on your LEFT leg?" in texts(await chat.press("Ready"))

    note = chat.message_with("Press play, then start on the first high click")
    (attachment,) = note.attachments
    assert attachment.filename == "tiptoe-metronome-60bpm.wav"
    with wave.open(io.BytesIO(attachment.data)) as track:
        assert track.getnframes() / track.getframerate() == SELFTEST_METRONOME.seconds
    question = chat.message_with("How many heel rises on your LEFT leg?")
    assert int(note.id) < int(question.id)
