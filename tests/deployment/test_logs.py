"""`tiptoe run` at DEBUG, as JSON lines: no secret and no message text in any line.

PTB logs every Bot API call with its parameters at DEBUG, so without care the texts a
runner typed and read would land in the log; tokens, the webhook secret, SECRET_KEY and
the database password must never appear at any level.
"""

from __future__ import annotations

import json

from sqlalchemy.engine import make_url

from tests.deployment.processes import Launcher, all_healthy, environment, eventually
from tests.deployment.test_webhook_workers import url_of
from tests.fakes.telegram_api import FakeTelegram
from tests.storage.backends import DatabaseUnderTest

CHAT = 4242
WEBHOOK_SECRET = "webhook-secret-that-must-not-leak"
SECRET_KEY = "secret-key-that-must-not-leak-0123456789"
DB_PASSWORD = "db-password-that-must-not-leak"  # the local server trusts everyone, so any password works
TYPED = "Atlantis seventy-seven, my private words"


async def test_debug_json_logs_hold_no_secret_and_no_message_text(empty_postgres: DatabaseUnderTest,
                                                                  tg: FakeTelegram, tiptoe: Launcher) -> None:
    from tests.deployment.processes import free_port

    port = free_port()
    url = make_url(empty_postgres.url).set(password=DB_PASSWORD).render_as_string(hide_password=False)
    env = environment(empty_postgres, tg, database_url=url, log_level="debug", log_format="JSON",
                      secret_key=SECRET_KEY, telegram_webhook_secret=WEBHOOK_SECRET,
                      telegram_webhook_url="https://tiptoe.example/telegram/updates", telegram_webhook_port=port,
                      telegram_webhook_listen="127.0.0.1", metrics_port=port, metrics_listen="127.0.0.1")
    run = tiptoe("run", env)
    await eventually(lambda: all_healthy([run]), 120, "healthy", [run])

    mark = len(tg.calls)
    assert await tg.push_webhook(tg.user_text(CHAT, "/start"), url=url_of(run)) == 200
    welcome = await tg.wait_for("sendMessage", lambda c: c.params.get("chat_id") == CHAT, since=mark, timeout=30)
    update, _ = tg.press(CHAT, welcome.result["message_id"],
                         welcome.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    assert await tg.push_webhook(update, url=url_of(run)) == 200
    await tg.wait_for("sendMessage", lambda c: "Safety check 1/3" in c.params.get("text", ""), since=mark, timeout=30)
    mark = len(tg.calls)
    assert await tg.push_webhook(tg.user_text(CHAT, TYPED), url=url_of(run)) == 200
    await tg.wait_for("sendMessage", lambda c: c.params.get("chat_id") == CHAT, since=mark, timeout=30)
    assert await run.stop() == 0, run.log()[-3000:]

    lines = [json.loads(line) for line in run.log().splitlines() if line.strip()]  # every line is JSON
    assert {"time", "level", "logger", "message"} <= set(lines[0])
    assert any(e["level"] == "DEBUG" and e["logger"].startswith("telegram") for e in lines)  # DEBUG really on
    logged = run.log()
    for secret in (tg.token, tg.token.split(":")[1], WEBHOOK_SECRET, SECRET_KEY, DB_PASSWORD):
        assert secret not in logged
    shown = [c.params["text"] for c in tg.calls if c.method in ("sendMessage", "editMessageText")]
    assert len(shown) >= 3
    for text in [TYPED, *shown]:
        assert text[:40] not in logged, text[:40]
