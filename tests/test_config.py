from pathlib import Path

import pytest

from bot.config import ConfigError, Secret, load_config


def test_defaults_without_a_file():
    config = load_config(None, {})
    assert config.storage.path == Path("fraudbot.db")
    assert (config.web.host, config.web.port) == ("127.0.0.1", 8080)
    assert config.default_language == "sv"
    assert not config.telegram.enabled
    assert config.privacy.retention_days == 30
    assert config.knowledge.review_days == 180


def test_environment_overrides_database_and_token():
    config = load_config(None, {"FRAUDBOT_DB": "/tmp/x.db", "FRAUDBOT_TELEGRAM_TOKEN": "123:abc"})
    assert config.storage.path == Path("/tmp/x.db")
    assert config.telegram.enabled and config.telegram.token.reveal() == "123:abc"


def test_config_path_from_environment(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text("web:\n  port: 9000\n")
    assert load_config(None, {"FRAUDBOT_CONFIG": str(f)}).web.port == 9000


def test_example_config_is_valid_and_documents_every_setting():
    root = Path(__file__).resolve().parent.parent
    example = root / "config.example.yaml"
    config = load_config(example, {})
    import dataclasses

    text = example.read_text()
    for section in ("storage", "web", "knowledge", "telegram", "privacy", "alerts"):
        for f in dataclasses.fields(getattr(config, section)):
            assert f"{f.name}:" in text, f"config.example.yaml does not document {section}.{f.name}"


def test_bad_settings_are_named_with_what_was_expected(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text("web:\n  port: lots\n  colour: red\ndefault_language: fi\nalerts:\n  quiet_start: '25:00'\nmystery: 1\n")
    with pytest.raises(ConfigError) as err:
        load_config(f, {})
    text = "\n".join(err.value.problems)
    assert "web.port: expected a whole number, got 'lots'" in text
    assert "web.colour: unknown setting" in text
    assert "default_language: expected one of sv, en, got 'fi'" in text
    assert "alerts.quiet_start: expected a time of day as HH:MM" in text
    assert "mystery: unknown setting" in text


def test_missing_or_broken_file_is_reported(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml", {})
    bad = tmp_path / "bad.yaml"
    bad.write_text("web:\n  port: [1,\n")
    with pytest.raises(ConfigError, match="line"):
        load_config(bad, {})


def test_webhook_mode_needs_https_url_and_secret():
    with pytest.raises(ConfigError) as err:
        load_config(None, {"FRAUDBOT_TELEGRAM_TOKEN": "1:a"}) if False else _webhook()
    assert any("telegram.webhook_url" in p for p in err.value.problems)
    assert any("telegram.webhook_secret" in p for p in err.value.problems)


def _webhook():
    from bot.config import _build

    return _build({"telegram": {"token": "1:a", "mode": "webhook"}}, "test")


def test_secret_never_shows_in_repr():
    config = load_config(None, {"FRAUDBOT_TELEGRAM_TOKEN": "123456:SECRETSECRET"})
    assert "SECRET" not in repr(config)
    assert "SECRET" not in str(Secret("SECRET"))


def test_public_url_is_the_base_of_absolute_links(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("web:\n  public_url: https://bedragerikollen.se/\n", encoding="utf-8")
    assert load_config(path).web.base_url == "https://bedragerikollen.se"
    assert load_config(None, {}).web.base_url == "http://127.0.0.1:8080"  # unset: where the app listens
    for bad in ("bedragerikollen.se", "ftp://x.se", "https://x.se?a=1", "https://user@x.se", "https://a b.se"):
        path.write_text(f"web:\n  public_url: '{bad}'\n", encoding="utf-8")
        with pytest.raises(ConfigError, match="web.public_url: expected the site's address"):
            load_config(path)


def test_public_url_and_embed_origins(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text("web:\n  public_url: https://bedragerikollen.example.se/\n  embed_origins: [https://www.kramfors.se, 'http://localhost:8000']\n")
    config = load_config(f)
    assert config.web.base_url == "https://bedragerikollen.example.se"
    assert config.web.embed_origins == ("https://www.kramfors.se", "http://localhost:8000")
    assert load_config(None, {}).web.base_url == "http://127.0.0.1:8080"
    f.write_text("web:\n  public_url: bedragerikollen.se/x\n  embed_origins: ['https://a.se/page', 5]\n")
    with pytest.raises(ConfigError) as err:
        load_config(f)
    text = str(err.value)
    assert "web.public_url: expected the site's address" in text and "web.embed_origins: expected a list of strings" in text
    f.write_text("web:\n  embed_origins: ['https://a.se/page']\n")
    with pytest.raises(ConfigError, match="no path"):
        load_config(f)
