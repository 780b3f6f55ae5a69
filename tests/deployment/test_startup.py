"""Three `tiptoe run` processes started at once on an empty PostgreSQL schema.

All come up (the migration runs once, under a lock), one polls Telegram while the others
stand by (no 409 fights), and when the poller is killed another takes over within seconds.
/healthz and /metrics answer on each process's METRICS_PORT.
"""

from __future__ import annotations

import json

from alembic.script import ScriptDirectory
from sqlalchemy import text

from bot.storage.database import alembic_config
from tests.deployment.processes import Launcher, all_healthy, environment, eventually, free_port, http_get
from tests.fakes.telegram_api import FakeTelegram
from tests.storage.backends import DatabaseUnderTest

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()
START_TIMEOUT_S = 120.0  # three interpreters importing everything on a busy 2-core machine
TAKEOVER_TIMEOUT_S = 20.0


def answered(tg: FakeTelegram, chat: int) -> int:
    return sum(1 for c in tg.calls_of("sendMessage") if c.ok and c.params.get("chat_id") == chat)


async def test_three_processes_start_at_once_and_one_polls(empty_postgres: DatabaseUnderTest, tg: FakeTelegram,
                                                          tiptoe: Launcher) -> None:
    runs = [tiptoe("run", environment(empty_postgres, tg, metrics_port=free_port(), metrics_listen="127.0.0.1"))
            for _ in range(3)]
    await eventually(lambda: all_healthy(runs), START_TIMEOUT_S, "all three healthy", runs)

    async with empty_postgres.engine.connect() as connection:
        assert (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars().all() == [HEAD]
    status, body = await runs[0].health()
    assert status == 200 and set(json.loads(body)["checks"]) == {"database", "dispatcher", "telegram"}

    pollers = [run for run in runs if "(polling)" in run.log()]
    assert len(pollers) == 1, [run.log()[-500:] for run in runs]
    tg.user_text(4242, "/start")
    await tg.wait_for("sendMessage", lambda c: c.params.get("chat_id") == 4242, timeout=30, since=0)

    [poller] = pollers
    poller.kill()
    survivors = [run for run in runs if run is not poller]
    await eventually(lambda: _any_polling(survivors), TAKEOVER_TIMEOUT_S, "a survivor polling", survivors)
    tg.user_text(4343, "/start")
    await tg.wait_for("sendMessage", lambda c: c.params.get("chat_id") == 4343, timeout=30, since=0)

    assert answered(tg, 4242) == 1 and answered(tg, 4343) == 1  # each update handled once
    assert not [c for c in tg.calls_of("getUpdates") if c.status == 409]  # never two pollers at once
    metrics = [await http_get(f"http://127.0.0.1:{run.metrics_port}/metrics") for run in survivors]
    assert any('tiptoe_updates_total{kind="command",platform="telegram"}' in page for _, page in metrics)
    for run in survivors:
        assert await run.stop() == 0, run.log()[-3000:]


async def _any_polling(runs: list) -> bool:
    return any("(polling)" in run.log() for run in runs)
