"""Counts for the dashboard and report, on a real SQLite file."""

import json
from datetime import datetime, timedelta, timezone

from bot.core.staff.accounts import create_staff
from bot.storage import statistics as stats
from bot.storage.db import open_database
from bot.storage.questions import log_question
from bot.storage.residents import ensure_resident, record_reported_scam, subscribe

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)


def _ask(db, status, topic=None, at=NOW, text="en fråga"):
    return log_question(db, channel="web", lang="sv", status=status, topic=topic, score=0.5, urgent=False,
                        municipality=None, user_key=None, text=text, at=at)


def test_question_counts_topics_and_unanswered(tmp_path):
    db = open_database(tmp_path / "f.db")
    _ask(db, "answer", "card-fraud")
    _ask(db, "answer", "card-fraud", at=NOW - timedelta(days=40))
    first = _ask(db, "fallback")
    _ask(db, "fallback", text=None)  # text already purged: not shown to staff
    assert stats.count_questions(db, NOW - timedelta(days=1)) == 3
    assert stats.status_counts(db, NOW - timedelta(days=1), NOW + timedelta(days=1)) == {"answer": 1, "fallback": 2}
    assert stats.top_topics(db, NOW - timedelta(days=100), NOW + timedelta(days=1)) == [("card-fraud", 2)]
    assert [q["id"] for q in stats.unanswered_questions(db)] == [first]
    assert stats.mark_questions_handled(db, [first]) == 1
    assert stats.unanswered_questions(db) == []
    assert stats.questions_per_municipality(db, NOW - timedelta(days=1), NOW + timedelta(days=1)) == {"": 3}
    db.conn.close()


def test_subscribers_reports_and_warnings(tmp_path):
    db = open_database(tmp_path / "f.db")
    for chat, place in [(1, "Kramfors"), (2, "Kramfors"), (3, "Sollefteå")]:
        ensure_resident(db, chat, f"k{chat}", "sv")
        subscribe(db, chat, municipality=place, lang="sv")
    assert stats.subscribers_per_municipality(db) == {"Kramfors": 2, "Sollefteå": 1}
    record_reported_scam(db, user_key="k1", municipality="Kramfors", method="sms-phishing", risk="high", text="x")
    [row] = stats.reported_scams_between(db, datetime.now(timezone.utc) - timedelta(days=7))
    assert (row["method"], row["municipality"]) == ("sms-phishing", "Kramfors") and "text" not in row and "user_key" not in row
    admin, _ = create_staff(db, "admin", "admin", actor="test")
    for state in ("draft", "awaiting_approval", "sent", "cancelled"):
        db.execute("INSERT INTO alerts (title_sv, text_sv, severity, municipalities, state, created_by, created_at, updated_at)"
                   " VALUES ('t', 'x', 'info', ?, ?, ?, '2026-01-01', '2026-01-01')", (json.dumps(["Kramfors"]), state, admin.id))
    assert stats.alerts_in_flight(db) == {"awaiting_approval": 1, "draft": 1}
    assert stats.outbox_waiting(db) == 0
    db.conn.close()
