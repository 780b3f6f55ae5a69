"""The dispatcher's clock: APScheduler jobs that never overlap and never drop a pass.

An `interval` job whose pass runs longer than its interval makes APScheduler skip runs and
log "maximum number of running instances reached" several times a second under load.
Here each pass is a one-off `date` job that, when it ends, schedules the next one
`seconds` after it began (at once if it overran): one pass at a time by construction, a
late pass still runs (misfire_grace_time=None), and the log stays quiet.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)

Work = Callable[[], Awaitable[object]]


class Ticker:
    def __init__(self) -> None:
        self._scheduler: AsyncIOScheduler | None = None
        self._running: set[asyncio.Task[object]] = set()
        self._stopping = False
        self._passes = 0

    def start(self, passes: dict[str, tuple[float, Work]]) -> None:
        """Run each `name: (seconds, work)` now and then every `seconds`, until `stop`."""
        self._stopping = False
        # In memory only: the reminder rows are what persists, the clock is rebuilt at start.
        self._scheduler = AsyncIOScheduler(job_defaults={"misfire_grace_time": None, "coalesce": True,
                                                         "max_instances": 1})
        self._scheduler.start()
        for name, (seconds, work) in passes.items():
            self._next(name, seconds, work, delay=0.0)

    async def stop(self) -> None:
        """No new pass starts; a pass under way is let finish (one cut off mid-claim would strand rows)."""
        self._stopping = True
        # Let passes finish before the scheduler goes: APScheduler's shutdown cancels the tasks of
        # jobs still running. A pass handed to the event loop just now registers itself on its
        # first step (and returns at once, seeing `_stopping`); one turn of the loop lets it.
        await asyncio.sleep(0)
        await asyncio.gather(*list(self._running), return_exceptions=True)
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None

    def _next(self, name: str, seconds: float, work: Work, delay: float) -> None:
        if self._stopping or self._scheduler is None:
            return
        # A job id of its own for every pass: the pass scheduling it still counts as a running
        # instance of its own job until it returns, so reusing the id would skip the next one.
        self._passes += 1
        self._scheduler.add_job(self._pass, "date", args=(name, seconds, work), id=f"tiptoe-{name}-{self._passes}",
                                run_date=datetime.now().astimezone() + timedelta(seconds=delay))

    async def _pass(self, name: str, seconds: float, work: Work) -> None:
        task = asyncio.current_task()
        if self._stopping or task is None:
            return
        self._running.add(task)
        began = time.monotonic()
        try:
            await work()
        except Exception:  # a database hiccup must not end the clock; the next pass tries again
            log.exception("a dispatcher pass (%s) failed", name)
        finally:
            self._running.discard(task)
            self._next(name, seconds, work, delay=max(0.0, seconds - (time.monotonic() - began)))
