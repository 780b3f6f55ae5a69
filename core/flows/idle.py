"""Between sessions: the resting state, and the commands that just show things."""

from __future__ import annotations

from datetime import date

from core.flows.base import State
from core.export import StoredRecords, export_document
from core.model import day_back
from core.progress import progress_data, progress_text
from core.replies import Attachment, Picture
from core.texts import HELP, MOBILITY_DRILL, short_date
from core.turn import Turn

QUICK_ACTIONS = ((("Start a session", "session", ""), ("My progress", "progress", ""), ("Help", "help", "")),)


def show_idle(turn: Turn, text: str = "") -> None:
    """Rest between sessions; the message (if any) carries a few quick actions."""
    if text:
        turn.ask("idle", text, QUICK_ACTIONS)
    else:
        turn.goto("idle", prompt="What would you like to do?")


def ask_idle(turn: Turn) -> None:
    turn.ask("idle", "I work with buttons and a few commands. What would you like to do?", QUICK_ACTIONS)


async def on_idle(turn: Turn, action: str, arg: str) -> None:
    from core.conversation import run_command  # the router imports every flow

    if action == "mobility":
        turn.chosen("")
        show_idle(turn, MOBILITY_DRILL)
        return
    await run_command(turn, action, "")


async def on_idle_text(turn: Turn, text: str) -> bool:
    from core.flows.checks import morning_text  # checks imports the session flows, which import this

    if await morning_text(turn, text):
        return True
    turn.say("I'm a coach of few words: I work with buttons and commands.\n\n" + HELP)
    ask_idle(turn)
    return True


async def cmd_help(turn: Turn, arg: str) -> None:
    turn.say(HELP)


async def cmd_progress(turn: Turn, arg: str) -> None:
    runner, history = turn.runner, turn.history
    if not history.sessions:
        turn.say("No sessions yet, so nothing to chart. Start one with /session.")
        return
    data = progress_data(runner, history, turn.today)
    png = await turn.services.charts.progress_png(data)
    turn.say(progress_text(runner, history, turn.today),
             picture=Picture(f"tiptoe-progress-{turn.today.isoformat()}.png", png, data.caption))


async def cmd_export(turn: Turn, arg: str) -> None:
    source = turn.services.records
    records = await source.records(turn.runner.key) if source is not None else StoredRecords()
    data = export_document(turn.snapshot, records, turn.now)
    turn.say("Here is everything I hold about you, as a JSON file.",
             attachment=Attachment(f"tiptoe-export-{turn.today.isoformat()}.json", data, "application/json"))


async def cmd_delete(turn: Turn, arg: str) -> None:
    back = turn.dialogue.state if turn.dialogue.state != "delete" else turn.data("back", "idle")
    back_prompt = turn.dialogue.prompt if turn.dialogue.state != "delete" else turn.data("back_prompt")
    turn.ask("delete", ("This erases everything I hold about you: answers, sessions, pain scores and "
                        "progress. It can't be undone. (Tip: /export first to keep a copy.)"),
             ((("Yes, delete everything", "erase", ""), ("Cancel", "keep", "")),), keep_data=True,
             back=back, back_prompt=back_prompt)


async def on_delete(turn: Turn, action: str, arg: str) -> None:
    if action == "erase":
        turn.chosen("Deleted")
        turn.erase = True
        turn.say("Done: everything is erased. If you ever want to start again, send /start. Run well! 👋")
        return
    turn.chosen("Cancelled")
    from core.conversation import STATES  # the router imports every flow

    from core.flows.ending import SESSION_STATES

    back = turn.data("back", "idle")
    if back in SESSION_STATES and turn.history.active_session is None:
        back = "idle"  # the session closed meanwhile (its day ended): nothing to go back to
    if back in STATES and back not in ("idle", "new", "delete"):
        turn.say("Nothing was deleted. Back to where we were:")
        turn.goto(back, prompt=turn.data("back_prompt"), keep_data=True)
        STATES[back].ask(turn)
    else:
        show_idle(turn, "Nothing was deleted.")


def describe_pause(until: date | None) -> str:
    """"until Mon 7 Dec" for a pause through Sun 6 Dec: the day they are back, when reminders start again."""
    back = day_back(until)
    return "until you send /resume" if back is None else f"until {short_date(back)}"


STATES: dict[str, State] = {
    "idle": State(ask_idle, on_idle, on_idle_text),
    "new": State(ask_idle, on_idle, on_idle_text),
    "delete": State(lambda t: t.ask("delete", t.dialogue.prompt, (
        (("Yes, delete everything", "erase", ""), ("Cancel", "keep", "")),), keep_data=True), on_delete),
}
