"""`fraudbot backup` on a real database that is being written to."""

import sqlite3
import threading

from click.testing import CliRunner

from bot.cli.main import cli
from bot.storage.db import open_database
from bot.storage.questions import log_question


def test_backup_while_the_database_is_written(tmp_path):
    path = tmp_path / "fraudbot.db"
    db = open_database(path)
    for i in range(200):
        log_question(db, channel="web", lang="sv", status="answer", topic="sms-phishing", score=0.9, urgent=False,
                     municipality=None, user_key=None, text=f"fråga {i}")
    stop = threading.Event()

    def keep_writing():
        writer = open_database(path)
        while not stop.is_set():
            log_question(writer, channel="web", lang="sv", status="fallback", topic=None, score=0.1, urgent=False,
                         municipality=None, user_key=None, text="under backup")
        writer.conn.close()

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        result = CliRunner().invoke(cli, ["backup", str(tmp_path / "copies" / "backup.db")], env={"FRAUDBOT_DB": str(path)})
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(tmp_path / "copies" / "backup.db")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT COUNT(*) FROM questions WHERE text LIKE 'fråga %'").fetchone()[0] == 200
    assert not list((tmp_path / "copies").glob("*.partial"))


def test_backup_without_a_database_or_onto_itself_says_why(tmp_path):
    missing = CliRunner().invoke(cli, ["backup", str(tmp_path / "b.db")], env={"FRAUDBOT_DB": str(tmp_path / "none.db")})
    assert missing.exit_code == 1 and "nothing to back up" in missing.output
    path = tmp_path / "fraudbot.db"
    open_database(path).conn.close()
    itself = CliRunner().invoke(cli, ["backup", str(path)], env={"FRAUDBOT_DB": str(path)})
    assert itself.exit_code == 1 and "another file" in itself.output
