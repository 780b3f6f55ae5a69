"""The progress chart as a PNG, drawn with matplotlib off the event loop.

Three panels share one date axis from the day the runner joined (or eight weeks ago) to
today: each exercise's level as a lane that darkens as it climbs (the main signal), pain
after each exercise against the runner's own limit, and sessions per week against the
target. Everything it says comes from core.progress.ProgressData. matplotlib is imported
inside the function, so starting Tiptoe does not pay for it.
"""

from __future__ import annotations

import asyncio
import io
from datetime import date, datetime, time, timedelta
from typing import Any

from core.progress import ProgressData

# One colour and marker per exercise, in programme order (Okabe-Ito: safe for colour blindness).
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00")
MARKERS = ("o", "s", "^", "D", "v")
LIMIT_BAND = "#e3f1e3"
TARGET_LINE = "#b03a2e"
TODAY_LINE = "#6b6b6b"
MET_WEEK = "#3b6ea5"
MISSED_WEEK = "#c9d3de"
INK = "#222222"
WIDTH_IN, HEIGHT_IN, DPI = 5.4, 8.4, 100  # 540 x 840 px: readable on a phone
MAX_WEEKLY_TICKS = 6  # more weeks than this and only every other Monday is labelled
TODAY_ROW = 0.4  # lanes' height of room above the top lane, for the "today" label
TODAY_LABEL_SHARE = 0.1  # of the date axis: the "today" label's width (45 of 435 px), so it fits beside the line
DODGE_DAYS = 0.18  # same-day pain points of different exercises sit this far apart, all inside their day


class MatplotlibCharts:
    """Implements core.ports.ChartRenderer."""

    async def progress_png(self, data: ProgressData) -> bytes:
        return await asyncio.to_thread(render_progress, data)


def render_progress(data: ProgressData) -> bytes:
    buffer = io.BytesIO()
    draw_progress(data).savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def draw_progress(data: ProgressData) -> Any:
    """The chart as a matplotlib Figure (a Figure without pyplot keeps no global state)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    figure.suptitle(data.title, fontsize=15, fontweight="bold", color=INK)
    levels, pain, weeks = figure.subplots(3, 1, sharex=True, height_ratios=(3.1, 2.7, 1.9))
    _draw_levels(levels, data)
    _label_today(levels, data)
    _draw_pain(pain, data)
    _draw_weeks(weeks, data, MaxNLocator)
    ticks, labels = _date_ticks(data.first_day, data.last_day, data.date_format)
    for axes in (levels, pain, weeks):
        axes.set_xlim(data.first_day, data.last_day + timedelta(days=1))
        axes.axvline(data.today + timedelta(days=1), color=TODAY_LINE, linestyle=":", linewidth=1.4, zorder=1)
        axes.set_xticks(ticks, labels)
        axes.set_xticks(_mondays(data.first_day, data.last_day), minor=True)
        axes.tick_params(axis="x", labelbottom=True, labelsize=10.5, colors=INK)
        axes.tick_params(axis="y", labelsize=11, colors=INK)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
    return figure


def _label_today(axes: Any, data: ProgressData) -> None:
    """"today" beside its line, in the row above the lanes (above the panel it would meet the
    title): right of the line while the week's remaining days have room for it, else left.
    Kept inside the panel, so it never pushes the panels in (outside it, it took up to 36 px)."""
    span = (data.last_day - data.first_day).days + 1
    right = (data.last_day - data.today).days / span >= TODAY_LABEL_SHARE
    label = axes.text(data.today + timedelta(days=1), len(data.exercise_names) - 0.45 + TODAY_ROW,
                      f" {data.today_label}" if right else f"{data.today_label} ", ha="left" if right else "right",
                      va="top", fontsize=10, color=TODAY_LINE)
    label.set_in_layout(False)


def _date_ticks(first: date, last: date, date_format: str) -> tuple[list[date], list[str]]:
    """Dates to label, and their labels: every day in a first week (under the middle of its day,
    where its points are), else Mondays where their week begins (every other one past six weeks).
    A week's seven labels in full ("01 Dec") touched on a phone-sized chart: there only the first
    day and a new month's first say their month ("30 Nov", "01 Dec", "02", "03" ...)."""
    days = (last - first).days + 1
    if days > 8:
        mondays = _mondays(first, last)
        shown = mondays if days <= MAX_WEEKLY_TICKS * 7 else mondays[::2]
        return shown, [day.strftime(date_format) for day in shown]
    daily = [first + timedelta(days=n) for n in range(days)]
    labels = [day.strftime(date_format if n == 0 or day.day == 1 else "%d") for n, day in enumerate(daily)]
    return [datetime.combine(day, time(12)) for day in daily], labels


def _mondays(first: date, last: date) -> list[date]:
    monday = first + timedelta(days=-first.weekday() % 7)
    return [monday + timedelta(days=n) for n in range(0, (last - monday).days + 1, 7)]


def _draw_levels(axes: Any, data: ProgressData) -> None:
    rows = len(data.exercise_names)
    for span in data.levels:
        row = rows - 1 - span.exercise  # the first exercise on top
        share = span.level / data.max_level
        axes.barh(row, (span.last - span.first).days + 1, left=span.first, height=0.72,
                  color=COLOURS[span.exercise], alpha=0.18 + 0.82 * share, edgecolor="white", linewidth=1.5)
        if (span.last - span.first).days >= 2:  # room for the number
            middle = datetime.combine(span.first, time(12)) + (span.last - span.first) / 2
            axes.text(middle, row, str(span.level), ha="center", va="center", fontsize=12, fontweight="bold",
                      color="white" if share > 0.5 else INK)
    axes.set_yticks(range(rows), [data.exercise_names[rows - 1 - row] for row in range(rows)])
    for label, index in zip(axes.get_yticklabels(), reversed(range(rows))):
        label.set_color(COLOURS[index])
        label.set_fontweight("bold")
    axes.set_ylim(-0.55, rows - 0.45 + TODAY_ROW)
    axes.set_title(data.level_title, loc="left", fontsize=12.5, color=INK)
    axes.tick_params(axis="y", length=0)


def _draw_pain(axes: Any, data: ProgressData) -> None:
    axes.axhspan(-0.5, data.pain_limit + 0.5, color=LIMIT_BAND, zorder=0, label=data.limit_label)
    count = len(data.exercise_names)
    for index in range(count):
        points = [p for p in data.pain if p.exercise == index]
        if not points:
            continue
        shift = timedelta(days=DODGE_DAYS * (index - (count - 1) / 2))
        # A datetime, not a date: date + timedelta drops the hours, which put dots on the day before.
        days = [datetime.combine(p.day, time(12)) + shift for p in points]
        axes.plot(days, [p.pain for p in points], color=COLOURS[index], marker=MARKERS[index], markersize=8,
                  linestyle="none", alpha=0.9, zorder=3, label=data.exercise_names[index])
    axes.set_ylim(-0.5, 10.5)
    axes.set_yticks(range(0, 11, 2))
    axes.set_title(data.pain_title, loc="left", fontsize=12.5, color=INK)
    axes.legend(loc="upper left", fontsize=10, ncols=2, frameon=False, handlelength=1.1, columnspacing=0.8,
                borderaxespad=0.2, labelspacing=0.3)


def _draw_weeks(axes: Any, data: ProgressData, integer_locator: Any) -> None:
    for monday, sessions in data.weeks:
        first = max(monday, data.first_day)  # the week they joined shows only its days from then
        shown = (monday + timedelta(days=7) - first).days
        met = sessions >= data.target
        so_far = data.today < monday + timedelta(days=6) and not met
        middle = first + timedelta(days=shown / 2)
        axes.bar(middle, sessions, width=shown * 0.8, color="white" if so_far else (MET_WEEK if met else MISSED_WEEK),
                 edgecolor=MET_WEEK if so_far else "none", hatch="//" if so_far else None, linewidth=1.2, zorder=2)
        axes.text(middle, sessions + 0.08, f"{sessions}\n{data.so_far_label}" if so_far else str(sessions),
                  ha="center", va="bottom", fontsize=11 if not so_far else 9.5, fontweight="bold", color=INK,
                  zorder=4, linespacing=0.95)
    axes.axhline(data.target, color=TARGET_LINE, linestyle="--", linewidth=1.6, zorder=3)
    axes.set_ylim(0, max([data.target, *(count for _, count in data.weeks)]) + 0.9)
    axes.yaxis.set_major_locator(integer_locator(integer=True))
    axes.set_title(data.weeks_title, loc="left", fontsize=12.5, color=INK)
