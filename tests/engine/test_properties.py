"""A runner doing random things never breaks the coach's promises (Hypothesis).

`Player` drives the real engine (MemoryStore, ManualClock, TinyCharts: fakes at the
ports only) through a random list of actions: commands, typed text, presses on the
buttons on screen, old buttons, double presses, forged and foreign payloads, and time
passing with every due reminder delivered. After every event it checks:

* nothing escapes Coach.handle / Coach.due, and every reply says something;
* every button payload fits Telegram's 64 bytes;
* every pain score ever recorded is still stored (until a confirmed /delete, after
  which the runner is gone entirely);
* levels stay within 1..5 and never rise by more than one per event;
* a notice (stale, forged, foreign, double press...) leaves the stored snapshot unchanged;
* no exercise is offered on a day with a clinician hold or a failed readiness check.

A "happy" action presses what a willing runner would press next, and each run may start
with a stretch of them, so most runs get through the set-up and into sessions.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from bot.clock import ManualClock
from core.consistency import trained_today
from core.conversation import STATES
from core.engine import Coach
from core.events import Due, Event, Press, parse_input
from core.model import SessionStatus, Snapshot, UserRef
from core.payloads import MAX_PAYLOAD_BYTES, SEP, STANDALONE, Signer
from core.programme import MAX_LEVEL, MIN_LEVEL
from core.reminders import due_reminders
from core.schedule import local_date
from core.replies import Button, Reply
from core.turn import Services
from tests.engine.fakes import MemoryStore, TinyCharts

START = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # a Monday
ANN = UserRef(platform="terminal", external_id="ann", chat_id="ann", display_name="Ann")
BOB = UserRef(platform="terminal", external_id="bob", chat_id="bob", display_name="Bob")
SECRET = b"property-test-secret"
OTHER_SECRET = b"somebody-elses-secret"
MAX_DELIVERIES = 200  # reminders delivered by one Wait: far more than a few weeks produce
EXERCISE_PROMPT = re.compile(r"\d/\d [A-Z]")  # "2/5 Heels-up squat, level 1": an exercise on screen
ERASED = "everything is erased"

# ---- what the runner may do ----------------------------------------------------------


@dataclass(frozen=True)
class Send:
    """Type a line: a command or any text."""

    line: str


@dataclass(frozen=True)
class Tap:
    """Press the k-th button on screen (modulo how many there are)."""

    k: int


@dataclass(frozen=True)
class Happy:
    """Press (or type) what a willing runner would answer next; k varies the choice."""

    k: int


@dataclass(frozen=True)
class Burst:
    """Several willing answers in a row: enough to get through a whole session."""

    ks: tuple[int, ...]


@dataclass(frozen=True)
class Old:
    """Press any button ever shown to this runner, most likely a stale one."""

    k: int


@dataclass(frozen=True)
class Again:
    """Press the last pressed button once more."""


@dataclass(frozen=True)
class Forge:
    """A press this runner should never be able to make count."""

    kind: str  # "text", "flipped", "other_key", "bobs", "for_bob"
    k: int
    text: str = ""


@dataclass(frozen=True)
class Wait:
    minutes: int


Action = Send | Tap | Happy | Burst | Old | Again | Forge | Wait

COMMAND_LINES = (
    "/start", "/session", "/progress", "/settings", "/pause", "/resume", "/selftest", "/export",
    "/help", "/delete", "/foo", "/SESSION", "/session@TiptoeBot", "/pause 2027-01-01", "/", "/ ",
)
TYPED = (
    "", "   ", "hi", "ok", "yes", "0", "7", "23", "150", "1000", "-5", "²", "٣", "6:45", "5:30pm",
    "18.30", "12am", "25:00", "6:61", "noon", "Europe/Helsinki", "europe / paris", "UTC+2", "UTC+5:30",
    "GMT-3", "+14:00", "UTC+15", "\u22125", "Mars/Olympus_Mons", "2027-01-15", "2026-11-29", "9999-12-20",
    "9999-12-31", "31/12/2026", "🏃‍♀️🔥", "👟" * 40, "a" * 300, "Done ✓", "|||", "drop table runners;",
)
MINUTES = (1, 9, 10, 11, 30, 60, 6 * 60, 20 * 60, 24 * 60, 3 * 24 * 60, 15 * 24 * 60, 30 * 24 * 60)

ks = st.integers(0, 99)
sends = st.one_of(st.sampled_from(COMMAND_LINES), st.sampled_from(TYPED), st.text(max_size=40)).map(Send)
forges = st.builds(Forge, st.sampled_from(("text", "flipped", "other_key", "bobs", "for_bob")), ks,
                   st.text(max_size=80))
waits = st.one_of(st.sampled_from(MINUTES), st.integers(1, 4 * 24 * 60)).map(Wait)
happies = st.builds(Happy, ks)
bursts = st.lists(ks, min_size=4, max_size=12).map(lambda k: Burst(tuple(k)))
taps = st.builds(Tap, ks)
# one_of picks a branch evenly, so repeating a branch weights it.
actions = st.one_of(
    bursts, bursts, bursts, bursts, happies, happies, happies,
    taps, taps, sends, sends,
    st.builds(Old, ks), st.just(Again()), forges,
    waits, waits,
)
# Half the runs start with a willing stretch that usually finishes the set-up.
warm_ups = st.one_of(st.just([]), st.lists(happies, min_size=16, max_size=24))
scripts = st.tuples(warm_ups, st.lists(actions, min_size=15, max_size=40))

# ---- the happy path -----------------------------------------------------------------

# Per dialogue state: the labels a willing runner picks from (k chooses); other states take any shown.
HAPPY_LABELS: dict[str, tuple[str, ...]] = {
    "welcome": ("Let's start",),
    "screen": ("None of these", "None of these", "None of these", "Done"),
    "injury": ("No", "No", "No", "Yes"),
    "clearance": ("I've been cleared",),
    "rehab": ("No", "Yes"),
    "hold": ("I've been checked",),
    "hold_check": ("Yes", "Yes", "Not yet"),
    "hold_review": ("Yes", "Not yet"),
    "clot_check": ("No", "Yes"),
    "finish": ("Start a session now",),
    "idle": ("Start a session",),
    "new": ("Start a session",),
    "readiness": ("0", "1", "2", "3", "0", "1", "5", "7"),
    "exercise": ("Done ✓", "Done ✓", "Done ✓", "Done ✓", "Too hard", "Skip"),
    "pain": ("0", "1", "2", "0", "1", "3"),
    "wrong": ("Back to the session",),
    "settings": ("Done",),
    "delete": ("Cancel",),
    "selftest_intro": ("Ready",),
    "selftest_pain": ("0", "1", "2"),
}
STANDALONE_LABELS = ("Start now", "Start a session", "0", "1", "2", "Snooze", "Skip today")
TYPED_ANSWERS = {"selftest_left": "{n}", "selftest_right": "{n} reps", "time": "6:{m:02d}",
                 "tz": "UTC+{h}", "morning_time": "7:{m:02d}", "pause_length": "2027-0{d}-15"}


def pick(labels: tuple[str, ...], shown: tuple[Button, ...], k: int) -> Button | None:
    choices = [b for label in labels for b in shown
               if b.label == label or (not label.isdigit() and b.label.startswith(label))]
    return choices[k % len(choices)] if choices else None


# ---- the driver ---------------------------------------------------------------------


def pains(snapshot: Snapshot | None) -> set[tuple]:
    """Every score the runner gave: readiness, after each exercise, next morning, self-tests."""
    found: set[tuple] = set()
    if snapshot is None:
        return found
    for session in snapshot.history.sessions:
        if session.readiness is not None:
            found.add(("ready", session.number, session.readiness))
        found.update(("pain", session.number, r.exercise, r.pain) for r in session.results if r.pain is not None)
        if session.morning is not None:
            found.add(("morning", session.number, session.morning.score))
    found.update(("selftest", t.number, t.left, t.right, t.pain) for t in snapshot.history.self_tests)
    return found


def written_to(snapshot: Snapshot | None) -> Snapshot | None:
    """The snapshot as any event from the runner leaves it: reachable, no longer quiet.

    Even a refused press shows they are there, so the engine may store just that.
    """
    if snapshot is None:
        return None
    return replace(snapshot, runner=replace(snapshot.runner, unreachable=False, quiet=False), version=0)


def changes(before: Snapshot | None, after: Snapshot | None) -> dict[str, tuple]:
    """What differs between two snapshots, field by field, for failure messages."""
    if before is None or after is None:
        return {"snapshot": (before, after)}
    found = {}
    for part in ("runner", "dialogue", "history"):
        old, new = getattr(before, part), getattr(after, part)
        for name in old.__dataclass_fields__:
            if getattr(old, name) != getattr(new, name):
                found[f"{part}.{name}"] = (getattr(old, name), getattr(new, name))
    return found


@dataclass
class Player:
    coach: Coach
    store: MemoryStore
    clock: ManualClock
    signer: Signer
    shown: tuple[Button, ...] = ()  # the buttons the runner can see on the latest message
    seen: list[str] = field(default_factory=list)  # every payload ever shown to Ann
    bobs: list[str] = field(default_factory=list)  # genuine payloads of another runner
    last_pressed: str = ""
    recorded: set[tuple] = field(default_factory=set)  # every score ever seen stored
    milestones: set[str] = field(default_factory=set)

    @property
    def stored(self) -> Snapshot | None:
        return self.store.rows.get(ANN.key)

    # ---- one event, with every invariant checked -------------------------------------

    async def handle(self, event: Event) -> tuple[Reply, ...]:
        before = self.stored
        replies = await self.coach.handle(ANN, event)
        assert replies, f"no reply at all to {event!r}"
        self._check(before, replies, f"{event!r}")
        self._see(replies)
        if isinstance(event, Press):
            self.last_pressed = event.payload
        return replies

    async def due(self, key: str, kind, local_date) -> None:
        before = self.stored
        replies = await self.coach.due(key, kind, local_date)
        self._check(before, replies, f"{Due(kind, local_date)!r}")
        self._see(replies)

    def _check(self, before: Snapshot | None, replies: tuple[Reply, ...], what: str) -> None:
        after = self.stored
        for reply in replies:
            assert reply.edit or reply.text.strip() or reply.picture or reply.attachment, \
                f"an empty reply to {what}: {reply!r}"
            for button in reply.all_buttons:
                assert button.label.strip(), f"a button without a label after {what}"
                assert len(button.payload.encode()) <= MAX_PAYLOAD_BYTES, button.payload
        if any(reply.notice for reply in replies):
            assert after == before or written_to(before) == written_to(after), \
                f"a notice after {what} changed {changes(before, after)}"
        if after is None:
            if before is not None:
                assert any(ERASED in r.text for r in replies), f"the runner vanished after {what}"
            assert ANN.key not in self.store.rows
            self.recorded = set()  # erased on purpose: nothing of theirs is kept
            return
        assert after.dialogue.state in STATES, f"unknown dialogue state {after.dialogue.state!r}"
        for index, level in enumerate(after.runner.levels):
            assert MIN_LEVEL <= level <= MAX_LEVEL, f"level {level} after {what}"
            if before is not None:
                assert level <= before.runner.levels[index] + 1, \
                    f"exercise {index} rose {before.runner.levels[index]} → {level} after {what}"
        if any(EXERCISE_PROMPT.match(r.text) for r in replies if not r.edit and not r.notice):
            self._check_exercise_allowed(after, what)
        now = pains(after)
        missing = self.recorded - now
        assert not missing, f"scores lost after {what}: {sorted(missing)}"
        self.recorded |= now
        self._note_milestones(after)

    @staticmethod
    def _check_exercise_allowed(after: Snapshot, what: str) -> None:
        """An exercise on screen: no hold is open, and that day's readiness check didn't say no."""
        runner, history = after.runner, after.history
        assert runner.clinician_hold is None and history.current_hold is None, \
            f"an exercise offered during a clinician hold after {what}"
        session = history.active_session
        assert session is not None and session.readiness is not None, f"an exercise outside a session after {what}"
        refused = [s for s in history.sessions if s.local_date == session.local_date
                   and s.status is SessionStatus.NOT_READY]
        assert not refused, f"an exercise offered on {session.local_date}, a not-ready day, after {what}"

    def _see(self, replies: tuple[Reply, ...]) -> None:
        for reply in replies:
            if reply.notice:
                continue
            if reply.edit:
                self.shown = reply.all_buttons  # the pressed message keeps only these
            elif reply.buttons:
                self.shown = reply.all_buttons
            self.seen.extend(b.payload for b in reply.all_buttons)

    def _note_milestones(self, snapshot: Snapshot) -> None:
        runner, history = snapshot.runner, snapshot.history
        if runner.onboarded:
            self.milestones.add("onboarded")
        if any(s.results for s in history.sessions):
            self.milestones.add("exercise scored")
        if any(s.status.value == "completed" for s in history.sessions):
            self.milestones.add("session completed")
        if any(s.morning for s in history.sessions):
            self.milestones.add("morning check answered")
        if any(c.to_level > c.from_level for c in history.level_changes):
            self.milestones.add("level up")
        if runner.clinician_hold:
            self.milestones.add("clinician hold")
        if any(h.cleared_at for h in history.holds):
            self.milestones.add("hold cleared")
        if any(s.status is SessionStatus.NOT_READY for s in history.sessions):
            self.milestones.add("not ready")

    # ---- the actions -----------------------------------------------------------------

    async def act(self, action: Action) -> None:
        match action:
            case Send(line):
                await self.handle(parse_input(line))
            case Tap(k):
                if self.shown:
                    await self.press(self.shown[k % len(self.shown)].payload)
            case Happy(k):
                await self.happy(k)
            case Burst(burst):
                for k in burst:
                    await self.happy(k)
            case Old(k):
                if self.seen:
                    await self.press(self.seen[k % len(self.seen)])
            case Again():
                if self.last_pressed:
                    await self.press(self.last_pressed)
            case Forge(kind, k, text):
                await self.forge(kind, k, text)
            case Wait(minutes):
                await self.wait(timedelta(minutes=minutes))

    async def press(self, payload: str) -> tuple[Reply, ...]:
        return await self.handle(Press(payload))

    async def happy(self, k: int) -> None:
        stored = self.stored
        state = stored.dialogue.state if stored else "new"
        if self.shown and all(b.payload.split(SEP)[1] == STANDALONE for b in self.shown):
            button = pick(STANDALONE_LABELS, self.shown, k)
            if button is not None:
                await self.press(button.payload)
                return
        if state == "idle" and stored is not None and trained_today(stored.history, self.today(stored)):
            # Done for today: a willing runner comes back tomorrow (and answers the morning check).
            await self.wait(timedelta(hours=20 + k % 30))
            return
        if state in TYPED_ANSWERS and (k % 3 or state.startswith("selftest_")):
            template = TYPED_ANSWERS[state]
            await self.handle(parse_input(template.format(n=10 + k % 30, m=k % 60, h=k % 12, d=1 + k % 9)))
            return
        if state == "days":
            ticked = [b for b in self.shown if b.label.startswith("✓")]
            days = [b for b in self.shown if b.label[-3:] in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")]
            if ticked and k % 4 != 3:
                button = pick(("Done",), self.shown, k)
            else:  # k = 0 ticks Monday, then is done
                button = days[(k // 4) % len(days)] if days else None
        elif state in HAPPY_LABELS:
            button = pick(HAPPY_LABELS[state], self.shown, k)
        else:
            button = self.shown[k % len(self.shown)] if self.shown else None
        if button is not None:
            await self.press(button.payload)
        elif stored is not None and stored.runner.onboarded:
            await self.handle(parse_input("/session"))
        else:
            await self.handle(parse_input("/start"))

    def today(self, stored: Snapshot) -> date:
        schedule = stored.runner.schedule
        return local_date(self.clock.now(), schedule.timezone if schedule else "UTC")

    async def forge(self, kind: str, k: int, text: str) -> None:
        genuine = self.seen[k % len(self.seen)] if self.seen else self.bobs[0]
        owner, step, action, arg, _ = genuine.split(SEP)
        if kind == "text":
            payload = text
        elif kind == "flipped":
            at = k % len(genuine)
            payload = genuine[:at] + ("A" if genuine[at] != "A" else "B") + genuine[at + 1:]
        elif kind == "other_key":
            current = str(self.stored.dialogue.step) if self.stored else step
            payload = Signer(OTHER_SECRET).sign(ANN.key, current, action, arg)
        elif kind == "for_bob":  # right key, right step, but issued to somebody else
            current = str(self.stored.dialogue.step) if self.stored else step
            payload = self.signer.sign(BOB.key, current, action, arg)
        else:
            payload = self.bobs[k % len(self.bobs)]
        replies = await self.press(payload)  # handle() checks that the snapshot stayed as it was
        assert [r.notice for r in replies] == [True], f"{kind} press {payload!r} was not refused: {replies}"

    async def wait(self, span: timedelta) -> None:
        """Move the clock on, delivering every reminder on the way, as the dispatcher does."""
        until = self.clock.now() + span
        for _ in range(MAX_DELIVERIES):
            stored = self.stored
            if stored is None:
                break
            due = due_reminders(stored.runner, stored.history, self.clock.now(), until)
            if not due:
                break
            assert all(self.clock.now() < d.due_at <= until for d in due)
            self.clock.set(due[0].due_at)
            await self.due(ANN.key, due[0].kind, due[0].local_date)
        else:
            raise AssertionError(f"more than {MAX_DELIVERIES} reminders in {span}")
        self.clock.set(until)


async def play(script: list[Action]) -> Player:
    store, clock, signer = MemoryStore(), ManualClock(START), Signer(SECRET)
    coach = Coach(store, clock, Services(signer=signer, charts=TinyCharts()))
    player = Player(coach, store, clock, signer)
    # Bob's genuine buttons, to press from Ann's account.
    for line in ("/start",):
        for reply in await coach.handle(BOB, parse_input(line)):
            player.bobs.extend(b.payload for b in reply.all_buttons)
    for action in script:
        await player.act(action)
    return player


# No "explain" phase: on a failure it replays each step hundreds of times, for little gain here.
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink])
@given(scripts)
def test_random_runners_never_break_the_coachs_promises(script: tuple[list[Happy], list[Action]]) -> None:
    warm_up, rest = script
    player = asyncio.run(play([*warm_up, *rest]))
    for milestone in sorted(player.milestones):
        event(milestone)  # shown with --hypothesis-show-statistics: how far runs got
