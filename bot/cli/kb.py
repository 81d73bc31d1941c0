"""`fraudbot kb`: validate and list the knowledge base."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from bot.cli.common import config_option, get_config, knowledge_dir
from bot.core.knowledge.loader import source_warnings, validate_knowledge


@click.group()
def kb() -> None:
    """Check and list the knowledge base (knowledge/*.yaml)."""


@kb.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@config_option
def validate(folder: Path | None, config_path: Path | None) -> None:
    """Check every topic file; print each problem as file:line: field: message.

    Sources that are not on the authority allowlist (_authority_domains.yaml) are printed as
    warnings: they do not fail the check. FOLDER defaults to the configured knowledge folder.
    Exits 1 when anything is wrong.
    """
    config = get_config(config_path)
    folder = knowledge_dir(config, folder)
    knowledge, problems = validate_knowledge(folder)
    for problem in problems:
        click.echo(str(problem))
    if problems or knowledge is None:
        click.echo(f"{len(problems)} problem(s) in {folder}", err=True)
        sys.exit(1)
    warnings = source_warnings(knowledge)
    for warning in warnings:
        click.echo(f"warning: {warning}")
    marked = sum(1 for w in warnings if ", kept: " in w.message)
    summary = f"{len(warnings)} source(s) not from an authority ({marked} marked with why)" if warnings else "every source from an authority"
    click.echo(f"OK: {len(knowledge.topics)} topics in {folder}, both languages, review dates present; {summary}")


@kb.command("list")
@click.option("--review-days", type=click.IntRange(min=1), help="Flag topics not reviewed within this many days (default: knowledge.review_days, 180).")
@config_option
def list_topics(review_days: int | None, config_path: Path | None) -> None:
    """List topics with their review dates; overdue ones are flagged."""
    config = get_config(config_path)
    folder = knowledge_dir(config)
    knowledge, problems = validate_knowledge(folder)
    if knowledge is None:
        for problem in problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    days = review_days or config.knowledge.review_days
    today = date.today()
    overdue = expired = 0
    for topic in sorted(knowledge.topics.values(), key=lambda t: (t.category, t.id)):
        late = topic.is_overdue(today, days)
        stale = topic.is_expired(today)
        overdue += late
        expired += stale
        flag = f"  OVERDUE (>{days} days)" if late else ""
        if stale:
            flag += f"  DATED CLAIMS EXPIRED {topic.expires}"
        by = f" by {topic.reviewed_by}" if topic.reviewed_by else ""
        click.echo(f"{topic.id:<24} {topic.category:<15} reviewed {topic.reviewed}{by}  {topic.text('sv').title}{flag}")
    click.echo(f"{len(knowledge.topics)} topics, {overdue} overdue for review, {expired} with expired dated claims")
    if problems:
        click.echo(f"{len(problems)} problem(s): run `fraudbot kb validate`", err=True)
