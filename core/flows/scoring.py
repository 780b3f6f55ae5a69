"""After an exercise: how hard it was, then its pain, per side when the sides felt different.

Effort comes first so the result is recorded once, whole, when the pain score arrives (results
are only ever added). The worse side's score is the exercise's pain, so the pain rules
(core/pain.py) and progression read one number whatever the sides said.
"""

from __future__ import annotations

from dataclasses import replace

from core.flows.base import State, int_arg, pain_rows
from core.flows.ending import exercise_feedback, finish_session
from core.flows.hold import stop_for_red_flag
from core.flows.intro import first_side
from core.model import Effort, ExerciseResult, Outcome, SessionStatus, Side, Zone
from core.pain import exercise_zone, parse_score
from core.programme import EXERCISES, PAIN_MAX, REPS_IN_RESERVE, STOP_FROM
from core.texts import BUTTON_PROBLEM, PAIN_SCALE
from core.turn import Turn

EFFORT_LABELS = {Effort.EASY: "Easy", Effort.JUST_RIGHT: "Just right", Effort.HARD: "Hard"}
EFFORT_QUESTION = ("how hard was that?\n“Just right” is about {}-{} reps (or a few seconds of holding) "
                   "left in the tank.").format(*REPS_IN_RESERVE)
SIDES_DIFFER = "One side differs"
SIDE_WORDS = {Side.LEFT: "Left", Side.RIGHT: "Right"}


def _index(turn: Turn) -> int:
    return int_arg(turn.data("i"), 0, len(EXERCISES) - 1) or 0


def _per_side(turn: Turn, index: int) -> bool:
    return EXERCISES[index].level(turn.runner.level(index)).dose.per_side


def _effort(turn: Turn) -> Effort | None:
    value = turn.data("effort")
    return Effort(value) if value in Effort.__members__.values() else None


def _outcome(turn: Turn) -> Outcome:
    value = turn.data("outcome", Outcome.DONE.value)
    return Outcome(value) if value in Outcome.__members__.values() else Outcome.DONE


# ---- effort -----------------------------------------------------------------------


def ask_effort(turn: Turn, index: int) -> None:
    turn.ask("effort", f"{EXERCISES[index].name}: {EFFORT_QUESTION}",
             (tuple((label, "effort", effort.value) for effort, label in EFFORT_LABELS.items()),),
             i=str(index), outcome=Outcome.DONE.value)


async def on_effort(turn: Turn, action: str, arg: str) -> None:
    effort = Effort(arg) if action == "effort" and arg in Effort.__members__.values() else None
    if effort is None or turn.history.active_session is None:
        turn.notice(BUTTON_PROBLEM)
        return
    turn.chosen(EFFORT_LABELS[effort])
    ask_pain(turn, _index(turn), Outcome.DONE, effort)


_TYPED_EFFORT = {label.lower(): effort for effort, label in EFFORT_LABELS.items()} | {"ok": Effort.JUST_RIGHT}


async def on_effort_text(turn: Turn, text: str) -> bool:
    effort = _TYPED_EFFORT.get(text.strip().lower())
    if effort is None:
        return False
    turn.pressed = False
    await on_effort(turn, "effort", effort.value)
    return True


# ---- pain -------------------------------------------------------------------------


def ask_pain(turn: Turn, index: int, outcome: Outcome, effort: Effort | None = None) -> None:
    data = {"i": str(index), "outcome": outcome.value, "effort": effort.value if effort else ""}
    question = f"{EXERCISES[index].name}: how much pain did you feel? {PAIN_SCALE}"
    if not _per_side(turn, index):
        turn.ask("pain", question, pain_rows("pain"), **data)
        return
    turn.ask("pain", f"{question}\nLeft and right felt the same? Just tap the score. If one side felt "
                     f"different, tap “{SIDES_DIFFER}”.",
             pain_rows("pain") + (((SIDES_DIFFER, "sides", ""),),), **data)


def _sides_in_order(turn: Turn) -> tuple[Side, Side]:
    first = first_side(turn.runner)
    return first, first.other


def ask_side_pain(turn: Turn, side: Side) -> None:
    index = _index(turn)
    turn.ask("pain_side", f"{EXERCISES[index].name}, {side.value} side: how much pain? {PAIN_SCALE}",
             pain_rows("pain"), keep_data=True, side=side.value)


async def on_pain(turn: Turn, action: str, arg: str) -> None:
    index = _index(turn)
    if action == "sides" and _per_side(turn, index) and turn.history.active_session is not None:
        turn.chosen(SIDES_DIFFER)
        ask_side_pain(turn, _sides_in_order(turn)[0])
        return
    score = int_arg(arg, 0, 10)
    if score is None or turn.history.active_session is None:
        turn.notice(BUTTON_PROBLEM)
        return
    turn.chosen(f"Pain: {score}/{PAIN_MAX}" + (" on both sides" if _per_side(turn, index) else ""))
    _scored(turn, index, score)


async def on_side_pain(turn: Turn, action: str, arg: str) -> None:
    index, side = _index(turn), Side(turn.data("side", Side.LEFT.value))
    score = int_arg(arg, 0, 10)
    if score is None or turn.history.active_session is None:
        turn.notice(BUTTON_PROBLEM)
        return
    turn.chosen(f"{SIDE_WORDS[side]}: {score}/{PAIN_MAX}")
    scores = {s: int(turn.data(s.value)) for s in Side if turn.data(s.value).isdigit()} | {side: score}
    first, second = _sides_in_order(turn)
    if len(scores) < 2 and score < STOP_FROM:  # a 7+ on the first side stops the session at once
        turn.set_data(**{side.value: str(score)})
        ask_side_pain(turn, second if side is first else first)
        return
    _scored(turn, index, max(scores.values()), scores.get(Side.LEFT), scores.get(Side.RIGHT))


def _scored(turn: Turn, index: int, pain: int, left: int | None = None, right: int | None = None) -> None:
    """Record the exercise with its pain (the worse side's), then stop, or say how it went and go on."""
    from core.flows.session import continue_session

    zone = exercise_zone(pain, turn.runner.profile)
    outcome = _outcome(turn) if zone is not Zone.STOP else Outcome.STOPPED
    record(turn, index, outcome, pain, _effort(turn), left, right)
    if zone is Zone.STOP:
        finish_session(turn, SessionStatus.STOPPED, quiet=True)
        stop_for_red_flag(turn, "pain", "Please stop here and have it checked by a clinician.\n"
                                        f"Pain at {pain}/{PAIN_MAX} (from {STOP_FROM} up) means we stop the session "
                                        "and pause the programme.",
                          exercises=(index,))
        return
    session = turn.history.active_session
    result = session.result_for(index) if session else None
    if result is not None:
        turn.say(exercise_feedback(turn.runner, result, turn.history))
    if session is not None:
        continue_session(turn, session)


async def on_score_text(turn: Turn, text: str) -> bool:
    """A typed score answers a pain or readiness question as the button would."""
    from core.conversation import STATES as ALL_STATES

    score = parse_score(text)
    if score is None:
        return False
    state = ALL_STATES[turn.dialogue.state]
    assert state.press is not None
    turn.pressed = False
    await state.press(turn, "score", str(score))
    return True


def record(turn: Turn, index: int, outcome: Outcome, pain: int | None, effort: Effort | None = None,
           left: int | None = None, right: int | None = None) -> None:
    session = turn.history.active_session
    if session is None or session.result_for(index) is not None:
        return  # never overwrite a recorded score
    result = ExerciseResult(exercise=index, level=turn.runner.level(index), outcome=outcome, pain=pain,
                            recorded_at=turn.now, effort=effort, pain_left=left, pain_right=right)
    turn.save_session(replace(session, results=session.results + (result,)))


def _reask_pain(turn: Turn) -> None:
    ask_pain(turn, _index(turn), _outcome(turn), _effort(turn))


def _reask_side(turn: Turn) -> None:
    ask_side_pain(turn, Side(turn.data("side", Side.LEFT.value)))


STATES: dict[str, State] = {
    "effort": State(lambda t: ask_effort(t, _index(t)), on_effort, on_effort_text),
    "pain": State(_reask_pain, on_pain, on_score_text),
    "pain_side": State(_reask_side, on_side_pain, on_score_text),
}
