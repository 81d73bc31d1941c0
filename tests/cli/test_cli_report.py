"""`fraudbot report` writes the HTML and CSV; `fraudbot purge` deletes old question text now."""

from datetime import datetime, timedelta, timezone

from click.testing import CliRunner

from bot.cli.main import cli
from bot.storage.db import open_database
from bot.storage.questions import log_question


def _ask(db, text: str, at: datetime) -> None:
    log_question(db, channel="web", lang="sv", status="answer", topic="sms-phishing", score=0.7, urgent=False,
                 municipality=None, user_key=None, text=text, at=at)


def test_report_writes_html_and_csv(tmp_path):
    db_path = tmp_path / "fraudbot.db"
    db = open_database(db_path)
    _ask(db, "ett sms om ett paket från postnord", datetime(2026, 3, 3, tzinfo=timezone.utc))
    db.conn.close()
    out = tmp_path / "ut" / "rapport.html"
    result = CliRunner().invoke(cli, ["report", "--year", "2026", "--out", str(out)], env={"FRAUDBOT_DB": str(db_path)})
    assert result.exit_code == 0, result.output
    assert "1 questions in 2026" in result.output
    html = out.read_text(encoding="utf-8")
    assert "årsuppföljning 2026" in html and "<svg" in html and "postnord" not in html
    assert "questions,year,total,1" in (tmp_path / "ut" / "rapport.csv").read_text(encoding="utf-8")


def test_report_needs_an_output_file(tmp_path):
    result = CliRunner().invoke(cli, ["report", "--year", "2026"], env={"FRAUDBOT_DB": str(tmp_path / "x.db")})
    assert result.exit_code == 2 and "--out" in result.output


def test_purge_deletes_only_old_text_and_is_audited(tmp_path):
    db_path = tmp_path / "fraudbot.db"
    db = open_database(db_path)
    now = datetime.now(timezone.utc)
    _ask(db, "gammal fråga", now - timedelta(days=40))
    _ask(db, "ny fråga", now - timedelta(days=2))
    db.conn.close()
    result = CliRunner().invoke(cli, ["purge"], env={"FRAUDBOT_DB": str(db_path)})
    assert result.exit_code == 0, result.output
    assert "Deleted the text of 1 question(s) older than 30 days" in result.output
    db = open_database(db_path)
    assert [r[0] for r in db.execute("SELECT text FROM questions ORDER BY id").fetchall()] == [None, "ny fråga"]
    assert db.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 2  # counts stay
    assert db.execute("SELECT action FROM audit_log WHERE action = 'questions.purge'").fetchone()
    result = CliRunner().invoke(cli, ["purge", "--days", "1"], env={"FRAUDBOT_DB": str(db_path)})
    assert "Deleted the text of 1 question(s) older than 1 days" in result.output
    db.conn.close()
