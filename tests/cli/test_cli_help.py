"""Every command has help text, and the README mentions every top-level command."""

from pathlib import Path

import click
from click.testing import CliRunner

from bot.cli.main import cli

README = Path(__file__).resolve().parents[2] / "README.md"


def _commands(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")


def test_every_command_has_help():
    runner = CliRunner()
    for name, command in _commands(cli):
        assert command.help, f"fraudbot {name} has no help text"
        result = runner.invoke(cli, [*name.split(), "--help"])
        assert result.exit_code == 0, name
        assert "Usage:" in result.output


def test_readme_documents_every_command():
    readme = README.read_text(encoding="utf-8")
    for name, _ in _commands(cli):
        assert f"fraudbot {name}" in readme, f"README does not mention `fraudbot {name}`"
