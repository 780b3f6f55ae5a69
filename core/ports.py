"""What the engine needs from the outside world, as Protocols.

`bot/` implements these (SQLAlchemy storage, matplotlib charts, the system clock);
tests may pass their own implementations of these ports and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from core.model import Snapshot
from core.progress import ProgressData
from core.replies import Reply


class ConcurrentUpdate(Exception):
    """Another event for the same runner was saved first; reload and try again."""


class RunnerStore(Protocol):
    async def load(self, key: str) -> Snapshot | None:
        """The runner's snapshot with their whole history, or None if unknown."""

    async def save(self, before: Snapshot | None, after: Snapshot) -> int:
        """Persist what changed from `before` to `after` in one transaction.

        Returns the new stored version. Raises ConcurrentUpdate when the stored version
        is no longer `before.version`.
        Recorded results, checks, level changes, self-tests and holds are only ever added
        (a hold is later marked cleared, nothing else).
        """

    async def delete(self, key: str) -> None:
        """Erase everything stored for this runner."""


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""


class ChartRenderer(Protocol):
    async def progress_png(self, data: ProgressData) -> bytes:
        """A PNG of pain per exercise and sessions per week."""


class DeliveryStatus(StrEnum):
    SENT = "sent"  # the platform accepted every message
    RETRY = "retry"  # 429, 5xx, timeout: try again later (after `retry_after` if the platform said)
    GONE = "gone"  # blocked the bot, deleted account, DMs closed: stop nudging this runner


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    status: DeliveryStatus
    retry_after: float | None = None  # seconds, when the platform named a wait
    detail: str = ""  # for logs: never a token, never message text


class Delivery(Protocol):
    """Sends the coach's replies to a chat outside of any conversation turn (reminders)."""

    platform: str

    async def deliver(self, chat_id: str, replies: tuple[Reply, ...]) -> DeliveryOutcome:
        """Send the replies in order and say how it went; never raises for platform faults."""
