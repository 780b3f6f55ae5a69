"""The clinician summary as a one-page A4 PDF, drawn with matplotlib's PDF backend.

Everything on the page comes from core.summary.SummaryData; this module only lays it
out, top to bottom, with a cursor. Fonts are embedded as TrueType (not Type 3) so the
text can be searched and copied. matplotlib is imported when a page is drawn, not when
the bot starts.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from typing import Any

from core.programme import MAX_LEVEL, MIN_LEVEL
from core.summary import (
    DECISIONS_HEADING,
    EXERCISE_COLUMNS,
    GLANCE,
    EXERCISES_HEADING,
    PROFILE,
    READINESS_HEADING,
    SAFETY_HEADING,
    SELFTEST_COLUMNS,
    SELFTEST_HEADING,
    SOURCES_HEADING,
    WEEKS_HEADING,
    Point,
    SummaryData,
)

A4_INCHES = (8.27, 11.69)
LEFT, RIGHT = 0.06, 0.94  # page margins, as fractions of the width
TEXT_PT, HEADING_PT = 7.0, 9.0
LINE = 0.0118  # one line of 7 pt text, as a fraction of the page height
CHARS_PER_LINE = 146  # of 7 pt text across the full width
BOTTOM = 0.03  # nothing is drawn below this (a fraction of the page height)
BULLET = "• "
INK, MUTED, RULE = "#1a1a1a", "#555555", "#bbbbbb"
PAIN_COLOUR, MORNING_COLOUR, LEVEL_COLOUR, LIMIT_COLOUR = "#1f5fa8", "#d9822b", "#6b6b6b", "#c0392b"
RC = {"pdf.fonttype": 42, "font.family": "DejaVu Sans", "font.size": TEXT_PT, "axes.linewidth": 0.6,
      "xtick.labelsize": 6, "ytick.labelsize": 6, "axes.titlesize": 7.5}


@dataclass
class Page:
    """The figure and a cursor moving down it."""

    figure: Any
    y: float = 0.975

    def text(self, line: str, *, size: float = TEXT_PT, x: float = LEFT, colour: str = INK, **style: Any) -> None:
        self.figure.text(x, self.y, line, fontsize=size, color=colour, va="top", ha="left", **style)

    def heading(self, title: str, x: float = LEFT, width: float = RIGHT - LEFT) -> None:
        self.y -= 0.004
        self.text(title, size=HEADING_PT, x=x, weight="bold")
        self.figure.add_artist(_rule(self.figure, x, x + width, self.y - 0.0135))
        self.y -= 0.018

    def paragraph(self, lines: tuple[str, ...] | list[str], *, x: float = LEFT, chars: int = CHARS_PER_LINE,
                  colour: str = INK, bullet: str = "") -> None:
        for line in lines:
            wrapped = textwrap.wrap(line, chars - len(bullet)) or [""]
            for number, piece in enumerate(wrapped):
                self.text((bullet if number == 0 else " " * len(bullet) * 2) + piece, x=x, colour=colour)
                self.y -= LINE

    def table(self, header: tuple[str, ...], rows: tuple[tuple[str, ...], ...], columns: tuple[float, ...],
              x: float = LEFT) -> None:
        for index, cell in enumerate(header):
            self.text(cell, x=x + columns[index], colour=MUTED, weight="bold")
        self.y -= LINE
        for row in rows:
            for index, cell in enumerate(row):
                self.text(cell, x=x + columns[index], weight="bold" if index == 0 else "normal")
            self.y -= LINE

    def axes(self, x: float, width: float, height: float) -> Any:
        axes = self.figure.add_axes((x, self.y - height, width, height))
        axes.tick_params(length=2, pad=1.5)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        return axes


def _rule(figure: Any, x0: float, x1: float, y: float) -> Any:
    from matplotlib.lines import Line2D

    return Line2D((x0, x1), (y, y), transform=figure.transFigure, color=RULE, linewidth=0.6)


def render_summary(data: SummaryData) -> bytes:
    """Lay the page out with both lists cut to their newest line to measure the room left, then
    give that room to the newest lines of each list in turn, and lay it out for good."""
    from matplotlib import rc_context

    with rc_context(RC):
        figure, bottom = _draw(data, 1, 1)
        safety, decisions = _share_room(data, int((bottom - BOTTOM) / LINE))
        if (safety, decisions) != (1, 1):
            figure, _ = _draw(data, safety, decisions)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="pdf", metadata={"Title": data.title, "Creator": "Tiptoe"})
    return buffer.getvalue()


def _wrapped(line: str) -> int:
    return len(textwrap.wrap(line, CHARS_PER_LINE - len(BULLET))) or 1


def _share_room(data: SummaryData, spare: int) -> tuple[int, int]:
    """How many lines of each list fit: the newest first, taking turns, within `spare` more lines
    than the measuring layout (one line of each, plus a "not shown" line where more exist) used."""
    lists = [[_wrapped(line) for line in reversed(data.safety)], [_wrapped(line) for line in data.decisions]]

    def cost(lines: list[int], keep: int) -> int:
        return sum(lines[:keep]) + (1 if keep < len(lines) else 0)  # the "not shown" line, while needed

    keep = [min(1, len(lines)) for lines in lists]
    room = spare + sum(cost(lines, k) for lines, k in zip(lists, keep))
    growing = True
    while growing:
        growing = False
        for index, lines in enumerate(lists):
            more = keep.copy()
            more[index] += 1
            if more[index] <= len(lines) and sum(cost(ls, k) for ls, k in zip(lists, more)) <= room:
                keep, growing = more, True
    return keep[0], keep[1]


def _draw(data: SummaryData, safety: int, decisions: int) -> tuple[Any, float]:
    """The page with the newest `safety` and `decisions` lines (a line says how many more there are)."""
    from matplotlib.figure import Figure

    page = Page(Figure(figsize=A4_INCHES))
    _header(page, data)
    page.heading(GLANCE)
    page.paragraph(data.glance, bullet=BULLET)
    page.heading(PROFILE)
    page.paragraph(data.profile)
    _exercises(page, data)
    _weeks_and_readiness(page, data)
    page.heading(SAFETY_HEADING)
    shown = data.safety[len(data.safety) - safety:]
    hidden = len(data.safety) - len(shown)
    page.paragraph(([data.left_out(hidden, "events")] if hidden else []) + list(shown), bullet=BULLET)
    _self_test(page, data)
    page.heading(DECISIONS_HEADING)
    hidden = len(data.decisions) - decisions
    page.paragraph(list(data.decisions[:decisions]) + ([data.left_out(hidden, "changes")] if hidden else [])
                   + [data.rules], bullet=BULLET)
    page.heading(SOURCES_HEADING)
    page.paragraph(data.sources, colour=MUTED)
    return page.figure, page.y



def _header(page: Page, data: SummaryData) -> None:
    page.text(data.title, size=14, weight="bold")
    page.y -= 0.022
    page.text(data.subtitle, size=8)
    page.y -= 0.015
    page.text(data.note, size=TEXT_PT, colour=MUTED)
    page.y -= 0.012


def _exercises(page: Page, data: SummaryData) -> None:
    page.heading(EXERCISES_HEADING)
    page.table(EXERCISE_COLUMNS, tuple(track.row for track in data.exercises),
               (0.0, 0.12, 0.255, 0.315, 0.5, 0.64))
    page.y -= 0.004
    page.paragraph([f"Charts: ● pain right after the exercise (0-10)   ○ next-morning pain   "
                    f"— level ({MIN_LEVEL}-{MAX_LEVEL}, right axis)   - - - limit {data.pain_limit}/10 in this profile"],
                   colour=MUTED)
    page.y -= 0.01
    count = len(data.exercises)
    gap = 0.042
    width = (RIGHT - LEFT - gap * (count - 1)) / count
    height = 0.085
    for index, track in enumerate(data.exercises):
        axes = page.axes(LEFT + index * (width + gap), width, height)
        _limit_band(axes, data.pain_limit)
        axes.scatter([p.day for p in track.pain], [p.value for p in track.pain], s=10, color=PAIN_COLOUR,
                     zorder=3, clip_on=False)
        axes.scatter([p.day for p in track.morning], [p.value for p in track.morning], s=12,
                     facecolors="none", edgecolors=MORNING_COLOUR, linewidths=0.8, zorder=3, clip_on=False)
        axes.set_title(track.name, loc="left", pad=2, weight="bold")
        axes.set_ylim(-0.4, 10.4)
        axes.set_yticks((0, 5, 10))
        _dates(axes, data)
        levels = axes.twinx()
        levels.step([p.day for p in track.levels] + [data.end], [p.value for p in track.levels]
                    + [track.levels[-1].value], where="post", color=LEVEL_COLOUR, linewidth=1.2)
        levels.set_ylim(MIN_LEVEL - 0.5, MAX_LEVEL + 0.5)
        levels.set_yticks(range(MIN_LEVEL, MAX_LEVEL + 1, 2))
        levels.tick_params(length=2, pad=1.5, labelcolor=LEVEL_COLOUR)
        levels.spines["top"].set_visible(False)
    page.y -= height + 0.026


def _limit_band(axes: Any, limit: int) -> None:
    """Shade what is over the limit: the line sits half a point above it, so a score at the limit is below."""
    axes.axhspan(limit + 0.5, 10.4, color=LIMIT_COLOUR, alpha=0.07, linewidth=0)
    axes.axhline(limit + 0.5, color=LIMIT_COLOUR, linestyle=(0, (3, 2)), linewidth=0.8)


def _dates(axes: Any, data: SummaryData) -> None:
    from matplotlib.dates import DateFormatter

    axes.set_xlim(data.start, data.end)
    axes.set_xticks((data.start, data.end))
    axes.xaxis.set_major_formatter(DateFormatter("%d %b"))
    first, last = axes.get_xticklabels()
    first.set_horizontalalignment("left")
    last.set_horizontalalignment("right")


def _weeks_and_readiness(page: Page, data: SummaryData) -> None:
    half = (RIGHT - LEFT - 0.06) / 2
    top = page.y
    page.heading(WEEKS_HEADING, width=half)
    page.y = top
    page.heading(READINESS_HEADING, x=LEFT + half + 0.06, width=half)
    height = 0.075
    weeks = page.axes(LEFT + 0.02, half - 0.02, height)
    labels = [p.day.strftime("%d %b") for p in data.weeks]
    counts = [p.value for p in data.weeks]
    weeks.bar(labels, counts, color=["#4a78b5" if c >= data.target else "#b8c7d9" for c in counts], width=0.7)
    weeks.axhline(data.target, color=LIMIT_COLOUR, linestyle=(0, (3, 2)), linewidth=0.8)
    weeks.text(1.01, data.target, f"target\n{data.target}/week", color=LIMIT_COLOUR, fontsize=6, va="center",
               ha="left", transform=weeks.get_yaxis_transform())  # beside the bars, never behind one
    weeks.set_ylim(0, max([data.target + 1, *counts]) + 0.6)
    weeks.set_ylabel("sessions", fontsize=6)
    weeks.tick_params(axis="x", labelsize=5.5)
    every = 1 if len(labels) <= 8 else 2  # twelve dates side by side would overlap: every other one
    weeks.set_xticks(range(0, len(labels), every), labels[::every])
    for index, count in enumerate(counts[:-1]):
        weeks.text(index, count, str(count), ha="center", va="bottom", fontsize=6)
    weeks.text(len(counts) - 1, counts[-1], f"{counts[-1]}\nso far", ha="center", va="bottom", fontsize=6)
    readiness = page.axes(LEFT + half + 0.08, half - 0.02, height)
    _limit_band(readiness, data.readiness_limit - 1)
    _plot_points(readiness, data.readiness)
    readiness.set_ylim(-0.4, 10.4)
    readiness.set_yticks((0, 5, 10))
    readiness.set_ylabel("pain now (0-10)", fontsize=6)
    _dates(readiness, data)
    readiness.text(data.start, 10, f"  shaded: no session from {data.readiness_limit}/10",
                   color=LIMIT_COLOUR, fontsize=6, va="top", ha="left")
    page.y -= height + 0.026


def _plot_points(axes: Any, points: tuple[Point, ...]) -> None:
    axes.plot([p.day for p in points], [p.value for p in points], marker="o", markersize=3, linewidth=0.8,
              color=PAIN_COLOUR, clip_on=False)


def _self_test(page: Page, data: SummaryData) -> None:
    page.heading(SELFTEST_HEADING)
    if data.self_tests:
        page.table(SELFTEST_COLUMNS, data.self_tests, (0.0, 0.12, 0.19, 0.26, 0.34))
    else:
        page.paragraph(["No self-test recorded yet."])
    page.paragraph(data.self_test_notes, colour=MUTED)
