"""The progress chart drawn from six real weeks: one date range and format, integer counts, labelled limit."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from matplotlib.dates import date2num

from bot.charts import draw_progress, render_progress
from bot.clock import ManualClock
from core.engine import Coach
from core.model import Snapshot, UserRef
from core.payloads import Signer
from core.progress import ProgressData, progress_data
from core.schedule import ReminderKind
from core.turn import Services
from tests.engine.fakes import PNG_SIGNATURE, MemoryStore, TinyCharts
from tests.engine.script import Chat, deliver_due, easy_session, onboard
from tests.render.history import JOINED, six_weeks


@pytest.fixture(scope="module")
def weeks() -> tuple[Snapshot, date]:
    return asyncio.run(six_weeks())


@pytest.fixture(scope="module")
def data(weeks: tuple[Snapshot, date]) -> ProgressData:
    snapshot, today = weeks
    return progress_data(snapshot.runner, snapshot.history, today)


@pytest.fixture(scope="module")
def drawn(data: ProgressData):
    figure = draw_progress(data)
    figure.savefig(io.BytesIO(), format="png")  # lays out and draws, so tick labels exist
    return figure


def test_six_weeks_of_levels_climb_with_one_step_back(data: ProgressData, weeks) -> None:
    snapshot, _ = weeks
    assert data.first_day == JOINED.date()
    for index in range(len(data.exercise_names)):
        spans = [s for s in data.levels if s.exercise == index]
        assert spans[0].level == 1 and spans[-1].level == snapshot.runner.level(index)
    split = [s.level for s in data.levels if s.exercise == 2]
    assert any(b < a for a, b in zip(split, split[1:]))  # the sore week took the split squat down a level


def test_every_panel_has_the_same_dates_in_the_same_format(data: ProgressData, drawn) -> None:
    panels = drawn.axes
    assert len(panels) == 3
    expected = (date2num(data.first_day), date2num(data.last_day + timedelta(days=1)))
    for axes in panels:
        assert axes.get_xlim() == pytest.approx(expected)
    labels = [[label.get_text() for label in axes.get_xticklabels()] for axes in panels]
    assert labels[0] == labels[1] == labels[2] and labels[0][0] == data.first_day.strftime(data.date_format)
    assert all(len(text.split()) == 2 and text.split()[0].isdigit() for text in labels[0])  # "19 Oct"


def test_sessions_per_week_has_whole_number_ticks_and_the_target(data: ProgressData, drawn) -> None:
    weeks = drawn.axes[2]
    ticks = [tick for tick in weeks.get_yticks() if weeks.get_ylim()[0] <= tick <= weeks.get_ylim()[1]]
    assert ticks and all(float(tick).is_integer() for tick in ticks)
    assert data.target in ticks and weeks.get_title(loc="left") == f"Sessions per week (target {data.target})"
    counts = [text.get_text().split("\n")[0] for text in weeks.texts]
    assert counts == [str(count) for _, count in data.weeks]


def test_the_pain_panel_labels_the_runners_limit(data: ProgressData, drawn) -> None:
    pain = drawn.axes[1]
    legend = [text.get_text() for text in pain.get_legend().get_texts()]
    assert legend[0] == "your limit: 0-2" and set(data.exercise_names) <= set(legend)
    assert pain.get_ylim() == (-0.5, 10.5)
    # The level lanes read top to bottom in programme order.
    assert [text.get_text() for text in drawn.axes[0].get_yticklabels()][::-1] == list(data.exercise_names)


def test_the_chart_is_a_phone_sized_png(data: ProgressData) -> None:
    png = render_progress(data)
    assert png.startswith(PNG_SIGNATURE)
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert 480 <= width <= 640 and height > width


async def test_the_weekly_summary_sends_the_same_chart_as_progress() -> None:
    charts = TinyCharts()
    clock = ManualClock(datetime(2026, 11, 30, 6, 0, tzinfo=UTC))
    coach = Coach(MemoryStore(), clock, Services(signer=Signer(b"tests"), charts=charts))
    chat = Chat(coach, UserRef("terminal", "w", "w", "W"))
    await onboard(chat)
    await easy_session(chat)
    assert ReminderKind.WEEKLY in await deliver_due(coach, clock, chat, datetime(2026, 12, 6, 19, 5, tzinfo=UTC))
    summary = charts.drawn[-1]
    await chat.send("/progress")
    assert charts.drawn[-1] == summary
    assert chat.transcript[-1].picture is not None
    assert chat.transcript[-1].picture.caption == summary.caption


def test_each_pain_point_sits_inside_its_own_day(data: ProgressData, drawn) -> None:
    pain = drawn.axes[1]
    dots = [line for line in pain.get_lines() if line.get_marker() not in ("None", "", None)]  # not the today line
    plotted = sorted(x for line in dots for x in line.get_xdata(orig=False))
    expected = sorted(date2num(point.day) for point in data.pain)
    assert len(plotted) == len(expected) > 0
    # Dodged apart within the day, never onto the day before or after (a date plus hours is a date).
    for x, day in zip(plotted, expected):
        assert day < x < day + 1


async def first_week() -> Snapshot:
    """A runner who joined on Monday 30 Nov and trained that morning."""
    store = MemoryStore()
    coach = Coach(store, ManualClock(datetime(2026, 11, 30, 6, 0, tzinfo=UTC)),
                  Services(signer=Signer(b"tests"), charts=TinyCharts()))
    chat = Chat(coach, UserRef("terminal", "w", "w", "W"))
    await onboard(chat)
    await easy_session(chat)
    snapshot = await store.load(chat.user.key)
    assert snapshot is not None
    return snapshot


@pytest.mark.parametrize("today", [date(2026, 11, 30), date(2026, 12, 6)], ids=["its-monday", "its-sunday"])
async def test_a_first_weeks_chart_keeps_its_dates_apart_and_everything_on_the_page(today: date) -> None:
    snapshot = await first_week()
    figure = draw_progress(progress_data(snapshot.runner, snapshot.history, today))
    figure.savefig(io.BytesIO(), format="png")  # lays it out as sent; extents below are in its pixels
    page = figure.bbox
    for axes in figure.axes:
        labels = [label for label in axes.get_xticklabels() if label.get_text()]
        boxes = [label.get_window_extent() for label in labels]
        assert min(right.x0 - left.x1 for left, right in zip(boxes, boxes[1:])) >= 5  # pixels between labels
        assert axes.get_window_extent().width >= 0.75 * page.width  # no label pushed the panel in
        for text in axes.texts:
            box = text.get_window_extent()
            assert page.x0 <= box.x0 and box.x1 <= page.x1, text.get_text()
        assert [label.get_text() for label in labels] == ["30 Nov", "01 Dec", "02", "03", "04", "05", "06"]
    assert [text.get_text().strip() for text in figure.axes[0].texts if text.get_text().strip() == "today"]


def test_the_today_label_never_squeezes_the_panels_whatever_the_day(weeks: tuple[Snapshot, date]) -> None:
    """Late in a week, "today" no longer fits right of its line: it goes left of it, inside the panel."""
    snapshot, today = weeks
    monday = today - timedelta(days=today.weekday())
    widths = {}
    for day in (monday + timedelta(days=n) for n in range(7)):
        figure = draw_progress(progress_data(snapshot.runner, snapshot.history, day))
        figure.savefig(io.BytesIO(), format="png")
        (label,) = [text for text in figure.axes[0].texts if text.get_text().strip() == "today"]
        box, panel = label.get_window_extent(), figure.axes[0].get_window_extent()
        assert panel.x0 <= box.x0 and box.x1 <= panel.x1, day
        widths[day] = round(panel.width)
    assert len(set(widths.values())) == 1, widths
