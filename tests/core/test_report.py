"""The yearly report from a real database: the numbers add up and nothing personal gets out."""

import json
from datetime import datetime, timezone

import pytest

from bot.core.reporting.render import render_report_html
from bot.core.reporting.report import build_report, report_csv, unanswered_themes
from bot.core.staff.accounts import create_staff
from bot.storage.db import open_database
from bot.storage.questions import log_question
from bot.storage.residents import ensure_resident, record_feedback, record_reported_scam, subscribe

SECRET_QUESTION = "min granne Sven Svensson på Storgatan 5 fick ett konstigt samtal om routern"
THEME_TEXTS = ["hur fungerar routern hemma", "routern blinkar rött", "vem lagar routern", "kan routern hackas"]


def _at(month: int, day: int = 10) -> datetime:
    return datetime(2026, month, day, 12, tzinfo=timezone.utc)


@pytest.fixture
def filled(tmp_path):
    db = open_database(tmp_path / "fraudbot.db")
    asked = [(1, "answer", "bank-impersonation"), (1, "answer", "bank-impersonation"), (1, "fallback", None),
             (2, "clarify", None), (3, "answer", "sms-phishing"), (12, "answer", "bank-impersonation")]
    for month, status, topic in asked:
        log_question(db, channel="telegram", lang="sv", status=status, topic=topic, score=0.6, urgent=False,
                     municipality="Kramfors", user_key="userkey-abc", text=SECRET_QUESTION, at=_at(month))
    for i, text in enumerate(THEME_TEXTS):
        log_question(db, channel="web", lang="sv", status="fallback", topic=None, score=0.1, urgent=False,
                     municipality=None, user_key=None, text=text, at=_at(4, i + 1))
    # Another year: must not count (23:00 on New Year's Eve 2025 in Sweden).
    log_question(db, channel="web", lang="sv", status="answer", topic="card-fraud", score=0.9, urgent=False,
                 municipality=None, user_key=None, text="kortet", at=datetime(2025, 12, 31, 22, tzinfo=timezone.utc))
    for chat_id, place in [(555001, "Kramfors"), (555002, "Härnösand")]:
        ensure_resident(db, chat_id, f"userkey-{chat_id}", "sv")
        subscribe(db, chat_id, municipality=place, lang="sv")
    record_feedback(db, "userkey-555001", "bank-impersonation", True)
    record_reported_scam(db, user_key="userkey-555001", municipality="Kramfors", method="sms-phishing", risk="high", text=SECRET_QUESTION)
    admin, _ = create_staff(db, "admin", "admin", actor="test")
    for title, places, sent in [("Falska poliser", ["Kramfors"], "2026-03-01T10:00:00+00:00"), ("Alla", [], "2026-05-01T10:00:00+00:00")]:
        cur = db.execute(
            "INSERT INTO alerts (title_sv, text_sv, severity, municipalities, state, created_by, created_at, updated_at, sent_at)"
            " VALUES (?, 'text', 'warning', ?, 'sent', ?, ?, ?, ?)", (title, json.dumps(places), admin.id, sent, sent, sent))
        for chat_id in (555001, 555002) if not places else (555001,):
            db.execute("INSERT INTO outbox (alert_id, chat_id, state, sent_at) VALUES (?, ?, 'sent', ?)", (cur.lastrowid, chat_id, sent))
        db.execute("INSERT INTO alert_reactions (alert_id, user_key, reaction, at) VALUES (?, 'userkey-555001', 'got_it_too', ?)", (cur.lastrowid, sent))
    db.execute("INSERT INTO session_results (scenario_id, channel, held_on, finished, participants, answers, confidence_before, confidence_after)"
               " VALUES ('parcel-fee-sms', 'web', '2026-10-01', 1, 4, '{\"fee-sms\": [0, 1, 3]}', '[0, 4, 0, 0, 0]', '[0, 0, 0, 4, 0]')")
    db.execute("INSERT INTO session_results (scenario_id, channel, held_on, participants) VALUES ('parcel-fee-sms', 'web', '2025-10-01', 9)")
    yield db
    db.conn.close()


@pytest.fixture(scope="module")
def scenarios():
    from pathlib import Path

    from bot.core.sessions.loader import validate_scenarios

    found, _ = validate_scenarios(Path(__file__).resolve().parents[2] / "scenarios")
    return found


def test_numbers(filled, kb, scenarios):
    report = build_report(filled, 2026, kb, scenarios)
    assert report.total == 10
    assert [m.total for m in report.months][:4] == [3, 1, 1, 4] and report.months[11].total == 1
    assert report.answered == 4 and report.answered_share == pytest.approx(0.4)
    assert report.topics[0][0] == "bank-impersonation" and report.topics[0][2] == 3
    assert report.channels == {"telegram": 6, "web": 4}
    assert report.alerts_sent == {"Härnösand": 1, "Kramfors": 2, "Sollefteå": 1}
    assert report.deliveries == {"Härnösand": 1, "Kramfors": 2}
    assert report.reactions == {"got_it_too": 2}
    assert report.feedback == {"useful": 1, "not_useful": 0}
    assert report.reported_scams == [("sms-phishing", kb.topics["sms-phishing"].text("sv").title, 1)]
    assert report.warnings_sent == 2
    assert ("routern", 5) in report.themes  # four web questions plus the Telegram ones' word, from several people
    [session] = report.sessions
    assert (session.scenario_id, session.held, session.participants) == ("parcel-fee-sms", 1, 4)
    assert session.safe_share == pytest.approx(0.75)
    assert (session.confidence_before, session.confidence_after) == (2.0, 4.0)
    assert "guided_sessions,parcel-fee-sms,safe_choice_share,0.75" in report_csv(report)
    # Last year's figures beside this year's, and per municipality.
    assert (report.previous.year, report.previous.questions, report.previous.sessions_held) == (2025, 1, 1)
    assert (report.figures.questions, report.figures.warnings_sent, report.figures.messages_delivered) == (10, 2, 3)
    assert report.figures.confidence_before == [0, 4, 0, 0, 0] and report.figures.confidence_after_mean == 4.0
    kramfors = next(p for p in report.places if p.municipality == "Kramfors")
    assert (kramfors.questions, kramfors.warnings, kramfors.delivered, kramfors.reported_scams, kramfors.subscribers) == \
        ((0, 6), (0, 2), (0, 2), (0, 1), 1)
    unknown = next(p for p in report.places if p.municipality == "okänd")
    assert unknown.questions == (1, 4)
    csv_text = report_csv(report)
    assert "key_figures,2025,questions,1" in csv_text and "key_figures,2026,questions,10" in csv_text
    assert "per_municipality,Kramfors,questions_2026,6" in csv_text and "session_confidence,2,before,4" in csv_text


def test_themes_need_several_people():
    one_person = [("routern blinkar", "k1"), ("routern igen", "k1"), ("routern tredje", "k1")]
    assert unanswered_themes(one_person) == []
    assert unanswered_themes([("routern", "k1"), ("routern", "k2"), ("routern", None)]) == [("routern", 3)]
    assert unanswered_themes([("[telefon] [telefon]", None)] * 5) == []


def test_no_personal_data_in_html_or_csv(filled, kb):
    report = build_report(filled, 2026, kb)
    html = render_report_html(report)
    csv_text = report_csv(report)
    for text in (html, csv_text):
        for secret in (SECRET_QUESTION, "Sven", "Storgatan", "userkey", "555001", "555002", *THEME_TEXTS, "Falska poliser"):
            assert secret not in text, secret
    assert html.count("<svg") == 5  # months, places, topics, warnings, confidence
    assert "data:text/csv;charset=utf-8;base64," in html
    assert "questions_per_month,2026-01,total,3" in csv_text
    assert "warnings_sent,Kramfors,warnings,2" in csv_text


def test_self_contained(filled, kb):
    html = render_report_html(build_report(filled, 2026, kb))
    assert "<script" not in html and 'src="http' not in html and "<link" not in html


def test_empty_year_still_renders(tmp_path, kb):
    db = open_database(tmp_path / "empty.db")
    report = build_report(db, 2030, kb)
    html = render_report_html(report)
    assert report.total == 0 and report.answered_share is None
    assert "<svg" not in html and "Inga besvarade frågor" in html
    db.conn.close()


def test_the_year_and_its_months_are_in_swedish_time(tmp_path, kb):
    db = open_database(tmp_path / "f.db")
    for at in (datetime(2025, 12, 31, 23, 30, tzinfo=timezone.utc),  # 00:30 on 1 January 2026 in Sweden
               datetime(2026, 1, 31, 23, 30, tzinfo=timezone.utc),  # 00:30 on 1 February
               datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)):  # already 2027 in Sweden
        log_question(db, channel="web", lang="sv", status="answer", topic="card-fraud", score=0.9, urgent=False,
                     municipality=None, user_key=None, text="x", at=at)
    report = build_report(db, 2026, kb, now=datetime(2026, 12, 1, 9, 15, tzinfo=timezone.utc))
    assert [m.total for m in report.months][:2] == [1, 1] and report.total == 2
    html = render_report_html(report)
    assert "Skapad 1 december 2026 kl. 10.15" in html and "(UTC)" not in html
    assert "<td>Januari</td>" in html and "<td>December</td>" in html
    db.conn.close()


def _category_labels(svg: str) -> list[list[str]]:
    """The tick labels of each category axis in a chart (axes whose ticks are not all numbers)."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(svg)
    found = []
    for group in root.iter("{http://www.w3.org/2000/svg}g"):
        if not (group.get("id") or "").startswith("matplotlib.axis"):
            continue
        labels = ["".join(t.itertext()).strip() for tick in group if (tick.get("id") or "").startswith(("xtick", "ytick"))
                  for t in tick.iter("{http://www.w3.org/2000/svg}text")]
        if labels and not all(label.replace("−", "").replace(".", "").isdigit() for label in labels):
            found.append(labels)
    return found


def _report_with(kb, n: int) -> "object":
    from bot.core.reporting.report import KeyFigures, PlaceRow, YearReport

    topic_ids = sorted(kb.topics)[:n]
    places = ["Härnösand", "Kramfors", "Sollefteå"][:n] if n <= 3 else ["Härnösand", "Kramfors", "Sollefteå", "okänd"]
    figures = KeyFigures(2026, 5 * n, n, n, n, 0, 0, 0, 0, n, 4 * n, [0, 2 * n, 0, 0, 0][:5] if n else [0] * 5,
                         [0, 0, 0, 2 * n, 0] if n else [0] * 5)
    from bot.core.reporting.report import MonthRow

    return YearReport(
        year=2026, generated_at="", months=[MonthRow(m, n if m <= max(n, 1) else 0, n if m <= max(n, 1) else 0, 0, 0) for m in range(1, 13)],
        topics=[(t, kb.topics[t].text("sv").title, 3) for t in topic_ids], channels={}, warnings_sent=n,
        alerts_sent={p: 1 for p in places}, deliveries={p: 2 for p in places}, reactions={}, feedback={"useful": 0, "not_useful": 0},
        reported_scams=[], themes=[], figures=figures, previous=figures,
        places=[PlaceRow(p, (1, 2), (0, 1), (0, 2), (0, 0), 1) for p in places])


@pytest.mark.parametrize("n", [0, 1, 8])
def test_every_chart_labels_each_category_once(kb, n):
    from bot.core.reporting.render import CHARTS

    report = _report_with(kb, n)
    for name, draw in CHARTS.items():
        svg = draw(report)
        if name == "months":  # twelve months always, when there are questions at all
            assert (svg == "") == (n == 0)
        if n == 0:
            assert svg == "", name
            continue
        axes = _category_labels(svg)
        assert axes, name
        for labels in axes:
            assert len(labels) == len(set(labels)), f"{name}: repeated labels {labels}"
        if name == "topics":
            assert sorted(axes[0]) == sorted(title for _, title, _ in report.topics)
        if name in ("warnings", "places"):
            assert sorted(axes[0]) == sorted(p.municipality for p in report.places)
        if name == "confidence":
            assert axes[0] == ["1 – osäker", "2", "3", "4", "5 – trygg"]
    html = render_report_html(report)
    assert html.count("<svg") == (0 if n == 0 else len(CHARTS))


def test_single_topic_chart_has_one_label(kb):
    """The bug that started this: one topic drew its title eight times beside one bar."""
    from bot.core.reporting.render import chart_topics

    report = _report_with(kb, 1)
    assert _category_labels(chart_topics(report)) == [[report.topics[0][1]]]
