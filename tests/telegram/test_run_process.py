"""`tiptoe run` as a real process: Telegram on the emulator plus the reminder dispatcher."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.children import children, project_env
from tests.fakes.telegram_api import FakeTelegram
from tests.storage.backends import BACKENDS, POOL_SIZE, open_database


@pytest.mark.parametrize("backend", BACKENDS)
async def test_tiptoe_run_serves_telegram_and_stops_cleanly(backend: str, tmp_path: Path) -> None:
    async with FakeTelegram() as tg, open_database(backend, tmp_path, migrate=False) as database:
        env = project_env(TELEGRAM_TOKEN=tg.token, TELEGRAM_API_URL=tg.url, DATABASE_URL=database.url,
                          DATABASE_POOL_SIZE=str(POOL_SIZE), LOG_LEVEL="DEBUG")
        if database.schema:
            env["DATABASE_SCHEMA"] = database.schema
        # Output goes to a file (tests/children.py): DEBUG logging would fill a pipe nobody reads yet.
        with children(tmp_path / "logs", env) as started:
            bot = started.python("tiptoe-run", ["-m", "bot.main", "run"], cwd=tmp_path)
            try:
                await tg.wait_for("setMyCommands", timeout=60, since=0)
                tg.user_text(4242, "/start")
                reply = await tg.wait_for("sendMessage", lambda c: c.params.get("chat_id") == 4242, timeout=30,
                                          since=0)
                assert "short safety check" in reply.params["text"]
            finally:
                bot.signal(signal.SIGTERM)
                code = await bot.wait(30)
        printed = bot.output()
        assert code == 0, printed[-3000:]
        assert "Telegram bot @" in printed  # it said it was running, at DEBUG level ...
        assert tg.token.split(":")[1] not in printed  # ... and never the token
