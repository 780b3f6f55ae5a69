"""`tiptoe run` as a real process: Telegram on the emulator plus the reminder dispatcher."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes.telegram_api import FakeTelegram
from tests.storage.backends import BACKENDS, open_database

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("backend", BACKENDS)
async def test_tiptoe_run_serves_telegram_and_stops_cleanly(backend: str, tmp_path: Path) -> None:
    async with FakeTelegram() as tg, open_database(backend, tmp_path, migrate=False) as database:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "TELEGRAM_", "DISCORD_"))}
        env.update(PYTHONPATH=str(ROOT), TELEGRAM_TOKEN=tg.token, TELEGRAM_API_URL=tg.url,
                   DATABASE_URL=database.url, LOG_LEVEL="DEBUG")
        if database.schema:
            env["DATABASE_SCHEMA"] = database.schema
        # A file, not a pipe: DEBUG logging would fill a pipe nobody reads yet and stall the bot.
        log = (tmp_path / "tiptoe.log").open("w+")
        process = subprocess.Popen([sys.executable, "-m", "bot.main", "run"], env=env, cwd=tmp_path,
                                   stdout=log, stderr=subprocess.STDOUT, text=True)
        try:
            await tg.wait_for("setMyCommands", timeout=60, since=0)
            tg.user_text(4242, "/start")
            reply = await tg.wait_for("sendMessage", lambda c: c.params.get("chat_id") == 4242, timeout=30, since=0)
            assert "short safety check" in reply.params["text"]
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.to_thread(process.wait, 30)
            log.close()
        printed = (tmp_path / "tiptoe.log").read_text()
        assert process.returncode == 0, printed[-3000:]
        assert "Telegram bot @" in printed  # it said it was running, at DEBUG level ...
        assert tg.token.split(":")[1] not in printed  # ... and never the token
