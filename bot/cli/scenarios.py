"""`fraudbot scenarios`: validate and list the guided-session scenarios."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.cli.common import config_option, get_config
from bot.config import resolve_content_dir
from bot.core.knowledge.loader import validate_knowledge
from bot.core.knowledge.taxonomy import TOPIC_IDS
from bot.core.sessions.loader import validate_scenarios


@click.group()
def scenarios() -> None:
    """Check and list the guided-session scenarios (scenarios/*.yaml)."""


def _topic_ids(config) -> set[str]:
    """Topic ids of the configured knowledge base, or the taxonomy when it cannot be read."""
    knowledge, _ = validate_knowledge(resolve_content_dir(config.knowledge.path))
    return set(knowledge.topics) if knowledge else set(TOPIC_IDS)


@scenarios.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@config_option
def validate(folder: Path | None, config_path: Path | None) -> None:
    """Check every scenario file; print each problem as file:line: field: message.

    FOLDER defaults to the configured scenarios folder. Related topics must exist in the knowledge
    base. Exits 1 when anything is wrong.
    """
    config = get_config(config_path)
    folder = resolve_content_dir(folder or config.knowledge.scenarios_path)
    found, problems = validate_scenarios(folder, _topic_ids(config))
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) in {folder}", err=True)
        sys.exit(1)
    steps = sum(len(s.steps) for s in found.values())
    click.echo(f"OK: {len(found)} scenarios with {steps} steps in {folder}")


@scenarios.command("list")
@config_option
def list_scenarios(config_path: Path | None) -> None:
    """List scenarios: id, minutes, steps, title and the knowledge topics they lead to."""
    config = get_config(config_path)
    folder = resolve_content_dir(config.knowledge.scenarios_path)
    found, problems = validate_scenarios(folder, _topic_ids(config))
    for scenario in sorted(found.values(), key=lambda s: s.id):
        click.echo(f"{scenario.id:<26} {scenario.minutes:>3} min  {len(scenario.steps)} steps  {scenario.title}")
        click.echo(f"{'':<26} topics: {', '.join(scenario.topics)}")
    click.echo(f"{len(found)} scenarios")
    if problems:
        click.echo(f"{len(problems)} problem(s): run `fraudbot scenarios validate`", err=True)
        sys.exit(1)
