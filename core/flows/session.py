"""The guided session: readiness, five exercises one at a time, a pain score after each."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from core.consistency import trained_today
from core.deload import EASY_WEEK_LINE, easy_week
from core.flows import scoring
from core.flows.base import State, int_arg, pain_rows
from core.flows.ending import close_unfinished, finish_session, not_ready_on, record_level_decisions
from core.flows.hold import ask_hold, stop_for_red_flag
from core.flows.intro import choose_side, introduce, settle_side, show_me_button, side_rows, todays_dose
from core.flows.scoring import ask_pain, on_score_text, record
from core.model import Outcome, Session, SessionStatus, Zone
from core.pain import readiness_zone
from core.programme import EXERCISES, GENERAL_CUES, PAIN_MAX, level_minutes
from core.progression import gap_decisions
from core.schedule import next_strength_day
from core.texts import (
    BUTTON_PROBLEM,
    MOBILITY_INSTEAD,
    MOBILITY_OFFER,
    PAIN_QUESTION,
    PAIN_SCALE,
    RUN_EASY,
    short_date,
)
from core.turn import Turn

WRONG = ("Something's wrong", "wrong", "")
MOBILITY_BUTTON = (("Show the mobility drill", "mobility", ""),)
_ONE_DAY = timedelta(days=1)


def begin_session(turn: Turn, day: date | None = None) -> None:
    """Start (or pick up) the session for `day`: today, or the run day a late-evening nudge was for."""
    from core.flows.idle import describe_pause, show_idle
    from core.flows.onboarding import ask_welcome

    closed = close_unfinished(turn)  # yesterday's open session never blocks today's
    if closed:
        turn.say(closed)
    runner, day = turn.runner, day or turn.today
    if not runner.onboarded:
        turn.say("Let's get you set up first; it takes a minute.")
        ask_welcome(turn)
        return
    if runner.clinician_hold:
        ask_hold(turn)
        return
    if runner.is_paused(day):
        show_idle(turn, f"You're on a break {describe_pause(runner.paused_until)}. "
                        "Send /resume when you're ready to train again.")
        return
    active = turn.history.active_session
    if active is not None:
        turn.say("Picking up where you left off.")
        from core.flows.timer import STATES as TIMER_STATES  # mid-walk: the timer as it is now

        asked = {**STATES, **TIMER_STATES}.get(turn.dialogue.state)
        if asked is not None:
            with turn.reasking():  # the buttons already on screen stay valid too
                asked.ask(turn)
        else:
            continue_session(turn, active)
        return
    if not_ready_on(turn.history, day) is not None:
        turn.ask("idle", ("Earlier today your legs weren't up to it, so no strength session today: let it "
                          f"settle. {MOBILITY_INSTEAD}"), (MOBILITY_BUTTON,))
        return
    if trained_today(turn.history, day):
        next_day = next_strength_day(runner.schedule, day + _ONE_DAY) if runner.schedule else None
        when = f" Next one: {short_date(next_day)}." if next_day else ""
        show_idle(turn, "You've already done a session today. Nice work! One a day is plenty; a missed "
                        f"session is never made up by doubling.{when}")
        return
    gap = gap_decisions(runner, turn.history, day)
    if gap:
        lines = record_level_decisions(turn, gap)
        turn.say("Welcome back! After a break we ease in a little:\n" + "\n".join(lines))
    number = max((s.number for s in turn.history.sessions), default=0) + 1
    turn.save_session(Session(number=number, started_at=turn.now, local_date=day))
    ask_readiness(turn)


def ask_readiness(turn: Turn) -> None:
    turn.ask("readiness", f"Before we start: {PAIN_QUESTION}\n{PAIN_SCALE}", pain_rows("ready") + ((WRONG,),))


async def on_readiness(turn: Turn, action: str, arg: str) -> None:
    if action == "wrong":
        from core.flows.wrong import ask_wrong

        ask_wrong(turn)
        return
    score = int_arg(arg, 0, 10)
    session = turn.history.active_session
    if score is None or session is None:
        turn.notice(BUTTON_PROBLEM)
        return
    turn.chosen(f"Pain now: {score}/{PAIN_MAX}")
    session = replace(session, readiness=score)
    zone = readiness_zone(score, turn.runner.profile)
    if zone is Zone.GREEN:
        turn.save_session(session)
        easy = f"\n\n{EASY_WEEK_LINE}" if easy_week(turn.history, session.local_date) else ""
        turn.say("Good to go. A few rules for every exercise:\n• " + "\n• ".join(GENERAL_CUES)
                 + f"{easy}\n\n{MOBILITY_OFFER}")
        ask_exercise(turn, 0)
        return
    turn.save_session(replace(session, status=SessionStatus.NOT_READY, ended_at=turn.now))
    turn.update_runner(snoozed_until=None)  # no nudge comes back today
    if zone is Zone.STOP:
        stop_for_red_flag(turn, "pain", f"Please rest and get it checked by a clinician.\nPain at {score}/{PAIN_MAX} "
                                        "before you've even started is too much to train on.")
        return
    turn.ask("idle", (f"At {score}/{PAIN_MAX}, let's skip strength work today and let it settle; "
                      "no more reminders today. "
                      f"{RUN_EASY} If the pain is still there in a few days, please see a clinician.\n\n"
                      f"{MOBILITY_INSTEAD}"), (MOBILITY_BUTTON,))


def continue_session(turn: Turn, session: Session) -> None:
    if session.readiness is None:
        ask_readiness(turn)
        return
    done = {r.exercise for r in session.results}
    remaining = [i for i in range(len(EXERCISES)) if i not in done]
    if remaining:
        ask_exercise(turn, remaining[0])
    else:
        finish_session(turn, SessionStatus.COMPLETED)


def _met_before(turn: Turn, index: int, level: int) -> bool:
    """Whether the runner has done this exercise at this level in an earlier session."""
    active = turn.history.active_session
    return any(r.exercise == index and r.level == level for s in turn.history.sessions
               if active is None or s.number != active.number for r in s.results)


def ask_exercise(turn: Turn, index: int, show_cues: bool = False, show_picture: bool = False) -> None:
    exercise = EXERCISES[index]
    level = exercise.level(turn.runner.level(index))
    start = introduce(turn, index, level.number, again=show_picture)
    dose = todays_dose(turn, index)
    easy = " (easy week: one set fewer)" if dose != level.dose else ""
    if show_cues or not _met_before(turn, index, level.number):
        how = "\n".join(f"• {c}" for c in exercise.cues_for(level.number))
    else:
        how = "Tap “How?” to see the cues again."
    text = (f"{index + 1}/{len(EXERCISES)} {exercise.name}, level {level.number} "
            f"(about {round(level_minutes(replace(level, dose=dose)))} min)\n{level.version}\n{dose.words()}{easy}{start}"
            f"\n\n{how}")
    guided = () if turn.runner.dose_only else ((("Start sets ▶", "start", ""),),)  # the live timer
    turn.ask("exercise", text, guided + (
        (("Done ✓", "done", ""), ("Too hard", "too_hard", ""), ("Skip", "skip", "")),
        (("How?", "how", ""), *show_me_button(turn), ("Stop session", "stop", "")),
        *side_rows(turn, index),
        (WRONG,),
    ), i=str(index))


def _index(turn: Turn) -> int:
    return int_arg(turn.data("i"), 0, len(EXERCISES) - 1) or 0


async def on_exercise(turn: Turn, action: str, arg: str) -> None:
    index = _index(turn)
    if action == "wrong":
        from core.flows.wrong import ask_wrong

        ask_wrong(turn)
    elif action == "how":
        turn.chosen("")
        with turn.reasking():  # the same step: the buttons already on screen keep working
            ask_exercise(turn, index, show_cues=True)
    elif action == "side" and choose_side(turn, arg):
        turn.chosen("")
        with turn.reasking():
            ask_exercise(turn, index)
    elif action == "show":
        turn.chosen("")
        with turn.reasking():
            ask_exercise(turn, index, show_picture=True)
    elif action == "start":
        from core.flows.timer import begin_walk

        turn.chosen("Start")
        begin_walk(turn, index)
    elif action == "stop":
        turn.chosen("Stop session")
        finish_session(turn, SessionStatus.STOPPED)
    elif action == "skip":
        turn.chosen("Skipped")
        record(turn, index, Outcome.SKIPPED, None)
        _next(turn)
    elif action == "done":
        turn.chosen("Done")
        settle_side(turn, index)
        scoring.ask_effort(turn, index)
    elif action == "too_hard":
        turn.chosen("Too hard")
        settle_side(turn, index)  # form broke: no effort question, that says it
        ask_pain(turn, index, Outcome.TOO_HARD)
    else:
        turn.notice(BUTTON_PROBLEM)


TYPED_EXERCISE_ANSWERS = {"done": "done", "done ✓": "done", "too hard": "too_hard", "skip": "skip",
                          "how": "how", "how?": "how", "show me": "show", "stop": "stop", "start": "start",
                          "start sets": "start"}


async def on_exercise_text(turn: Turn, text: str) -> bool:
    action = TYPED_EXERCISE_ANSWERS.get(text.strip().lower())
    if action is None:
        return False
    turn.pressed = False
    await on_exercise(turn, action, "")
    return True


def _next(turn: Turn) -> None:
    session = turn.history.active_session
    if session is not None:
        continue_session(turn, session)


STATES: dict[str, State] = {
    "readiness": State(ask_readiness, on_readiness, on_score_text),
    "exercise": State(lambda t: ask_exercise(t, _index(t)), on_exercise, on_exercise_text),
    **scoring.STATES,
}
