"""Leaving `tiptoe chat`: Ctrl-C, Ctrl-D and /quit say goodbye, with no traceback, at a prompt or piped.

The real program runs with its input on a terminal (a pty, as a person types) or on a pipe
kept open (as a script that has not finished); its output goes to a file, and every wait
is bounded.
"""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.terminal.words import GOODBYE

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 60


@dataclass
class Session:
    """A running `tiptoe chat`: type into it, wait for what it printed, then see how it ended."""

    process: subprocess.Popen[bytes]
    typing: int  # fd: the pty's master side or the pipe's write end
    output: Path

    def type(self, text: str) -> None:
        os.write(self.typing, text.encode())

    def printed(self) -> str:
        return self.output.read_text(errors="replace")

    def wait_for(self, text: str) -> None:
        deadline = time.monotonic() + WAIT_S
        while text not in self.printed():
            assert self.process.poll() is None, f"ended early:\n{self.printed()}"
            assert time.monotonic() < deadline, f"{text!r} never printed:\n{self.printed()}"
            time.sleep(0.05)

    def ended(self) -> int:
        try:
            return self.process.wait(WAIT_S)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running {WAIT_S} s later:\n{self.printed()}")


@contextmanager
def chat(tmp_path: Path, on_a_terminal: bool) -> Iterator[Session]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "TELEGRAM_", "DISCORD_"))}
    env["PYTHONPATH"] = str(ROOT)
    if on_a_terminal:
        typing, reading = pty.openpty()  # (master, slave): the program reads the slave, like a shell's tty
    else:
        reading, typing = os.pipe()
    output = tmp_path / "chat.out"
    with output.open("wb") as sink:
        command = ["chat", "--db", str(tmp_path / "t.sqlite3"), "--now", "2026-12-01 06:30"]
        process = subprocess.Popen([sys.executable, "-m", "bot.main", *command], stdin=reading, stdout=sink,
                                   stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    os.close(reading)
    session = Session(process, typing, output)
    try:
        yield session
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(WAIT_S)
        os.close(session.typing)


def ctrl_c(session: Session) -> None:
    session.process.send_signal(signal.SIGINT)  # what the terminal sends on Ctrl-C


def ctrl_d(session: Session) -> None:
    session.type("\x04")  # end of input at the start of a line


def end_of_pipe(session: Session) -> None:
    os.close(session.typing)
    session.typing = os.open(os.devnull, os.O_WRONLY)  # so the cleanup has something to close


def quit_command(session: Session) -> None:
    session.type("/quit\n")


@pytest.mark.parametrize(("on_a_terminal", "leave"), [
    pytest.param(True, ctrl_c, id="terminal-ctrl-c"),
    pytest.param(True, ctrl_d, id="terminal-ctrl-d"),
    pytest.param(True, quit_command, id="terminal-quit"),
    pytest.param(False, ctrl_c, id="pipe-ctrl-c"),
    pytest.param(False, end_of_pipe, id="pipe-ends"),
    pytest.param(False, quit_command, id="pipe-quit"),
])
def test_leaving_says_goodbye_without_a_traceback(tmp_path: Path, on_a_terminal: bool,
                                                   leave: Callable[[Session], None]) -> None:
    with chat(tmp_path, on_a_terminal) as session:
        session.type("/help\n")
        session.wait_for("/help: this list")  # the chat is answering; now it waits for the next line
        leave(session)
        code = session.ended()
    printed = session.printed()
    assert code == 0, printed
    assert "Traceback" not in printed and "KeyboardInterrupt" not in printed
    assert printed.endswith(GOODBYE + "\n")
