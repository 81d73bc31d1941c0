"""`fraudbot report`: the yearly follow-up as one self-contained HTML file, and its numbers as CSV."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from bot.cli.common import config_option, get_config, get_store
from bot.storage.db import open_database


@click.command()
@click.option("--year", type=click.IntRange(2020, 2100), default=lambda: date.today().year, show_default="this year",
              help="Calendar year to report on.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="HTML file to write; the CSV of the same numbers is written beside it (same name, .csv).")
@config_option
def report(year: int, out: Path, config_path: Path | None) -> None:
    """Write the yearly follow-up report (charts, tables, no personal data) and its CSV."""
    from bot.core.reporting.render import render_report_html
    from bot.core.reporting.report import build_report, report_csv

    config = get_config(config_path)
    store = get_store(config)
    db = open_database(config.storage.path)
    try:
        data = build_report(db, year, store.kb, zone=ZoneInfo(config.alerts.timezone))
    finally:
        db.conn.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report_html(data), encoding="utf-8")
    csv_path = out.with_suffix(".csv")
    csv_path.write_text(report_csv(data), encoding="utf-8")
    click.echo(f"Wrote {out} and {csv_path}: {data.total} questions in {year}, "
               f"{round((data.answered_share or 0) * 100)} % answered directly.")
