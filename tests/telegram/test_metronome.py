"""The self-test's metronome reaches Telegram as a playable WAV document, before the count."""

from __future__ import annotations

import io
import wave

from telegram.ext import Application

from bot.main import App
from core.metronome import SELFTEST_METRONOME
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.conftest import TelegramChat, onboard_directly


async def test_ready_sends_the_metronome_then_asks_for_the_count(app: App, bot: Application, tg: FakeTelegram,
                                                                   chat: TelegramChat) -> None:
    await onboard_directly(app)
    await chat.send("/selftest", "heel-raise test")
    pressed = await chat.press("Ready", "Press play, then start on the first high click", method="sendDocument")
    await chat.wait_for("How many heel rises on your LEFT leg?", pressed.mark)

    (document,) = [c for c in tg.calls_of("sendDocument") if c.ok]
    filename, data = document.files["document"]
    assert filename == "tiptoe-metronome-60bpm.wav"
    with wave.open(io.BytesIO(data)) as track:
        assert track.getnchannels() == 1 and track.getsampwidth() == 2
        assert track.getnframes() / track.getframerate() == SELFTEST_METRONOME.seconds
    order = [c.method for c in tg.calls[pressed.mark:] if c.method in ("sendDocument", "sendMessage")]
    assert order[:2] == ["sendDocument", "sendMessage"]  # the track first, then the question
