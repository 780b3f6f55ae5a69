"""Draw an exercise level's picture: its positions side by side, from core's figure model.

The geometry comes from core.body (forward kinematics of core.poses); this module only
draws it: thick rounded limbs (the working leg dark, the other light), the floor, the wall
or counter the level uses, and a marker under every lifted heel. matplotlib is imported
inside the function so that starting Tiptoe does not pay for it.
"""

from __future__ import annotations

import io
import math
import re
import textwrap

from core.body import (
    ARM_RADIUS,
    FOOT_HEEL,
    HEAD_RADIUS,
    SHANK_RADIUS,
    THIGH_RADIUS,
    TRUNK_RADIUS,
    ArmPoints,
    LegPoints,
    Point,
    Skeleton,
    Support,
    direction,
    skeleton,
)
from core.poses import HEEL_UP_WORDS, LevelPoses

NEAR = "#1d3f6e"  # the working side, the trunk and the head
FAR = "#9db8d9"  # the other side
HEEL_MARK = "#e0662b"
FLOOR = "#4d4d4d"
PROP = "#cfd4da"
PROP_EDGE = "#8a929b"
LOAD = "#7a9a5a"  # the backpack: a colour of its own, apart from the figure and the props
LOAD_EDGE = "#4e6a36"
STEP_EDGE = -0.035  # a step's edge, just behind the ball of the working foot: the heel hangs over it
DPI = 100
WIDTH_PX = 860  # every picture is this wide, so its text reads the same size in a chat
MAX_PANEL_PX = 430  # the tallest a panel may be
TITLE_PX, CAPTION_PX, GAP_PX, MARGIN_PX = 104, 62, 34, 16
FLOOR_DEPTH = 0.075  # hatched band under the floor line, with room for "heel up"
TOP_ROOM = 0.05  # above the tallest point
SIDE_ROOM = 0.07  # beside the widest point
# The foot's outline in its own frame, in heel-to-ball lengths: heel, sole, ball, instep, ankle.
FOOT_OUTLINE = ((-1.03, 0.06), (-0.96, -0.015), (0.0, -0.015), (0.04, 0.13), (-0.35, 0.3), (-0.62, 0.47),
                (-0.82, 0.45), (-1.0, 0.27))
TOE_RADIUS = 0.009
BOLD_CHAR_EM = 0.64  # average width of a bold character, in ems, for wrapping captions
LABEL_KEY = "Title"  # PNG text chunk holding the picture's label


def render_level(poses: LevelPoses, title: str, subtitle: str) -> bytes:
    """A PNG of the level's positions, left to right, labelled with `title` and `subtitle`."""
    from matplotlib.figure import Figure

    frames = [skeleton(pose) for pose in poses.frames]
    left, right, top = _extent(frames, poses)
    count = len(frames)
    panel_w = (WIDTH_PX - MARGIN_PX * 2 - GAP_PX * (count - 1)) / count
    scale = min(panel_w / (right - left), MAX_PANEL_PX / (top + FLOOR_DEPTH))  # pixels per unit
    panel_h = (top + FLOOR_DEPTH) * scale
    span = panel_w / scale  # the panel's width in units, centred on the figures
    middle = (left + right) / 2
    left, right = middle - span / 2, middle + span / 2
    width = WIDTH_PX
    height = TITLE_PX + panel_h + CAPTION_PX + MARGIN_PX
    figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, facecolor="white")
    figure.text(MARGIN_PX / width, 1 - 12 / height, title, ha="left", va="top", fontsize=21,
                fontweight="bold", color="#1a1a1a")
    wrapped = textwrap.fill(_unbroken(subtitle), width=76)
    figure.text(MARGIN_PX / width, 1 - 50 / height, wrapped, ha="left", va="top", fontsize=14.5,
                color="#333333", linespacing=1.15)
    points_per_unit = scale * 72 / DPI
    for index, (pose, bones) in enumerate(zip(poses.frames, frames)):
        x0 = MARGIN_PX + index * (panel_w + GAP_PX)
        axes = figure.add_axes((x0 / width, (CAPTION_PX + MARGIN_PX) / height, panel_w / width, panel_h / height))
        axes.set_xlim(left, right)
        axes.set_ylim(-FLOOR_DEPTH, top)
        axes.set_aspect("equal")
        axes.axis("off")
        _draw_support(axes, poses, top)
        _draw_floor(axes, left, right, STEP_EDGE if poses.step else None)
        _draw_figure(axes, bones, points_per_unit)
        if poses.load:
            _draw_load(axes, bones, pose.lying)
        if pose.heel_up:
            _mark_heel(axes, bones.near_leg)
        size = 16.5 if count < 3 else 15
        chars = int(panel_w / (size * DPI / 72 * BOLD_CHAR_EM))
        caption = textwrap.fill(_unbroken(f"{index + 1}. {pose.caption}"), width=chars)
        figure.text((x0 + panel_w / 2) / width, (CAPTION_PX + MARGIN_PX - 8) / height, caption,
                    ha="center", va="top", fontsize=size, fontweight="bold", color="#1a1a1a", linespacing=1.05)
        if index:
            arrow_x = (x0 - GAP_PX / 2) / width
            figure.text(arrow_x, (CAPTION_PX + MARGIN_PX + panel_h * 0.45) / height, "›", ha="center",
                        va="center", fontsize=34, color="#9a9a9a")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={LABEL_KEY: f"{title}: {subtitle}"})
    return buffer.getvalue()


def _unbroken(text: str) -> str:
    """Keep a number with its unit ("20 s", "45°") on one line when wrapping."""
    return re.sub(r"(\d) (s|%|min)\b", "\\1\u00a0\\2", text)


def _extent(frames: list[Skeleton], poses: LevelPoses) -> tuple[float, float, float]:
    xs = [p.x for bones in frames for p in bones.points().values()]
    ys = [p.y for bones in frames for p in bones.points().values()]
    left = min(xs) - SIDE_ROOM - HEAD_RADIUS
    right = max(xs) + SIDE_ROOM
    if poses.support is Support.WALL:
        right = max(right, poses.support_x + 0.12)
    elif poses.support is Support.COUNTER:
        right = max(right, poses.support_x + 0.3)
    top = max(max(ys) + HEAD_RADIUS + TOP_ROOM, 0.4)
    return left, right, top


def _draw_floor(axes, left: float, right: float, step_edge: float | None = None) -> None:
    """The floor line with its hatching; with a step, the step's top from its edge on and the floor below."""
    from matplotlib.patches import Rectangle

    if step_edge is not None:
        axes.add_patch(Rectangle((step_edge, -FLOOR_DEPTH), right - step_edge, FLOOR_DEPTH, facecolor=PROP,
                                 edgecolor=PROP_EDGE, linewidth=1.2, zorder=0))
        axes.plot([step_edge, right], [0, 0], color=FLOOR, linewidth=2.5, solid_capstyle="butt", zorder=1)
        axes.plot([left, step_edge], [-FLOOR_DEPTH, -FLOOR_DEPTH], color=FLOOR, linewidth=2.5, zorder=1)
        axes.text((step_edge + right) / 2, -FLOOR_DEPTH / 2, "step", ha="center", va="center", fontsize=13,
                  fontweight="bold", color="#4d4d4d", zorder=1)
        return
    axes.plot([left, right], [0, 0], color=FLOOR, linewidth=2.5, solid_capstyle="butt", zorder=1)
    step = 0.05
    x = left + step / 2
    while x < right:
        axes.plot([x, x - FLOOR_DEPTH * 0.8], [0, -FLOOR_DEPTH * 0.8], color="#b5b5b5", linewidth=1, zorder=0)
        x += step


def _draw_load(axes, bones: Skeleton, lying: bool) -> None:
    """A backpack: on the back behind the trunk when standing, resting on the hips when lying."""
    from matplotlib.patches import FancyBboxPatch, Polygon

    if lying:
        width, height = 0.16, 0.075
        axes.add_patch(FancyBboxPatch((bones.hip.x - width / 2, bones.hip.y + TRUNK_RADIUS), width, height,
                                      boxstyle="round,pad=0.008", facecolor=LOAD, edgecolor=LOAD_EDGE,
                                      linewidth=1.5, zorder=8))
        return
    length = math.dist((bones.hip.x, bones.hip.y), (bones.shoulder.x, bones.shoulder.y))
    along = Point((bones.shoulder.x - bones.hip.x) / length, (bones.shoulder.y - bones.hip.y) / length)
    back = Point(-along.y, along.x)  # away from the way the figure faces

    def at(share: float, out: float) -> tuple[float, float]:
        p = bones.hip + along.scaled(length * share) + back.scaled(out)
        return p.x, p.y

    inner, outer = TRUNK_RADIUS * 0.6, TRUNK_RADIUS + 0.075
    corners = [at(0.3, inner), at(0.3, outer), at(0.92, outer), at(0.92, inner)]
    axes.add_patch(Polygon(corners, closed=True, facecolor=LOAD, edgecolor=LOAD_EDGE, linewidth=1.5,
                           joinstyle="round", zorder=3))


def _draw_support(axes, poses: LevelPoses, top: float) -> None:
    from matplotlib.patches import Rectangle

    if poses.support is Support.WALL:
        axes.add_patch(Rectangle((poses.support_x, 0), 0.07, top, facecolor=PROP, edgecolor=PROP_EDGE,
                                 linewidth=1.2, zorder=0))
    elif poses.support is Support.COUNTER:
        axes.add_patch(Rectangle((poses.support_x, 0), 0.35, poses.support_top, facecolor=PROP,
                                 edgecolor=PROP_EDGE, linewidth=1.2, zorder=0))
        axes.add_patch(Rectangle((poses.support_x - 0.02, poses.support_top - 0.035), 0.39, 0.035,
                                 facecolor="#b9c0c8", edgecolor=PROP_EDGE, linewidth=1.2, zorder=0))


def _draw_figure(axes, bones: Skeleton, points_per_unit: float) -> None:
    from matplotlib.patches import Circle

    # Far side first, so the near (working) side is drawn over it.
    _draw_arm(axes, bones.far_arm, FAR, points_per_unit, 2)
    _draw_leg(axes, bones.far_leg, FAR, points_per_unit, 3)
    _limb(axes, bones.hip, bones.shoulder, TRUNK_RADIUS, NEAR, points_per_unit, 4)
    axes.add_patch(Circle((bones.head.x, bones.head.y), HEAD_RADIUS, facecolor=NEAR, edgecolor="none", zorder=4))
    _draw_leg(axes, bones.near_leg, NEAR, points_per_unit, 5)
    _draw_arm(axes, bones.near_arm, NEAR, points_per_unit, 6)


def _limb(axes, a: Point, b: Point, radius: float, colour: str, points_per_unit: float, z: int) -> None:
    axes.plot([a.x, b.x], [a.y, b.y], color=colour, linewidth=2 * radius * points_per_unit,
              solid_capstyle="round", zorder=z)


def _draw_leg(axes, leg: LegPoints, colour: str, points_per_unit: float, z: int) -> None:
    from matplotlib.patches import Polygon

    _limb(axes, leg.hip, leg.knee, THIGH_RADIUS, colour, points_per_unit, z)
    _limb(axes, leg.knee, leg.ankle, SHANK_RADIUS, colour, points_per_unit, z)
    # The foot: heel, ball and the top of the instep up to the ankle, then the toes.
    sole = math.degrees(math.atan2(leg.ball.x - leg.heel.x, leg.ball.y - leg.heel.y))
    along, up = direction(sole), direction(sole - 90.0)

    def at(x: float, y: float) -> tuple[float, float]:
        p = leg.ball + along.scaled(x) + up.scaled(y)
        return p.x, p.y

    length = -FOOT_HEEL[0]
    outline = [at(length * x, length * y) for x, y in FOOT_OUTLINE]
    axes.add_patch(Polygon(outline, closed=True, facecolor=colour, edgecolor=colour, linewidth=1,
                           joinstyle="round", zorder=z))
    # The toes: flat on the floor when the foot stands on its ball, else in line with the sole.
    toe_tip = Point(leg.toe.x, TOE_RADIUS) if leg.toe.y < 2 * TOE_RADIUS else leg.toe + up.scaled(TOE_RADIUS)
    _limb(axes, leg.ball + up.scaled(TOE_RADIUS), toe_tip, TOE_RADIUS, colour, points_per_unit, z)


def _draw_arm(axes, arm: ArmPoints, colour: str, points_per_unit: float, z: int) -> None:
    _limb(axes, arm.shoulder, arm.elbow, ARM_RADIUS, colour, points_per_unit, z)
    _limb(axes, arm.elbow, arm.wrist, ARM_RADIUS * 0.85, colour, points_per_unit, z)
    _limb(axes, arm.wrist, arm.fingertip, ARM_RADIUS * 0.6, colour, points_per_unit, z)


def _mark_heel(axes, leg: LegPoints) -> None:
    """An up arrow from the floor to the lifted heel, and "heel up" under the floor line."""
    from matplotlib.patches import FancyArrowPatch

    x = leg.heel.x - 0.005
    axes.add_patch(FancyArrowPatch((x, -0.004), (x, leg.heel.y - 0.004), arrowstyle="-|>", mutation_scale=22,
                                   color=HEEL_MARK, linewidth=3.2, zorder=7))
    axes.text(x, -0.012, HEEL_UP_WORDS, ha="center", va="top", fontsize=14, fontweight="bold", color=HEEL_MARK,
              zorder=7, bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"})
