"""What an adapter reports after answering one event: for logs and tests, never for rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.events import Event
from core.model import UserRef
from core.replies import Reply


@dataclass(frozen=True, slots=True)
class AnsweredTurn:
    """One event an adapter handled and the engine's replies it showed."""

    user: UserRef
    event: Event
    replies: tuple[Reply, ...]


TurnObserver = Callable[[AnsweredTurn], None]
