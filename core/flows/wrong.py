""""Something's wrong" during a session: an emergency first, then the red flags, or just pain."""

from __future__ import annotations

from core.flows.base import State, int_arg
from core.flows.ending import finish_session
from core.flows.hold import ask_clot_follow_up, stop_for_red_flag
from core.model import Outcome, SessionStatus
from core.programme import EXERCISES
from core.redflags import CLOT, RED_FLAGS, red_flag
from core.texts import BUTTON_PROBLEM
from core.turn import Turn


def ask_wrong(turn: Turn) -> None:
    rows = tuple(((flag.label, "flag", flag.key),) for flag in RED_FLAGS)
    turn.ask("wrong", "What's going on? Tap the closest match.",
             rows + ((("Pain, but none of these", "pain_only", ""),), (("Back to the session", "back", ""),)),
             keep_data=True)


async def on_wrong(turn: Turn, action: str, arg: str) -> None:
    from core.flows.session import ask_pain, ask_readiness, continue_session

    if action == "back":
        turn.chosen("Back to the session")
        session = turn.history.active_session
        if session is not None:
            continue_session(turn, session)
        return
    index = int_arg(turn.data("i"), 0, len(EXERCISES) - 1) or 0
    if action == "pain_only":
        turn.chosen("Pain")
        if turn.history.active_session and turn.history.active_session.readiness is None:
            ask_readiness(turn)
        else:
            ask_pain(turn, index, Outcome.STOPPED)
        return
    flag = red_flag(arg) if action == "flag" else None
    if flag is None:
        turn.notice(BUTTON_PROBLEM)
        return
    turn.chosen(flag.label)
    # Stop at once: no pain score first, and what was done stays recorded.
    finish_session(turn, SessionStatus.STOPPED, quiet=True)
    if flag.key == CLOT.key:
        ask_clot_follow_up(turn)
    else:
        stop_for_red_flag(turn, flag.key)


STATES: dict[str, State] = {
    "wrong": State(ask_wrong, on_wrong),
}
