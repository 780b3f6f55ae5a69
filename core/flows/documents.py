"""/summary (a page for a physio or GP) and /calendar (the plan as calendar files).

Both only read the snapshot: nothing is stored. Their buttons are standalone, so a
summary for another period or a fresh calendar file works whatever the dialogue is
doing, and a settings change can offer a new calendar under its "Saved ✓".
"""

from __future__ import annotations

from core.calendar_plan import calendar_plans
from core.programme import SUMMARY_DEFAULT_WEEKS, SUMMARY_WEEKS_CHOICES
from core.replies import Attachment, Keyboard
from core.summary import summary_data
from core.turn import Turn

PDF, ICS = "application/pdf", "text/calendar"
CALENDAR_LABEL = "📅 New calendar file"
NO_DOCUMENTS = "I can't make files here, sorry."


def calendar_button(turn: Turn) -> Keyboard:
    """Under "Saved ✓": a fresh calendar for the new schedule, one tap away."""
    return turn.standalone_keyboard((((CALENDAR_LABEL, "calendar", ""),),))


async def cmd_summary(turn: Turn, arg: str) -> None:
    weeks = int(arg) if arg.strip().isdigit() and int(arg) in SUMMARY_WEEKS_CHOICES else SUMMARY_DEFAULT_WEEKS
    await send_summary(turn, weeks)


async def on_summary_press(turn: Turn, arg: str) -> None:
    if not arg.isdigit() or int(arg) not in SUMMARY_WEEKS_CHOICES:
        turn.notice("That button didn't make sense to me; nothing changed.")
        return
    await send_summary(turn, int(arg))


async def send_summary(turn: Turn, weeks: int) -> None:
    documents = turn.services.documents
    if documents is None:
        turn.say(NO_DOCUMENTS)
        return
    history = turn.history
    if not any(s.results for s in history.sessions) and not history.self_tests:
        turn.say("There's nothing to summarise yet: after a session or two, /summary makes a one-page "
                 "PDF for a physio or GP.")
        return
    data = summary_data(turn.snapshot, turn.today, weeks)
    pdf = await documents.summary_pdf(data)
    others = tuple((f"{w} weeks", "summary", str(w)) for w in SUMMARY_WEEKS_CHOICES if w != weeks)
    shown = len(data.weeks)
    span = f"last {weeks} weeks" if shown == weeks else f"{shown} week{'s' if shown > 1 else ''} so far"
    turn.say(f"Your {span} on one page, for a physio or GP: levels, pain, sessions, self-tests "
             "and what I decided and why. It's your record, not a diagnosis. Other periods:",
             turn.standalone_keyboard((others,)),
             attachment=Attachment(f"tiptoe-summary-{weeks}-weeks-{turn.today.isoformat()}.pdf", pdf, PDF))


async def cmd_calendar(turn: Turn, arg: str) -> None:
    await send_calendar(turn)


async def on_calendar_press(turn: Turn, arg: str) -> None:
    await send_calendar(turn)


async def send_calendar(turn: Turn) -> None:
    documents, runner = turn.services.documents, turn.runner
    if documents is None:
        turn.say(NO_DOCUMENTS)
        return
    if runner.schedule is None or not runner.onboarded:
        turn.say("Let's finish setting you up first; send /start.")
        return
    sessions, runs = calendar_plans(runner, turn.services.signer.pseudonym(runner.key), turn.today, turn.now)
    if not sessions.events:
        turn.say("You're paused, so there are no sessions to put in a calendar right now. "
                 "Ask again with /calendar when you're back.")
        return
    lead = runner.schedule.lead_minutes
    alarm = (f"each with an alarm {lead} min before your run" if lead is not None
             else "without alarms, as your reminders are off")
    turn.say(f"Your next {len(sessions.events)} strength sessions, {alarm}. Open the file to add them to your "
             "calendar; importing a newer one updates them instead of adding copies.",
             attachment=Attachment(sessions.filename, await documents.calendar_ics(sessions), ICS))
    turn.say("And your run days, as a calendar of their own: add it only if you want them, or switch it off "
             "in your calendar app.",
             attachment=Attachment(runs.filename, await documents.calendar_ics(runs), ICS))


STANDALONE = {
    "summary": on_summary_press,
    "calendar": on_calendar_press,
}
