"""What the engine needs from the outside world, as Protocols.

`bot/` implements these (SQLAlchemy storage, matplotlib charts and pictures, audio, the clock);
tests may pass their own implementations of these ports and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from core.calendar_plan import CalendarPlan
from core.export import StoredRecords
from core.linking import CodeOwner, LinkChange, LinkCode, LinkOutcome
from core.metronome import ClickTrack
from core.model import Snapshot, UserRef
from core.progress import ProgressData
from core.replies import Attachment, Picture, Reply
from core.summary import SummaryData


class ConcurrentUpdate(Exception):
    """Another event for the same runner was saved first; reload and try again."""


class RunnerStore(Protocol):
    async def load(self, key: str) -> Snapshot | None:
        """The runner's snapshot with their whole history, or None if unknown."""

    async def load_for(self, user: UserRef) -> Snapshot | None:
        """The snapshot of the runner this platform identity belongs to (a linked identity's runner)."""

    async def key_for(self, user: UserRef) -> str:
        """The key of the runner this identity belongs to: its own key unless it is linked."""

    def cached_for(self, user: UserRef) -> Snapshot | None:
        """What `load_for` last gave this process for this identity (or a save made of it), without
        asking the database: it may be stale. None if nothing is kept. Every store change that
        could make it wrong (a save, a link, an erase) moves the stored version on, so a save
        from it fails with ConcurrentUpdate rather than write over a newer state."""

    async def save(self, before: Snapshot | None, after: Snapshot) -> int:
        """Persist what changed from `before` to `after` in one transaction.

        Returns the new stored version. Raises ConcurrentUpdate when the stored version
        is no longer `before.version`.
        Recorded results, checks, level changes, self-tests and holds are only ever added
        (a hold is later marked cleared, nothing else).
        """

    async def delete(self, key: str) -> None:
        """Erase everything stored for this runner."""


class RecordSource(Protocol):
    async def records(self, key: str) -> StoredRecords:
        """Every stored row about this runner (and any history set aside for them), for /export."""


class LinkRegistry(Protocol):
    """Link codes and linked identities (core/linking.py says what they mean)."""

    async def codes_issued_since(self, runner_key: str, since: datetime) -> int: ...

    async def issue(self, code: LinkCode) -> None: ...

    async def owner_of(self, code_hash: str) -> CodeOwner | None:
        """The code (used or not) and its runner; None if it was never issued."""

    async def wrong_tries_since(self, platform: str, external_id: str, since: datetime) -> int: ...

    async def note_wrong_try(self, platform: str, external_id: str, at: datetime) -> None: ...

    async def apply(self, change: LinkChange) -> LinkOutcome:
        """Link or unlink in one transaction; a code is marked used at most once."""


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""


class ChartRenderer(Protocol):
    async def progress_png(self, data: ProgressData) -> bytes:
        """A PNG of pain per exercise and sessions per week."""


class PictureSource(Protocol):
    async def level_picture(self, exercise_key: str, level: int) -> Picture:
        """The labelled picture of one exercise level (its positions side by side); KeyError if unknown."""


class AudioSource(Protocol):
    async def click_track(self, track: ClickTrack) -> Attachment:
        """The click track as an audio file the chat can play."""


class DocumentRenderer(Protocol):
    async def summary_pdf(self, data: SummaryData) -> bytes:
        """The clinician summary as a one-page PDF."""

    async def calendar_ics(self, plan: CalendarPlan) -> bytes:
        """One calendar of planned events as an iCalendar (.ics) file."""


class DeliveryStatus(StrEnum):
    SENT = "sent"  # the platform accepted every message
    RETRY = "retry"  # 429, 5xx, timeout: try again later (after `retry_after` if the platform said)
    GONE = "gone"  # blocked the bot, deleted account, DMs closed: stop nudging this runner


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    status: DeliveryStatus
    retry_after: float | None = None  # seconds, when the platform named a wait
    detail: str = ""  # for logs: never a token, never message text
    timers: tuple[tuple[str, str], ...] = ()  # (walk token, message id) of each timer message posted


class Delivery(Protocol):
    """Sends the coach's replies to a chat outside of any conversation turn (reminders)."""

    platform: str

    async def deliver(self, chat_id: str, replies: tuple[Reply, ...], *, urgent: bool = False) -> DeliveryOutcome:
        """Send the replies in order and say how it went; never raises for platform faults.

        `urgent`: a live timer's step change, paced like a reply rather than a reminder."""
