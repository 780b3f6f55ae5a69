"""Child processes for tests: output to a file, every wait bounded, nothing left running.

A child whose stderr is a pipe that nobody reads blocks once the pipe fills (64 KiB); under
load that hung the suite for minutes with the child holding database locks. So a child here
writes everything to a log file, a wait gives up after its timeout, and leaving the `children`
context kills whatever still runs, before the test's database is torn down.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KILL_WAIT_S = 10.0
LOG_TAIL_CHARS = 4000


@dataclass
class Child:
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        """Everything it printed so far (stdout and stderr, interleaved)."""
        return self.log_path.read_text(errors="replace")

    def tail(self) -> str:
        return self.output()[-LOG_TAIL_CHARS:]

    async def wait(self, timeout: float) -> int:
        """Its exit code; kills it and fails the test if it is still running after `timeout` s."""
        try:
            return await asyncio.to_thread(self.process.wait, timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"{self.log_path.stem} still running after {timeout:.0f} s; "
                                 f"its output:\n{self.tail()}") from None

    async def succeeds(self, timeout: float) -> None:
        code = await self.wait(timeout)
        assert code == 0, f"{self.log_path.stem} exited {code}; its output:\n{self.tail()}"

    def signal(self, signum: int) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signum)

    def kill(self) -> None:
        self.signal(signal.SIGKILL)
        try:
            self.process.wait(KILL_WAIT_S)
        except subprocess.TimeoutExpired:  # pragma: no cover - a SIGKILL that did not take
            pass


@dataclass
class Children:
    """Starts Python children in the project; see the module docstring."""

    log_dir: Path
    env: dict[str, str]
    started: list[Child] = field(default_factory=list)

    def python(self, name: str, args: Sequence[str], cwd: Path = ROOT, env: dict[str, str] | None = None) -> Child:
        """`python <args>` with the project on the path; its output goes to `<log_dir>/<name>.log`."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"{name}.log"
        with log_path.open("wb") as log:  # the child keeps its own copy of the descriptor
            process = subprocess.Popen([sys.executable, *args], cwd=cwd, env={**self.env, **(env or {})},
                                       stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        child = Child(process, log_path)
        self.started.append(child)
        return child

    def kill_all(self) -> None:
        for child in self.started:
            child.kill()


def project_env(**extra: str) -> dict[str, str]:
    """This environment without any Tiptoe settings, the project on PYTHONPATH, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "TELEGRAM_", "DISCORD_"))}
    return {**env, "PYTHONPATH": str(ROOT), **extra}


@contextmanager
def children(log_dir: Path, env: dict[str, str] | None = None) -> Iterator[Children]:
    started = Children(log_dir, env if env is not None else project_env())
    try:
        yield started
    finally:
        started.kill_all()
