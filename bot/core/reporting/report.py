"""The yearly follow-up: aggregates only, never a question's text, a user key or a chat id.

`build_report(db, year, kb)` gathers the numbers – the calendar year in local time, beside the
same figures for the year before, per municipality, and the guided sessions' confidence before
and after; `report_csv` writes them as CSV; `bot.core.reporting.render` lays them out as one
self-contained HTML file with charts.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.core.content.local_time import format_datetime
from bot.core.content.text import STOPWORDS, fold
from bot.core.knowledge.model import KnowledgeBase
from bot.core.region import MUNICIPALITIES
from bot.core.region import current as current_region
from bot.core.sessions.summary import (
    ScenarioSummary,
    _mean,  # mean of a 1–5 histogram, as the sessions page computes it
    summarise_sessions,
)
from bot.storage import statistics as stats
from bot.storage.sessions import list_results

# A word is a theme only when this many different questions, from this many different people
# (web questions count as one person each), contain it: no single resident's words get through.
THEME_MIN_QUESTIONS = 3
THEME_MIN_PEOPLE = 3
THEME_LIMIT = 15
UNKNOWN_PLACE = "okänd"  # questions from the web and reports without a municipality
_PLACEHOLDER = re.compile(r"\[[^\]]*\]")
_WORD = re.compile(r"[^\W\d_]{4,}")


@dataclass(frozen=True)
class MonthRow:
    month: int
    total: int
    answered: int
    clarified: int
    unanswered: int


@dataclass(frozen=True)
class KeyFigures:
    """The figures a yearly follow-up compares from one year to the next."""

    year: int
    questions: int
    answered: int
    warnings_sent: int
    messages_delivered: int
    reactions: int
    useful: int
    not_useful: int
    reported_scams: int
    sessions_held: int
    session_participants: int
    confidence_before: list[int]  # answers per step 1–5, all guided sessions of the year
    confidence_after: list[int]

    @property
    def answered_share(self) -> float | None:
        return self.answered / self.questions if self.questions else None

    @property
    def confidence_before_mean(self) -> float | None:
        return _mean(self.confidence_before)

    @property
    def confidence_after_mean(self) -> float | None:
        return _mean(self.confidence_after)


@dataclass(frozen=True)
class PlaceRow:
    """One municipality's figures, this year and the year before."""

    municipality: str
    questions: tuple[int, int]  # (year before, this year)
    warnings: tuple[int, int]
    delivered: tuple[int, int]
    reported_scams: tuple[int, int]
    subscribers: int  # now


@dataclass
class YearReport:
    year: int
    generated_at: str  # in words, local time: "1 december 2026 kl. 10.15"
    months: list[MonthRow]
    topics: list[tuple[str, str, int]]  # id, Swedish title, questions
    channels: dict[str, int]
    warnings_sent: int
    alerts_sent: dict[str, int]  # municipality -> warnings that targeted it
    deliveries: dict[str, int]  # municipality -> warning messages delivered
    reactions: dict[str, int]
    feedback: dict[str, int]
    reported_scams: list[tuple[str, str, int]]  # method id, Swedish title, reports
    themes: list[tuple[str, int]]  # word -> unanswered questions containing it
    sessions: list[ScenarioSummary] = field(default_factory=list)
    figures: KeyFigures | None = None
    previous: KeyFigures | None = None  # the same figures for the year before
    places: list[PlaceRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(m.total for m in self.months)

    @property
    def answered(self) -> int:
        return sum(m.answered for m in self.months)

    @property
    def answered_share(self) -> float | None:
        return self.answered / self.total if self.total else None


def year_bounds(year: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """New Year's midnight to New Year's midnight in local time, as UTC."""
    return (datetime(year, 1, 1, tzinfo=zone).astimezone(timezone.utc),
            datetime(year + 1, 1, 1, tzinfo=zone).astimezone(timezone.utc))


def months_of(db: sqlite_utils.Database, year: int, zone: ZoneInfo) -> list[MonthRow]:
    """Questions per local calendar month, by outcome."""
    rows = []
    for month in range(1, 13):
        start = datetime(year, month, 1, tzinfo=zone)
        end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
        c = stats.status_counts(db, start, end)
        rows.append(MonthRow(month, sum(c.values()), c.get("answer", 0), c.get("clarify", 0), c.get("fallback", 0)))
    return rows


def key_figures(db: sqlite_utils.Database, year: int, zone: ZoneInfo) -> KeyFigures:
    start, end = year_bounds(year, zone)
    statuses = stats.status_counts(db, start, end)
    feedback = stats.feedback_counts(db, start, end)
    results = list_results(db)
    sessions = summarise_sessions(results, {}, year)
    before, after = [0] * 5, [0] * 5
    for result in results:
        if str(result.held_on).startswith(f"{year:04d}"):
            for i in range(5):
                before[i] += (result.confidence_before[i:i + 1] or [0])[0]
                after[i] += (result.confidence_after[i:i + 1] or [0])[0]
    return KeyFigures(
        year=year, questions=sum(statuses.values()), answered=statuses.get("answer", 0),
        warnings_sent=stats.count_alerts_sent(db, start, end),
        messages_delivered=sum(stats.deliveries_per_municipality(db, start, end).values()),
        reactions=sum(stats.reaction_totals(db, start, end).values()), useful=feedback["useful"],
        not_useful=feedback["not_useful"], reported_scams=len(stats.reported_scams_between(db, start, end)),
        sessions_held=sum(s.held for s in sessions), session_participants=sum(s.participants for s in sessions),
        confidence_before=before, confidence_after=after,
    )


def place_rows(db: sqlite_utils.Database, year: int, zone: ZoneInfo) -> list[PlaceRow]:
    """Each municipality's figures for this year and the year before; unknown places last."""
    def per_year(y: int) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]:
        start, end = year_bounds(y, zone)
        return (stats.questions_per_municipality(db, start, end),
                stats.alerts_sent_per_municipality(db, start, end, MUNICIPALITIES),
                stats.deliveries_per_municipality(db, start, end),
                stats.reported_scams_per_municipality(db, start, end))

    before, now = per_year(year - 1), per_year(year)
    subscribers = stats.subscribers_per_municipality(db)

    def both(i: int, place: str) -> tuple[int, int]:
        key = "" if place == UNKNOWN_PLACE and i != 2 else place  # deliveries already say "okänd"
        return before[i].get(key, 0), now[i].get(key, 0)

    rows = [PlaceRow(m, both(0, m), both(1, m), both(2, m), both(3, m), subscribers.get(m, 0)) for m in MUNICIPALITIES]
    unknown = PlaceRow(UNKNOWN_PLACE, both(0, UNKNOWN_PLACE), (0, 0), both(2, UNKNOWN_PLACE), both(3, UNKNOWN_PLACE), 0)
    if any(sum(pair) for pair in (unknown.questions, unknown.delivered, unknown.reported_scams)):
        rows.append(unknown)
    return rows


def build_report(db: sqlite_utils.Database, year: int, kb: KnowledgeBase, scenarios: dict[str, Any] | None = None,
                 now: datetime | None = None, zone: ZoneInfo | None = None) -> YearReport:
    """Gather the year's numbers (calendar year in local time: `zone`, by default the region's); `scenarios` names the sessions."""
    zone = zone or current_region().zone
    start, end = year_bounds(year, zone)
    topics = [(t, kb.topics[t].text("sv").title if t in kb.topics else t, n) for t, n in stats.top_topics(db, start, end, limit=None)]
    scams: Counter[str] = Counter(row["method"] or "okänd" for row in stats.reported_scams_between(db, start, end))
    return YearReport(
        year=year,
        generated_at=format_datetime(now or datetime.now(timezone.utc), zone),
        months=months_of(db, year, zone),
        topics=topics,
        channels=stats.questions_per_channel(db, start, end),
        warnings_sent=stats.count_alerts_sent(db, start, end),
        alerts_sent=stats.alerts_sent_per_municipality(db, start, end, MUNICIPALITIES),
        deliveries=stats.deliveries_per_municipality(db, start, end),
        reactions=stats.reaction_totals(db, start, end),
        feedback=stats.feedback_counts(db, start, end),
        reported_scams=[(m, kb.topics[m].text("sv").title if m in kb.topics else m, n) for m, n in scams.most_common()],
        themes=unanswered_themes(stats.unanswered_texts_between(db, start, end)),
        sessions=summarise_sessions(list_results(db), scenarios or {}, year),
        figures=key_figures(db, year, zone),
        previous=key_figures(db, year - 1, zone),
        places=place_rows(db, year, zone),
    )


def unanswered_themes(rows: list[tuple[str, str | None]], limit: int = THEME_LIMIT) -> list[tuple[str, int]]:
    """Words that recur across unanswered questions from several people, most common first."""
    questions: Counter[str] = Counter()
    people: dict[str, set[str]] = {}
    for number, (text, user_key) in enumerate(rows):
        words = {w for w in _WORD.findall(_PLACEHOLDER.sub(" ", text or "").lower()) if fold(w) not in STOPWORDS}
        for word in words:
            questions[word] += 1
            people.setdefault(word, set()).add(user_key or f"web-{number}")
    themes = [(w, n) for w, n in questions.items() if n >= THEME_MIN_QUESTIONS and len(people[w]) >= THEME_MIN_PEOPLE]
    themes.sort(key=lambda wn: (-wn[1], wn[0]))
    return themes[:limit]


FIGURE_ROWS: tuple[tuple[str, str, str, Callable[[KeyFigures], Any]], ...] = (  # (CSV key, Swedish label, kind of number: count, share or mean, how to read it)
    ("questions", "Frågor", "count", lambda f: f.questions),
    ("answered_share", "Besvarade direkt", "share", lambda f: f.answered_share),
    ("warnings_sent", "Varningar skickade", "count", lambda f: f.warnings_sent),
    ("messages_delivered", "Varningsmeddelanden levererade", "count", lambda f: f.messages_delivered),
    ("reactions", "Reaktioner på varningar", "count", lambda f: f.reactions),
    ("feedback_useful", "Svar som fick ”till hjälp”", "count", lambda f: f.useful),
    ("feedback_not_useful", "Svar som fick ”inte till hjälp”", "count", lambda f: f.not_useful),
    ("reported_scams", "Bedrägerier som invånare rapporterat", "count", lambda f: f.reported_scams),
    ("sessions_held", "Guidade pass", "count", lambda f: f.sessions_held),
    ("session_participants", "Deltagare i guidade pass", "count", lambda f: f.session_participants),
    ("confidence_before", "Trygghet före pass (1–5)", "mean", lambda f: f.confidence_before_mean),
    ("confidence_after", "Trygghet efter pass (1–5)", "mean", lambda f: f.confidence_after_mean),
)


def report_rows(report: YearReport) -> list[tuple[str, str, str, int | float]]:
    """Every aggregate as (section, key, detail, value): the CSV, and the source of the HTML tables."""
    rows: list[tuple[str, str, str, int | float]] = []
    for m in report.months:
        month = f"{report.year}-{m.month:02d}"
        rows += [("questions_per_month", month, "total", m.total), ("questions_per_month", month, "answered", m.answered),
                 ("questions_per_month", month, "clarify", m.clarified), ("questions_per_month", month, "unanswered", m.unanswered)]
    rows.append(("questions", "year", "total", report.total))
    rows.append(("questions", "year", "answered_share", round(report.answered_share or 0.0, 4)))
    for figures in (report.previous, report.figures):
        if figures is None:
            continue
        for key, _, _, read in FIGURE_ROWS:
            value = read(figures)
            rows.append(("key_figures", str(figures.year), key, round(value, 4) if isinstance(value, float) else value or 0))
    for place in report.places:
        for key in ("questions", "warnings", "delivered", "reported_scams"):
            before, now = getattr(place, key)
            rows += [("per_municipality", place.municipality, f"{key}_{report.year - 1}", before),
                     ("per_municipality", place.municipality, f"{key}_{report.year}", now)]
        rows.append(("per_municipality", place.municipality, "subscribers_now", place.subscribers))
    rows += [("questions_per_topic", topic, title, n) for topic, title, n in report.topics]
    rows += [("questions_per_channel", channel, "", n) for channel, n in sorted(report.channels.items())]
    rows.append(("warnings_sent", "all", "warnings", report.warnings_sent))
    rows += [("warnings_sent", m, "warnings", n) for m, n in report.alerts_sent.items()]
    rows += [("warnings_reached", m, "messages delivered", n) for m, n in report.deliveries.items()]
    rows += [("warning_reactions", r, "", n) for r, n in sorted(report.reactions.items())]
    rows += [("answer_feedback", k, "", n) for k, n in report.feedback.items()]
    rows += [("reported_scams", method, title, n) for method, title, n in report.reported_scams]
    rows += [("unanswered_themes", word, "questions", n) for word, n in report.themes]
    if report.figures:
        for step in range(5):
            rows += [("session_confidence", str(step + 1), "before", report.figures.confidence_before[step]),
                     ("session_confidence", str(step + 1), "after", report.figures.confidence_after[step])]
    for s in report.sessions:
        rows += [("guided_sessions", s.scenario_id, "held", s.held), ("guided_sessions", s.scenario_id, "participants", s.participants),
                 ("guided_sessions", s.scenario_id, "safe_choice_share", round(s.safe_share or 0.0, 4))]
        if s.confidence_before is not None and s.confidence_after is not None:
            rows += [("guided_sessions", s.scenario_id, "confidence_before", round(s.confidence_before, 2)),
                     ("guided_sessions", s.scenario_id, "confidence_after", round(s.confidence_after, 2))]
    return rows


def report_csv(report: YearReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "key", "detail", "value"])
    writer.writerows(report_rows(report))
    return out.getvalue()
