"""Run a platform the way bot/main.py does (`run_telegram` / `run_discord`) for a test's duration."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

Runner = Callable[[asyncio.Event, asyncio.Event], Awaitable[None]]  # (stop, started) -> runs until stop
STOP_TIMEOUT_S = 15


@asynccontextmanager
async def serving(run: Runner, timeout: float = STOP_TIMEOUT_S) -> AsyncIterator[None]:
    """Start `run`, wait until it says it started (or failed), and stop it cleanly afterwards."""
    stop, started = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(run(stop, started))
    ready = asyncio.create_task(started.wait())
    await asyncio.wait({task, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    ready.cancel()
    if task.done():
        task.result()  # raises what went wrong at start-up
    assert started.is_set(), "the platform did not start in time"
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout)
