"""Bot API calls over aiohttp: PTB's request hook (`BaseRequest`) with a faster HTTP client.

PTB builds every call and reads every answer as always; only the HTTP exchange is aiohttp's.
PTB's own transport (httpx over httpcore, anyio and h11, all pure Python) was most of what a
check-in cost: a sendMessage or edit took 2.6-2.9 ms of the bot's CPU, against 1.2-1.6 ms over
aiohttp, whose HTTP parser is compiled (measured: 1,000 sends and edits each, alternating,
against the Bot API emulator in a process of its own). A press makes four calls and a poll.

Timeouts keep PTB's meaning: `connect` bounds waiting for a pooled connection and opening
one; `read` bounds each wait for the answer (getUpdates adds its long-poll time, as PTB
does). aiohttp has no write timeout, so the whole exchange is capped at the sum of the four
(pool, connect, write, read). A timeout is PTB's TimedOut, any other failure its NetworkError,
as HTTPXRequest reports them: the retry policy (faults.py) treats both as transient. No error text carries
the request's URL, which holds the token. A proxy named in the environment (HTTPS_PROXY,
HTTP_PROXY, NO_PROXY) carries the calls, as it did under httpx.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.startup import host_of

CONNECTIONS = 256  # calls in flight at once, as PTB's own pool allows (ApplicationBuilder's default)


class AiohttpRequest(BaseRequest):
    """One pool of keep-alive connections to the Bot API; `initialize` opens it, `shutdown` closes it."""

    def __init__(self, *, timeout: float, media_write_timeout: float, read_timeout: float | None = None,
                 connections: int = CONNECTIONS) -> None:
        """`timeout` for connecting, waiting for the pool and writing; `read_timeout` (default: the same)
        for each wait for the answer; `media_write_timeout` for writing an upload."""
        self._timeout = timeout
        self._read_timeout = timeout if read_timeout is None else read_timeout
        self._media_write_timeout = media_write_timeout
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], str | None] = {}  # (scheme, host) -> the proxy for it, if any

    @property
    def read_timeout(self) -> float:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:  # PTB may start a bot again after a shutdown
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections),
                headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = BaseRequest.DEFAULT_NONE,
                         write_timeout: Any = BaseRequest.DEFAULT_NONE,
                         connect_timeout: Any = BaseRequest.DEFAULT_NONE,
                         pool_timeout: Any = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        files = request_data.multipart_data if request_data is not None else None
        read = _given(read_timeout, self._read_timeout)
        write = _given(write_timeout, self._media_write_timeout if files else self._timeout)
        connect = _given(connect_timeout, self._timeout)
        wait_for_pool = _given(pool_timeout, self._timeout)
        parts = (connect, wait_for_pool, write, read)
        timeout = aiohttp.ClientTimeout(
            total=None if None in parts else sum(parts),  # type: ignore[arg-type]
            connect=None if connect is None or wait_for_pool is None else connect + wait_for_pool,
            sock_read=read)
        try:
            async with self._session.request(method, url, data=_body(request_data, files), timeout=timeout,
                                             proxy=self._proxy_for(url)) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's own timeouts are TimeoutErrors too
            raise TimedOut from error
        except aiohttp.ClientError as error:
            detail = str(error).replace(url, host_of(url))
            raise NetworkError(f"aiohttp.{type(error).__name__}: {detail}") from error

    def _proxy_for(self, url: str) -> str | None:
        """The proxy the environment names for this URL (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), read once
        per host: aiohttp's own `trust_env` reads the environment and ~/.netrc again on every call
        (measured: netrc parsing alone was over 1 % of a busy bot's CPU)."""
        parts = urlsplit(url)
        where = (parts.scheme, parts.hostname or "")
        if where not in self._proxies:
            self._proxies[where] = None if proxy_bypass(where[1]) else getproxies().get(where[0])
        return self._proxies[where]


def bot_api_requests(timeout: float) -> tuple[AiohttpRequest, AiohttpRequest]:
    """An Application's two: one for every call, one for getUpdates (a single long poll at a time)."""
    return (AiohttpRequest(timeout=timeout, media_write_timeout=timeout),
            AiohttpRequest(timeout=timeout, media_write_timeout=timeout, connections=1))


def _given(value: Any, default: float) -> float | None:
    """PTB's "not given" is the request's own default; None means no limit."""
    return default if isinstance(value, DefaultValue) else value


def _body(request_data: RequestData | None, files: dict[str, Any] | None) -> aiohttp.FormData | dict[str, str] | None:
    """The parameters as a form (PTB encodes each value as JSON); multipart when files go along."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    if not files:
        return fields or None
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form

