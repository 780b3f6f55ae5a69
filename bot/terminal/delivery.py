"""Reminders in the terminal: the dispatcher's delivery port, printing instead of sending."""

from __future__ import annotations

from collections.abc import Callable

from core.ports import DeliveryOutcome, DeliveryStatus
from core.replies import Reply

PLATFORM = "terminal"


class TerminalDelivery:
    platform = PLATFORM

    def __init__(self, show: Callable[[tuple[Reply, ...]], list[tuple[str, str]] | None]) -> None:
        self._show = show

    async def deliver(self, chat_id: str, replies: tuple[Reply, ...], *, urgent: bool = False) -> DeliveryOutcome:
        timers = self._show(replies) or []
        return DeliveryOutcome(DeliveryStatus.SENT, timers=tuple(timers))
