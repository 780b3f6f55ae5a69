"""Drive the engine like a person in a chat: read the replies, press buttons by label."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.clock import ManualClock
from core.engine import Coach
from core.reminders import due_reminders
from core.schedule import ReminderKind
from core.events import Command, Press, Text, parse_input
from core.model import UserRef
from core.replies import Button, Reply


@dataclass
class Chat:
    coach: Coach
    user: UserRef
    transcript: list[Reply] = field(default_factory=list)
    keyboard: tuple[Button, ...] = ()

    async def send(self, line: str) -> tuple[Reply, ...]:
        return await self._handle(parse_input(line))

    async def press(self, label: str) -> tuple[Reply, ...]:
        return await self._handle(Press(self.button(label).payload))

    async def press_payload(self, payload: str) -> tuple[Reply, ...]:
        return await self._handle(Press(payload))

    def button(self, label: str) -> Button:
        for button in self.keyboard:
            if button.label == label or button.label.startswith(label):
                return button
        raise AssertionError(f"no button {label!r} in {[b.label for b in self.keyboard]}")

    async def _handle(self, event: Command | Press | Text) -> tuple[Reply, ...]:
        replies = await self.coach.handle(self.user, event)
        self.take(replies)
        return replies

    def take(self, replies: tuple[Reply, ...]) -> None:
        self.transcript.extend(replies)
        for reply in replies:
            if reply.buttons or (reply.edit and not reply.notice):
                if reply.buttons:
                    self.keyboard = reply.all_buttons

    @property
    def last_text(self) -> str:
        return next(r.text for r in reversed(self.transcript) if not r.edit and not r.notice)


def texts(replies: tuple[Reply, ...]) -> str:
    return "\n".join(r.text for r in replies)


async def deliver_due(coach: Coach, clock: ManualClock, chat: Chat, until: datetime) -> list[ReminderKind]:
    """Move the clock to `until`, delivering each reminder on the way as the dispatcher would."""
    kinds = []
    while True:
        snapshot = await coach.store.load(chat.user.key)
        due = due_reminders(snapshot.runner, snapshot.history, clock.now(), until) if snapshot else ()
        if not due:
            break
        clock.set(due[0].due_at)
        chat.take(await coach.due(chat.user.key, due[0].kind, due[0].local_date))
        kinds.append(due[0].kind)
    clock.set(until)
    return kinds


# ---- the happy path through onboarding, shared by engine-level scripts ----------------

# After /start: the welcome, the red flags, the health items and the injury question, nothing to report.
SCREEN_CLEAR = ("Let's start", "None of these", "None of these", "No")

async def screen_clear(chat: Chat) -> None:
    """/start through the first two safety checks, nothing to report: at the injury question."""
    assert "safety check" in texts(await chat.send("/start"))
    assert "Safety check 1/3" in texts(await chat.press("Let's start"))
    assert "Safety check 2/3" in texts(await chat.press("None of these"))
    assert "Safety check 3/3" in texts(await chat.press("None of these"))
    assert "injury or pain" in chat.last_text


async def schedule_questions(chat: Chat) -> None:
    """Run days Mon, Wed, Fri, Sat; two a week; 07:00 in London; nudged 20 min before."""
    assert "Which days do you usually run?" in chat.last_text
    for day in ("Mon", "Wed", "Fri", "Sat"):
        await chat.press(day)
    assert "How many strength sessions" in texts(await chat.press("Done"))
    assert "What time do you usually start" in texts(await chat.press("2 a week"))
    assert "Which time zone" in texts(await chat.send("7:00"))
    assert "How long before your run" in texts(await chat.send("Europe/London"))
    finish = texts(await chat.press("20 min"))
    assert "All set!" in finish and "Strength days: Mon and Fri" in finish
    assert "07:00 (Europe/London)" in finish


async def onboard(chat: Chat) -> None:
    await screen_clear(chat)
    await chat.press("No")
    await schedule_questions(chat)


async def easy_session(chat: Chat) -> None:
    """Today's session straight through: ready at 0/10, every exercise done, just right, pain 1/10."""
    await chat.send("/session")
    await chat.press("0")
    for _ in range(5):
        await chat.press("Done")
        await chat.press("Just right")
        await chat.press("1")
