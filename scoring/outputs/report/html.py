"""The report as one self-contained HTML file: Jinja2 template, inline CSS and inline SVG charts."""

from __future__ import annotations

from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from scoring.outputs.report.labels import label


def _environment() -> Environment:
    return Environment(loader=PackageLoader("scoring.outputs.report", "templates"), autoescape=select_autoescape(["j2"]),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_charts(data: dict[str, Any]) -> dict[str, Any]:
    """Every chart of the report, as SVG markup: points lost by dimension; per group a bar per unit (a full
    report) or the distribution of scores (a summary); a radar per scorecard shown.

    matplotlib takes ≈0.1 s a figure and more with every bar, so a chart per group, never per unit."""
    from scoring.outputs.report import charts  # matplotlib: ≈0.35 s to import, paid only by a command that draws

    lang = data["meta"]["lang"]
    if data["layout"]["full"]:
        veto = label("veto_short", lang)
        scores = {g["group"]: Markup(charts.scores_by_unit(g["rows"], veto)) for g in data["groups"]}
    else:
        codes = [g["code"] for g in data["summary"]["grades"]]
        scores = {g["group"]: Markup(charts.score_distribution(g["rows"], codes)) for g in data["groups"]}
    drawn = {"lost": Markup(charts.points_lost(data["summary"]["dimensions"])), "scores": scores,
             "radars": {}, "radar_frame": Markup("")}
    if data["units"]:  # the radars' shared frame is a figure too: only drawn when a scorecard uses it
        radar = charts.Radar(data["summary"]["dimensions"])
        drawn["radar_frame"] = Markup(radar.frame)
        drawn["radars"] = {card["unit"]: Markup(radar.unit(card["dimensions"],
                                                           f"{card['name']} {label('chart_radar', lang)}"))
                           for card in data["units"]}
    return drawn


def render(data: dict[str, Any], rendered_charts: dict[str, Any] | None = None,
           details_in_workbook: bool = True) -> str:
    """The page. `details_in_workbook`: whether the workbook holds the score lines and items (else the CSV files)."""
    from scoring.outputs.report import charts

    lang = data["meta"]["lang"]
    drawn = rendered_charts or render_charts(data)
    css = resources.files("scoring.outputs.report").joinpath("templates/report.css").read_text(encoding="utf-8")
    template = _environment().get_template("report.html.j2")
    return template.render(**data, charts=drawn, radar_frame=drawn["radar_frame"], css=Markup(css),
                           grade_colours=charts.GRADE_COLOURS, veto_colour=charts.VETO_COLOUR,
                           carded={card["unit"] for card in data["units"]}, details_in_workbook=details_in_workbook,
                           L=lambda key, **values: label(key, lang, **values),
                           paren=lambda text: f" ({text})" if lang == "en" else f"（{text}）",
                           colon=": " if lang == "en" else "：")
