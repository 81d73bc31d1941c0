"""`fraudbot staff`: manage staff accounts."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import config_option, get_config, or_exit
from bot.core.staff import accounts as staff_core
from bot.storage.db import open_database
from bot.storage.staff import ROLES, list_staff


@click.group()
def staff() -> None:
    """Manage staff accounts (roles: viewer, editor, approver, admin)."""


def _run(action, db=None):
    return or_exit(action, (staff_core.StaffError,), db)


def _db(config_path):
    return open_database(get_config(config_path).storage.path)


@staff.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True, help="editor writes warnings, approver approves, admin manages staff.")
@click.option("--name", "display_name", help="Full name shown in the audit log and dashboard.")
@config_option
def add(username: str, role: str, display_name: str | None, config_path: Path | None) -> None:
    """Add a staff member and print their one-time password (shown once)."""
    db = _db(config_path)
    member, password = _run(lambda: staff_core.create_staff(db, username, role, display_name=display_name), db)
    click.echo(f"Added {member.username} ({member.role}). One-time password: {password}")
    click.echo("It is shown only now; it must be changed at the first login.")


@staff.command("list")
@config_option
def list_command(config_path: Path | None) -> None:
    """List staff members with role, status and whether Telegram is linked."""
    for member in list_staff(_db(config_path)):
        status = "active" if member.active else "disabled"
        tg = "telegram linked" if member.telegram_user_id else "telegram not linked"
        click.echo(f"{member.username:<20} {member.role:<9} {status:<9} {tg}")


@staff.command()
@click.argument("username")
@config_option
def disable(username: str, config_path: Path | None) -> None:
    """Disable a staff member's account (their history stays in the audit log)."""
    db = _db(config_path)
    _run(lambda: staff_core.disable(db, username), db)
    click.echo(f"Disabled {username}.")


@staff.command("reset-password")
@click.argument("username")
@config_option
def reset_password(username: str, config_path: Path | None) -> None:
    """Give a staff member a new one-time password (shown once); ends their web sessions and unlinks Telegram."""
    db = _db(config_path)
    password = _run(lambda: staff_core.reset_password(db, username), db)
    click.echo(f"New one-time password for {username}: {password}")


@staff.command("link-code")
@click.argument("username")
@config_option
def link_code(username: str, config_path: Path | None) -> None:
    """Print a one-time code the staff member sends to the bot as /koppla CODE to link Telegram."""
    db = _db(config_path)
    member = _run(lambda: staff_core.get_member(db, username))
    code = staff_core.create_link_code(db, member)
    click.echo(f"Send this to the bot in a private chat within {staff_core.LINK_CODE_MINUTES} minutes: /koppla {code}")
