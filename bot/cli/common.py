"""What every command shares: loading settings and the knowledge base, and reporting errors."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
import sqlite_utils

from bot.config import Config, ConfigError, load_config, resolve_content_dir
from bot.core.knowledge.loader import KnowledgeError
from bot.core.knowledge.store import KnowledgeStore
from bot.core.matching.training import TrainingError
from bot.core.region import RegionError, load_region, use_region
from bot.storage.db import write_transaction

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="FRAUDBOT_CONFIG",
    help="Settings file (YAML). Default: built-in settings; FRAUDBOT_CONFIG also names one.",
)


def get_config(config_path: Path | None) -> Config:
    """Settings from the file and the environment, or exit 2 naming every bad setting."""
    try:
        config = load_config(config_path, os.environ)
        use_region(load_region(resolve_content_dir(config.region.path)))
        return config
    except ConfigError as exc:
        problems = exc.problems
    except RegionError as exc:
        problems = [f"region.path: {problem}" for problem in exc.problems]
    click.echo("Bad settings – nothing was started:", err=True)
    for line in problems:
        click.echo(f"  {line}", err=True)
    sys.exit(2)


def knowledge_dir(config: Config, override: Path | None = None) -> Path:
    return resolve_content_dir(override or config.knowledge.path)


def get_store(config: Config) -> KnowledgeStore:
    """The knowledge base, or exit 2 with every problem (file:line: field: message)."""
    cache = Path(config.knowledge.model_cache).expanduser() if config.knowledge.model_cache else None
    try:
        return KnowledgeStore(knowledge_dir(config), cache_dir=cache)
    except KnowledgeError as exc:
        click.echo(f"The knowledge base in {knowledge_dir(config)} has problems:", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(2)
    except TrainingError as exc:
        click.echo(f"The answer models could not be trained: {exc}", err=True)
        sys.exit(2)


def or_exit(action, errors: tuple[type[Exception], ...], db: sqlite_utils.Database | None = None):
    """Run `action()`; a rule it breaks (one of `errors`) is printed as "Error: ..." with exit 1.

    With `db`, the action is one transaction, as in the service: all its writes are kept, or none.
    """
    try:
        if db is None:
            return action()
        with write_transaction(db):
            return action()
    except errors as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
