"""The yearly report as one self-contained HTML file: tables, SVG charts inline, the CSV embedded.

Charts are drawn with matplotlib's SVG backend (no display, no network, no files on disk) and
put straight into the page, so the file can be e-mailed or archived and opened anywhere.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import jinja2

from bot.core.report import YearReport, report_csv

TEMPLATE = Path(__file__).parent / "report_template.html"
MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
COLOURS = {"answered": "#0a4d8c", "clarify": "#7aa6d6", "unanswered": "#8a1c00", "other": "#444444"}


def _svg(figure) -> str:
    """The figure as inline SVG markup (text kept as text, so it stays small and searchable)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]


def _figure(height: float = 3.2, ncols: int = 1):
    """A figure without pyplot's global state, so reports can be drawn in several threads at once."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    # The same value every time: text stays text in the SVG, and ids are stable between runs.
    matplotlib.rcParams["svg.fonttype"] = "none"
    matplotlib.rcParams["svg.hashsalt"] = "fraudbot"
    fig = Figure(figsize=(7.5, height))
    axes = fig.subplots(1, ncols)
    for axis in (axes if ncols > 1 else [axes]):
        axis.yaxis.set_major_locator(MaxNLocator(integer=True))
        axis.spines[["top", "right"]].set_visible(False)
    return fig, axes


def chart_months(report: YearReport) -> str:
    fig, ax = _figure()
    answered = [m.answered for m in report.months]
    clarified = [m.clarified for m in report.months]
    unanswered = [m.unanswered for m in report.months]
    ax.bar(MONTHS, answered, color=COLOURS["answered"], label="Besvarade")
    ax.bar(MONTHS, clarified, bottom=answered, color=COLOURS["clarify"], label="Motfråga")
    ax.bar(MONTHS, unanswered, bottom=[a + c for a, c in zip(answered, clarified)], color=COLOURS["unanswered"], label="Obesvarade")
    ax.set_ylabel("Frågor")
    ax.legend(frameon=False, ncols=3, loc="upper left", bbox_to_anchor=(0, 1.15))
    return _svg(fig)


def chart_topics(report: YearReport, limit: int = 12) -> str:
    top = report.topics[:limit][::-1]
    fig, ax = _figure(max(2.0, 0.35 * len(top) + 0.8))
    ax.barh([title for _, title, _ in top], [n for _, _, n in top], color=COLOURS["answered"])
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Frågor")
    return _svg(fig)


def chart_warnings(report: YearReport) -> str:
    places = sorted(set(report.alerts_sent) | set(report.deliveries))
    fig, (left, right) = _figure(2.8, ncols=2)
    left.bar(places, [report.alerts_sent.get(p, 0) for p in places], color=COLOURS["answered"])
    left.set_title("Varningar som gick ut")
    right.bar(places, [report.deliveries.get(p, 0) for p in places], color=COLOURS["clarify"])
    right.set_title("Meddelanden som nådde fram")
    for axis in (left, right):
        axis.tick_params(axis="x", labelrotation=20)
    return _svg(fig)


def render_report_html(report: YearReport) -> str:
    """The whole report page; only aggregates from `report` go into it."""
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    template = env.from_string(TEMPLATE.read_text(encoding="utf-8"))
    csv_text = report_csv(report)
    charts = {
        "months": chart_months(report) if report.total else "",
        "topics": chart_topics(report) if report.topics else "",
        "warnings": chart_warnings(report) if any(report.alerts_sent.values()) or report.deliveries else "",
    }
    html = template.render(
        r=report, months=MONTHS, charts={k: jinja2.utils.markupsafe.Markup(v) for k, v in charts.items()},
        csv_data=base64.b64encode(csv_text.encode("utf-8")).decode("ascii"),
    )
    return re.sub(r"\n\s*\n", "\n", html)
