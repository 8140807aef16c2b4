"""Charts as inline SVG, drawn with matplotlib (object API, no pyplot state).

Text stays text (`svg.fonttype: none`), so the browser draws Chinese with its own fonts and no font
is needed here; the page's stylesheet names the font families. Because the fonts used to measure text
here are not the ones the browser uses, layout never depends on measured text width: margins are
estimated from the labels (a CJK character is 1 em wide) and labels are anchored at their aligned end.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from html import escape
from typing import Any, Sequence

import matplotlib
from matplotlib import transforms
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

GRADE_COLOURS = {"excellent": "#1b7837", "good": "#4393c3", "pass": "#f4a582", "fail": "#b2182b"}
VETO_COLOUR = "#6b6b6b"
INK, GRID, ACCENT, SECOND = "#222222", "#d0d0d0", "#2166ac", "#e08214"
BAND = 5  # points per bar of a score distribution: the grade thresholds (60, 80, 90) fall on band edges
FONT = 10  # points; the SVG is scaled to the page width, so this is the size at 100%

STYLE = {
    "svg.fonttype": "none",          # text as <text>, not paths
    "svg.hashsalt": "gongkai-report",  # stable ids, so the same data gives the same file
    "font.size": FONT,
    "axes.edgecolor": GRID,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "text.color": INK,
}


def em_width(text: str) -> float:
    """Estimated width of a label in ems: wide (CJK) characters 1, others 0.6."""
    return sum(1.0 if ord(c) > 0x2E80 else 0.6 for c in text)


def _svg(fig: Figure) -> str:
    """The figure as an <svg> element: no XML prologue, no timestamp, scalable to its container."""
    buffer = io.StringIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*Glyph .* missing from")  # measured with a Latin font
        FigureCanvasSVG(fig).print_svg(buffer, metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    # Width and height become the viewBox's job: the page sets width: 100%, height follows.
    text = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1', text, count=1)
    # Never wider than 1.25 × natural size (CSS px are 96 per inch), so text stays the size it was drawn at.
    most = round(fig.get_figwidth() * 96 * 1.25)
    return text.replace("<svg", f'<svg role="img" style="max-width: {most}px"', 1)


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height))


def scores_by_unit(rows: Sequence[dict[str, Any]], veto_label: str) -> str:
    """Horizontal bars, best first, coloured by grade; lines at the grade thresholds 60, 80 and 90."""
    labels = [f"{r['rank']}. {r['name']}" for r in rows]
    left_in = 0.15 + max((em_width(t) for t in labels), default=4) * FONT / 72
    width = left_in + 3.4
    height = 0.45 + 0.2 * len(rows)
    with matplotlib.rc_context(STYLE):
        fig = _figure(width, height)
        ax = fig.add_axes((left_in / width, 0.3 / height, 1 - (left_in + 0.45) / width, 1 - 0.4 / height))
        y = list(range(len(rows)))
        scores = [float(r["score"]) for r in rows]
        colours = [VETO_COLOUR if r["veto"] else GRADE_COLOURS.get(r["grade_code"], ACCENT) for r in rows]
        ax.barh(y, scores, color=colours, height=0.72)
        for threshold in (60, 80, 90):
            ax.axvline(threshold, color=GRID, linewidth=0.8, linestyle="--", zorder=0)
        for i, (score, row) in enumerate(zip(scores, rows)):
            text = f"{row['score']}" + (f" {veto_label}" if row["veto"] else "")
            ax.text(score + 0.8, i, text, va="center", ha="left", fontsize=FONT - 1.5)
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
        ax.set_xlim(0, max(110.0, max(scores, default=0) + 12))
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.tick_params(axis="y", length=0)
        ax.spines[["top", "right"]].set_visible(False)
        return _svg(fig)


def score_distribution(rows: Sequence[dict[str, Any]], grade_codes: Sequence[str]) -> str:
    """How many units scored in each band of BAND points, stacked by grade (vetoed units apart): one chart
    for a group of any size, where scores_by_unit draws a bar per unit."""
    scores = [float(r["score"]) for r in rows]
    low = BAND * math.floor(min(scores, default=0) / BAND)
    high = BAND * (math.floor(max(scores, default=100) / BAND) + 1)
    edges = [low + BAND * i for i in range(round((high - low) / BAND))]
    stacks = {code: [0] * len(edges) for code in [*grade_codes, "veto"]}
    for score, row in zip(scores, rows):
        stack = stacks.setdefault("veto" if row["veto"] else row["grade_code"], [0] * len(edges))  # or no grade
        stack[min(int((score - low) // BAND), len(edges) - 1)] += 1
    with matplotlib.rc_context(STYLE):
        fig = _figure(7.2, 2.6)
        ax = fig.add_axes((0.08, 0.16, 0.9, 0.78))
        bottom = [0] * len(edges)
        for code, counts in stacks.items():
            if any(counts):
                colour = VETO_COLOUR if code == "veto" else GRADE_COLOURS.get(code, ACCENT)
                ax.bar(edges, counts, width=BAND * 0.9, bottom=bottom, align="edge", color=colour)
                bottom = [b + c for b, c in zip(bottom, counts)]
        for x, total in zip(edges, bottom):
            if total:
                ax.text(x + BAND * 0.45, total, str(total), ha="center", va="bottom", fontsize=FONT - 2)
        ax.set_xticks([low + BAND * i for i in range(len(edges) + 1)])
        ax.set_xlim(low, high)
        ax.set_ylim(0, max(bottom, default=1) * 1.15 or 1)
        ax.spines[["top", "right"]].set_visible(False)
        return _svg(fig)


def points_lost(dimensions: Sequence[dict[str, Any]]) -> str:
    """Average points lost per dimension, largest loss marked; the share of the maximum lost as text."""
    labels = [f"{d['code']} {d['name']}" for d in dimensions]
    left_in = 0.15 + max((em_width(t) for t in labels), default=4) * FONT / 72
    width = left_in + 3.2
    height = 0.45 + 0.3 * len(dimensions)
    lost = [float(d["average_lost"]) for d in dimensions]
    worst = max(lost, default=0)
    with matplotlib.rc_context(STYLE):
        fig = _figure(width, height)
        ax = fig.add_axes((left_in / width, 0.3 / height, 1 - (left_in + 1.0) / width, 1 - 0.4 / height))
        y = list(range(len(dimensions)))
        ax.barh(y, lost, color=[SECOND if v == worst and v > 0 else ACCENT for v in lost], height=0.65)
        for i, d in enumerate(dimensions):
            # a veto dimension (maximum 0) has no share of a maximum to lose
            share = "" if d["rate"] is None else f"（{100 - float(d['rate']):.1f}%）"
            ax.text(lost[i] + worst * 0.02, i, f"{d['average_lost']}{share}", va="center", ha="left",
                    fontsize=FONT - 1)
        ax.set_yticks(y, labels)
        ax.set_ylim(len(dimensions) - 0.5, -0.5)
        ax.set_xlim(0, worst * 1.05 if worst else 1)
        ax.tick_params(axis="y", length=0)
        ax.spines[["top", "right"]].set_visible(False)
        return _svg(fig)


def wrap(text: str, per_line: int = 5) -> list[str]:
    """A name cut into lines of at most `per_line` characters (Chinese has no spaces to break at)."""
    return [text[i:i + per_line] for i in range(0, len(text), per_line)] or [""]


class Radar:
    """Radar charts of the nine dimensions, 0–100 % of each maximum: one frame, one small SVG per unit.

    matplotlib draws the frame (rings, spokes, dimension labels) once per report, kept in a hidden
    <defs> as `#radar-frame`; each unit's SVG reuses it and adds two polygons placed with the frame's
    own data transform: the unit solid, its group's average dashed. So a radar costs about 1 KB and no
    drawing time, however many units there are. The legend is the page's (HTML).
    """

    def __init__(self, dimensions: Sequence[dict[str, Any]], frame_id: str = "radar-frame"):
        self.frame_id = frame_id
        n = len(dimensions)
        self.angles = [math.pi / 2 - 2 * math.pi * i / n for i in range(n)]
        size = FONT - 1.5
        with matplotlib.rc_context(STYLE):
            fig = Figure(figsize=(3.4, 3.1), dpi=72)  # 72 dpi: display units are the SVG's points
            ax = fig.add_axes((0.25, 0.2, 0.5, 0.6), projection="polar")
            ax.set_ylim(0, 100)
            ax.set_yticks([25, 50, 75, 100], ["", "50", "", "100"], fontsize=FONT - 3.5, color="#777777")
            ax.set_xticks(self.angles, [""] * n)
            ax.set_rlabel_position(70)  # between D1 and D2, clear of the labels
            ax.grid(color=GRID, linewidth=0.6)
            ax.spines["polar"].set_color(GRID)
            for angle, d in zip(self.angles, dimensions):
                x, y = math.cos(angle), math.sin(angle)
                ha = "center" if abs(x) < 0.2 else ("left" if x > 0 else "right")
                lines = [d["code"]] + wrap(d["name"])
                # One <text> per line, shifted in points: multi-line text would lose its SVG anchor.
                top = (len(lines) - 1) * (size + 1) / 2 + (size if y > 0.9 else 0) - (size if y < -0.9 else 0)
                for k, line in enumerate(lines):
                    shift = transforms.offset_copy(ax.transData, fig=fig, y=top - k * (size + 1), units="points")
                    ax.text(angle, 112, line, ha=ha, va="center", fontsize=size, transform=shift,
                            fontweight="bold" if k == 0 else "normal")
            svg = _svg(fig)
            self.width, self.height = fig.bbox.width, fig.bbox.height
            self._to_display = ax.transData.transform
        self.view_box = re.search(r'viewBox="([^"]*)"', svg).group(1)
        inner = svg[svg.index(">", svg.index("<svg")) + 1:svg.rindex("</svg>")]
        self.frame = (f'<svg class="radar-defs" width="0" height="0" aria-hidden="true"><defs>'
                      f'<g id="{frame_id}">{inner}</g></defs></svg>')

    def points(self, rates: Sequence[float]) -> str:
        xy = self._to_display([(a, r) for a, r in zip(self.angles, rates)])
        return " ".join(f"{x:.1f},{self.height - y:.1f}" for x, y in xy)

    def unit(self, dimensions: Sequence[dict[str, Any]], label: str = "") -> str:
        mine = [float(d["rate"] or 0) for d in dimensions]
        theirs = [float(d["group_rate"] or 0) for d in dimensions]
        return (f'<svg class="radar" viewBox="{self.view_box}" role="img" aria-label="{escape(label)}">'
                f'<use href="#{self.frame_id}"/>'
                f'<polygon class="radar-group" points="{self.points(theirs)}"/>'
                f'<polygon class="radar-unit" points="{self.points(mine)}"/></svg>')
