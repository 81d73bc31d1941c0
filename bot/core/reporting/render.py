"""The yearly report as one self-contained HTML file: tables, SVG charts inline, the CSV embedded.

Charts are drawn with matplotlib's SVG backend (no display, no network, no files on disk) and
put straight into the page, so the file can be e-mailed or archived and opened anywhere. A chart
with nothing to show is left out (the table beside it says so). Category labels are set
explicitly, one per bar: a tick locator on a category axis repeats labels (one topic once
appeared eight times beside its single bar).
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from typing import Any

import jinja2

from bot.core.content.local_time import month_names
from bot.core.reporting.report import FIGURE_ROWS, YearReport, report_csv
from bot.core.words import t

TEMPLATE = Path(__file__).parent / "report_template.html"
MONTH_NAMES = month_names("sv")
SHORT_MONTHS = tuple(m[:3] for m in MONTH_NAMES)
COLOURS = {"answered": "#0a4d8c", "clarify": "#7aa6d6", "unanswered": "#8a1c00", "before": "#8c8c8c", "after": "#0a4d8c"}


def _svg(figure: Any) -> str:
    """The figure as inline SVG markup (text kept as text, so it stays small and searchable)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buffer.getvalue()
    # matplotlib's RDF metadata (namespaced XML) is not valid inside an HTML page; it says nothing anyway
    return re.sub(r"<metadata>.*?</metadata>\s*", "", svg[svg.index("<svg"):], flags=re.S)


def _figure(height: float = 3.2, ncols: int = 1) -> tuple[Any, Any]:
    """A figure without pyplot's global state, so reports can be drawn in several threads at once."""
    import matplotlib
    from matplotlib.figure import Figure

    # The same value every time: text stays text in the SVG, and ids are stable between runs.
    matplotlib.rcParams["svg.fonttype"] = "none"
    matplotlib.rcParams["svg.hashsalt"] = "fraudbot"
    fig = Figure(figsize=(7.5, height))
    axes = fig.subplots(1, ncols)
    for axis in (axes if ncols > 1 else [axes]):
        axis.spines[["top", "right"]].set_visible(False)
    return fig, axes


def _whole_numbers(axis: Any) -> None:
    """Counts: whole-number ticks on the value axis only."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def _categories(axis: Any, labels: list[str], *, rotation: float = 0) -> list[int]:
    """One tick per bar, labelled once; returns the bar positions."""
    positions = list(range(len(labels)))
    axis.set_ticks(positions, labels, rotation=rotation)
    return positions


def chart_months(report: YearReport) -> str:
    if not report.total:
        return ""
    fig, ax = _figure()
    x = _categories(ax.xaxis, list(SHORT_MONTHS))
    answered = [m.answered for m in report.months]
    clarified = [m.clarified for m in report.months]
    unanswered = [m.unanswered for m in report.months]
    ax.bar(x, answered, color=COLOURS["answered"], label="Besvarade")
    ax.bar(x, clarified, bottom=answered, color=COLOURS["clarify"], label="Motfråga")
    ax.bar(x, unanswered, bottom=[a + c for a, c in zip(answered, clarified)], color=COLOURS["unanswered"], label="Obesvarade")
    _whole_numbers(ax.yaxis)
    ax.set_ylabel("Frågor")
    ax.legend(frameon=False, ncols=3, loc="upper left", bbox_to_anchor=(0, 1.15))
    return _svg(fig)


def chart_topics(report: YearReport, limit: int = 12) -> str:
    top = report.topics[:limit][::-1]
    if not top:
        return ""
    fig, ax = _figure(max(1.4, 0.35 * len(top) + 0.8))
    y = _categories(ax.yaxis, [title for _, title, _ in top])
    ax.barh(y, [n for _, _, n in top], color=COLOURS["answered"])
    _whole_numbers(ax.xaxis)
    ax.set_xlabel("Frågor")
    return _svg(fig)


def chart_warnings(report: YearReport) -> str:
    places = sorted(set(report.alerts_sent) | set(report.deliveries))
    if not places or not (any(report.alerts_sent.values()) or any(report.deliveries.values())):
        return ""
    fig, (left, right) = _figure(2.8, ncols=2)
    for axis, values, title, colour in ((left, report.alerts_sent, "Varningar som gick ut", COLOURS["answered"]),
                                        (right, report.deliveries, "Meddelanden som nådde fram", COLOURS["clarify"])):
        x = _categories(axis.xaxis, places, rotation=20)
        axis.bar(x, [values.get(p, 0) for p in places], color=colour)
        axis.set_title(title)
        _whole_numbers(axis.yaxis)
    return _svg(fig)


def chart_places(report: YearReport) -> str:
    """Questions per municipality, the year before beside this year."""
    places = [p for p in report.places if sum(p.questions)]
    if not places:
        return ""
    fig, ax = _figure(2.8)
    x = _categories(ax.xaxis, [p.municipality for p in places])
    width = 0.38
    ax.bar([i - width / 2 for i in x], [p.questions[0] for p in places], width, color=COLOURS["before"], label=str(report.year - 1))
    ax.bar([i + width / 2 for i in x], [p.questions[1] for p in places], width, color=COLOURS["after"], label=str(report.year))
    _whole_numbers(ax.yaxis)
    ax.set_ylabel("Frågor")
    ax.legend(frameon=False, ncols=2, loc="upper left", bbox_to_anchor=(0, 1.2))
    return _svg(fig)


def chart_confidence(report: YearReport) -> str:
    """How sure participants felt before and after the guided sessions (answers per step 1–5)."""
    figures = report.figures
    if figures is None or not (sum(figures.confidence_before) or sum(figures.confidence_after)):
        return ""
    fig, ax = _figure(2.8)
    x = _categories(ax.xaxis, ["1 – osäker", "2", "3", "4", "5 – trygg"])
    width = 0.38
    ax.bar([i - width / 2 for i in x], figures.confidence_before, width, color=COLOURS["before"], label="Före passet")
    ax.bar([i + width / 2 for i in x], figures.confidence_after, width, color=COLOURS["after"], label="Efter passet")
    _whole_numbers(ax.yaxis)
    ax.set_ylabel("Svar")
    ax.legend(frameon=False, ncols=2, loc="upper left", bbox_to_anchor=(0, 1.2))
    return _svg(fig)


CHARTS = {"months": chart_months, "topics": chart_topics, "warnings": chart_warnings, "places": chart_places,
          "confidence": chart_confidence}


def render_report_html(report: YearReport) -> str:
    """The whole report page; only aggregates from `report` go into it."""
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    template = env.from_string(TEMPLATE.read_text(encoding="utf-8"))
    csv_text = report_csv(report)
    charts = {name: jinja2.utils.markupsafe.Markup(draw(report)) for name, draw in CHARTS.items()}
    html = template.render(
        r=report, made_by=t("sv", "site.report_by"), months=MONTH_NAMES, charts=charts, figure_rows=FIGURE_ROWS,
        csv_data=base64.b64encode(csv_text.encode("utf-8")).decode("ascii"),
    )
    return re.sub(r"\n\s*\n", "\n", html)
