"""One bot token, five processes, one pace: a burst under Telegram's real limits.

Three `tiptoe dispatch` processes and two `tiptoe run` webhook workers share one
PostgreSQL schema and one token. The Bot API emulator answers 429 above 30 messages a
second for the token and above one a second per chat (after a short burst), as Telegram
does. 2,000 pre-run nudges fall due at once while runners tap through the screening on
either worker; one dispatcher is killed with SIGKILL mid-burst.

Expected: no 429 (at most 1 %), nothing failed or lost, each nudge once (the killed
process's message in flight at most twice), and no reply held up more than 2 s by the burst.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from bot.reminders.dispatcher import DispatcherConfig
from bot.storage.tables import ReminderRow
from tests.deployment.processes import (
    Launcher, Tiptoe, all_healthy, environment, eventually, free_port, http_get,
)
from tests.deployment.seeding import seed_due_nudges
from tests.deployment.test_webhook_workers import url_of, worker
from tests.fakes.telegram_api import FakeTelegram
from tests.storage.backends import DatabaseUnderTest, open_database

BURST = 2000
REMINDER_CHATS = range(1, BURST + 1)
TAPPERS = [900_001 + n for n in range(4)]  # runners going through the screening meanwhile
TAP_EVERY_S = 3.0  # each runner's pace; two messages per tap stay within a chat's one a second
CALLBACK_WINDOW_S = 15.0  # Telegram drops a press's answer after about this long
KILL_AFTER = 500  # reminders accepted before one dispatcher is killed
BURST_TIMEOUT_S = 240.0  # 2,000 at 27/s is 74 s; the killed process's rows wait out a 20 s lease


async def tap_through_screening(tg: FakeTelegram, chat: int, workers: list[Tiptoe], delays: list[float]) -> None:
    """/start, then the screening's presses, alternating workers; each reply's delay recorded."""

    async def push_and_time(update: dict, worker_index: int, expect: str) -> dict:
        mark = len(tg.calls)
        began = time.time()
        assert await tg.push_webhook(update, url=url_of(workers[worker_index % 2])) == 200
        reply = await tg.wait_for("sendMessage", lambda c: c.ok and c.params.get("chat_id") == chat
                                  and expect in c.params.get("text", ""), since=mark, timeout=30)
        delays.append(reply.at - began)
        return reply

    shown = await push_and_time(tg.user_text(chat, "/start"), chat, "short safety check")
    for step, (label, expect) in enumerate([("Let's start", "Safety check 1/3"),
                                            ("None of these", "Safety check 2/3"),
                                            ("None of these", "injury or pain"),
                                            ("No", "Which days do you usually run?")]):
        await asyncio.sleep(TAP_EVERY_S)
        buttons = [b for row in shown.params["reply_markup"]["inline_keyboard"] for b in row]
        data = next(b["callback_data"] for b in buttons if b["text"] == label)
        update, _ = tg.press(chat, shown.result["message_id"], data)
        shown = await push_and_time(update, chat + step + 1, expect)


async def test_five_processes_keep_one_pace_through_a_burst_and_a_kill(tmp_path: Path, tiptoe: Launcher) -> None:
    async with FakeTelegram(flood_limit=30, per_chat_rate=1.0) as tg, \
            open_database("postgres", tmp_path) as database:
        await seed_due_nudges(database, REMINDER_CHATS, datetime.now(UTC))
        public = "https://tiptoe.example/telegram/updates"
        workers = [worker(tiptoe, database, tg, public, f"worker-{n}") for n in range(2)]
        dispatchers = [tiptoe("dispatch", environment(database, tg, metrics_port=free_port(),
                                                      metrics_listen="127.0.0.1"), name=f"dispatch-{n}")
                       for n in range(3)]
        everyone = workers + dispatchers
        await eventually(lambda: all_healthy(everyone), 120, "all five healthy", everyone)

        delays: list[float] = []
        taps = asyncio.gather(*(tap_through_screening(tg, chat, workers, delays) for chat in TAPPERS))

        async def enough_sent() -> bool:
            return len(reminders_accepted(tg)) >= KILL_AFTER

        await eventually(enough_sent, 120, f"{KILL_AFTER} accepted", everyone)
        victim = dispatchers[0]
        victim.kill()
        await asyncio.wait_for(taps, 120)
        survivors = [child for child in everyone if child is not victim]
        await eventually(lambda: _all_settled(database), BURST_TIMEOUT_S, "every reminder settled", survivors)
        slot_waits = [await reply_slot_waits(child) for child in workers]
        for child in survivors:
            assert await child.stop() == 0, child.log()[-3000:]

    accepted = reminders_accepted(tg)
    sends = [c for c in tg.calls if c.method in ("sendMessage", "editMessageText", "editMessageReplyMarkup")]
    rejected = [c for c in sends if c.status == 429]
    assert len(accepted) == BURST  # none lost, the killed process's included
    # At-least-once: only what the killed process had sent but not yet marked can come twice. On an
    # idle machine that is 0-3; a process starved of CPU marks late, so the bound is what it may
    # hold in flight, as the README documents.
    assert sum(n - 1 for n in accepted.values()) <= DispatcherConfig().max_in_flight
    assert max(accepted.values()) <= 2
    assert len(rejected) <= len(sends) // 100, f"{len(rejected)} × 429 in {len(sends)} sends"
    assert len(tg.calls_of("setWebhook")) == 1
    # What the burst can cost a reply is its wait for send slots: short by design (the queue of
    # reminder slots ahead of it is kept under a fifth of a second), measured by the workers.
    # (Push to answer takes longer on a loaded machine, whatever the burst: it stays well in time.)
    waited, within = (sum(w[0] for w in slot_waits), sum(w[1] for w in slot_waits))
    assert waited >= len(TAPPERS) * 5 and within == waited, slot_waits
    assert len(delays) == len(TAPPERS) * 5 and max(delays) < CALLBACK_WINDOW_S, sorted(delays)[-5:]


async def reply_slot_waits(child: Tiptoe) -> tuple[float, float]:
    """(replies' messages that waited for a send slot, those that waited at most 2 s), from /metrics."""
    _, page = await http_get(f"http://127.0.0.1:{child.metrics_port}/metrics")
    found = {}
    for line in page.splitlines():
        if line.startswith("tiptoe_pace_wait_seconds_bucket") and 'priority="reply"' in line:
            found[line.split('le="')[1].split('"')[0]] = float(line.rsplit(" ", 1)[1])
    return found.get("+Inf", 0.0), found.get("2.0", 0.0)


def reminders_accepted(tg: FakeTelegram) -> Counter[int]:
    """How many times each reminder's chat got a message Telegram accepted."""
    return Counter(c.params["chat_id"] for c in tg.calls_of("sendMessage")
                   if c.ok and c.params["chat_id"] in REMINDER_CHATS)


async def _all_settled(database: DatabaseUnderTest) -> bool:
    async with database.session_factory() as db:
        counts = dict((await db.execute(select(ReminderRow.status, func.count())
                                        .where(ReminderRow.kind == "session")
                                        .group_by(ReminderRow.status))).all())
    assert not counts.get("failed") and not counts.get("missed"), counts
    return counts.get("sent", 0) >= BURST
