"""`tiptoe run` that cannot start a platform: one clear line on stderr, exit code 1, no traceback, no token.

The real process runs the real python-telegram-bot / discord.py against the local emulators
(which answer 401 to a wrong token) or against a closed local port (no network). Output goes
to files; every wait is bounded.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[1]
WAIT_S = 90
LOG_LINE = re.compile(r"\d{4}-\d\d-\d\d [\d:,]+ INFO ")  # the normal start-up log at LOG_LEVEL=INFO
TELEGRAM_SECRET, DISCORD_SECRET = "WRONG-telegram-secret", "WRONG-discord-secret"


@dataclass(frozen=True)
class Places:
    """Where the platforms can be reached, or not."""

    tg: FakeTelegram
    dc: FakeDiscord
    closed: str  # host:port nobody listens on


Case = Callable[[Places], tuple[dict[str, str], str]]  # -> (environment, how stderr's line starts)


def telegram_wrong_token(at: Places) -> tuple[dict[str, str], str]:
    return ({"TELEGRAM_TOKEN": f"999:{TELEGRAM_SECRET}", "TELEGRAM_API_URL": at.tg.url},
            "Telegram rejected the token: check TELEGRAM_TOKEN in .env")


def telegram_unreachable(at: Places) -> tuple[dict[str, str], str]:
    return ({"TELEGRAM_TOKEN": f"123:{TELEGRAM_SECRET}", "TELEGRAM_API_URL": f"http://{at.closed}"},
            f"Can't reach {at.closed}: check the network")


def telegram_failing_after_get_me(at: Places) -> tuple[dict[str, str], str]:
    at.tg.fail_next("deleteWebhook", 502, count=100)  # PTB's call before polling, retried a few times
    return ({"TELEGRAM_TOKEN": at.tg.token, "TELEGRAM_API_URL": at.tg.url},
            f"Can't reach {urlsplit(at.tg.url).netloc}: check the network")


def discord_wrong_token(at: Places) -> tuple[dict[str, str], str]:
    return ({"DISCORD_TOKEN": DISCORD_SECRET, "DISCORD_API_URL": at.dc.api_url,
             "DISCORD_GATEWAY_URL": at.dc.gateway_url},
            "Discord rejected the token: check DISCORD_TOKEN in .env")


def discord_unreachable(at: Places) -> tuple[dict[str, str], str]:
    return ({"DISCORD_TOKEN": DISCORD_SECRET, "DISCORD_API_URL": f"http://{at.closed}/api/v10",
             "DISCORD_GATEWAY_URL": f"ws://{at.closed}/gateway"},
            f"Can't reach {at.closed}: check the network")


def closed_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{probe.getsockname()[1]}"  # free again once closed: nothing listens


@pytest.mark.parametrize("case", [
    pytest.param(telegram_wrong_token, id="telegram-wrong-token"),
    pytest.param(telegram_unreachable, id="telegram-no-network"),
    pytest.param(telegram_failing_after_get_me, id="telegram-failing-after-getMe"),
    pytest.param(discord_wrong_token, id="discord-wrong-token"),
    pytest.param(discord_unreachable, id="discord-no-network"),
])
async def test_a_platform_that_cannot_start_ends_the_run_in_one_line(case: Case, tmp_path: Path) -> None:
    async with FakeTelegram() as tg, FakeDiscord() as dc:
        settings, says = case(Places(tg, dc, closed_port()))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "TELEGRAM_", "DISCORD_"))}
        env.update(settings, PYTHONPATH=str(ROOT), LOG_LEVEL="INFO")
        out, err = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
        with out.open("w") as stdout, err.open("w") as stderr:
            process = subprocess.Popen([sys.executable, "-m", "bot.main", "run"], env=env, cwd=tmp_path,
                                       stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr)
        try:
            code = await asyncio.to_thread(process.wait, WAIT_S)
        finally:
            if process.poll() is None:
                process.kill()
                await asyncio.to_thread(process.wait, WAIT_S)
    printed, complaint = out.read_text(), err.read_text()
    assert code == 1, complaint
    assert "Traceback" not in complaint and printed == ""
    *logged, last = complaint.splitlines()
    assert last.startswith(says), complaint
    assert all(LOG_LINE.match(line) for line in logged), complaint  # nothing but the usual INFO lines
    assert TELEGRAM_SECRET not in complaint and DISCORD_SECRET not in complaint
