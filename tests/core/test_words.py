"""The message catalogues: every language has every key with the same placeholders, every key the code
uses exists, and a new language is a new .po file."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.core import words
from bot.core.alerts.text import alert_text, refusal_text
from bot.core.answering.reply import labels
from bot.telegram.texts import COMMANDS
from bot.web.public_text import UI

BOT = Path(__file__).resolve().parents[2] / "bot"
REGION_PLACEHOLDERS = {"municipalities", "police_area", "emergency", "police", "support", "example_group"}


@pytest.fixture
def shipped():
    """The shipped catalogues, restored after a test that points elsewhere."""
    previous = words.use_catalogues(None)
    yield
    words.use_catalogues(previous)


def test_every_catalogue_has_the_same_keys_and_placeholders(shipped):
    catalogues = words.load_catalogues(words.LOCALE_DIR)
    assert set(catalogues) >= {"sv", "en"}
    source = catalogues["sv"]
    for lang, texts in catalogues.items():
        assert set(texts) == set(source), f"{lang}: keys differ from sv: {sorted(set(texts) ^ set(source))}"
        for key, text in texts.items():
            assert text.strip(), f"{lang} {key}: empty"
            assert words.placeholders(text) == words.placeholders(source[key]), f"{lang} {key}: placeholders differ"


def test_a_catalogue_never_names_the_region_itself(shipped):
    """Places and numbers come from the region file through placeholders, never from the catalogue."""
    for lang, texts in words.load_catalogues(words.LOCALE_DIR).items():
        for key, text in texts.items():
            assert not re.search(r"\b1\d\d\b|\d{3} \d", text), f"{lang} {key}: a phone number: {text!r}"


def _keys_used_in_code() -> set[str]:
    """Keys the code and templates name literally, in their full form (`telegram.greeting`)."""
    used: set[str] = set()
    for path in BOT.rglob("*"):
        if path.suffix not in {".py", ".html", ".atom"} or "locale" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        for key in re.findall(r"\bt\([^,()]+,\s*[\"']([a-z_]+(?:\.[a-z_]+)*)[\"']", source):
            used.add(key if "." in key else f"telegram.{key}")  # the Telegram adapter's own t() adds "telegram."
        if path.suffix != ".py":
            used.update(f"web.{k}" for k in re.findall(r"\bui\.(\w+)", source))
        for name in re.findall(r"\blab(?:els\([^)]*\))?\[[\"'](\w+)[\"']\]", source):
            used.add(f"reply.{name}")
        for name in re.findall(r"\bUI\[\w+\]\[[\"'](\w+)[\"']\]", source):
            used.add(f"web.{name}")
    return used


def test_every_key_the_code_uses_exists_in_every_catalogue(shipped):
    used = _keys_used_in_code()
    assert len(used) > 80, "the scan found too few keys to be looking in the right places"
    for lang, texts in words.load_catalogues(words.LOCALE_DIR).items():
        missing = sorted(k for k in used if k not in texts)
        assert not missing, f"{lang}: keys used in code but missing: {missing}"


def test_every_refusal_of_the_warning_rules_has_a_text_for_staff(shipped):
    """Each AlertError code the core raises, and each form problem, is worded in every catalogue."""
    source = "".join(p.read_text(encoding="utf-8") for p in (BOT / "core" / "alerts").glob("*.py"))
    codes = set(re.findall(r"AlertError\(.*?\"(\w+)\"\)", source)) | set(re.findall(r"problem\(\"(\w+)\"", source))
    assert {"own_warning", "role", "not_awaiting", "title_length"} <= codes
    for lang, texts in words.load_catalogues(words.LOCALE_DIR).items():
        missing = sorted(c for c in codes if f"staff.error.{c}" not in texts and f"staff.problem.{c}" not in texts)
        assert not missing, f"{lang}: refusals without a text: {missing}"


def test_every_refusal_of_the_account_rules_has_a_text_for_staff(shipped):
    codes = set(re.findall(r"StaffError\(.*?, \"(\w+)\"\)", (BOT / "core" / "staff" / "accounts.py").read_text(encoding="utf-8")))
    assert {"password", "username", "exists"} <= codes
    for lang, texts in words.load_catalogues(words.LOCALE_DIR).items():
        assert not sorted(c for c in codes if f"staff.account.{c}" not in texts), lang


def test_refusals_reach_swedish_staff_in_swedish(shipped):
    own = refusal_text("own_warning", [])
    assert "godkännare" in own and "approver" not in own
    assert refusal_text("invalid", [("municipality", {"names": ["Åby"]})]) == "Okänd kommun: Åby."
    assert "four-eyes" in refusal_text("own_warning", [], "en")


def test_region_fills_the_placeholders(shipped):
    greeting = words.t("sv", "telegram.greeting")
    assert "{" not in greeting and "Bedrägerikollen" in greeting
    assert words.t("en", "telegram.report_not_police").count("polisen.se") == 1
    with pytest.raises(KeyError):
        words.t("sv", "telegram.no_such_key")
    with pytest.raises(KeyError):
        words.t("sv", "telegram.offer_subscribe")  # its {municipality} was not given


def test_a_third_language_is_one_more_file(tmp_path, shipped):
    """Copy the English catalogue as German with one text changed: every part of the service sees it."""
    folder = tmp_path / "locale"
    shutil.copytree(words.LOCALE_DIR, folder)
    german = folder / "de" / "LC_MESSAGES" / "fraudbot.po"
    german.parent.mkdir(parents=True)
    text = (folder / "en" / "LC_MESSAGES" / "fraudbot.po").read_text(encoding="utf-8")
    text = text.replace('msgstr "How to recognise it"', 'msgstr "So erkennen Sie es"')
    text = text.replace('msgstr "Ask Bedrägerikollen"', 'msgstr "Fragen Sie Bedrägerikollen"')
    text = text.replace('msgstr "Start here"', 'msgstr "Hier beginnen"')
    text = text.replace('msgstr "Warning"', 'msgstr "Warnung"')
    german.write_text(text, encoding="utf-8")
    words.use_catalogues(folder)
    assert words.languages() == ("sv", "de", "en")
    assert labels("de")["signs"] == "So erkennen Sie es"
    assert "de" in UI and UI["de"]["title"] == "Fragen Sie Bedrägerikollen"
    assert COMMANDS["de"][0] == ("start", "Hier beginnen")
    assert words.section("de", "severity")["warning"] == "Warnung"
    # a language without a catalogue falls back to Swedish, the source language
    assert labels("fi")["signs"] == labels("sv")["signs"] == "Så känner du igen det"


def test_editing_a_po_file_is_enough(tmp_path, shipped):
    """No compiled .mo: the .po file as a translator saved it is what the service reads."""
    folder = tmp_path / "locale"
    shutil.copytree(words.LOCALE_DIR, folder)
    po = folder / "sv" / "LC_MESSAGES" / "fraudbot.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Gör så här nu"', 'msgstr "Gör så här"'), encoding="utf-8")
    assert not list(folder.rglob("*.mo"))
    words.use_catalogues(folder)
    assert labels("sv")["what_to_do"] == "Gör så här"


def test_an_alert_for_everyone_names_the_region(shipped):
    from datetime import datetime, timezone

    from bot.storage.alert_model import Alert

    now = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
    alert = Alert(id=1, title_sv="Falska poliser", text_sv="Lägg på.", title_en=None, text_en=None, severity="warning",
                  topics=(), municipalities=(), expires_at=None, scheduled_at=None, state="sent", created_by=1,
                  approved_by=2, created_at=now, sent_at=now, correction_of=None, withdrawn=False)
    text = alert_text(alert, "sv")
    assert text.where == words.t("sv", "alert.all") and "{" not in text.where
    assert text.heading == "⚠️ Varning: Falska poliser"


def test_dates_come_in_every_language_babel_knows():
    from datetime import date

    from bot.core.content.local_time import format_date

    assert format_date(date(2026, 12, 1)) == "1 december 2026"
    assert format_date(date(2026, 12, 1), lang="en") == "1 December 2026"
    assert format_date(date(2026, 3, 1), lang="de") == "1 März 2026"
    assert format_date(date(2026, 3, 1), lang="zz") == "1 mars 2026"  # unknown: Swedish, the source language


def test_every_privacy_paragraph_and_staff_code_has_its_text(shipped):
    """The texts moved out of Python: each channel's paragraphs and each code the staff pages name are in
    every catalogue, and the views the templates read cover every code the storage knows."""
    from bot.core.residents.privacy import PARAGRAPHS, privacy_notice
    from bot.storage.alert_model import SEVERITIES, STATES
    from bot.storage.staff import ROLES
    from bot.web import staff_words as w

    for lang, texts in words.load_catalogues(words.LOCALE_DIR).items():
        for channel, names in PARAGRAPHS.items():
            assert all(f"privacy.{channel}.{name}" in texts for name in names), (lang, channel)
    for channel, names in PARAGRAPHS.items():
        notice = privacy_notice("sv", 30, channel=channel)
        assert len(notice) == len(names) and all("{" not in p for p in notice)
    assert "30 dagar" in " ".join(privacy_notice("sv", 30)) and "/glom" in privacy_notice("en", 30)[-1]
    assert set(w.ROLES) == set(ROLES) and set(w.STATES) == set(STATES) and set(w.SEVERITIES) == set(SEVERITIES)
    assert set(w.SEVERITY_HELP) == set(SEVERITIES)
    assert w.AUDIT_ACTIONS["staff.login"] == "loggade in" and "staff.login" in set(w.AUDIT_ACTIONS)
    assert w.AUDIT_ACTIONS.get("no.such", "no.such") == "no.such"
    assert w.flash({"ok": "avbruten"}) == ("Avbruten. Inget skickas.", "")
