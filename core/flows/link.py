"""/link and /unlink: one runner on Telegram and Discord (core/linking.py has the rules).

/link on one app gives a code; the code sent from the other app links the two chats.
When both already have a history the runner picks which to keep. The link itself is
applied by the engine after the turn (turn.link_change), in one transaction.
"""

from __future__ import annotations

from datetime import timedelta

from core.flows.base import State
from core.linking import (
    CODE_LENGTH,
    EXAMPLE_CODE,
    CodeOwner,
    CodeProblem,
    Identity,
    LinkCode,
    LinkPlan,
    UnlinkPlan,
    code_hash,
    fresh_key,
    is_linked,
    new_code,
    read_code,
    shown,
    worth_keeping,
)
from core.model import Dialogue, Runner, Snapshot
from core.programme import LINK_CODE_MINUTES, LINK_CODES_PER_HOUR, LINK_WRONG_TRIES_PER_MINUTE
from core.texts import BUTTON_PROBLEM
from core.turn import Turn, first_step

PLATFORM_NAMES = {"telegram": "Telegram", "discord": "Discord", "terminal": "the terminal"}
NO_LINKS = "Linking isn't available here, sorry."
PROBLEMS = {
    CodeProblem.UNKNOWN: "I don't recognise that code, so nothing was linked. Check it "
                         f"({CODE_LENGTH} letters and digits, like {EXAMPLE_CODE}), or send /link on the other app "
                         "for a new one.",
    CodeProblem.EXPIRED: f"That code has expired (codes last {LINK_CODE_MINUTES} minutes), so nothing was "
                         "linked. Send /link on the other app for a fresh one.",
    CodeProblem.USED: "That code has already been used, and each works once, so nothing was linked. Send /link "
                      "on the other app for a new one.",
    CodeProblem.OWN: "That's this chat's own code: send it from your chat with me on the other app.",
    CodeProblem.SAME_PLATFORM: "That code was made on this same app: send it from your chat with me on the "
                               "other app.",
    CodeProblem.ALREADY_LINKED: "One of these chats is already linked to another, so nothing changed. "
                                "Send /unlink there first.",
}
COUNTS_AS_WRONG = frozenset({CodeProblem.UNKNOWN, CodeProblem.EXPIRED, CodeProblem.USED})
TOO_MANY_TRIES = "That's a few wrong codes in a row. Please wait a minute, then try again."


def name(platform: str) -> str:
    return PLATFORM_NAMES.get(platform, platform.capitalize())


def _acting(turn: Turn) -> Identity:
    assert turn.user is not None, "link commands come from a person, never from a reminder"
    return Identity.of(turn.user)


# ---- /link -------------------------------------------------------------------------------


async def cmd_link(turn: Turn, arg: str) -> None:
    if turn.services.links is None or turn.user is None:
        turn.say(NO_LINKS)
        return
    if arg.strip():
        await redeem(turn, arg)
    else:
        ask_link_menu(turn)


def ask_link_menu(turn: Turn) -> None:
    if is_linked(turn.runner):
        ask_linked_menu(turn)
        return
    turn.ask("link_menu", ("Use me on Telegram and Discord as one runner: one history, one schedule. "
                           "Get a code here and send it from the other app, or enter a code you got there."),
             ((("Get a code here", "code", ""), ("I have a code", "enter", "")),))


def ask_linked_menu(turn: Turn) -> None:
    runner = turn.runner
    apps = " and ".join(sorted({name(link.platform) for link in runner.links}))
    where = "every linked chat" if runner.remind_all_chats else "the chat you used last"
    switch = (("Remind me in the chat I used last", "remind", "last") if runner.remind_all_chats
              else ("Remind me in every chat", "remind", "all"))
    turn.ask("link_menu", f"You're one runner on {apps}. Reminders go to {where}.",
             ((switch,), (("Unlink", "unlink", ""), ("Done", "done", ""))))


async def on_link_menu(turn: Turn, action: str, arg: str) -> None:
    from core.flows.idle import show_idle  # idle shows the help, which names these commands

    if action == "code":
        turn.chosen("")
        await issue_code(turn)
    elif action == "enter":
        turn.chosen("")
        turn.ask("link_code", f"Type the code from your other chat with me (like {EXAMPLE_CODE}).",
                 ((("Cancel", "cancel", ""),),))
    elif action == "remind" and arg in ("all", "last"):
        turn.update_runner(remind_all_chats=arg == "all")
        turn.chosen("Reminders in every chat" if arg == "all" else "Reminders in the chat used last")
        ask_linked_menu(turn)
    elif action == "unlink":
        turn.chosen("")
        await cmd_unlink(turn, "")
    elif action == "done":
        turn.chosen("Done")
        show_idle(turn)
    else:
        turn.notice(BUTTON_PROBLEM)


async def issue_code(turn: Turn) -> None:
    links, runner = turn.services.links, turn.runner
    assert links is not None
    if is_linked(runner):
        ask_linked_menu(turn)
        return
    if await links.codes_issued_since(runner.key, turn.now - timedelta(hours=1)) >= LINK_CODES_PER_HOUR:
        turn.say(f"That's {LINK_CODES_PER_HOUR} codes in the last hour. Please use the newest one, or try "
                 "again in a while.")
        return
    code = new_code()
    await links.issue(LinkCode(code_hash(code), runner.key, _acting(turn), turn.now,
                               turn.now + timedelta(minutes=LINK_CODE_MINUTES)))
    turn.goto("idle")
    turn.say(f"Your link code: {shown(code)}\n\nWithin {LINK_CODE_MINUTES} minutes, send /link {shown(code)} "
             "in your chat with me on the other app. It works once.")


async def on_code_text(turn: Turn, text: str) -> bool:
    await redeem(turn, text)
    return True


async def on_code_press(turn: Turn, action: str, arg: str) -> None:
    from core.flows.idle import show_idle

    turn.chosen("Cancelled")
    show_idle(turn, "Nothing was linked.")


async def redeem(turn: Turn, text: str) -> None:
    links, me = turn.services.links, _acting(turn)
    assert links is not None
    if await links.wrong_tries_since(me.platform, me.external_id, turn.now - timedelta(minutes=1)) \
            >= LINK_WRONG_TRIES_PER_MINUTE:
        turn.say(TOO_MANY_TRIES)
        return
    code = read_code(text)
    owner = await links.owner_of(code_hash(code)) if code is not None else None
    problem = _problem(turn, owner)
    if problem is not None:
        if problem in COUNTS_AS_WRONG:
            await links.note_wrong_try(me.platform, me.external_id, turn.now)
        turn.say(PROBLEMS[problem])
        return
    assert owner is not None
    if owner.has_history and worth_keeping(turn.snapshot):
        ask_which_history(turn, owner)
        return
    keep_mine = worth_keeping(turn.snapshot) and not owner.has_history
    _link(turn, owner, keep_mine)


def _problem(turn: Turn, owner: CodeOwner | None) -> CodeProblem | None:
    if owner is None:
        return CodeProblem.UNKNOWN
    code = owner.code
    if code.used_at is not None:
        return CodeProblem.USED
    if code.expires_at <= turn.now:
        return CodeProblem.EXPIRED
    if code.runner_key == turn.runner.key:
        return CodeProblem.OWN
    if turn.user is not None and code.issuer.platform == turn.user.platform:
        return CodeProblem.SAME_PLATFORM
    if owner.linked or is_linked(turn.runner):
        return CodeProblem.ALREADY_LINKED
    return None


def ask_which_history(turn: Turn, owner: CodeOwner) -> None:
    theirs, mine = name(owner.platform_name), name(_acting(turn).platform)
    sessions = sum(1 for s in turn.history.sessions if s.results)
    turn.ask("link_choose",
             (f"Both chats already have a history with me. Which one should we keep? The other is set aside, "
              f"untouched, and /unlink brings it back. (This {mine} chat: {sessions} sessions; your {theirs} "
              f"chat: {owner.sessions} sessions.)"),
             _history_choices(theirs, mine), code=owner.code.code_hash, theirs=theirs, mine=mine)


def _history_choices(theirs: str, mine: str) -> tuple:
    return (((f"Keep {theirs}'s", "keep", "issuer"), (f"Keep this {mine} one", "keep", "joiner")),
            (("Cancel", "cancel", ""),))


async def on_choose(turn: Turn, action: str, arg: str) -> None:
    from core.flows.idle import show_idle

    links = turn.services.links
    if action == "cancel" or links is None:
        turn.chosen("Cancelled")
        show_idle(turn, "Nothing was linked.")
        return
    if arg not in ("issuer", "joiner"):
        turn.notice(BUTTON_PROBLEM)
        return
    owner = await links.owner_of(turn.data("code"))
    problem = _problem(turn, owner)
    if problem is not None:
        turn.chosen("")
        show_idle(turn, PROBLEMS[problem])
        return
    assert owner is not None
    turn.chosen(f"Keeping {name(owner.platform_name)}'s history" if arg == "issuer" else "Keeping this history")
    _link(turn, owner, keep_mine=arg == "joiner")


def _link(turn: Turn, owner: CodeOwner, keep_mine: bool) -> None:
    me, mine = _acting(turn), turn.runner.key
    theirs = owner.code.runner_key
    keep, other = (mine, theirs) if keep_mine else (theirs, mine)
    set_aside = owner.has_history if keep_mine else worth_keeping(turn.snapshot)
    turn.link_change = LinkPlan(code_hash=owner.code.code_hash, issuer_key=theirs, joiner=me, joiner_key=mine,
                                keep=keep, other=other, set_aside=set_aside, at=turn.now)
    aside = (f" The {'other' if keep_mine else 'this chat’s'} history is set aside, untouched: /unlink brings "
             "it back." if set_aside else "")
    turn.goto("idle")  # no buttons: this chat's runner may be about to change
    turn.say(f"Linked ✓ This chat and your {name(owner.platform_name)} chat are now one runner: one history, "
             f"one schedule. Reminders go to the chat you used last (/link to change that); /unlink splits "
             f"them again.{aside}")


# ---- /unlink -----------------------------------------------------------------------------


async def cmd_unlink(turn: Turn, arg: str) -> None:
    if turn.services.links is None or turn.user is None:
        turn.say(NO_LINKS)
        return
    if not is_linked(turn.runner):
        turn.say("This chat isn't linked to another, so there's nothing to unlink.")
        return
    others = sorted({name(link.platform) for link in _leaving(turn)})
    turn.ask("unlink", (f"Unlink? This chat keeps your history and settings. Your {' and '.join(others)} chat "
                        "goes back to what it had before linking, or starts afresh if it had nothing."),
             ((("Unlink", "unlink", ""), ("Cancel", "cancel", "")),))


def _leaving(turn: Turn) -> tuple:
    me = _acting(turn)
    return tuple(link for link in turn.runner.links
                 if (link.platform, link.external_id) != (me.platform, me.external_id))


async def on_unlink(turn: Turn, action: str, arg: str) -> None:
    from core.flows.idle import show_idle

    if action != "unlink":
        turn.chosen("Cancelled")
        show_idle(turn, "Still linked.")
        return
    leaving = _leaving(turn)
    if not leaving or not is_linked(turn.runner):
        turn.chosen("")
        show_idle(turn, "This chat isn't linked to another, so there's nothing to unlink.")
        return
    link = leaving[0]  # one other platform: a runner links two apps
    identity = Identity(link.platform, link.external_id, link.chat_id)
    fresh = None
    if identity.key == turn.runner.key:  # the history is kept under the leaving chat's own key
        runner = Runner(key=fresh_key(identity), platform=identity.platform, chat_id=identity.chat_id,
                        name=turn.runner.name, created_at=turn.now)
        fresh = Snapshot(runner=runner, dialogue=Dialogue(step=first_step()))
    turn.link_change = UnlinkPlan(runner_key=turn.runner.key, leaving=identity, fresh=fresh, at=turn.now)
    turn.update_runner(remind_all_chats=False)
    turn.chosen("Unlinked")
    show_idle(turn, f"Unlinked ✓ Your history stays here. Your {name(identity.platform)} chat is on its own "
                    "again; /link there links them again.")


STATES: dict[str, State] = {
    "link_menu": State(ask_link_menu, on_link_menu),
    "link_code": State(lambda t: t.ask("link_code", t.dialogue.prompt, ((("Cancel", "cancel", ""),),)),
                       on_code_press, on_code_text),
    "link_choose": State(lambda t: t.ask("link_choose", t.dialogue.prompt,
                                         _history_choices(t.data("theirs"), t.data("mine")), keep_data=True),
                         on_choose),
    "unlink": State(lambda t: t.ask("unlink", t.dialogue.prompt, (
        (("Unlink", "unlink", ""), ("Cancel", "cancel", "")),)), on_unlink),
}

