"""Real `tiptoe` processes for deployment tests: several at once on one database.

Each child writes its output to its own file (never a pipe nobody reads), every wait is
bounded, each child's connection pool is small (PostgreSQL's 100 connections are shared
with every other test), and the `tiptoe` fixture kills whatever a test left running.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest_asyncio

from tests.fakes.telegram_api import FakeTelegram
from tests.storage.backends import DatabaseUnderTest

ROOT = Path(__file__).resolve().parents[2]
POOL_SIZE = 3  # connections per child process
STOP_TIMEOUT_S = 30.0
OWN_SETTINGS = ("DATABASE_", "TELEGRAM_", "DISCORD_", "METRICS_", "LOG_", "SECRET_KEY", "REMINDER_")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(database: DatabaseUnderTest, tg: FakeTelegram, **settings: Any) -> dict[str, str]:
    """A child's environment: this machine's, minus any Tiptoe setting, plus the test's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OWN_SETTINGS)}
    env.update(PYTHONPATH=str(ROOT), TELEGRAM_TOKEN=tg.token, TELEGRAM_API_URL=tg.url,
               DATABASE_URL=database.url, DATABASE_POOL_SIZE=str(POOL_SIZE), LOG_LEVEL="INFO")
    if database.schema:
        env["DATABASE_SCHEMA"] = database.schema
    env.update({name.upper(): str(value) for name, value in settings.items()})
    return env


@dataclass
class Tiptoe:
    """One `tiptoe <command>` process and the file its output goes to."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    metrics_port: int | None = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as a crashed host would."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(STOP_TIMEOUT_S)

    async def stop(self) -> int:
        """SIGTERM, then a bounded wait (SIGKILL after it); the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.to_thread(self.process.wait, STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"{self.name} did not stop within {STOP_TIMEOUT_S} s:\n{self.log()[-3000:]}")

    async def health(self) -> tuple[int, str]:
        """(status, body) of this process's /healthz; (0, reason) while it is not listening."""
        assert self.metrics_port is not None, "start it with METRICS_PORT to ask its health"
        return await http_get(f"http://127.0.0.1:{self.metrics_port}/healthz")


@dataclass
class Launcher:
    folder: Path
    started: list[Tiptoe] = field(default_factory=list)

    def __call__(self, command: str, env: dict[str, str], name: str | None = None) -> Tiptoe:
        name = name or f"{command}-{len(self.started)}"
        log_path = self.folder / f"{name}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen([sys.executable, "-m", "bot.main", command], env=env, cwd=self.folder,
                                       stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        port = env.get("METRICS_PORT")
        child = Tiptoe(name, process, log_path, int(port) if port else None)
        self.started.append(child)
        return child


@pytest_asyncio.fixture
async def tiptoe(tmp_path: Path) -> AsyncIterator[Launcher]:
    """Starts `tiptoe` processes; kills any still running when the test ends."""
    launcher = Launcher(tmp_path)
    try:
        yield launcher
    finally:
        for child in launcher.started:
            if child.process.poll() is None:
                child.kill()


async def http_get(url: str, timeout: float = 5.0) -> tuple[int, str]:
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session, \
                session.get(url) as response:
            return response.status, await response.text()
    except (aiohttp.ClientError, TimeoutError) as error:
        return 0, type(error).__name__


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float, what: str,
                     children: list[Tiptoe] = ()) -> None:
    """Until `check()` is true; on timeout, fail with the children's last log lines."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        for child in children:
            if child.process.poll() is not None:
                raise AssertionError(f"{child.name} exited ({child.process.returncode}) before {what}:\n"
                                     f"{child.log()[-3000:]}")
        if asyncio.get_running_loop().time() > deadline:
            logs = "\n".join(f"--- {c.name}\n{c.log()[-1500:]}" for c in children)
            raise AssertionError(f"not within {timeout} s: {what}\n{logs}")
        await asyncio.sleep(0.2)


async def all_healthy(children: list[Tiptoe]) -> bool:
    answers = await asyncio.gather(*(child.health() for child in children))
    return all(status == 200 for status, _ in answers)
