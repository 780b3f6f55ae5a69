"""/link and /unlink through the real engine and storage, on SQLite and PostgreSQL.

Two people-shaped chats play one runner: Tess on Telegram and Dan on Discord (the same
person). The platform tests (test_emulators.py) run the same moves through PTB and
discord.py; here every rule is checked quickly at engine level.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from bot.main import App
from bot.storage.tables import ReminderRow, RunnerIdentityRow, RunnerRow
from core.linking import reminder_chats
from core.model import UserRef
from tests.engine.script import Chat, easy_session, onboard, texts

TESS = UserRef("telegram", "111", "111", "Tess")
DAN = UserRef("discord", "222", "9222", "Tess")  # the same person's Discord account, DM channel 9222
OTHER_TG = UserRef("telegram", "333", "333", "Somebody")
CODE = re.compile(r"Your link code: ([0-9A-Z]{4}-[0-9A-Z]{4})")


async def get_code(chat: Chat) -> str:
    await chat.send("/link")
    found = CODE.search(texts(await chat.press("Get a code here")))
    assert found, chat.last_text
    return found[1]


async def onboarded_tess(app: App) -> Chat:
    tess = Chat(app.coach, TESS)
    await onboard(tess)
    return tess


async def test_a_code_from_telegram_links_a_new_discord_chat_to_the_same_runner(app: App) -> None:
    tess = await onboarded_tess(app)
    code = await get_code(tess)
    dan = Chat(app.coach, DAN)

    linked = texts(await dan.send(f"/link {code}"))

    assert "Linked ✓" in linked and "one history, one schedule" in linked
    assert await app.store.key_for(DAN) == TESS.key
    shared = await app.store.load_for(DAN)
    assert shared.runner.key == TESS.key and shared.runner.onboarded
    assert {(link.platform, link.external_id) for link in shared.runner.links} == {("telegram", "111"),
                                                                                   ("discord", "222")}
    assert (shared.runner.platform, shared.runner.chat_id) == ("discord", "9222")  # the chat used last
    assert "Which days do you usually run" not in texts(await dan.send("/settings"))
    assert "You run on Mon, Wed, Fri and Sat" in dan.last_text
    # Buttons either chat shows are the shared runner's: the engine knows whose they are.
    assert await app.coach.owns(DAN, tess.button("Get a code here").payload)
    assert await app.coach.owns(TESS, dan.keyboard[0].payload)
    assert not await app.coach.owns(OTHER_TG, dan.keyboard[0].payload)


async def test_forged_expired_and_reused_codes_are_refused_with_a_friendly_line(app: App) -> None:
    tess = await onboarded_tess(app)
    dan = Chat(app.coach, DAN)
    code = await get_code(tess)

    assert "I don't recognise that code" in texts(await dan.send("/link ABCD-EFGH"))
    assert "I don't recognise that code" in texts(await dan.send("/link hello"))
    app.clock.set(app.clock.now() + timedelta(minutes=11))
    assert "That code has expired" in texts(await dan.send(f"/link {code}"))
    assert await app.store.key_for(DAN) == DAN.key  # nothing linked

    fresh = await get_code(tess)
    assert "Linked ✓" in texts(await dan.send(f"/link {fresh.lower().replace('-', ' ')}"))  # typed loosely
    other = Chat(app.coach, UserRef("discord", "444", "9444", "Eve"))
    assert "already been used" in texts(await other.send(f"/link {fresh}"))
    assert await app.store.key_for(other.user) == other.user.key


async def test_own_and_same_app_codes_are_explained(app: App) -> None:
    tess = await onboarded_tess(app)
    code = await get_code(tess)
    assert "this chat's own code" in texts(await tess.send(f"/link {code}"))
    assert "made on this same app" in texts(await Chat(app.coach, OTHER_TG).send(f"/link {code}"))


async def test_wrong_tries_are_limited_per_minute_and_codes_per_hour(app: App) -> None:
    tess = await onboarded_tess(app)
    dan = Chat(app.coach, DAN)
    for wrong in ("AAAA-AAAA", "BBBB-BBBB", "CCCC-CCCC"):
        assert "I don't recognise" in texts(await dan.send(f"/link {wrong}"))
    code = await get_code(tess)
    assert "wait a minute" in texts(await dan.send(f"/link {code}"))  # even a good code waits
    app.clock.set(app.clock.now() + timedelta(seconds=61))
    assert "Linked ✓" in texts(await dan.send(f"/link {code}"))

    solo = Chat(app.coach, OTHER_TG)
    for _ in range(5):
        await get_code(solo)
    await solo.send("/link")
    assert "5 codes in the last hour" in texts(await solo.press("Get a code here"))


async def test_typing_the_code_after_i_have_a_code_links_too(app: App) -> None:
    tess = await onboarded_tess(app)
    code = await get_code(tess)
    dan = Chat(app.coach, DAN)
    await dan.send("/link")
    assert "Type the code" in texts(await dan.press("I have a code"))
    assert "Linked ✓" in texts(await dan.send(code))


async def test_both_histories_ask_which_to_keep_and_unlink_gives_the_other_back(app: App) -> None:
    tess = await onboarded_tess(app)
    await easy_session(tess)
    dan = Chat(app.coach, DAN)
    await onboard(dan)
    code = await get_code(tess)

    question = texts(await dan.send(f"/link {code}"))
    assert "Which one should we keep?" in question
    assert "This Discord chat: 0 sessions; your Telegram chat: 1 sessions" in question
    assert await app.store.key_for(DAN) == DAN.key  # nothing happens until they choose
    assert "Keeping this history" in texts(await dan.press("Keep this Discord one"))
    assert "set aside, untouched" in dan.last_text

    assert await app.store.key_for(TESS) == DAN.key  # Telegram now shares Discord's runner
    assert (await app.store.load_for(TESS)).history.sessions == ()
    async with app.sessions() as db:
        aside = await db.get(RunnerRow, TESS.key)
        assert aside.linked_into == DAN.key and aside.planned_until is None
        pending = await db.scalar(select(ReminderRow.id).where(ReminderRow.runner_key == TESS.key,
                                                               ReminderRow.status == "pending"))
        assert pending is None  # a set-aside history gets no reminders

    await dan.send("/unlink")
    assert "Unlinked ✓" in texts(await dan.press("Unlink"))
    assert await app.store.key_for(TESS) == TESS.key
    back = await app.store.load_for(TESS)
    assert len(back.history.sessions) == 1 and back.runner.onboarded  # Telegram's own history is back
    assert (await app.store.load_for(DAN)).runner.links == ()


async def test_unlink_from_discord_keeps_the_history_there_and_telegram_starts_afresh(app: App) -> None:
    tess = await onboarded_tess(app)
    await easy_session(tess)
    dan = Chat(app.coach, DAN)
    assert "Linked ✓" in texts(await dan.send(f"/link {await get_code(tess)}"))

    await dan.send("/unlink")
    assert "Your Telegram chat goes back to what it had before linking" in dan.last_text
    await dan.press("Unlink")

    kept = await app.store.load_for(DAN)
    assert kept.runner.key == TESS.key and len(kept.history.sessions) == 1  # the history stays with the runner
    fresh_key = await app.store.key_for(TESS)
    assert fresh_key.startswith("telegram:111~")
    fresh = await app.store.load_for(TESS)
    assert not fresh.runner.onboarded and fresh.history.sessions == ()
    assert "safety check" in texts(await tess.send("/start"))  # Telegram starts afresh
    async with app.sessions() as db:
        identities = (await db.execute(select(RunnerIdentityRow.platform, RunnerIdentityRow.runner_key))).all()
    assert sorted(identities) == [("discord", TESS.key), ("telegram", fresh_key)]


async def test_reminders_go_to_the_chat_used_last_or_to_every_chat(app: App) -> None:
    tess = await onboarded_tess(app)
    dan = Chat(app.coach, DAN)
    await dan.send(f"/link {await get_code(tess)}")

    async def targets() -> set[tuple[str, str]]:
        async with app.sessions() as db:
            rows = await db.execute(select(ReminderRow.platform, ReminderRow.chat_id)
                                    .where(ReminderRow.status == "pending"))
            return set(rows.all())

    assert await targets() == {("discord", "9222")}
    await tess.send("/help")
    assert await targets() == {("telegram", "111")}
    await tess.send("/link")
    assert "Reminders go to the chat you used last" in tess.last_text
    await tess.press("Remind me in every chat")
    assert await targets() == {("telegram", "111"), ("discord", "9222")}
    assert reminder_chats((await app.store.load_for(DAN)).runner) == (("discord", "9222"), ("telegram", "111"))


async def test_delete_from_a_linked_chat_erases_every_account_and_any_set_aside_history(app: App) -> None:
    tess = await onboarded_tess(app)
    await easy_session(tess)
    dan = Chat(app.coach, DAN)
    await onboard(dan)
    await dan.send(f"/link {await get_code(tess)}")
    await dan.press("Keep this Discord one")

    await tess.send("/delete")
    await tess.press("Yes, delete everything")

    async with app.sessions() as db:
        assert (await db.execute(select(RunnerRow.key))).all() == []
        assert (await db.execute(select(RunnerIdentityRow.platform))).all() == []
    assert await app.store.load_for(TESS) is None and await app.store.load_for(DAN) is None


async def test_a_linked_runner_can_not_link_a_third_chat(app: App) -> None:
    tess = await onboarded_tess(app)
    await Chat(app.coach, DAN).send(f"/link {await get_code(tess)}")
    await tess.send("/link")
    assert "You're one runner on Discord and Telegram" in tess.last_text
    solo = Chat(app.coach, UserRef("discord", "555", "9555", "Solo"))
    code = await get_code(solo)
    assert "already linked" in texts(await tess.send(f"/link {code}"))
    assert await app.store.key_for(solo.user) == solo.user.key
