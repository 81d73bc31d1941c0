import json

from click.testing import CliRunner

from bot.cli.main import cli


def test_ask_prints_a_readable_reply_ending_with_what_to_do():
    result = CliRunner().invoke(cli, ["ask", "ngn ringde fran banken o sa att jag skulle flytta pengarna"])
    assert result.exit_code == 0, result.output
    assert "114 14" in result.output and "116 006" in result.output
    assert result.output.rstrip().splitlines()[-1].startswith("→")


def test_ask_json_has_the_documented_fields():
    result = CliRunner().invoke(cli, ["ask", "--json", "hej"])
    data = json.loads(result.output)
    assert data["status"] == "fallback" and data["topic"] is None
    assert set(data) >= {"status", "topic", "score", "candidates", "urgent", "lang"}


def test_ask_jsonl_keeps_order_and_reports_bad_lines():
    lines = "\n".join([
        json.dumps({"text": "Hej mamma jag har nytt nummer"}),
        "not json",
        json.dumps({"text": "when is the library open?"}),
    ])
    result = CliRunner().invoke(cli, ["ask", "--jsonl"], input=lines + "\n")
    out = [json.loads(line) for line in result.output.splitlines()]
    assert len(out) == 3
    assert out[0]["topic"] == "family-impersonation"
    assert "error" in out[1] and "line 2" in out[1]["error"]
    assert out[2]["status"] == "fallback" and out[2]["lang"] == "en"


def test_check_json_and_jsonl():
    result = CliRunner().invoke(cli, ["check", "--json", "Betala 29 kr i tull: https://postnord-tull.top/x"])
    data = json.loads(result.output)
    assert data["risk"] == "high"
    assert all(set(s) >= {"id", "explanation"} for s in data["signals"])
    assert "sms-phishing" in data["topics"]
    result = CliRunner().invoke(cli, ["check", "--jsonl"], input='{"text": "Din kod är 1234"}\n{"text": "swisha 5 000 kr nu"}\n')
    risks = [json.loads(line)["risk"] for line in result.output.splitlines()]
    assert risks[0] == "low" and risks[1] in ("medium", "high")


def test_check_plain_never_says_safe():
    result = CliRunner().invoke(cli, ["check", "Vi ses på söndag!"])
    assert result.exit_code == 0
    assert "inte att meddelandet är säkert" in result.output


def test_ask_without_text_is_a_usage_error():
    result = CliRunner().invoke(cli, ["ask"])
    assert result.exit_code == 2
    assert "--jsonl" in result.output


def test_bad_config_stops_before_anything_runs(tmp_path):
    bad = tmp_path / "c.yaml"
    bad.write_text("web:\n  port: 99999\n")
    result = CliRunner().invoke(cli, ["ask", "--config", str(bad), "hej"])
    assert result.exit_code == 2
    assert "web.port" in result.output


def test_an_urgent_reply_leads_with_the_action_that_fits():
    result = CliRunner().invoke(cli, ["ask", "HAN FRÅN BANKEN LÅTER MIG INTE LÄGGA PÅ VAD GÖR JAG"])
    assert result.output.splitlines()[0].startswith("⚠ Lägg på nu")
    result = CliRunner().invoke(cli, ["ask", "jag har swish öppen och ska betala honom nu"])
    assert result.output.splitlines()[0].startswith("⚠ Avbryt i appen och betala inte")


def test_jsonl_lines_with_a_conversation_id_are_one_conversation():
    lines = "\n".join(json.dumps(item) for item in [
        {"text": "en polis ringde och sa att de skickar ett bud efter mitt bankkort", "conversation": "a"},
        {"text": "jag har redan gett dem koden", "conversation": "a"},
        {"text": "jag har redan gett dem koden", "conversation": "b"},
        {"text": "jag har redan gett dem koden"},
    ])
    result = CliRunner().invoke(cli, ["ask", "--jsonl"], input=lines + "\n")
    first, same, other, none = [json.loads(line) for line in result.output.splitlines()]
    assert same["status"] == "followup" and same["followup"] == "already_did" and same["topic"] == first["topic"]
    assert other["status"] != "followup" and none["status"] != "followup"
