import yaml
from click.testing import CliRunner

from bot.cli.main import cli


def test_validate_shipped_knowledge_exits_zero():
    result = CliRunner().invoke(cli, ["kb", "validate"])
    assert result.exit_code == 0, result.output
    assert "OK: 40 topics" in result.output


def test_validate_broken_copy_prints_file_line_and_exits_nonzero(kb_copy):
    path = kb_copy / "deepfake-voice.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["sv"]["title"] = ["not", "text"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    node = yaml.compose(path.read_text(encoding="utf-8"))
    sv = next(v for k, v in node.value if k.value == "sv")
    title_line = next(k.start_mark.line + 1 for k, _ in sv.value if k.value == "title")
    result = CliRunner().invoke(cli, ["kb", "validate", str(kb_copy)])
    assert result.exit_code == 1
    assert f"deepfake-voice.yaml:{title_line}: sv.title: expected text, got a list" in result.output


def test_list_flags_overdue_topics(kb_copy):
    path = kb_copy / "rental-scam.yaml"
    text = path.read_text(encoding="utf-8")
    import re

    path.write_text(re.sub(r"^reviewed: .*$", "reviewed: 2020-01-01", text, flags=re.M), encoding="utf-8")
    env = {"FRAUDBOT_CONFIG": ""}
    config = kb_copy.parent / "c.yaml"
    config.write_text(f"knowledge:\n  path: {kb_copy}\n  review_days: 180\n")
    result = CliRunner().invoke(cli, ["kb", "list", "--config", str(config)], env=env)
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if line.startswith("rental-scam"))
    assert "OVERDUE" in line
    assert "1 overdue" in result.output
