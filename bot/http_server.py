"""One small aiohttp server per port, for /healthz, /metrics and the Telegram webhook.

Routes may be added before or after a port starts listening (each port has one catch-all
route that looks the request up), so the Telegram adapter can add its webhook to the
port that /metrics already uses when TELEGRAM_WEBHOOK_PORT = METRICS_PORT.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # aiohttp is imported when a port opens: most processes never serve HTTP
    from aiohttp import web

Handler = Callable[["web.Request"], Awaitable["web.StreamResponse"]]
MAX_BODY_BYTES = 1024 * 1024  # an update is a few kB; refuse anything absurd early
SHUTDOWN_TIMEOUT_S = 2.0


class WebServer:
    def __init__(self) -> None:
        self._routes: dict[int, dict[tuple[str, str], Handler]] = {}
        self._runners: dict[int, web.AppRunner] = {}

    def add(self, port: int, method: str, path: str, handler: Handler) -> None:
        self._routes.setdefault(port, {})[(method.upper(), "/" + path.lstrip("/"))] = handler

    async def listen(self, host: str, port: int) -> None:
        """Start serving `port` (once; a second call for the same port does nothing)."""
        if port in self._runners:
            return
        from aiohttp import web

        app = web.Application(client_max_size=MAX_BODY_BYTES)
        app.router.add_route("*", "/{tail:.*}", self._dispatcher_for(port))
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT_S)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        self._runners[port] = runner

    async def close(self) -> None:
        for runner in self._runners.values():
            await runner.cleanup()
        self._runners.clear()

    def _dispatcher_for(self, port: int) -> Handler:
        from aiohttp import web

        async def dispatch(request: web.Request) -> web.StreamResponse:
            handler = self._routes.get(port, {}).get((request.method, request.path))
            if handler is None:
                raise web.HTTPNotFound()
            return await handler(request)

        return dispatch
