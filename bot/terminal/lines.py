"""Typed lines from stdin without blocking the event loop, and without a reader thread.

A thread blocked in `readline()` would keep the process alive after Ctrl-C until Enter
was pressed (asyncio joins its worker threads at exit); the loop's own reader does not.
"""

from __future__ import annotations

import asyncio
import codecs
import os
from types import TracebackType


class LineReader:
    """`async with LineReader(fd) as lines: await lines.next()` gives each line, then None at the end."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._watched = False

    async def __aenter__(self) -> LineReader:
        try:
            asyncio.get_running_loop().add_reader(self._fd, self._readable)
            self._watched = True
        except PermissionError:
            pass  # a regular file (`< script.txt`): always readable, so it is read as needed
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        if self._watched:
            asyncio.get_running_loop().remove_reader(self._fd)
            self._watched = False

    async def next(self) -> str | None:
        """The next line without its line end; None once the input has ended (Ctrl-D, end of pipe)."""
        while not self._watched and self._lines.empty():
            self._readable()
        return await self._lines.get()

    def wake(self) -> None:
        """Make a waiting `next()` return None now (the runner is leaving)."""
        self._lines.put_nowait(None)

    def _readable(self) -> None:
        chunk = os.read(self._fd, 65536)
        self._pending += self._decoder.decode(chunk, final=not chunk)
        *complete, self._pending = self._pending.split("\n")
        for line in complete:
            self._lines.put_nowait(line.rstrip("\r"))
        if not chunk:  # end of input; a last line without a line end still counts
            if self._pending:
                self._lines.put_nowait(self._pending)
                self._pending = ""
            self._lines.put_nowait(None)
            if self._watched:
                asyncio.get_running_loop().remove_reader(self._fd)
                self._watched = False
