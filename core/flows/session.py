"""The guided session: readiness, five exercises one at a time, a pain score after each."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from core.consistency import consistency, trained_today
from core.flows.base import State, int_arg, pain_rows
from core.flows.onboarding import ask_hold, ask_welcome, stop_for_red_flag
from core.model import Direction, ExerciseResult, Outcome, Session, SessionStatus, Zone
from core.pain import exercise_zone, readiness_zone
from core.programme import EXERCISES, GENERAL_CUES, MOBILITY_DRILL, STOP_FROM
from core.progression import (
    Cause,
    apply,
    as_level_changes,
    decisions_after_session,
    gap_decisions,
    summary_lines,
)
from core.redflags import RED_FLAGS, red_flag
from core.schedule import next_strength_day
from core.selftest import retest_due
from core.texts import short_date
from core.turn import Turn

PAIN_SCALE = "0 = none, 10 = worst imaginable."
WRONG = ("Something's wrong", "wrong", "")
_ONE_DAY = timedelta(days=1)


def record_level_decisions(turn: Turn, decisions: tuple) -> list[str]:
    """Apply decisions to the runner, store the changes, return the lines to show."""
    turn.update_runner(levels=apply(turn.runner, decisions).levels)
    turn.add_level_changes(as_level_changes(decisions, len(turn.history.level_changes) + 1, turn.now))
    return summary_lines(decisions)


def begin_session(turn: Turn) -> None:
    from core.flows.idle import show_idle

    runner = turn.runner
    if not runner.onboarded:
        turn.say("Let's get you set up first; it takes a minute.")
        ask_welcome(turn)
        return
    if runner.clinician_hold:
        ask_hold(turn)
        return
    if runner.is_paused(turn.today):
        until = "until you /resume" if runner.paused_until and runner.paused_until.year > 9000 \
            else f"until {short_date(runner.paused_until)}" if runner.paused_until else ""
        show_idle(turn, f"You're on a break {until}. Send /resume when you're ready to train again.")
        return
    active = turn.history.active_session
    if active is not None:
        turn.say("Picking up where you left off.")
        if turn.dialogue.state in STATES:
            with turn.reasking():  # the buttons already on screen stay valid too
                STATES[turn.dialogue.state].ask(turn)
        else:
            _continue(turn, active)
        return
    if trained_today(turn.history, turn.today):
        next_day = next_strength_day(runner.schedule, turn.today + _ONE_DAY) if runner.schedule else None
        when = f" Next one: {short_date(next_day)}." if next_day else ""
        show_idle(turn, "You've already done a session today. Nice work! One a day is plenty; a missed "
                        f"session is never made up by doubling.{when}")
        return
    gap = gap_decisions(runner, turn.history, turn.today)
    if gap:
        lines = record_level_decisions(turn, gap)
        turn.say("Welcome back! After a break we ease in a little:\n" + "\n".join(lines))
    number = max((s.number for s in turn.history.sessions), default=0) + 1
    turn.save_session(Session(number=number, started_at=turn.now, local_date=turn.today))
    ask_readiness(turn)


def ask_readiness(turn: Turn) -> None:
    turn.ask("readiness", ("Before we start: any pain in your feet, ankles, calves, knees or hips right now?\n"
                           + PAIN_SCALE), pain_rows("ready") + ((WRONG,),))


async def on_readiness(turn: Turn, action: str, arg: str) -> None:
    if action == "wrong":
        ask_wrong(turn)
        return
    score = int_arg(arg, 0, 10)
    session = turn.history.active_session
    if score is None or session is None:
        turn.notice("That button didn't make sense to me; nothing changed.")
        return
    turn.chosen(f"Pain now: {score}/10")
    session = replace(session, readiness=score)
    zone = readiness_zone(score, turn.runner.profile)
    if zone is Zone.GREEN:
        turn.save_session(session)
        turn.say("Good to go. A few rules for every exercise:\n• " + "\n• ".join(GENERAL_CUES)
                 + f"\n\n{MOBILITY_DRILL}")
        ask_exercise(turn, 0)
        return
    turn.save_session(replace(session, status=SessionStatus.NOT_READY, ended_at=turn.now))
    if zone is Zone.STOP:
        stop_for_red_flag(turn, "pain", f"Pain at {score}/10 before you've even started is too much to "
                                        "train on. Please rest and get it checked by a clinician.")
        return
    from core.flows.idle import show_idle

    show_idle(turn, f"At {score}/10, let's skip strength work today and let it settle. If the pain is "
                    "still there in a few days, please see a clinician.")


def _continue(turn: Turn, session: Session) -> None:
    if session.readiness is None:
        ask_readiness(turn)
        return
    done = {r.exercise for r in session.results}
    remaining = [i for i in range(len(EXERCISES)) if i not in done]
    if remaining:
        ask_exercise(turn, remaining[0])
    else:
        finish_session(turn, SessionStatus.COMPLETED)


def ask_exercise(turn: Turn, index: int) -> None:
    exercise = EXERCISES[index]
    level = exercise.level(turn.runner.level(index))
    cues = "\n".join(f"• {c}" for c in exercise.cues)
    text = (f"{index + 1}/{len(EXERCISES)} {exercise.name}, level {level.number}\n"
            f"{level.version}\n{level.dose} (about {level.minutes:g} min)\n\n{cues}")
    turn.ask("exercise", text, (
        (("Done ✓", "done", ""), ("Too hard", "too_hard", ""), ("Skip", "skip", "")),
        (("Stop session", "stop", ""), WRONG),
    ), i=str(index))


async def on_exercise(turn: Turn, action: str, arg: str) -> None:
    index = int_arg(turn.data("i"), 0, len(EXERCISES) - 1) or 0
    if action == "wrong":
        ask_wrong(turn)
    elif action == "stop":
        turn.chosen("Stop session")
        finish_session(turn, SessionStatus.STOPPED)
    elif action == "skip":
        turn.chosen("Skipped")
        _record(turn, index, Outcome.SKIPPED, None)
        _next(turn, index)
    else:
        turn.chosen("Done" if action == "done" else "Too hard: we'll go a level easier next time")
        ask_pain(turn, index, Outcome.DONE if action == "done" else Outcome.TOO_HARD)


def ask_pain(turn: Turn, index: int, outcome: Outcome) -> None:
    turn.ask("pain", f"{EXERCISES[index].name}: how much pain did you feel? {PAIN_SCALE}",
             pain_rows("pain"), i=str(index), outcome=outcome.value)


async def on_pain(turn: Turn, action: str, arg: str) -> None:
    index = int_arg(turn.data("i"), 0, len(EXERCISES) - 1) or 0
    score = int_arg(arg, 0, 10)
    if score is None or turn.history.active_session is None:
        turn.notice("That button didn't make sense to me; nothing changed.")
        return
    turn.chosen(f"Pain: {score}/10")
    outcome = Outcome(turn.data("outcome", Outcome.DONE.value))
    zone = exercise_zone(score, turn.runner.profile)
    _record(turn, index, outcome if zone is not Zone.STOP else Outcome.STOPPED, score)
    if zone is Zone.STOP:
        finish_session(turn, SessionStatus.STOPPED, quiet=True)
        stop_for_red_flag(turn, "pain", f"Pain at {score}/10 (from {STOP_FROM} up) means we stop the session "
                                        "and pause the programme. Please have it checked by a clinician.")
        return
    turn.say(ZONE_FEEDBACK[zone])
    _next(turn, index)


ZONE_FEEDBACK = {
    Zone.GREEN: "Nice and easy. That counts toward moving up. ✓",
    Zone.AMBER: "Noted. We'll hold this level; next time try a slightly smaller range.",
    Zone.RED: "That's over today's limit, so we stop this one for today; next time it's one level easier.",
}


def _record(turn: Turn, index: int, outcome: Outcome, pain: int | None) -> None:
    session = turn.history.active_session
    if session is None or session.result_for(index) is not None:
        return  # never overwrite a recorded score
    result = ExerciseResult(exercise=index, level=turn.runner.level(index), outcome=outcome, pain=pain,
                            recorded_at=turn.now)
    turn.save_session(replace(session, results=session.results + (result,)))


def _next(turn: Turn, index: int) -> None:
    session = turn.history.active_session
    if session is not None:
        _continue(turn, session)


def finish_session(turn: Turn, status: SessionStatus, quiet: bool = False) -> None:
    from core.flows.idle import show_idle

    session = turn.history.active_session
    if session is None:
        return
    session = replace(session, status=status, ended_at=turn.now)
    turn.save_session(session)
    decisions = decisions_after_session(turn.runner, session)
    record_level_decisions(turn, decisions)
    if quiet:
        return
    # Easy, finished exercises all say the same thing: one line for them, one each for the rest.
    easy = [d for d in decisions if d.cause == Cause.HOLD and d.direction is Direction.HOLD
            and (r := session.result_for(d.exercise)) is not None and r.outcome is Outcome.DONE
            and r.pain is not None and exercise_zone(r.pain, turn.runner.profile) is Zone.GREEN]  # amber holds
    lines = summary_lines(d for d in decisions if d not in easy)
    if easy:
        names = ", ".join(EXERCISES[d.exercise].short for d in easy)
        lines.append(f"Easy today: {names}. That counts toward moving up.")
    minutes = max(1, round((turn.now - session.started_at).total_seconds() / 60))
    schedule = turn.runner.schedule
    week = consistency(turn.history, schedule.sessions_target if schedule else 2, turn.today)
    head = "Session done! 🎉" if status is SessionStatus.COMPLETED else "Session stopped; what you did still counts."
    parts = [f"{head} ({minutes} min)", f"This week: {week.this_week}/{week.target} sessions"
             + (" (target met ✓)" if week.met_this_week else "")]
    if lines:
        parts.append("\n".join(lines))
    if session.results and schedule:
        parts.append(f"Tomorrow at {schedule.morning_time.strftime('%H:%M')} I'll ask how your legs feel; "
                     "that tells us whether to move up.")
    if retest_due(turn.history, turn.today):
        parts.append("It's a good time for the heel-raise self-test: /selftest (optional, 5 min).")
    show_idle(turn, "\n\n".join(parts))


# ---- "Something's wrong" ------------------------------------------------------------

def ask_wrong(turn: Turn) -> None:
    rows = tuple(((flag.label, "flag", flag.key),) for flag in RED_FLAGS)
    turn.ask("wrong", "What's going on? Tap the closest match.",
             rows + ((("Pain, but none of these", "pain_only", ""),), (("Back to the session", "back", ""),)),
             keep_data=True)


async def on_wrong(turn: Turn, action: str, arg: str) -> None:
    if action == "back":
        turn.chosen("Back to the session")
        session = turn.history.active_session
        if session is not None:
            _continue(turn, session)
        return
    index = int_arg(turn.data("i"), 0, len(EXERCISES) - 1) or 0
    if action == "pain_only":
        turn.chosen("Pain")
        if turn.history.active_session and turn.history.active_session.readiness is None:
            ask_readiness(turn)
        else:
            ask_pain(turn, index, Outcome.STOPPED)
        return
    flag = red_flag(arg)
    if flag is None:
        turn.notice("That button didn't make sense to me; nothing changed.")
        return
    turn.chosen(flag.label)
    finish_session(turn, SessionStatus.STOPPED, quiet=True)
    stop_for_red_flag(turn, flag.key, flag.advice)


STATES: dict[str, State] = {
    "readiness": State(ask_readiness, on_readiness),
    "exercise": State(lambda t: ask_exercise(t, int_arg(t.data("i"), 0, len(EXERCISES) - 1) or 0), on_exercise),
    "pain": State(lambda t: ask_pain(t, int_arg(t.data("i"), 0, len(EXERCISES) - 1) or 0,
                                     Outcome(t.data("outcome", Outcome.DONE.value))), on_pain),
    "wrong": State(ask_wrong, on_wrong),
}
