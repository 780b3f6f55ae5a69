"""/healthz says 200 only when every check passes, and names the one that fails; /metrics is Prometheus text."""

from __future__ import annotations

import json
import time

import pytest

from bot.health import Health, database_check, ticking_check
from bot.http_server import WebServer
from bot.metrics import Metrics
from bot.storage.database import make_engine
from tests.deployment.processes import free_port, http_get
from tests.storage.backends import DatabaseUnderTest


@pytest.mark.parametrize("ticked_seconds_ago", [1.0, 120.0], ids=["ticking", "stuck"])
async def test_healthz_names_what_fails(database: DatabaseUnderTest, ticked_seconds_ago: float) -> None:
    metrics = Metrics()
    metrics.reminder_sent("morning", 75.0)
    health = Health(metrics)
    health.add("database", database_check(database.engine))
    health.add("dispatcher", ticking_check(lambda: time.monotonic() - ticked_seconds_ago))
    unreachable = make_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/none")
    server, port = WebServer(), free_port()
    health.serve_on(server, port)
    await server.listen("127.0.0.1", port)
    try:
        status, body = await http_get(f"http://127.0.0.1:{port}/healthz")
        stuck = ticked_seconds_ago > 30
        assert status == (503 if stuck else 200)
        assert json.loads(body) == {"status": "failing" if stuck else "ok",
                                    "checks": {"database": "ok",
                                               "dispatcher": "no tick for 120 s" if stuck else "ok"}}
        health.add("other database", database_check(unreachable))
        status, body = await http_get(f"http://127.0.0.1:{port}/healthz")
        assert status == 503 and json.loads(body)["checks"]["other database"] != "ok"
        status, page = await http_get(f"http://127.0.0.1:{port}/metrics")
        assert status == 200 and 'tiptoe_reminders_late_total{kind="morning"} 1.0' in page
        assert (await http_get(f"http://127.0.0.1:{port}/nothing-here"))[0] == 404
    finally:
        await server.close()
        await unreachable.dispose()
