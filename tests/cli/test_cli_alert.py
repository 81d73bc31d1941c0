"""fraudbot staff and fraudbot alert on a real database file: ids, four eyes, status, clear errors."""

import json

from click.testing import CliRunner

from bot.cli.main import cli


def run(tmp_path, *args):
    return CliRunner().invoke(cli, list(args), env={"FRAUDBOT_DB": str(tmp_path / "cli.db"), "FRAUDBOT_CONFIG": ""})


def test_two_staff_members_write_and_approve_from_the_command_line(tmp_path):
    added = run(tmp_path, "staff", "add", "anna", "--role", "editor")
    assert added.exit_code == 0 and "One-time password" in added.output
    assert run(tmp_path, "staff", "add", "bo", "--role", "approver").exit_code == 0
    created = run(tmp_path, "alert", "create", "--title", "Falska sms om vägtull", "--text", "Klicka inte.",
                  "--municipality", "Kramfors", "--topic", "sms-phishing", "--as", "anna")
    assert created.exit_code == 0, created.output
    alert_id = created.output.strip()
    assert alert_id.isdigit()

    own = run(tmp_path, "alert", "approve", alert_id, "--as", "anna")
    assert own.exit_code == 1 and "Error:" in own.output and "approver" in own.output
    approved = run(tmp_path, "alert", "approve", alert_id, "--as", "bo")
    assert approved.exit_code == 0 and "approved" in approved.output

    listing = run(tmp_path, "alert", "list")
    assert "Falska sms om vägtull" in listing.output and "Kramfors" in listing.output
    status = json.loads(run(tmp_path, "alert", "status", alert_id, "--json").output)
    assert status["state"] == "approved" and {"queued", "sent", "failed", "blocked", "eta_seconds"} <= set(status)


def test_bad_input_is_named_and_exits_non_zero(tmp_path):
    run(tmp_path, "staff", "add", "anna", "--role", "editor")
    unknown = run(tmp_path, "alert", "approve", "1", "--as", "nobody")
    assert unknown.exit_code == 1 and "no staff member called 'nobody'" in unknown.output
    bad_time = run(tmp_path, "alert", "create", "--title", "T", "--text", "X", "--at", "tisdag", "--as", "anna")
    assert bad_time.exit_code == 2 and "ISO" in bad_time.output
    twice = run(tmp_path, "staff", "add", "anna", "--role", "editor")
    assert twice.exit_code == 1 and "already" in twice.output
    assert run(tmp_path, "alert", "status", "99").exit_code == 1
