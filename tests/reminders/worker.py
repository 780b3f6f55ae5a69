"""A dispatcher process for the multi-process tests: the real Dispatcher on APScheduler,
delivering through an HTTP fake of the Delivery port to the test's counting endpoint.

    python -m tests.reminders.worker URL SCHEMA ENDPOINT WORKER [LEASE_SECONDS]

It runs until no reminder is pending or claimed for two seconds, then exits 0; after
DEADLINE_S it gives up and exits 1, so a stuck worker never outlives its test.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

import aiohttp

from bot.clock import SystemClock
from bot.main import open_app
from bot.reminders.dispatcher import DispatcherConfig
from bot.reminders.limiter import RateLimiter
from bot.reminders.queries import status_counts
from core.ports import DeliveryOutcome, DeliveryStatus
from core.replies import Reply

PLATFORM = "telegram"
IN_FLIGHT = 32  # max_in_flight: the documented double-send window after a SIGKILL
POOL_SIZE = 8  # connections: a few more than the claim, mark and coach calls running at once need
DEADLINE_S = 240.0


class HttpDelivery:
    """The Delivery port as a POST to a local endpoint that counts what arrives."""

    platform = PLATFORM

    def __init__(self, http: aiohttp.ClientSession, endpoint: str) -> None:
        self._http = http
        self._endpoint = endpoint

    async def deliver(self, chat_id: str, replies: tuple[Reply, ...], *, urgent: bool = False) -> DeliveryOutcome:
        try:
            async with self._http.post(self._endpoint, json={"chat_id": chat_id, "text": replies[0].text}) as answer:
                if answer.status == 200:
                    return DeliveryOutcome(DeliveryStatus.SENT)
                return DeliveryOutcome(DeliveryStatus.RETRY, detail=str(answer.status))
        except aiohttp.ClientError as error:
            return DeliveryOutcome(DeliveryStatus.RETRY, detail=type(error).__name__)


async def main(url: str, schema: str, endpoint: str, worker: str, lease: float) -> None:
    async with open_app(url, SystemClock(), schema=schema, pool_size=POOL_SIZE) as app, \
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
        config = DispatcherConfig(tick_seconds=0.2, lease=timedelta(seconds=lease), max_in_flight=IN_FLIGHT)
        dispatcher = app.dispatcher({PLATFORM: HttpDelivery(http, endpoint)}, {PLATFORM: RateLimiter(5000.0)},
                                    config, worker)
        dispatcher.start()
        idle_since = None
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(0.25)
            counts = await status_counts(app.sessions)
            busy = counts.get("pending", 0) + counts.get("claimed", 0)
            idle_since = None if busy else (idle_since or loop.time())
            if idle_since is not None and loop.time() - idle_since > 2:
                break
        await dispatcher.stop()


async def bounded(url: str, schema: str, endpoint: str, worker: str, lease: float) -> None:
    try:
        await asyncio.wait_for(main(url, schema, endpoint, worker, lease), DEADLINE_S)
    except TimeoutError:
        print(f"worker {worker}: still busy after {DEADLINE_S:.0f} s; giving up", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    url, schema, endpoint, worker = sys.argv[1:5]
    asyncio.run(bounded(url, schema, endpoint, worker, float(sys.argv[5]) if len(sys.argv) > 5 else 120.0))
