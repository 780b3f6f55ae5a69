"""/healthz and /metrics for load balancers, orchestrators and Prometheus.

/healthz answers 200 when every check passes and 503 otherwise, with a small JSON body
naming each check: the database answers, each platform is connected (or standing by
to take over polling), the dispatcher ticked recently. /metrics is Prometheus' text
format from this process's Metrics. Neither says anything about a runner.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.http_server import WebServer
from bot.metrics import CONTENT_TYPE, Metrics

if TYPE_CHECKING:  # imported by the handlers: only a process with METRICS_PORT serves these
    from aiohttp import web

log = logging.getLogger(__name__)

Check = Callable[[], Awaitable[str | None]]  # None when healthy, else a short reason
CHECK_TIMEOUT_S = 3.0
TICK_STALE_AFTER_S = 30.0  # a dispatcher whose last tick ended longer ago than this is stuck


class Health:
    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics
        self.checks: dict[str, Check] = {}

    def add(self, name: str, check: Check) -> None:
        self.checks[name] = check

    async def report(self) -> tuple[bool, dict[str, str]]:
        names = list(self.checks)
        results = await asyncio.gather(*(self._run(self.checks[name]) for name in names))
        found = {name: problem or "ok" for name, problem in zip(names, results)}
        return all(problem is None for problem in results), found

    @staticmethod
    async def _run(check: Check) -> str | None:
        try:
            return await asyncio.wait_for(check(), CHECK_TIMEOUT_S)
        except TimeoutError:
            return "no answer in time"
        except Exception as error:  # a failing check is an unhealthy answer, not a 500
            return type(error).__name__

    async def healthz(self, request: web.Request) -> web.Response:
        from aiohttp import web

        healthy, checks = await self.report()
        body = json.dumps({"status": "ok" if healthy else "failing", "checks": checks})
        return web.Response(text=body, status=200 if healthy else 503, content_type="application/json")

    async def metrics_page(self, request: web.Request) -> web.Response:
        from aiohttp import web

        return web.Response(body=self.metrics.render(), headers={"Content-Type": CONTENT_TYPE})

    def serve_on(self, server: WebServer, port: int) -> None:
        server.add(port, "GET", "/healthz", self.healthz)
        server.add(port, "GET", "/metrics", self.metrics_page)


def database_check(engine: AsyncEngine) -> Check:
    async def check() -> str | None:
        async with engine.connect() as connection:
            await connection.scalar(text("SELECT 1"))
        return None

    return check


def ticking_check(last_tick: Callable[[], float | None], stale_after: float = TICK_STALE_AFTER_S) -> Check:
    """The dispatcher finished a tick within `stale_after` seconds (or is still on its first)."""
    started = time.monotonic()

    async def check() -> str | None:
        last = last_tick()
        since = time.monotonic() - (last if last is not None else started)
        return None if since <= stale_after else f"no tick for {since:.0f} s"

    return check
