"""The schedule questions: run days, sessions a week, run time, time zone, reminder lead.

They end onboarding, and double as /settings: with mode "settings" each one saves
its answer and returns to the menu instead of moving on to the next question.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import time

from core.flows.base import State, int_arg
from core.flows.idle import show_idle
from core.model import Schedule
from core.programme import (
    DEFAULT_LEAD_MINUTES,
    DEFAULT_MORNING_CHECK,
    DEFAULT_SESSIONS_PER_WEEK,
    LEAD_CHOICES,
    MIN_LEVEL,
    MOBILITY_MINUTES,
    RUN_TIME_CHOICES,
    SESSIONS_PER_WEEK_CHOICES,
    ZONE_CHOICES,
    session_minutes,
)
from core.schedule import WEEKDAY_NAMES, choose_strength_days
from core.zones import is_fixed_offset, parse_clock_time, parse_timezone
from core.texts import number_word, schedule_summary
from core.turn import Turn

ONBOARDING_ORDER = ("days", "target", "time", "tz", "lead", "finish")


def ask_schedule_question(turn: Turn, which: str, mode: str) -> None:
    turn.set_data(mode=mode)
    ASKERS[which](turn)


def _days(turn: Turn) -> frozenset[int]:
    text = turn.data("days", "unset")
    if text == "unset":
        # Not asked yet in this edit: start from the saved days. An empty answer stays empty,
        # so unticking every day and then ticking one leaves just that one.
        return turn.runner.schedule.run_days if turn.runner.schedule else frozenset()
    return frozenset(int(d) for d in text.split(",") if d.isdigit() and int(d) < 7)


def ask_days(turn: Turn) -> None:
    chosen = _days(turn)
    turn.ask("days", "Which days do you usually run? Tap each one, then Done.",
             _day_rows(chosen), keep_data=True, days=",".join(str(d) for d in sorted(chosen)))


def _day_rows(chosen: frozenset[int]) -> tuple:
    def label(d: int) -> str:
        return f"✓ {WEEKDAY_NAMES[d]}" if d in chosen else WEEKDAY_NAMES[d]

    return (tuple((label(d), "day", str(d)) for d in range(4)),
            tuple((label(d), "day", str(d)) for d in range(4, 7)),
            (("Done", "days_done", ""),))


async def on_days(turn: Turn, action: str, arg: str) -> None:
    chosen = _days(turn)
    if action == "day":
        day = int_arg(arg, 0, 6)
        if day is None:
            turn.notice("That button didn't make sense to me; nothing changed.")
            return
        chosen = chosen ^ {day}
        turn.goto("days", keep_data=True, days=",".join(str(d) for d in sorted(chosen)))
        turn.chosen("", turn.keyboard(_day_rows(chosen)))
        if not turn.pressed:
            turn.say("Which days do you usually run?", turn.keyboard(_day_rows(chosen)))
        return
    if not chosen:
        turn.notice("Pick at least one run day first.")
        return
    turn.chosen(", ".join(WEEKDAY_NAMES[d] for d in sorted(chosen)))
    _answered(turn, "days", days=",".join(str(d) for d in sorted(chosen)))


def ask_target(turn: Turn) -> None:
    days = _days(turn)
    possible = [n for n in SESSIONS_PER_WEEK_CHOICES if n <= len(days)]
    if len(possible) <= 1:
        # One or two run days leave no choice: two a week, a non-run day making up the second
        # when there is only one run day (the summary says which).
        if len(days) < DEFAULT_SESSIONS_PER_WEEK:
            turn.say(f"With {number_word(len(days))} run day a week, I'll plan "
                     f"{number_word(DEFAULT_SESSIONS_PER_WEEK)} strength sessions: one before your run, one on a "
                     "non-run day at the same time.")
        _answered(turn, "target", target=str(DEFAULT_SESSIONS_PER_WEEK))
        return
    turn.ask("target", "How many strength sessions a week? Two is a great start; three if you run often.",
             (tuple((f"{n} a week", "target", str(n)) for n in possible),), keep_data=True)


async def on_target(turn: Turn, action: str, arg: str) -> None:
    target = int_arg(arg, min(SESSIONS_PER_WEEK_CHOICES), max(SESSIONS_PER_WEEK_CHOICES))
    if target is None:
        turn.notice("That button didn't make sense to me; nothing changed.")
        return
    turn.chosen(f"{target} a week")
    _answered(turn, "target", target=str(target))


def ask_time(turn: Turn) -> None:
    rows = (tuple((t, "time", t) for t in RUN_TIME_CHOICES[:4]), tuple((t, "time", t) for t in RUN_TIME_CHOICES[4:]))
    turn.ask("time", "What time do you usually start your run? Tap one, or type it (for example 6:45 or 5:30pm).",
             rows, keep_data=True)


async def on_time(turn: Turn, action: str, arg: str) -> None:
    await _take_time(turn, arg)


async def on_time_text(turn: Turn, text: str) -> bool:
    if parse_clock_time(text) is None:
        turn.say(f"I couldn't read “{text[:40]}” as a time. Try something like 6:45, 18:30 or 6pm.")
        with turn.reasking():
            ask_time(turn)
        return True
    await _take_time(turn, text)
    return True


async def _take_time(turn: Turn, text: str) -> None:
    parsed = parse_clock_time(text)
    if parsed is None:
        turn.notice("That button didn't make sense to me; nothing changed.")
        return
    turn.chosen(parsed.strftime("%H:%M"))
    _answered(turn, "time", time=parsed.strftime("%H:%M"))


def ask_tz(turn: Turn) -> None:
    rows = tuple(tuple((z.split("/")[-1].replace("_", " "), "tz", z) for z in ZONE_CHOICES[i:i + 4])
                 for i in range(0, len(ZONE_CHOICES), 4))
    turn.ask("tz", ("Which time zone are you in? Tap one, or type your city (like Helsinki or New York) "
                    "or an offset (like UTC+2)."), rows, keep_data=True)


async def on_tz(turn: Turn, action: str, arg: str) -> None:
    zone = parse_timezone(arg)
    if zone is None:
        turn.notice("That button didn't make sense to me; nothing changed.")
        return
    turn.chosen(zone)
    _answered(turn, "tz", tz=zone)


async def on_tz_text(turn: Turn, text: str) -> bool:
    zone = parse_timezone(text)
    if zone is None:
        turn.say(f"I don't know the time zone “{text[:40]}”. Try a nearby big city such as Paris or Denver, "
                 "a name such as Europe/Paris, or an offset such as UTC-5 or UTC+5:30.")
        with turn.reasking():
            ask_tz(turn)
        return True
    fixed = (" A fixed offset won't follow daylight saving: if your clocks change, type your city instead "
             "(in /settings)." if is_fixed_offset(zone) else "")
    turn.say(f"Time zone set: {zone} ✓{fixed}")
    _answered(turn, "tz", tz=zone)
    return True


def ask_lead(turn: Turn) -> None:
    labels = {DEFAULT_LEAD_MINUTES: f"{DEFAULT_LEAD_MINUTES} min (recommended)"}
    row = tuple((labels.get(m, f"{m} min"), "lead", str(m)) for m in LEAD_CHOICES)
    minutes = session_minutes((MIN_LEVEL,) * len(turn.runner.levels))
    turn.ask("lead", (f"How long before your run should I remind you? At the start a session takes about {minutes} "
                      f"minutes, {minutes + MOBILITY_MINUTES[0]}-{minutes + MOBILITY_MINUTES[1]} with the optional "
                      f"mobility drill, so {DEFAULT_LEAD_MINUTES} minutes ends it about as your run starts."),
             (row[:2], row[2:], (("No reminders", "lead", "off"),)), keep_data=True)


async def on_lead(turn: Turn, action: str, arg: str) -> None:
    if arg == "off":
        turn.chosen("No reminders")
        _answered(turn, "lead", lead="off")
        return
    if int_arg(arg, 1, 180) not in LEAD_CHOICES:
        turn.notice("That button didn't make sense to me; nothing changed.")
        return
    turn.chosen(f"{arg} min before")
    _answered(turn, "lead", lead=arg)


def _answered(turn: Turn, which: str, **value: str) -> None:
    turn.set_data(**value)
    if turn.data("mode") == "settings":
        from core.flows.settings import save_setting  # settings imports this module

        save_setting(turn, which)
        return
    ASKERS[ONBOARDING_ORDER[ONBOARDING_ORDER.index(which) + 1]](turn)


def schedule_from_data(turn: Turn, base: Schedule | None) -> Schedule:
    """Build the schedule from the answers in the dialogue, falling back to `base`."""
    days = _days(turn)
    target = int(turn.data("target") or (base.sessions_target if base else DEFAULT_SESSIONS_PER_WEEK))
    target = max(1, min(target, max(len(days), DEFAULT_SESSIONS_PER_WEEK)))
    run_time = parse_clock_time(turn.data("time")) if turn.data("time") else (base.run_time if base else time(7))
    zone = turn.data("tz") or (base.timezone if base else "UTC")
    lead_text = turn.data("lead")
    if lead_text:
        lead = None if lead_text == "off" else int(lead_text)
    else:
        lead = base.lead_minutes if base else DEFAULT_LEAD_MINUTES
    strength, _ = choose_strength_days(days, target)
    if base is None:
        return Schedule(run_days=days, run_time=run_time or time(7), timezone=zone, lead_minutes=lead,
                        sessions_target=target, strength_days=strength, morning_time=time(*DEFAULT_MORNING_CHECK))
    return replace(base, run_days=days, run_time=run_time or base.run_time, timezone=zone, lead_minutes=lead,
                   sessions_target=target, strength_days=strength)


def ask_finish(turn: Turn) -> None:
    schedule = schedule_from_data(turn, None)
    turn.update_runner(schedule=schedule, onboarded=True)
    turn.ask("finish", "All set! 🎉\n\n" + schedule_summary(schedule, turn.now, turn.history),
             ((("Start a session now", "start_now", ""), ("Wait for the reminder", "wait", "")),))


async def on_finish(turn: Turn, action: str, arg: str) -> None:
    from core.flows.session import begin_session  # session -> onboarding -> questions

    if action == "start_now":
        turn.chosen("Start a session now")
        begin_session(turn)
    else:
        turn.chosen("Wait for the reminder")
        show_idle(turn, "See you before your next run. /help lists everything I can do.")


ASKERS = {"days": ask_days, "target": ask_target, "time": ask_time, "tz": ask_tz, "lead": ask_lead,
          "finish": ask_finish}

STATES: dict[str, State] = {
    "days": State(ask_days, on_days),
    "target": State(ask_target, on_target),
    "time": State(ask_time, on_time, on_time_text),
    "tz": State(ask_tz, on_tz, on_tz_text),
    "lead": State(ask_lead, on_lead),
    "finish": State(lambda t: t.ask("finish", t.dialogue.prompt, (
        (("Start a session now", "start_now", ""), ("Wait for the reminder", "wait", "")),)), on_finish),
}
