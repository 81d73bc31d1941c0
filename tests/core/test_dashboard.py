from datetime import datetime, timedelta, timezone

from bot.core.staff.dashboard import build_overview, local_day_start
from bot.storage.db import open_database
from bot.storage.questions import log_question

# Thursday 26 November 2026, 00:30 in Sweden (23:30 UTC the day before).
NOW = datetime(2026, 11, 25, 23, 30, tzinfo=timezone.utc)


def test_local_day_starts_at_swedish_midnight():
    assert local_day_start(NOW) == datetime(2026, 11, 25, 23, 0, tzinfo=timezone.utc)


def test_today_week_and_unanswered_share(tmp_path):
    db = open_database(tmp_path / "f.db")
    for minutes_ago, status in [(10, "answer"), (50, "fallback"), (60 * 24 * 3, "answer"), (60 * 24 * 4, "fallback")]:
        log_question(db, channel="web", lang="sv", status=status, topic="card-fraud" if status == "answer" else None,
                     score=0.5, urgent=False, municipality=None, user_key=None, text="x", at=NOW - timedelta(minutes=minutes_ago))
    o = build_overview(db, NOW)
    assert o.questions_today == 1  # 50 minutes ago was yesterday in Sweden
    assert o.questions_week == 3  # Monday 23 November onwards
    assert o.unanswered_share == 0.5 and o.questions_30_days == 4
    assert o.top_topics == [("card-fraud", 2)]
    db.conn.close()


def test_a_method_reported_much_more_this_week_is_a_wave():
    from bot.core.staff.dashboard import rising_methods

    now = datetime(2026, 11, 26, tzinfo=timezone.utc)
    this_week = "2026-W48"
    rows = [{"week": this_week, "method": "sms-phishing", "n": 4}, {"week": "2026-W40", "method": "sms-phishing", "n": 2},
            {"week": this_week, "method": "card-fraud", "n": 2}, {"week": this_week, "method": "romance-scam", "n": 5},
            {"week": "2026-W44", "method": "romance-scam", "n": 30}]
    waves = rising_methods(rows, now, 12)
    assert [(w.method, w.this_week) for w in waves] == [("sms-phishing", 4)]
    assert waves[0].weekly_before == 2 / 11


def test_weeks_are_iso_weeks_in_swedish_time():
    from zoneinfo import ZoneInfo

    from bot.core.staff.dashboard import iso_week, week_label

    sweden = ZoneInfo("Europe/Stockholm")
    assert iso_week(datetime(2026, 12, 1, 9, tzinfo=timezone.utc), sweden) == "2026-W49"  # a Tuesday
    # Sunday 29 November 23:30 UTC is already Monday 30 November in Sweden: week 49, not 48.
    assert iso_week(datetime(2026, 11, 29, 23, 30, tzinfo=timezone.utc), sweden) == "2026-W49"
    assert iso_week(datetime(2026, 11, 29, 22, 30, tzinfo=timezone.utc), sweden) == "2026-W48"
    # New Year: 31 December 2026 is in ISO week 53 of 2026, 4 January 2027 in week 1 of 2027.
    assert iso_week(datetime(2026, 12, 31, 12, tzinfo=timezone.utc), sweden) == "2026-W53"
    assert iso_week(datetime(2027, 1, 4, 12, tzinfo=timezone.utc), sweden) == "2027-W01"
    assert week_label("2026-W49") == "vecka 49, 2026"


def test_reported_scams_are_counted_by_local_iso_week(tmp_path):
    from zoneinfo import ZoneInfo

    from bot.core.staff.dashboard import reported_by_week, rising_methods

    db = open_database(tmp_path / "f.db")
    sweden = ZoneInfo("Europe/Stockholm")
    times = ["2026-12-01T08:00:00+00:00", "2026-11-29T23:30:00+00:00", "2026-11-29T22:30:00+00:00"]
    for at in times:
        db.execute("INSERT INTO reported_scams (at, user_key, municipality, method, risk, text) VALUES (?, 'k', 'Kramfors',"
                   " 'sms-phishing', 'high', 'x')", (at,))
    rows = reported_by_week(db, datetime(2026, 11, 1, tzinfo=timezone.utc), sweden)
    assert [(r["week"], r["label"], r["n"]) for r in rows] == [("2026-W49", "vecka 49, 2026", 2), ("2026-W48", "vecka 48, 2026", 1)]
    now = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)
    assert rising_methods(rows, now, 12, zone=sweden, at_least=2) != []
    db.conn.close()
