"""`fraudbot`: the command-line face of Bedrägerikollen."""

from __future__ import annotations

import click

from bot import __version__
from bot.cli.alert import alert
from bot.cli.ask import ask, check
from bot.cli.backup import backup
from bot.cli.kb import kb
from bot.cli.purge import purge
from bot.cli.report import report
from bot.cli.scenarios import scenarios
from bot.cli.serve import serve
from bot.cli.staff import staff


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="fraudbot")
def cli() -> None:
    """Bedrägerikollen – fraud-awareness chatbot and warning service.

    Residents ask about suspicious calls, messages and visits; staff push approved warnings.
    """


cli.add_command(serve)
cli.add_command(kb)
cli.add_command(scenarios)
cli.add_command(ask)
cli.add_command(check)
cli.add_command(staff)
cli.add_command(alert)
cli.add_command(report)
cli.add_command(purge)
cli.add_command(backup)
