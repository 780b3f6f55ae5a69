"""One turn of the conversation: the snapshot being changed and the replies so far.

A Turn lives for exactly one event and is then discarded; the engine saves
`turn.snapshot` and sends `turn.replies`. It is the only mutable thing in core,
and it never outlives the call that made it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo

from core.model import Dialogue, History, LevelChange, Runner, Session, Snapshot, UserRef
from core.payloads import STANDALONE, Signer
from core.linking import LinkChange
from core.ports import AudioSource, ChartRenderer, DocumentRenderer, LinkRegistry, PictureSource, RecordSource
from core.replies import Attachment, Button, Keyboard, Picture, Reply
from core.schedule import local_date, zone_for

# A button before signing: (label, action, arg).
Choice = tuple[str, str, str]
STEP_SPAN = 10**8  # a new conversation's first step is drawn from this range


def first_step() -> int:
    """Steps start somewhere new for every new conversation, so an old button never matches."""
    return secrets.randbelow(STEP_SPAN)


@dataclass(frozen=True, slots=True)
class Services:
    """What a turn may use besides the snapshot."""

    signer: Signer
    charts: ChartRenderer
    pictures: PictureSource | None = None  # None: this deployment sends no exercise pictures
    audio: AudioSource | None = None  # None: no audio files (the self-test metronome is then described)
    documents: DocumentRenderer | None = None  # the clinician PDF and calendar files
    records: RecordSource | None = None  # stored rows beyond the snapshot, for /export
    links: LinkRegistry | None = None  # link codes and linked identities


class Turn:
    def __init__(self, snapshot: Snapshot, now: datetime, services: Services, *, pressed: bool = False,
                 user: UserRef | None = None) -> None:
        self.runner: Runner = snapshot.runner
        self.dialogue: Dialogue = snapshot.dialogue
        self.history: History = snapshot.history
        self.version = snapshot.version
        self.now = now
        self.services = services
        self.pressed = pressed  # the event was a button press, so "edit" replies make sense
        self.user = user  # who acted, on which platform; None for a reminder falling due
        self.replies: list[Reply] = []
        self.erase = False  # /delete confirmed: the engine deletes instead of saving
        self.link_change: LinkChange | None = None  # a link or unlink the engine applies after saving
        self._pictures: list[tuple[int, str, int]] = []  # (place among the replies, exercise key, level)
        self._reasking = False

    # ---- the snapshot -------------------------------------------------------------

    @property
    def snapshot(self) -> Snapshot:
        return Snapshot(self.runner, self.dialogue, self.history, self.version)

    @property
    def tz(self) -> tzinfo:
        schedule = self.runner.schedule
        return zone_for(schedule.timezone if schedule else "UTC")

    @property
    def today(self) -> date:
        schedule = self.runner.schedule
        return local_date(self.now, schedule.timezone if schedule else "UTC")

    def update_runner(self, **changes: object) -> None:
        self.runner = replace(self.runner, **changes)

    def save_session(self, session: Session) -> None:
        self.history = self.history.with_session(session)

    def add_level_changes(self, changes: tuple[LevelChange, ...]) -> None:
        self.history = replace(self.history, level_changes=self.history.level_changes + changes)

    def data(self, name: str, default: str = "") -> str:
        return self.dialogue.get(name, default)

    # ---- what the coach says ------------------------------------------------------

    def say(self, text: str, buttons: Keyboard = (), *, picture: Picture | None = None,
            attachment: Attachment | None = None) -> None:
        self.replies.append(Reply(text=text, buttons=buttons, picture=picture, attachment=attachment))

    def show_picture(self, exercise_key: str, level: int) -> None:
        """Send this level's picture here, before whatever is said next (drawn after the turn's flow)."""
        self._pictures.append((len(self.replies), exercise_key, level))

    async def add_pictures(self) -> None:
        """Put the pictures asked for into the replies, where they were asked for."""
        source = self.services.pictures
        wanted, self._pictures = self._pictures, []
        if source is None:
            return
        for place, exercise_key, level in reversed(wanted):  # from the end, so earlier places stay put
            picture = await source.level_picture(exercise_key, level)
            self.replies.insert(place, Reply(text=picture.caption, picture=picture))

    def notice(self, text: str) -> None:
        self.replies.append(Reply(text=text, notice=True))

    def chosen(self, label: str, buttons: Keyboard = ()) -> None:
        """Mark the pressed message with what was chosen (and drop or swap its buttons)."""
        if self.pressed:
            self.replies.append(Reply(text=f"✓ {label}" if label else "", buttons=buttons, edit=True))

    def ask(self, state: str, text: str, rows: tuple[tuple[Choice, ...], ...], keep_data: bool = False,
            **data: str) -> None:
        """Move to `state`, show `text` with buttons for it; older buttons go stale."""
        self.goto(state, prompt=text, keep_data=keep_data, **data)
        self.say(text, self.keyboard(rows))

    def keyboard(self, rows: tuple[tuple[Choice, ...], ...]) -> Keyboard:
        step = str(self.dialogue.step)
        return tuple(tuple(self._button(label, step, action, arg) for label, action, arg in row) for row in rows)

    def standalone_keyboard(self, rows: tuple[tuple[Choice, ...], ...]) -> Keyboard:
        """Buttons that stay valid whatever the dialogue does next (reminders, checks)."""
        return tuple(tuple(self._button(label, STANDALONE, action, arg) for label, action, arg in row)
                     for row in rows)

    def goto(self, state: str, prompt: str = "", keep_data: bool = False, **data: str) -> None:
        merged = dict(self.dialogue.data) if keep_data else {}
        merged.update(data)
        step = self.dialogue.step if self._reasking else self.dialogue.step + 1
        # A timer belongs to the question that set it: a new one (or the same asked again) clears it.
        self.dialogue = replace(self.dialogue, state=state, data=tuple(merged.items()), step=step,
                                prompt=prompt or self.dialogue.prompt, timer_due_at=None, timer_ends_at=None)

    def set_data(self, **data: str) -> None:
        merged = dict(self.dialogue.data)
        merged.update(data)
        self.dialogue = replace(self.dialogue, data=tuple(merged.items()))

    def remember_press(self, payload: str) -> None:
        self.dialogue = replace(self.dialogue, last_press=payload)

    def reasking(self) -> _Reasking:
        """Within this block, `ask` re-shows the current step without making older buttons stale."""
        return _Reasking(self)

    def _button(self, label: str, step: str, action: str, arg: str) -> Button:
        return Button(label, self.services.signer.sign(self.runner.key, step, action, arg))


class _Reasking:
    def __init__(self, turn: Turn) -> None:
        self.turn = turn

    def __enter__(self) -> Turn:
        self.turn._reasking = True
        return self.turn

    def __exit__(self, *exc: object) -> None:
        self.turn._reasking = False
