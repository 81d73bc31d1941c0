"""Residents in a real browser: the answer in view on a phone and a desktop, with and without
JavaScript; numbers to tap; text that reflows at 320 px; the urgent-warning banner; nothing
identifying stored; axe-core clean in both themes."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

import pytest

from bot.storage import alerts as alert_store
from bot.storage.db import open_database
from tests.browser.test_web_pages import PHONE, ask_on_home, serious_violations

pytestmark = pytest.mark.browser
DESKTOP = {"viewport": {"width": 1366, "height": 768}}
QUESTION = "Någon ringde från banken och ville att jag skulle flytta pengarna till ett säkert konto"
IN_VIEW = """sel => { const r = document.querySelector(sel).getBoundingClientRect();
                      return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0; }"""


@pytest.mark.parametrize("device", ["phone", "desktop"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_answer_is_in_view_after_asking(live_server, chromium, artifacts, device, javascript):
    context = chromium.new_context(java_script_enabled=javascript, **(PHONE if device == "phone" else DESKTOP))
    try:
        page = context.new_page()
        ask_on_home(page, live_server, QUESTION)
        page.wait_for_function("document.activeElement && document.activeElement.id === 'svar'")
        assert page.evaluate(IN_VIEW, "#svar"), "the answer's heading is not on screen"
        # it leads with what to do now: that heading is on screen too, before the signs
        assert page.evaluate(IN_VIEW, "#answer article h4"), "'what to do now' is not on screen"
        assert page.inner_text("#answer article h4") == "Gör så här nu"
        if not javascript:
            assert page.url.endswith("/#svar")
        page.screenshot(path=str(artifacts / f"web-answer-in-view-{device}-{'js' if javascript else 'no-js'}.png"))
    finally:
        context.close()


def test_emergency_numbers_are_tel_links_that_never_wrap(live_server, chromium):
    context = chromium.new_context(**{**PHONE, "viewport": {"width": 320, "height": 640}})
    try:
        page = context.new_page()
        ask_on_home(page, live_server, "Polisen står utanför dörren just nu och vill hämta mina smycken", display="large-text")
        links = page.evaluate("""() => [...document.querySelectorAll('#answer a.tel')].map(a => [a.getAttribute('href'),
                                    a.textContent, a.getClientRects().length])""")
        hrefs = {href for href, _, _ in links}
        assert {"tel:112", "tel:11414", "tel:116006"} <= hrefs
        assert all(lines == 1 for _, _, lines in links), links  # one line box each: "114 14" is not split
        assert page.evaluate(IN_VIEW, ".urgent-now a.tel"), "112 is not on screen with the answer"
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/", "/amnen/bank-impersonation", "/amnen", "/integritet"])
@pytest.mark.parametrize("large_text", [False, True], ids=["normal", "large-text"])
def test_text_reflows_at_320_px_without_sideways_scrolling(live_server, chromium, path, large_text):
    context = chromium.new_context(viewport={"width": 320, "height": 640})
    try:
        if large_text:
            context.add_cookies([{"name": "display", "value": "large-text", "url": live_server}])
        page = context.new_page()
        page.goto(live_server + path)
        assert ("large-text" in page.get_attribute("body", "class")) == large_text
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width} px wide at 320 px"
    finally:
        context.close()


def test_a_name_and_street_address_typed_in_the_browser_never_reach_the_database(live_server, live_folder, chromium):
    secrets = ["Sigvard", "Nordlund", "Nybrogatan", "872 30", "TLM 739"]
    context = chromium.new_context(**PHONE)
    try:
        ask_on_home(context.new_page(), live_server, "Hej! Jag heter Sigvard Nordlund och bor på Nybrogatan 9, 872 30 Kramfors. "
                    "En bil med regnummer TLM 739 stod utanför och en man sa att han var från banken")
    finally:
        context.close()
    db = sqlite3.connect(live_folder / "fraudbot.db")
    try:
        stored = db.execute("SELECT text FROM questions WHERE text LIKE '%[namn]%[adress]%'").fetchall()
        assert stored, "the question was not logged"
        found = []
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            for row in db.execute(f"SELECT * FROM [{table}]"):
                found += [f"{table}: {s}" for s in secrets for v in row if isinstance(v, str) and s in v]
        assert found == []
    finally:
        db.close()
    for path in live_folder.glob("fraudbot.db*"):
        data = path.read_bytes()
        assert [s for s in secrets if s.encode() in data] == [], path.name


def _publish_urgent_warning(live_folder) -> int:
    """An urgent warning for Kramfors, sent, written straight into the live server's database."""
    db = open_database(live_folder / "fraudbot.db")
    try:
        author = db.execute("SELECT id FROM staff WHERE username = 'admin'").fetchone()[0]  # made at the first start
        now = datetime.now(timezone.utc)
        alert = alert_store.insert_alert(
            db, title_sv="Falska poliser ringer i Kramfors", text_sv="Lägg på. Polisen frågar aldrig efter koder.",
            title_en="Fake police calling in Kramfors", text_en="Hang up. The police never ask for codes.",
            severity="urgent", topics=(), municipalities=("Kramfors",), expires_at=None, scheduled_at=None,
            state="approved", created_by=author, now=now)
        alert_store.set_state(db, alert.id, "sent", now, sent=True)
        return alert.id
    finally:
        db.close()


def test_urgent_warning_banner_for_the_chosen_municipality(live_server, live_folder, chromium, artifacts):
    _publish_urgent_warning(live_folder)
    context = chromium.new_context(**PHONE)
    try:
        page = context.new_page()
        page.goto(live_server + "/")
        page.select_option("#kommun", "Kramfors")
        page.click("button:has-text('Spara kommun')")
        page.wait_for_selector(".urgent-banner")
        assert page.evaluate(IN_VIEW, ".urgent-banner .banner-title"), "the banner is not at the top"
        assert "Falska poliser ringer i Kramfors" in page.inner_text(".urgent-banner")
        page.screenshot(path=str(artifacts / "web-urgent-banner-phone.png"))
        page.goto(live_server + "/amnen")
        page.goto(live_server + "/")  # remembered
        assert page.locator(".urgent-banner").count() == 1
        page.select_option("#kommun", "Sollefteå")
        page.click("button:has-text('Spara kommun')")
        page.wait_for_selector("#kommun option[value='Sollefteå'][selected]", state="attached")
        assert page.locator(".urgent-banner").count() == 0
    finally:
        context.close()


def test_delete_my_questions_in_the_browser(live_server, live_folder, chromium):
    context = chromium.new_context()
    try:
        page = context.new_page()
        ask_on_home(page, live_server, "Jag fick ett konstigt sms om en tullavgift för ett paket, kod 99321")
        token = page.input_value("#chat-form input[name=conversation]")
        page.reload()  # the same window keeps its token (sessionStorage), though the page made a new one
        assert page.input_value("#chat-form input[name=conversation]") == token
        assert page.input_value("#radera input[name=conversation]") == token
        page.click("button:has-text('Radera mina frågor')")
        assert "Texten i 1 frågor från det här fönstret är raderad" in page.inner_text("#radera")
    finally:
        context.close()
    db = sqlite3.connect(live_folder / "fraudbot.db")
    try:
        assert db.execute("SELECT COUNT(*) FROM questions WHERE text LIKE '%tullavgift%99321%'").fetchone()[0] == 0
    finally:
        db.close()


@pytest.mark.parametrize("theme", ["", "high-contrast"], ids=["default", "high-contrast"])
def test_resident_pages_have_no_serious_accessibility_violations_in_both_themes(live_server, live_folder, chromium, theme):
    _publish_urgent_warning(live_folder)
    context = chromium.new_context()
    try:
        if theme:
            context.add_cookies([{"name": "display", "value": theme, "url": live_server}])
        page = context.new_page()
        problems = {}
        for path in ["/", "/?lang=en", "/amnen/bank-impersonation", "/integritet", "/amnen"]:
            page.goto(live_server + path)
            problems[path] = serious_violations(page)
        ask_on_home(page, live_server, "Polisen står vid dörren just nu och vill ha mina smycken")
        problems["/ with an urgent answer"] = serious_violations(page)
        assert page.locator(".urgent-banner").count() == 1
        assert {k: v for k, v in problems.items() if v} == {}
    finally:
        context.close()
