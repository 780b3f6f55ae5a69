"""Clinician holds in the dialogue: stopping for a red flag, and the clearance back.

"I've been checked" (or /resume) counts from the next local day; then it asks whether a
clinician checked them, and after a second hold within four weeks whether a clinician
reviewed the programme itself. Lifting a hold restarts the affected exercises at level 1.
"""

from __future__ import annotations

from core.flows.base import State, int_arg
from core.holds import EVERY_EXERCISE, clear_hold, clearable_from, may_clear, needs_programme_review, start_hold
from core.programme import REPEAT_HOLD_DAYS
from core.progression import summary_lines_for_changes
from core.redflags import CLOT_EMERGENCY, CLOT_FOLLOW_UP, PAIN_WHOM, Urgency, red_flag
from core.screening import health_item, hold_advice
from core.texts import RUN_NOT_UNTIL_CHECKED, short_date
from core.turn import Turn

NO_DIAGNOSIS = "I can't diagnose anything, and I don't want to guess."


def zone(turn: Turn) -> str | None:
    return turn.runner.schedule.timezone if turn.runner.schedule else None


def stop_for_red_flag(turn: Turn, key: str, advice: str = "", resume_at: str = "idle",
                      exercises: tuple[int, ...] = EVERY_EXERCISE, urgency: Urgency = Urgency.TODAY) -> None:
    """No training, a clear route to a clinician, and a hold until they've been checked.

    The reply's first line says what to do. An emergency says nothing else about running;
    anything else adds that today's run is off too.
    """
    flag = red_flag(key)
    if flag is not None:
        advice, urgency = flag.advice_for(zone(turn)), flag.urgency
    runner, history = start_hold(turn.runner, turn.history, key, turn.now, exercises)
    turn.runner, turn.history = runner, history
    if urgency is Urgency.EMERGENCY:
        turn.say(advice)
    else:
        turn.say(f"{advice}\n\n{RUN_NOT_UNTIL_CHECKED}\n{NO_DIAGNOSIS}")
    ask_hold(turn, resume_at)


def ask_clot_follow_up(turn: Turn, resume_at: str = "idle") -> None:
    """A swollen, warm calf: one question decides between today and an emergency."""
    _, history = start_hold(turn.runner, turn.history, "clot", turn.now)  # held while they answer
    turn.update_runner(clinician_hold="clot")
    turn.history = history
    turn.ask("clot_check", CLOT_FOLLOW_UP, ((("Yes", "clot", "yes"), ("No", "clot", "no")),), resume=resume_at)


async def on_clot_check(turn: Turn, action: str, arg: str) -> None:
    if arg not in ("yes", "no"):
        turn.notice("That button didn't make sense to me; nothing changed.")
        return
    turn.chosen("Yes" if arg == "yes" else "No")
    resume_at = turn.data("resume", "idle")
    if arg == "yes":
        stop_for_red_flag(turn, CLOT_EMERGENCY.key, resume_at=resume_at)
    else:
        stop_for_red_flag(turn, "clot", resume_at=resume_at)


def ask_hold(turn: Turn, resume_at: str = "") -> None:
    first = clearable_from(turn.runner, turn.history)
    when = (f" You can tap it from {short_date(first)}." if first is not None and turn.today < first else "")
    turn.ask("hold", ("Your programme is paused until a clinician has checked you. When they have, tap below "
                      f"(or send /resume).{when}"),
             ((("I've been checked", "checked", ""),),), resume=resume_at or turn.data("resume", "idle"))


async def on_hold(turn: Turn, action: str, arg: str) -> None:
    turn.chosen("I've been checked")
    checked(turn)


def checked(turn: Turn) -> None:
    """ "I've been checked" or /resume: too soon, or on to the clinician question."""
    if not may_clear(turn.runner, turn.history, turn.today):
        first = clearable_from(turn.runner, turn.history)
        turn.say(f"Thank you. I can take that from {short_date(first)}: the day of the stop is too soon to be sure "
                 "it has settled. Until then please rest, and if it gets worse, get help sooner.")
        ask_hold(turn)
        return
    turn.ask("hold_check", "Did a doctor or physio check you and say you can train again?",
             ((("Yes, a clinician checked me", "check", "yes"), ("Not yet", "check", "no")),), keep_data=True)


async def on_hold_check(turn: Turn, action: str, arg: str) -> None:
    if arg == "no":
        turn.chosen("Not yet")
        turn.say(f"No problem: the pause stays. {whom_to_see(turn)}")
        ask_hold(turn)
        return
    turn.chosen("Yes")
    # Two pauses in the set-up's screen say nothing about the programme; once training, they do.
    if turn.runner.onboarded and needs_programme_review(turn.history):
        turn.ask("hold_review", (
            f"This is your second pause within {REPEAT_HOLD_DAYS // 7} weeks, so before any more sessions please "
            "have a clinician look at the programme itself (/export gives them every exercise and score). "
            "Have they reviewed it and said it suits you?"),
            ((("Yes, they reviewed it", "review", "yes"), ("Not yet", "review", "no")),), keep_data=True)
        return
    await _lift(turn)


async def on_hold_review(turn: Turn, action: str, arg: str) -> None:
    if arg == "no":
        turn.chosen("Not yet")
        turn.say("Then the pause stays until they have: two pauses close together are worth a proper look. "
                 "Show them the programme with /export, and tap below once they've reviewed it.")
        ask_hold(turn)
        return
    turn.chosen("Yes")
    await _lift(turn)


async def _lift(turn: Turn) -> None:
    runner, history, changes = clear_hold(turn.runner, turn.history, turn.now)
    turn.runner, turn.history = runner, history
    lines = summary_lines_for_changes(changes)
    turn.say("Thanks for getting checked. Let's carry on gently." + ("\n" + "\n".join(lines) if lines else ""))
    await resume_after_hold(turn, turn.data("resume", "idle"))


def whom_to_see(turn: Turn) -> str:
    """The first line of the hold's advice: whom to see, and how soon."""
    reason = turn.runner.clinician_hold or ""
    flag = red_flag(reason)
    item = health_item(reason)
    if flag is not None and flag.urgency is Urgency.EMERGENCY:
        return "Please see a doctor about what happened before you train again."  # the call was for then
    if flag is not None:
        return flag.advice_for(zone(turn)).split("\n", 1)[0]
    if item is not None:
        return hold_advice(item, zone(turn)).split("\n", 1)[0]
    return PAIN_WHOM


async def resume_after_hold(turn: Turn, resume_at: str) -> None:
    from core.flows.idle import show_idle  # idle imports the session flows
    from core.flows.onboarding import ask_screen

    where, _, arg = resume_at.partition(":")
    if where == "screen":
        ask_screen(turn, int_arg(arg, 1, 3) or 1)
    else:
        show_idle(turn)


STATES: dict[str, State] = {
    "hold": State(ask_hold, on_hold),
    "hold_check": State(lambda t: t.ask("hold_check", t.dialogue.prompt, (
        (("Yes, a clinician checked me", "check", "yes"), ("Not yet", "check", "no")),), keep_data=True),
        on_hold_check),
    "hold_review": State(lambda t: t.ask("hold_review", t.dialogue.prompt, (
        (("Yes, they reviewed it", "review", "yes"), ("Not yet", "review", "no")),), keep_data=True),
        on_hold_review),
    "clot_check": State(lambda t: t.ask("clot_check", CLOT_FOLLOW_UP, (
        (("Yes", "clot", "yes"), ("No", "clot", "no")),), keep_data=True), on_clot_check),
}
