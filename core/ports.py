"""What the engine needs from the outside world, as Protocols.

`bot/` implements these (SQLAlchemy storage, matplotlib charts, the system clock);
tests may pass their own implementations of these ports and nothing else.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from core.model import Snapshot
from core.progress import ProgressData


class ConcurrentUpdate(Exception):
    """Another event for the same runner was saved first; reload and try again."""


class RunnerStore(Protocol):
    async def load(self, key: str) -> Snapshot | None:
        """The runner's snapshot with their whole history, or None if unknown."""

    async def save(self, before: Snapshot | None, after: Snapshot) -> None:
        """Persist what changed from `before` to `after` in one transaction.

        Raises ConcurrentUpdate when the stored version is no longer `before.version`.
        Recorded results, checks, level changes and self-tests are only ever added.
        """

    async def delete(self, key: str) -> None:
        """Erase everything stored for this runner."""


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""


class ChartRenderer(Protocol):
    async def progress_png(self, data: ProgressData) -> bytes:
        """A PNG of pain per exercise and sessions per week."""
