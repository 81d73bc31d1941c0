"""`fraudbot scenarios validate` and `list` on the shipped folder and a broken copy."""

import shutil
from pathlib import Path

from click.testing import CliRunner

from bot.cli.main import cli

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_validate_shipped_scenarios_exits_zero():
    result = CliRunner().invoke(cli, ["scenarios", "validate"])
    assert result.exit_code == 0, result.output
    assert "OK: 13 scenarios" in result.output


def test_validate_broken_copy_prints_file_line_field(tmp_path):
    folder = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS, folder)
    path = folder / "parcel-fee-sms.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("minutes: 20", "minutes: tjugo"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["scenarios", "validate", str(folder)])
    assert result.exit_code == 1
    assert "parcel-fee-sms.yaml:4: minutes: expected a whole number from 5 to 180, got 'tjugo'" in result.output


def test_list_shows_every_scenario():
    result = CliRunner().invoke(cli, ["scenarios", "list"])
    assert result.exit_code == 0, result.output
    assert "parcel-fee-sms" in result.output and "13 scenarios" in result.output
