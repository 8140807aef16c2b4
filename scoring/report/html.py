"""The report as one self-contained HTML file: Jinja2 template, inline CSS and inline SVG charts."""

from __future__ import annotations

from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from scoring.report import charts
from scoring.report.labels import label


def _environment() -> Environment:
    return Environment(loader=PackageLoader("scoring.report", "templates"), autoescape=select_autoescape(["j2"]),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_charts(data: dict[str, Any]) -> dict[str, Any]:
    """Every chart of the report, as SVG markup: points lost by dimension, scores per group, a radar per unit."""
    lang = data["meta"]["lang"]
    radar = charts.Radar(data["summary"]["dimensions"])
    return {
        "lost": Markup(charts.points_lost(data["summary"]["dimensions"])),
        "scores": {g["group"]: Markup(charts.scores_by_unit(g["rows"], label("veto_short", lang)))
                   for g in data["groups"]},
        "radars": {card["unit"]: Markup(radar.unit(card["dimensions"], f"{card['name']} {label('chart_radar', lang)}"))
                   for card in data["units"]},
        "radar_frame": Markup(radar.frame),
    }


def render(data: dict[str, Any], rendered_charts: dict[str, Any] | None = None) -> str:
    lang = data["meta"]["lang"]
    drawn = rendered_charts or render_charts(data)
    css = resources.files("scoring.report").joinpath("templates/report.css").read_text(encoding="utf-8")
    template = _environment().get_template("report.html.j2")
    return template.render(**data, charts=drawn, radar_frame=drawn["radar_frame"], css=Markup(css),
                           grade_colours=charts.GRADE_COLOURS, veto_colour=charts.VETO_COLOUR,
                           L=lambda key, **values: label(key, lang, **values),
                           paren=lambda text: f" ({text})" if lang == "en" else f"（{text}）",
                           colon=": " if lang == "en" else "：")
