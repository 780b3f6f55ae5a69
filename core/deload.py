"""The easy week: after EASY_WEEK_AFTER_WEEKS weeks in a row of training, one lighter week [D].

Decided from the history alone (no stored flag): the week a day falls in is easy when the
weeks just before it, counting back to the first week without a session, number a multiple
of the run-up plus one short of it (weeks 7, 14, 21 ... of steady training). In that week
each exercise has one set fewer and no level moves up; the pain rules are unchanged.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from core.consistency import counts, week_start
from core.dose import Dose
from core.model import History
from core.programme import EASY_WEEK_AFTER_WEEKS, EASY_WEEK_SETS_FEWER

EASY_WEEK_LINE = ("This is an easy week: after {} weeks of steady training, every exercise has one set fewer "
                  "and no level moves up, so your legs can soak up the work.").format(EASY_WEEK_AFTER_WEEKS)
EASY_WEEK_HOLD = "easy week, so no step up this week"
EASY_WEEK_HINT = "this is an easy week, so from next week"  # after a level's "... to move up"


def weeks_in_a_row_before(history: History, day: date) -> int:
    """Monday-weeks with at least one counted session, counting back from the week before `day`'s."""
    trained = {week_start(s.local_date) for s in history.sessions if counts(s)}
    monday, weeks = week_start(day) - timedelta(weeks=1), 0
    while monday in trained:
        weeks += 1
        monday -= timedelta(weeks=1)
    return weeks


def easy_week(history: History, day: date) -> bool:
    weeks = weeks_in_a_row_before(history, day)
    return weeks >= EASY_WEEK_AFTER_WEEKS and weeks % (EASY_WEEK_AFTER_WEEKS + 1) == EASY_WEEK_AFTER_WEEKS


def dose_for(dose: Dose, history: History, day: date) -> Dose:
    """The dose to do on `day`: the level's own, or one set fewer in an easy week."""
    if not easy_week(history, day):
        return dose
    return replace(dose, sets=max(1, dose.sets - EASY_WEEK_SETS_FEWER))
