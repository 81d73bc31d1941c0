"""The segment counter, GSM-7 replacement, the command parser and the SMS channel's own texts."""

from __future__ import annotations

import pytest

from bot.core.residents.service import MUNICIPALITIES
from bot.sms.commands import CONFIRM, ERASE, STOP, SUBSCRIBE, match_municipality, parse_command
from bot.sms.render import fit
from bot.sms.segments import count_segments, encoding_of, to_gsm7
from bot.sms.texts import sms_keys, sms_text


@pytest.mark.parametrize("text, segments", [
    ("", 0), ("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3), ("a" * 459, 3), ("a" * 460, 4),
    ("å" * 160, 1),  # å ä ö are GSM-7 basic characters: one septet
    ("€" * 80, 1), ("€" * 81, 2),  # the extension table counts two
    ("a" * 152 + "€" + "a" * 10, 2),  # an escape pair is never split: 152 + 2 does not fit 153
    ("ж" * 70, 1), ("ж" * 71, 2), ("ж" * 134, 2), ("ж" * 135, 3),  # UCS-2: 70 single, 67 per part
    ("😀" * 35, 1), ("😀" * 36, 2),  # an emoji is two UTF-16 units
])
def test_segment_counter(text, segments):
    assert count_segments(text) == segments


def test_escape_pair_boundary_is_counted_exactly():
    # 152 septets then an extension character: the pair moves to the next segment
    assert count_segments("a" * 152 + "€" + "a" * 151) == 2
    assert count_segments("a" * 152 + "€" + "a" * 152) == 3


def test_to_gsm7_keeps_swedish_and_replaces_typography():
    text = to_gsm7("Ring 114 14 – inte “numret” i sms:et… 🙂 Åsa, Öja, Älvkarleby, café, Müller, São Paulo")
    assert text == 'Ring 114 14 - inte "numret" i sms:et... Åsa, Öja, Älvkarleby, café, Müller, Sao Paulo'
    assert encoding_of(text) == "gsm7"


def test_text_without_a_gsm7_spelling_stays_ucs2():
    text = to_gsm7("Привет – 112")
    assert text == "Привет - 112" and encoding_of(text) == "ucs2"


@pytest.mark.parametrize("text", ["STOPP", "stopp", "Stopp.", "STOP", "stop!", " Stopp ", "stopp tack", "Stpp", "STOPPA", "sluta"])
def test_stop_in_any_case_and_spelling(text):
    assert parse_command(text).kind == STOP


@pytest.mark.parametrize("text", ["Kan jag stoppa en betalning som redan gått iväg?", "Hur stoppar jag bluffsamtal?"])
def test_questions_mentioning_stop_are_questions(text):
    assert parse_command(text) is None


def test_other_commands():
    assert parse_command("RADERA").kind == ERASE and parse_command("radera allt").kind == ERASE
    assert parse_command("Ja!").kind == CONFIRM and parse_command("JA tack").kind == CONFIRM
    command = parse_command("Varning Sollefteå")
    assert command.kind == SUBSCRIBE and match_municipality(command.argument, MUNICIPALITIES) == "Sollefteå"
    assert match_municipality("kramfros", MUNICIPALITIES) == "Kramfors"
    assert match_municipality("harnosand", MUNICIPALITIES) == "Härnösand"
    assert match_municipality("stockholm", MUNICIPALITIES) is None


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_own_texts_are_gsm7_and_short(lang):
    assert sms_keys(lang) == sms_keys("sv") and "ask_consent" in sms_keys(lang)
    for key in sms_keys(lang):
        text = sms_text(lang, key, municipality="Sollefteå", choices="Härnösand, Kramfors eller Sollefteå")
        assert encoding_of(text) == "gsm7", (lang, key)
        assert count_segments(text) <= 2, (lang, key)


def test_fit_keeps_head_first_step_and_footer_within_the_budget():
    head, footer = ["Det här ser ut som ett bedrägeri."], ["Ring 112.", "Polisen 114 14."]
    wanted = ["- " + "Klicka inte på länken och svara inte på meddelandet " * 12, "- Ett andra steg."]
    text = fit(head, wanted, footer, 3)
    assert count_segments(text) <= 3
    lines = text.splitlines()
    assert lines[0] == head[0] and lines[1].startswith("- Klicka inte") and lines[1].endswith("...")
    assert lines[-2:] == footer


def test_sms_settings_are_checked(tmp_path):
    from bot.config import ConfigError, load_config

    config = tmp_path / "c.yaml"
    config.write_text("sms:\n  provider: 46elks\n  api_user: u\n  number: '0701234567'\n  webhook_secret: short\n")
    with pytest.raises(ConfigError) as problems:
        load_config(config, {})
    text = str(problems.value)
    assert "sms.api_user / sms.api_password" in text and "sms.number" in text and "sms.webhook_secret" in text
    config.write_text("sms:\n  provider: 46elks\n  api_user: u\n  number: '+46766860000'\n"
                      "  webhook_secret: a-long-enough-secret-1234\n")
    loaded = load_config(config, {"FRAUDBOT_SMS_API_PASSWORD": "hemligt"})
    assert loaded.sms.enabled and loaded.sms.api_password.reveal() == "hemligt"
    assert "hemligt" not in repr(loaded) and "a-long-enough" not in repr(loaded)
    assert not load_config(None, {}).sms.enabled  # off by default
    with pytest.raises(ConfigError, match="sms.provider"):
        config.write_text("sms:\n  provider: twilio\n")
        load_config(config, {})
