"""The router: which part of the dialogue handles an event.

Every button press is checked here before any flow sees it: malformed, forged,
foreign, stale and double presses get a short notice and change nothing.
"""

from __future__ import annotations

from core.events import Command, Due, Event, Press, Text, TimerDue
from core.flows import (
    checks, documents, hold, idle, link, onboarding, questions, selftest, session, settings, timer, wrong,
)
from core.flows.ending import close_unfinished
from core.flows.base import OnCommand, State
from core.payloads import PayloadProblem
from core.replies import Reply
from core.texts import HELP
from core.turn import Turn

STATES: dict[str, State] = {
    **onboarding.STATES, **questions.STATES, **session.STATES, **idle.STATES, **settings.STATES,
    **selftest.STATES, **link.STATES, **hold.STATES, **wrong.STATES, **timer.STATES,
}

PRESS_PROBLEMS = {
    PayloadProblem.MALFORMED: "I couldn't read that button; nothing changed.",
    PayloadProblem.FORGED: "That button doesn't look like one of mine; nothing changed.",
    PayloadProblem.FOREIGN: "That button belongs to someone else's conversation; nothing changed.",
}
STALE = "That button is from an earlier step; nothing changed. The latest question is below."
DOUBLE = "Already noted ✓"
STANDALONE = {**checks.STANDALONE, **documents.STANDALONE}  # buttons valid whatever the dialogue does


async def cmd_start(turn: Turn, arg: str) -> None:
    runner = turn.runner
    if runner.onboarded:
        idle.show_idle(turn, "Welcome back! You're all set up. /settings changes your schedule; "
                             "/session starts a session.")
    elif runner.clinician_hold:
        hold.ask_hold(turn)
    elif turn.dialogue.state in STATES and turn.dialogue.state not in ("new", "idle", "welcome"):
        turn.say("Let's carry on where we left off.")
        STATES[turn.dialogue.state].ask(turn)
    else:
        onboarding.ask_welcome(turn)


async def cmd_session(turn: Turn, arg: str) -> None:
    session.begin_session(turn)


COMMANDS: dict[str, OnCommand] = {
    "start": cmd_start,
    "session": cmd_session,
    "progress": idle.cmd_progress,
    "settings": settings.cmd_settings,
    "pause": settings.cmd_pause,
    "resume": settings.cmd_resume,
    "selftest": selftest.cmd_selftest,
    "summary": documents.cmd_summary,
    "calendar": documents.cmd_calendar,
    "link": link.cmd_link,
    "unlink": link.cmd_unlink,
    "export": idle.cmd_export,
    "delete": idle.cmd_delete,
    "help": idle.cmd_help,
}
# Commands that make sense before onboarding is finished. /session is not one: mid-set-up it
# carries on with the question at hand (as /start does) instead of starting the set-up over.
BEFORE_ONBOARDING = frozenset({"start", "help", "export", "delete", "link", "unlink"})


async def run_command(turn: Turn, name: str, arg: str) -> None:
    handler = COMMANDS.get(name)
    if handler is None:
        turn.say(f"I don't know /{name[:30]}.\n\n{HELP}")
        return
    if turn.dialogue.state == "clot_check" and name not in ("help", "export", "delete"):
        # The swollen-calf follow-up decides whether this is an emergency: it comes first.
        turn.say("First, please answer this: it decides how urgent it is.")
        with turn.reasking():
            STATES["clot_check"].ask(turn)
        return
    held = name == "resume" and turn.runner.clinician_hold  # the hold says "(or send /resume)" in the set-up too
    if not turn.runner.onboarded and name not in BEFORE_ONBOARDING and not held:
        turn.say("Let's finish setting you up first.")
        await cmd_start(turn, "")
        return
    await handler(turn, arg)


def _close_yesterdays(turn: Turn) -> None:
    """A session left open past its local day closes first, and the runner hears why."""
    line = close_unfinished(turn)
    if line:
        turn.say(line)


async def dispatch(turn: Turn, event: Event) -> None:
    match event:
        case Command(name, arg):
            _close_yesterdays(turn)
            await run_command(turn, name, arg)
        case Text(text):
            _close_yesterdays(turn)
            await _on_text(turn, text)
        case Press(payload):
            await _on_press(turn, payload)
        case Due(kind, local_date):
            await checks.due(turn, kind, local_date)
        case TimerDue(due_at, countdown):
            await timer.on_due(turn, due_at, countdown)
    await turn.add_pictures()


async def _on_text(turn: Turn, text: str) -> None:
    if turn.dialogue.state == "new" and not turn.runner.onboarded:
        # Someone's first words ("hi"): the welcome, not the idle help (checked before the
        # state's own text handler, which would otherwise always answer first).
        onboarding.ask_welcome(turn)
        return
    state = STATES.get(turn.dialogue.state, STATES["idle"])
    if state.text is not None and await state.text(turn, text):
        return
    turn.say("Please tap one of the buttons below. 👇")
    with turn.reasking():
        state.ask(turn)


def where_we_left_off(turn: Turn) -> list[Reply]:
    """The question the dialogue waits on, asked again on `turn` (which is not to be saved);
    none when it waits on nothing."""
    state = STATES.get(turn.dialogue.state)
    if state is not None and turn.dialogue.state not in ("idle", "new"):
        with turn.reasking():
            state.ask(turn)
    return turn.replies


async def _on_press(turn: Turn, payload: str) -> None:
    read = turn.services.signer.read(payload, turn.runner.key)
    if isinstance(read, PayloadProblem):
        turn.notice(PRESS_PROBLEMS[read])
        return
    if read.standalone:
        handler = STANDALONE.get(read.action)
        if handler is None:
            turn.notice(PRESS_PROBLEMS[PayloadProblem.MALFORMED])
            return
        await handler(turn, read.arg)
        return
    if payload == turn.dialogue.last_press:
        turn.notice(DOUBLE)
        return
    if read.step != str(turn.dialogue.step):
        turn.notice(STALE)
        # Re-shown from a copy: its text may be fresher (dates move on), but a stale press
        # must leave what we store exactly as it was.
        turn.replies.extend(where_we_left_off(Turn(turn.snapshot, turn.now, turn.services)))
        return
    line = close_unfinished(turn)
    if line:  # yesterday's session buttons: the session is closed now, not carried on
        idle.show_idle(turn, f"{line} Send /session for today's.")
        return
    state = STATES.get(turn.dialogue.state)
    if state is None or state.press is None:
        turn.notice(STALE)
        return
    await state.press(turn, read.action, read.arg)
    refused = bool(turn.replies) and all(reply.notice for reply in turn.replies)
    if not refused:
        # Only a press that was taken is remembered: a refused one changed nothing and
        # may be tried again, so it must not come back as "Already noted".
        turn.remember_press(payload)
