"""The per-chat edit budget: countdowns leave the last edits of any minute to what matters."""

from __future__ import annotations

import pytest

from bot.reminders.timers import CHAT_EDITS_PER_MINUTE, RESERVED_EDITS, EditBudget


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(("spent", "seconds_later", "allowed"), [
    pytest.param(0, 0, True, id="a fresh chat"),
    pytest.param(CHAT_EDITS_PER_MINUTE - RESERVED_EDITS - 1, 0, True, id="one below the countdowns' share"),
    pytest.param(CHAT_EDITS_PER_MINUTE - RESERVED_EDITS, 0, False, id="the rest is reserved"),
    pytest.param(CHAT_EDITS_PER_MINUTE, 59.9, False, id="still inside the minute"),
    pytest.param(CHAT_EDITS_PER_MINUTE, 60.0, True, id="a minute later"),
])
def test_countdowns_stop_before_the_reserve(spent: int, seconds_later: float, allowed: bool) -> None:
    clock = Clock()
    budget = EditBudget(monotonic=clock)
    for _ in range(spent):
        budget.spend("4242")
    clock.now += seconds_later
    assert budget.allows_countdown("4242") is allowed
    assert budget.allows_countdown("7777")  # another chat's budget is its own


def test_idle_chats_are_forgotten_beyond_the_cap() -> None:
    budget = EditBudget(monotonic=Clock(), max_chats=2)
    for chat in ("a", "b", "c"):
        for _ in range(CHAT_EDITS_PER_MINUTE):
            budget.spend(chat)
    assert budget.allows_countdown("a") and not budget.allows_countdown("c")
