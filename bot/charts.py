"""Progress charts as PNG, drawn with matplotlib off the event loop."""

from __future__ import annotations

import asyncio
import io

import matplotlib

matplotlib.use("Agg")  # no screen on a server; must precede pyplot's import

from matplotlib.figure import Figure  # noqa: E402  (after choosing the backend)

from core.progress import ProgressData  # noqa: E402


class MatplotlibCharts:
    """Implements core.ports.ChartRenderer."""

    async def progress_png(self, data: ProgressData) -> bytes:
        return await asyncio.to_thread(render_progress, data)


def render_progress(data: ProgressData) -> bytes:
    # A Figure without pyplot keeps no global state, so threads can draw at once.
    figure = Figure(figsize=(8, 6), dpi=100, layout="constrained")
    pain_axes, week_axes = figure.subplots(2, 1, height_ratios=(3, 2))
    for index, name in enumerate(data.exercise_names):
        points = [p for p in data.pain if p.exercise == index]
        if points:
            pain_axes.plot([p.day for p in points], [p.pain for p in points], marker="o", label=name)
    pain_axes.axhspan(0, 2, color="#d8f0d8", zorder=0)  # green zone for the default profile
    pain_axes.set_ylim(-0.3, 10.3)
    pain_axes.set_ylabel("pain after exercise (0-10)")
    pain_axes.set_title(data.title)
    if data.pain:
        pain_axes.legend(loc="upper left", fontsize="small", ncols=3)
    pain_axes.tick_params(axis="x", labelrotation=30, labelsize="small")
    labels = [monday.strftime("%d %b") for monday, _ in data.weeks]
    counts = [count for _, count in data.weeks]
    colours = ["#4a90d9" if c >= data.target else "#b8c7d9" for c in counts]
    week_axes.bar(labels, counts, color=colours)
    week_axes.axhline(data.target, color="#d9534f", linestyle="--", label=f"target {data.target}/week")
    week_axes.set_ylabel("sessions")
    week_axes.set_ylim(0, max([data.target + 1, *counts]))
    week_axes.legend(loc="upper left", fontsize="small")
    week_axes.tick_params(axis="x", labelsize="small")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
