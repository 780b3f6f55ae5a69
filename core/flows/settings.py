"""/settings, /pause and /resume."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from core.flows.base import State, int_arg
from core.flows.documents import calendar_button
from core.flows.idle import describe_pause, show_idle
from core.flows.hold import checked
from core.flows.intro import first_side
from core.flows.questions import ASKERS, schedule_from_data
from core.model import Profile, SessionStatus
from core.programme import (
    AMBER_MAX_REHAB,
    GAP_ONE_LEVEL_DAYS,
    GREEN_MAX,
    MORNING_CHOICES,
    PAIN_MAX,
    PAUSE_DAYS_CHOICES,
    PAUSE_MAX_DAYS,
    REDUCED_LOAD_DAYS_FOR_REVIEW,
)
from core.zones import parse_clock_time
from core.texts import BUTTON_PROBLEM, number_word, schedule_summary
from core.turn import Turn

MENU = (
    (("Run days", "set", "days"), ("Sessions a week", "set", "target")),
    (("Run time", "set", "time"), ("Time zone", "set", "tz")),
    (("Reminder lead", "set", "lead"), ("Morning check time", "set", "morning")),
    (("Off-day run notes", "set", "notes"), ("Pain limits", "set", "profile")),
    (("First side", "set", "side"), ("Done", "set", "done")),
)


async def cmd_settings(turn: Turn, arg: str) -> None:
    schedule = turn.runner.schedule
    if not turn.runner.onboarded or schedule is None:
        turn.say("Let's finish setting you up first; send /start.")
        return
    ask_menu(turn)


def ask_menu(turn: Turn) -> None:
    schedule = turn.runner.schedule
    assert schedule is not None
    notes = "on" if schedule.offday_notes else "off"
    profile = (f"rehab (up to {AMBER_MAX_REHAB}/{PAIN_MAX})" if turn.runner.profile is Profile.REHAB
               else f"pain-free (up to {GREEN_MAX}/{PAIN_MAX})")
    guidance = "just the dose" if turn.runner.dose_only else "set by set with live timers"
    timers = ("Guide me set by set" if turn.runner.dose_only else "Just tell me the dose", "set", "timers")
    turn.ask("settings", (schedule_summary(schedule, turn.now, turn.history)
                          + f"\nMorning check: {schedule.morning_time.strftime('%H:%M')}. Off-day notes: {notes}."
                          + f"\nPain limits: {profile}.\nSessions: {guidance}."
                          + f"\nOne-sided exercises start on the {first_side(turn.runner).value}."
                          + "\n\nWhat would you like to change?"), MENU[:-1] + ((timers,),) + MENU[-1:])


async def on_menu(turn: Turn, action: str, arg: str) -> None:
    if arg == "done":
        turn.chosen("Done")
        show_idle(turn, "Settings saved.")
    elif arg in ASKERS and arg != "finish":
        turn.chosen("")
        turn.goto("settings", mode="settings")  # start the edit with no half-finished answers
        ASKERS[arg](turn)
    elif arg == "morning":
        turn.chosen("")
        rows = (tuple((t, "morning", t) for t in MORNING_CHOICES),)
        turn.ask("morning_time", "When should I ask the next-morning check? Tap one or type a time.", rows)
    elif arg == "notes":
        schedule = turn.runner.schedule
        assert schedule is not None
        turn.update_runner(schedule=replace(schedule, offday_notes=not schedule.offday_notes))
        turn.chosen("Off-day notes " + ("on" if not schedule.offday_notes else "off"))
        ask_menu(turn)
    elif arg == "side":
        side = first_side(turn.runner).other
        turn.update_runner(first_side=side)
        turn.chosen(f"First side: {side.value}")
        ask_menu(turn)
    elif arg == "timers":
        dose_only = not turn.runner.dose_only
        turn.update_runner(dose_only=dose_only)
        turn.chosen("Just the dose: no timers" if dose_only else "Set by set with live timers")
        ask_menu(turn)
    elif arg == "profile":
        turn.chosen("")
        ask_profile(turn)
    else:
        turn.notice(BUTTON_PROBLEM)


def save_setting(turn: Turn, which: str) -> None:
    """Called by the schedule questions in settings mode: store and go back to the menu."""
    turn.update_runner(schedule=schedule_from_data(turn, turn.runner.schedule))
    turn.say("Saved ✓ If you use the calendar file, here is one for the new schedule.", calendar_button(turn))
    ask_menu(turn)


async def on_morning(turn: Turn, action: str, arg: str) -> None:
    await _take_morning(turn, arg)


async def on_morning_text(turn: Turn, text: str) -> bool:
    await _take_morning(turn, text)
    return True


async def _take_morning(turn: Turn, text: str) -> None:
    at = parse_clock_time(text)
    schedule = turn.runner.schedule
    if at is None or schedule is None:
        turn.say(f"I couldn't read “{text[:40]}” as a time. Try 7:30 or 08:00.")
        with turn.reasking():
            STATES["morning_time"].ask(turn)
        return
    turn.chosen(at.strftime("%H:%M"))
    turn.update_runner(schedule=replace(schedule, morning_time=at))
    turn.say("Saved ✓")
    ask_menu(turn)


def ask_profile(turn: Turn) -> None:
    turn.ask("profile", (f"Pain-free limits (default) keep every exercise at {GREEN_MAX}/{PAIN_MAX} or less. "
                         f"Rehab limits allow up to {AMBER_MAX_REHAB}/{PAIN_MAX}, and are only for a tendinopathy "
                         "a clinician diagnosed and cleared "
                         "you to load (Silbernagel 2007)."),
             ((("Pain-free", "profile", Profile.PAIN_FREE.value),
               ("Rehab: a clinician cleared me", "profile", Profile.REHAB.value)),))


async def on_profile(turn: Turn, action: str, arg: str) -> None:
    if arg not in (Profile.PAIN_FREE.value, Profile.REHAB.value):
        turn.notice(BUTTON_PROBLEM)
        return
    turn.update_runner(profile=Profile(arg))
    turn.chosen("Pain-free" if arg == Profile.PAIN_FREE.value else "Rehab limits")
    ask_menu(turn)


# ---- pause and resume ---------------------------------------------------------------

PAUSE_REASONS = (("Injury", "injury"), ("Illness", "illness"), ("Travel", "travel"), ("Something else", "other"))
PAUSE_LENGTHS = tuple((f"{days // 7} week{'s' if days > 7 else ''}", str(days)) for days in PAUSE_DAYS_CHOICES) + (
    ("Until I resume", "open"),)


async def cmd_pause(turn: Turn, arg: str) -> None:
    if not turn.runner.onboarded:
        turn.say("Nothing to pause yet; send /start to set up.")
        return
    turn.ask("pause_reason", "Taking a break? What's the reason?",
             (tuple((label, "reason", key) for label, key in PAUSE_REASONS),))


async def on_pause_reason(turn: Turn, action: str, arg: str) -> None:
    label = dict((key, label) for label, key in PAUSE_REASONS).get(arg)
    if label is None:
        turn.notice(BUTTON_PROBLEM)
        return
    turn.chosen(label)
    if arg == "injury":
        weeks = number_word(REDUCED_LOAD_DAYS_FOR_REVIEW // 7)
        turn.say(f"Sorry to hear it. If it doesn't settle within {weeks} weeks, "
                 "or it changes how you "
                 "walk or run, please get it looked at by a physio or GP.")
    turn.ask("pause_length", "For how long? Tap one, or type the date you'll be back (YYYY-MM-DD).",
             (tuple((label, "length", key) for label, key in PAUSE_LENGTHS),), reason=arg)


async def on_pause_length(turn: Turn, action: str, arg: str) -> None:
    if arg == "open":
        until = date.max
    else:
        days = int_arg(arg, 1, PAUSE_MAX_DAYS)
        if days is None:
            turn.notice(BUTTON_PROBLEM)
            return
        until = turn.today + timedelta(days=days - 1)  # "1 week" from a Monday: back the next Monday
    turn.chosen(describe_pause(until))
    _pause(turn, until)


async def on_pause_text(turn: Turn, text: str) -> bool:
    try:
        back = date.fromisoformat(text.strip())
    except ValueError:
        return _reask_pause(turn, f"I couldn't read “{text[:40]}” as a date. Please use YYYY-MM-DD, "
                                  "like 2027-01-15.")
    if back <= turn.today:
        return _reask_pause(turn, "That date is already here; pick a future date.")
    _pause(turn, back - timedelta(days=1))  # the date they'll be back: reminders start again that day
    return True


def _reask_pause(turn: Turn, problem: str) -> bool:
    turn.say(problem)
    with turn.reasking():
        STATES["pause_length"].ask(turn)
    return True


def _pause(turn: Turn, until: date) -> None:
    """Pause through `until` (its last day; date.max: until /resume)."""
    from core.flows.ending import finish_session

    if turn.history.active_session is not None:
        finish_session(turn, SessionStatus.STOPPED, quiet=True)
    turn.update_runner(paused_until=until, pause_reason=turn.data("reason", "other"))
    show_idle(turn, f"Paused {describe_pause(until)}. No reminders until then. Look after yourself!")


async def cmd_resume(turn: Turn, arg: str) -> None:
    runner = turn.runner
    if runner.clinician_hold:
        checked(turn)  # the same clearance as the hold's "I've been checked"
        return
    if runner.paused_until is None or runner.paused_until < turn.today:
        turn.update_runner(paused_until=None, pause_reason=None)
        show_idle(turn, "You're not paused: all set for your next session.")
        return
    turn.update_runner(paused_until=None, pause_reason=None)
    show_idle(turn, "Welcome back! Reminders are on again. If you've been away "
                    f"{number_word(GAP_ONE_LEVEL_DAYS // 7)} weeks or more, "
                    "the next session starts a level easier.")


STATES: dict[str, State] = {
    "settings": State(ask_menu, on_menu),
    "morning_time": State(lambda t: t.ask("morning_time", t.dialogue.prompt, (
        tuple((m, "morning", m) for m in MORNING_CHOICES),)), on_morning, on_morning_text),
    # Re-asking (free text, a stale press) shows the same question, so its buttons keep working.
    "profile": State(ask_profile, on_profile),
    "pause_reason": State(lambda t: t.ask("pause_reason", t.dialogue.prompt,
                                          (tuple((lbl, "reason", k) for lbl, k in PAUSE_REASONS),)),
                          on_pause_reason),
    "pause_length": State(lambda t: t.ask("pause_length", t.dialogue.prompt,
                                          (tuple((lbl, "length", k) for lbl, k in PAUSE_LENGTHS),),
                                          keep_data=True), on_pause_length, on_pause_text),
}
