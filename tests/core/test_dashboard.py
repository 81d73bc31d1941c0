from datetime import datetime, timedelta, timezone

from bot.core.dashboard import build_overview, local_day_start
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
    from bot.core.dashboard import rising_methods

    now = datetime(2026, 11, 26, tzinfo=timezone.utc)
    this_week = now.strftime("%Y-%W")
    rows = [{"week": this_week, "method": "sms-phishing", "n": 4}, {"week": "2026-40", "method": "sms-phishing", "n": 2},
            {"week": this_week, "method": "card-fraud", "n": 2}, {"week": this_week, "method": "romance-scam", "n": 5},
            {"week": "2026-44", "method": "romance-scam", "n": 30}]
    waves = rising_methods(rows, now, 12)
    assert [(w.method, w.this_week) for w in waves] == [("sms-phishing", 4)]
    assert waves[0].weekly_before == 2 / 11
