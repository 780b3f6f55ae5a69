"""Frozen domain values: who the runner is, what they did, what was decided.

Nothing here knows about a chat platform, a database or a scheduler. Values are
changed with `dataclasses.replace`, never in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum


class Profile(StrEnum):
    """Which pain limits apply (docs/programme.md §4b)."""

    PAIN_FREE = "pain_free"  # the article's default: work in a pain-free range
    REHAB = "rehab"  # clinician-diagnosed tendinopathy, cleared to load [SILB07]


class Zone(StrEnum):
    """Traffic light for one pain score."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    STOP = "stop"  # stop the session, pause, see a clinician


class Outcome(StrEnum):
    """How one exercise of a session ended."""

    DONE = "done"
    TOO_HARD = "too_hard"  # form broke: heels dropped, alignment lost
    SKIPPED = "skipped"
    STOPPED = "stopped"  # stopped for pain or a red flag


class Effort(StrEnum):
    """How hard an exercise felt (docs/programme.md §4c): "just right" is 2-3 reps in reserve."""

    EASY = "easy"
    JUST_RIGHT = "just_right"
    HARD = "hard"


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"

    @property
    def other(self) -> Side:
        return Side.RIGHT if self is Side.LEFT else Side.LEFT


class SessionStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"  # went through all five exercises (some may be skipped)
    STOPPED = "stopped"  # ended early by the runner, pain or a red flag
    NOT_READY = "not_ready"  # readiness pain too high: no session that local day
    SKIPPED = "skipped"  # the runner skipped the planned day
    PARTIAL = "partial"  # left unfinished and closed when its local day ended


class Direction(StrEnum):
    PROGRESS = "progress"
    HOLD = "hold"
    REGRESS = "regress"


@dataclass(frozen=True, slots=True)
class UserRef:
    """A person on one platform, as an adapter sees them."""

    platform: str  # "telegram", "discord", "terminal"
    external_id: str
    chat_id: str  # where messages to this person go
    display_name: str = ""

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.external_id}"


@dataclass(frozen=True, slots=True)
class Schedule:
    """When the runner runs and how they want to be nudged."""

    run_days: frozenset[int]  # 0 = Monday ... 6 = Sunday
    run_time: time
    timezone: str  # IANA name, validated on entry
    lead_minutes: int | None  # None = no pre-run reminders
    sessions_target: int  # 2 or 3 strength sessions a week
    strength_days: frozenset[int]
    morning_time: time = time(8, 0)
    offday_notes: bool = True  # a short pre-run note on run days without strength work


@dataclass(frozen=True, slots=True)
class LinkedChat:
    """One platform identity of a runner who linked two (core/linking.py)."""

    platform: str
    external_id: str
    chat_id: str  # where messages to this identity go
    linked_at: datetime

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.external_id}"


@dataclass(frozen=True, slots=True)
class Runner:
    key: str  # UserRef.key
    platform: str
    chat_id: str
    name: str
    created_at: datetime
    onboarded: bool = False
    profile: Profile = Profile.PAIN_FREE
    injury_history: bool = False
    schedule: Schedule | None = None
    levels: tuple[int, ...] = (1, 1, 1, 1, 1)  # one per exercise, in programme order
    paused_until: date | None = None  # the pause's last day (back the day after); date.max = until /resume
    pause_reason: str | None = None
    clinician_hold: str | None = None  # red-flag or pain reason; cleared only by the runner
    unreachable: bool = False  # blocked the bot / closed DMs: no nudges until they return
    snoozed_until: datetime | None = None  # a snoozed pre-run nudge comes back at this instant (UTC)
    quiet: bool = False  # asked "still there?" after missed weeks: no more reminders until they write
    sex: str | None = None  # "m" / "f" / None, only for self-test norms
    age_band: int | None = None  # 20, 30, ... 70, only for self-test norms
    links: tuple[LinkedChat, ...] = ()  # every identity of a runner linked across platforms; () if not linked
    remind_all_chats: bool = False  # linked: reminders to every chat, not only the one used last
    screen_flags: frozenset[str] = frozenset()  # what the start-up screen found (core/screening.py)
    referral_shown_at: datetime | None = None  # when we last suggested a physio/GP review
    clearance_reminder_at: datetime | None = None  # "Remind me later" on the clearance step, due then
    first_side: Side | None = None  # the side per-side exercises start with, asked once
    pictures_seen: frozenset[tuple[int, int]] = frozenset()  # (exercise, level) pictures already sent
    dose_only: bool = False  # /settings "Just tell me the dose": no set-by-set timers

    def level(self, index: int) -> int:
        return self.levels[index]

    def with_level(self, index: int, level: int) -> Runner:
        levels = list(self.levels)
        levels[index] = level
        return replace(self, levels=tuple(levels))

    def is_paused(self, today: date) -> bool:
        if self.clinician_hold:
            return True
        return self.paused_until is not None and today <= self.paused_until

    @property
    def back_from_pause(self) -> date | None:
        return day_back(self.paused_until)


def day_back(paused_until: date | None) -> date | None:
    """The first day after a dated pause (`paused_until` is its last day); None when not paused
    or paused until /resume."""
    if paused_until is None or paused_until == date.max:
        return None
    return paused_until + timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Dialogue:
    """Where the conversation stands; persisted so a restart resumes exactly here."""

    state: str = "new"
    data: tuple[tuple[str, str], ...] = ()  # small string map, kept ordered and hashable
    step: int = 0  # bumped whenever new buttons are shown; older buttons become stale
    last_press: str = ""  # the last accepted payload, so a double press gets "already noted"
    prompt: str = ""  # text of the last message with step buttons, to re-show on free text
    # A live timer (core/flows/timer.py): when it next falls due (UTC), when its step ends (the
    # change that matters; a busy bot shows only those), and the id of the message it edits in
    # place ("" until the platform said). Every new question clears it.
    timer_due_at: datetime | None = None
    timer_ends_at: datetime | None = None
    timer_message: str = ""

    def get(self, name: str, default: str = "") -> str:
        for k, v in self.data:
            if k == name:
                return v
        return default


@dataclass(frozen=True, slots=True)
class ExerciseResult:
    exercise: int  # index into the programme
    level: int
    outcome: Outcome
    pain: int | None  # 0-10 after the exercise; None when skipped before scoring; the worse side's
    recorded_at: datetime
    effort: Effort | None = None  # "how hard was that?"; None when not asked (skipped, too hard, older data)
    pain_left: int | None = None  # per side, only when the runner said the sides differed
    pain_right: int | None = None

    @property
    def side_gap(self) -> int:
        """Points between the sides' pain scores; 0 when they felt the same."""
        if self.pain_left is None or self.pain_right is None:
            return 0
        return abs(self.pain_left - self.pain_right)


@dataclass(frozen=True, slots=True)
class MorningCheck:
    score: int  # pain or stiffness the next morning, 0-10
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class Session:
    number: int  # 1, 2, 3 ... per runner
    started_at: datetime
    local_date: date
    status: SessionStatus = SessionStatus.ACTIVE
    readiness: int | None = None  # pain before starting, 0-10
    ended_at: datetime | None = None
    results: tuple[ExerciseResult, ...] = ()
    morning: MorningCheck | None = None

    def result_for(self, exercise: int) -> ExerciseResult | None:
        for r in self.results:
            if r.exercise == exercise:
                return r
        return None


@dataclass(frozen=True, slots=True)
class LevelChange:
    number: int  # 1, 2, 3 ... per runner
    exercise: int
    from_level: int
    to_level: int
    reason: str  # the one line shown to the runner
    decided_at: datetime
    cause: str = ""  # "progress", "pain", "too_hard", "not_settled", "gap"

    @property
    def direction(self) -> Direction:
        if self.to_level > self.from_level:
            return Direction.PROGRESS
        if self.to_level < self.from_level:
            return Direction.REGRESS
        return Direction.HOLD


@dataclass(frozen=True, slots=True)
class SelfTest:
    number: int
    taken_at: datetime
    left: int
    right: int
    pain: int | None = None


@dataclass(frozen=True, slots=True)
class Hold:
    """A clinician hold: no training from `started_at` until the runner says a clinician cleared them.

    `exercises` are the ones that restart at level 1 when it is cleared: the one that hurt
    for an exercise's 7+/10, every exercise for anything else.
    """

    number: int  # 1, 2, 3 ... per runner
    reason: str  # a red-flag key, "pain", "emergency", "exertion" ...
    started_at: datetime
    exercises: tuple[int, ...]
    cleared_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class History:
    """What the runner did, oldest first."""

    sessions: tuple[Session, ...] = ()
    level_changes: tuple[LevelChange, ...] = ()
    self_tests: tuple[SelfTest, ...] = ()
    holds: tuple[Hold, ...] = ()

    @property
    def current_hold(self) -> Hold | None:
        last = self.holds[-1] if self.holds else None
        return last if last is not None and last.cleared_at is None else None

    def session(self, number: int) -> Session | None:
        for s in self.sessions:
            if s.number == number:
                return s
        return None

    @property
    def active_session(self) -> Session | None:
        last = self.sessions[-1] if self.sessions else None
        return last if last and last.status is SessionStatus.ACTIVE else None

    def with_session(self, session: Session) -> History:
        kept = tuple(s for s in self.sessions if s.number != session.number)
        ordered = tuple(sorted(kept + (session,), key=lambda s: s.number))
        return replace(self, sessions=ordered)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything the engine needs to answer one event for one runner."""

    runner: Runner
    dialogue: Dialogue = field(default_factory=Dialogue)
    history: History = field(default_factory=History)
    version: int = 0  # optimistic-concurrency token from storage
