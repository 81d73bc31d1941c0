"""`fraudbot backup PATH`: a consistent copy of the database, also while `fraudbot serve` runs."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import click

from bot.cli.common import config_option, get_config
from bot.storage.db import backup_database


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@config_option
def backup(path: Path, config_path: Path | None) -> None:
    """Copy the database to PATH with SQLite's online backup (safe while the service runs).

    Restore by stopping the service and putting the copy in place of storage.path. Unless
    privacy.hash_key is set in the environment, the pseudonym key lives inside the database: keep
    the backup as safe as the database itself.
    """
    config = get_config(config_path)
    source = Path(config.storage.path)
    if not source.is_file():
        click.echo(f"No database at {source}: nothing to back up.", err=True)
        sys.exit(1)
    if path.resolve() == source.resolve():
        click.echo("The backup must go to another file than the database itself.", err=True)
        sys.exit(1)
    try:
        pages = backup_database(source, path)
    except (sqlite3.Error, OSError) as exc:
        click.echo(f"Backup failed: {exc}", err=True)
        sys.exit(1)
    click.echo(f"Backed up {source} to {path} ({pages} pages).")
