"""The yearly follow-up: aggregates only, never a question's text, a user key or a chat id.

`build_report(db, year, kb)` gathers the numbers; `report_csv` writes them as CSV;
`bot.core.report_render` lays them out as one self-contained HTML file with charts.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone

import sqlite_utils

from bot.core.knowledge.model import KnowledgeBase
from bot.core.residents import MUNICIPALITIES
from bot.core.session_summary import ScenarioSummary, summarise_sessions
from bot.core.text import STOPWORDS, fold
from bot.storage import statistics as stats
from bot.storage.sessions import list_results

# A word is a theme only when this many different questions, from this many different people
# (web questions count as one person each), contain it: no single resident's words get through.
THEME_MIN_QUESTIONS = 3
THEME_MIN_PEOPLE = 3
THEME_LIMIT = 15
_PLACEHOLDER = re.compile(r"\[[^\]]*\]")
_WORD = re.compile(r"[^\W\d_]{4,}")


@dataclass(frozen=True)
class MonthRow:
    month: int
    total: int
    answered: int
    clarified: int
    unanswered: int


@dataclass
class YearReport:
    year: int
    generated_at: str
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

    @property
    def total(self) -> int:
        return sum(m.total for m in self.months)

    @property
    def answered(self) -> int:
        return sum(m.answered for m in self.months)

    @property
    def answered_share(self) -> float | None:
        return self.answered / self.total if self.total else None


def build_report(db: sqlite_utils.Database, year: int, kb: KnowledgeBase, scenarios: dict | None = None,
                 now: datetime | None = None) -> YearReport:
    """Gather the year's numbers from the database (calendar year, UTC); `scenarios` names the sessions."""
    start = datetime(year, 1, 1, tzinfo=timezone.utc)
    end = datetime(year + 1, 1, 1, tzinfo=timezone.utc)
    months = [
        MonthRow(m, sum(c.values()), c.get("answer", 0), c.get("clarify", 0), c.get("fallback", 0))
        for m, c in stats.questions_per_month(db, year).items()
    ]
    topics = [(t, kb.topics[t].text("sv").title if t in kb.topics else t, n) for t, n in stats.top_topics(db, start, end, limit=None)]
    scams: Counter[str] = Counter()
    for row in stats.reported_scams_between(db, start, end):
        scams[row["method"] or "okänd"] += 1
    return YearReport(
        year=year,
        generated_at=(now or datetime.now(timezone.utc)).isoformat(timespec="minutes"),
        months=months,
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
    )


def unanswered_themes(rows: list[tuple[str, str | None]], limit: int = THEME_LIMIT) -> list[tuple[str, int]]:
    """Words that recur across unanswered questions from several people, most common first."""
    questions: Counter[str] = Counter()
    people: dict[str, set] = {}
    for number, (text, user_key) in enumerate(rows):
        words = {w for w in _WORD.findall(_PLACEHOLDER.sub(" ", text or "").lower()) if fold(w) not in STOPWORDS}
        for word in words:
            questions[word] += 1
            people.setdefault(word, set()).add(user_key or f"web-{number}")
    themes = [(w, n) for w, n in questions.items() if n >= THEME_MIN_QUESTIONS and len(people[w]) >= THEME_MIN_PEOPLE]
    themes.sort(key=lambda wn: (-wn[1], wn[0]))
    return themes[:limit]


def report_rows(report: YearReport) -> list[tuple[str, str, str, int | float]]:
    """Every aggregate as (section, key, detail, value): the CSV, and the source of the HTML tables."""
    rows: list[tuple[str, str, str, int | float]] = []
    for m in report.months:
        month = f"{report.year}-{m.month:02d}"
        rows += [("questions_per_month", month, "total", m.total), ("questions_per_month", month, "answered", m.answered),
                 ("questions_per_month", month, "clarify", m.clarified), ("questions_per_month", month, "unanswered", m.unanswered)]
    rows.append(("questions", "year", "total", report.total))
    rows.append(("questions", "year", "answered_share", round(report.answered_share or 0.0, 4)))
    rows += [("questions_per_topic", topic, title, n) for topic, title, n in report.topics]
    rows += [("questions_per_channel", channel, "", n) for channel, n in sorted(report.channels.items())]
    rows.append(("warnings_sent", "all", "warnings", report.warnings_sent))
    rows += [("warnings_sent", m, "warnings", n) for m, n in report.alerts_sent.items()]
    rows += [("warnings_reached", m, "messages delivered", n) for m, n in report.deliveries.items()]
    rows += [("warning_reactions", r, "", n) for r, n in sorted(report.reactions.items())]
    rows += [("answer_feedback", k, "", n) for k, n in report.feedback.items()]
    rows += [("reported_scams", method, title, n) for method, title, n in report.reported_scams]
    rows += [("unanswered_themes", word, "questions", n) for word, n in report.themes]
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
