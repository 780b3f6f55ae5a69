"""`tiptoe run` with only a Telegram token loads neither matplotlib nor discord.py until they are needed,
and sets what start-up made aside from the cycle collector.

A real `tiptoe run` process (`-X importtime`: every import it makes is listed on stderr,
into its log file) against FakeTelegram, on a SQLite file. It polls, answers /start, and
by then has imported PTB but no chart library and no Discord library.
"""

from __future__ import annotations

import asyncio
import re
import signal
from pathlib import Path

from bot.storage.database import sqlite_url
from tests.children import children, project_env
from tests.fakes.telegram_api import FakeTelegram

IMPORTED = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)\s*$", re.MULTILINE)
START_TIMEOUT_S = 90.0
# Charts and pictures; Discord; PostgreSQL's driver, on a SQLite file. (aiohttp is needed: every
# Bot API call goes over it, bot/telegram/transport.py.)
NEEDED_ONLY_LATER = ("matplotlib", "numpy", "PIL", "discord", "asyncpg")


def top_level_imports(log: str) -> set[str]:
    return {name.split(".")[0] for name in IMPORTED.findall(log)}


async def test_tiptoe_run_with_a_telegram_token_imports_no_chart_or_discord_library(tmp_path: Path) -> None:
    async with FakeTelegram() as tg:
        env = project_env(TELEGRAM_TOKEN=tg.token, TELEGRAM_API_URL=tg.url,
                          DATABASE_URL=sqlite_url(tmp_path / "tiptoe.sqlite3"), LOG_LEVEL="INFO")
        with children(tmp_path / "logs", env) as started:
            run = started.python("tiptoe-run", ["-X", "importtime", "-m", "bot.main", "run"], cwd=tmp_path)
            async with asyncio.timeout(START_TIMEOUT_S):
                while not tg.polled:
                    assert run.process.poll() is None, run.tail()
                    await asyncio.sleep(0.05)
            tg.user_text(4242, "/start")
            await tg.wait_for("sendMessage", lambda c: c.params.get("chat_id") == 4242, timeout=30, since=0)
            run.signal(signal.SIGTERM)
            assert await run.wait(30) == 0, run.tail()
            output = run.output()
            imported = top_level_imports(output)
    assert {"telegram", "aiohttp"} <= imported  # the check sees imports at all
    set_aside = re.search(r"start-up done: (\d+) objects set aside from garbage collection", output)
    assert set_aside and int(set_aside[1]) > 10_000, run.tail()  # start-up's own objects are never scanned again
    assert not imported & set(NEEDED_ONLY_LATER)
