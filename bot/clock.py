"""Clocks: the real one, and one a person (or a test) can move by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class ManualClock:
    """Stands still until moved: `tiptoe chat --now` and `/clock` use it to visit later days."""

    current: datetime = field(default_factory=lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self.current

    def set(self, instant: datetime) -> None:
        self.current = instant.astimezone(UTC)
