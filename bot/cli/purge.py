"""`fraudbot purge`: delete question text older than the retention period now (serve does it hourly)."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import config_option, get_config
from bot.storage import audit
from bot.storage.db import open_database
from bot.storage.questions import purge_question_text


@click.command()
@click.option("--days", type=click.IntRange(min=1), help="Keep this many days of text (default: privacy.retention_days, 30).")
@config_option
def purge(days: int | None, config_path: Path | None) -> None:
    """Delete the text of questions older than the retention period; the counts stay."""
    config = get_config(config_path)
    days = days or config.privacy.retention_days
    db = open_database(config.storage.path)
    try:
        removed = purge_question_text(db, days)
        audit.record(db, "cli", "questions.purge", None, None, days=days, removed=removed)
    finally:
        db.conn.close()
    click.echo(f"Deleted the text of {removed} question(s) older than {days} days.")
