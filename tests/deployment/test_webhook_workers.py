"""Two `tiptoe run` webhook workers behind one URL, as behind a load balancer.

They register the webhook once between them, agree on its secret without being told
(derived from the key in the database), and either one answers any update; a restart
registers nothing again. The worker's webhook shares its port with /healthz and /metrics.
"""

from __future__ import annotations

from tests.deployment.processes import Launcher, Tiptoe, all_healthy, environment, eventually, free_port
from tests.fakes.telegram_api import FakeTelegram
from tests.storage.backends import DatabaseUnderTest

START_TIMEOUT_S = 120.0
CHAT = 4242


def worker(tiptoe: Launcher, database: DatabaseUnderTest, tg: FakeTelegram, public_url: str, name: str,
           **settings: object) -> Tiptoe:
    port = free_port()
    return tiptoe("run", environment(database, tg, telegram_webhook_url=public_url, telegram_webhook_port=port,
                                     telegram_webhook_listen="127.0.0.1", metrics_port=port,
                                     metrics_listen="127.0.0.1", **settings), name=name)


def url_of(child: Tiptoe) -> str:
    return f"http://127.0.0.1:{child.metrics_port}/telegram/updates"


async def test_two_webhook_workers_share_one_registration_and_secret(empty_postgres: DatabaseUnderTest,
                                                                     tg: FakeTelegram, tiptoe: Launcher) -> None:
    public = "https://tiptoe.example/telegram/updates"  # the load balancer's address
    workers = [worker(tiptoe, empty_postgres, tg, public, f"worker-{n}") for n in range(2)]
    await eventually(lambda: all_healthy(workers), START_TIMEOUT_S, "both workers healthy", workers)
    assert len(tg.calls_of("setWebhook")) == 1  # once per deployment, not once per process
    assert tg.webhook_url == public and tg.webhook_secret

    first, second = workers
    for child in workers:  # a forged update is refused by both
        assert await tg.push_webhook(tg.user_text(CHAT, "/start"), secret_token="forged", url=url_of(child)) == 403
    mark = len(tg.calls)
    assert await tg.push_webhook(tg.user_text(CHAT, "/start"), url=url_of(first)) == 200
    welcome = await tg.wait_for("sendMessage", lambda c: c.params.get("chat_id") == CHAT, since=mark, timeout=30)
    button = welcome.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    update, _ = tg.press(CHAT, welcome.result["message_id"], button)
    mark = len(tg.calls)
    assert await tg.push_webhook(update, url=url_of(second)) == 200  # the next update lands on the other
    await tg.wait_for("sendMessage", lambda c: "Safety check 1/3" in c.params.get("text", ""), since=mark,
                      timeout=30)

    assert await second.stop() == 0, second.log()[-3000:]
    again = worker(tiptoe, empty_postgres, tg, public, "worker-restarted")
    await eventually(lambda: all_healthy([first, again]), START_TIMEOUT_S, "the restarted worker healthy",
                     [first, again])
    assert len(tg.calls_of("setWebhook")) == 1  # nothing changed, so nothing is registered again
    assert "already registered" in again.log()
    for child in (first, again):
        assert await child.stop() == 0, child.log()[-3000:]
