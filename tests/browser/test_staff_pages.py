"""The warnings page and the staff dashboard in a real browser against `fraudbot serve`: four eyes
for a correction, the urgent question, headers, no CSP violations, a parsing feed, and axe-core
in both themes (normal and high contrast)."""

from __future__ import annotations

import re
import urllib.request
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import feedparser
import pytest

from bot.core.alerts import workflow
from bot.core.staff import accounts as staff_core
from bot.storage import alerts as store
from bot.storage import residents
from bot.storage.db import open_database
from bot.storage.staff import find_staff
from tests.browser.test_web_pages import PHONE, serious_violations

pytestmark = pytest.mark.browser
PASSWORD = "ett långt lösenord för test"
# Quoted as the server's Set-Cookie quotes it: unquoted, a browser would send only the first word.
THEMES = {"normal": "", "high-contrast": "high-contrast", "large-high-contrast": '"large-text high-contrast"'}
HOSTILE = 'Sms från "Banken" & BankID <b>nu</b>'


@pytest.fixture(scope="module")
def live_data(live_server, live_folder):
    """Staff accounts and warnings written straight into the live server's database."""
    db = open_database(live_folder / "fraudbot.db")
    people = {}
    for name, role in (("webb-anna", "editor"), ("webb-bo", "approver"), ("webb-cia", "approver"), ("webb-admin", "admin")):
        member = find_staff(db, name)
        if member is None:
            member, _ = staff_core.create_staff(db, name, role, actor="test")
            staff_core.change_password(db, member, PASSWORD)
        people[name] = find_staff(db, name)
    for chat, place in ((90_001, "Kramfors"), (90_002, "Kramfors"), (90_003, "Härnösand")):
        residents.ensure_resident(db, chat, f"webkey{chat}", "sv")
        residents.subscribe(db, chat, municipality=place, lang="sv")

    def sent(title, text, **kw):
        alert = workflow.create(db, people["webb-anna"], title=title, text=text, **kw)
        workflow.approve(db, people["webb-bo"], alert.id)
        store.set_state(db, alert.id, "sent", datetime.now(timezone.utc), sent=True)
        return store.get_alert(db, alert.id)

    urgent = sent("Falska poliser ringer just nu", "Lägg på. Polisen ber aldrig om dina koder.", severity="urgent",
                  municipalities=("Kramfors",))
    hostile = sent(HOSTILE, "Klicka inte på länken & svara inte.")
    old = sent("Falsk hemtjänst", "Släpp inte in någon.")
    draft = workflow.withdraw(db, people["webb-anna"], old.id, text="Besöken var riktiga.")
    workflow.approve(db, people["webb-cia"], draft.id)
    yield {"db": db, "people": people, "urgent": urgent, "hostile": hostile}
    db.conn.close()


def _login(chromium, live_server, username, display=""):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    if display:
        context.add_cookies([{"name": "display", "value": display, "url": live_server}])
    page = context.new_page()
    page.goto(f"{live_server}/staff/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Logga in')")
    page.wait_for_url(re.compile(r"/staff(\?.*)?$"))
    return context, page


def _csp_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    return errors


def test_a_correction_needs_a_second_person_in_the_browser(live_server, live_data, chromium, artifacts):
    alert = live_data["hostile"]
    context, page = _login(chromium, live_server, "webb-bo")
    try:
        page.goto(f"{live_server}/staff/varningar/{alert.id}")
        page.fill("#ctitle", "Rättat: sms från banken")
        page.fill("#ctext", "Rätt text: ring banken på numret på ditt kort.")
        page.click("button:has-text('Spara rättelsen för godkännande')")
        page.wait_for_url(re.compile(r"\?ok=rattelse$"))
        assert "ändrar ingenting förrän en annan godkännare" in page.inner_text("main")
        draft_url = page.url.split("?")[0]
        assert page.locator("button:has-text('Godkänn')").count() == 0
        public = context.new_page()
        public.goto(f"{live_server}/varningar")
        assert "Klicka inte på länken" in public.inner_text("main") and "Rätt text" not in public.inner_text("main")
        page.screenshot(path=str(artifacts / "web-staff-correction-draft.png"), full_page=True)
    finally:
        context.close()
    context, page = _login(chromium, live_server, "webb-cia")
    try:
        page.goto(draft_url)
        page.click("button:has-text('Godkänn rättelsen och skicka')")
        page.wait_for_url(re.compile(r"\?ok=ersatt$"))
        page.goto(f"{live_server}/varningar")
        text = page.inner_text("main")
        assert "Rätt text: ring banken" in text and "Klicka inte på länken" not in text
    finally:
        context.close()


def test_urgent_approval_asks_once_more_with_the_number_reached(live_server, live_data, chromium, artifacts):
    context, page = _login(chromium, live_server, "webb-anna")
    try:
        page.goto(f"{live_server}/staff/varningar")
        page.fill("#title", "Falska bankmän vid dörren")
        page.fill("#text", "Släpp inte in någon som säger att den kommer från banken.")
        page.check("input[name=severity][value=urgent]")
        page.check("input[name=municipality][value=Kramfors]")
        page.check("input[name=topic][value=doorstep-fraud]")
        page.fill("#expires", "2027-01-15T18:00")
        page.click("button:has-text('Förhandsgranska')")
        preview = page.inner_text("#forhandsgranskning")
        assert "🚨 BRÅDSKANDE VARNING: Falska bankmän vid dörren" in preview and "till 2 prenumeranter" in preview
        page.click("button:has-text('Spara och skicka för godkännande')")
        page.wait_for_url(re.compile(r"/staff/varningar/\d+\?ok=skriven(#.*)?$"))
        assert "15 januari 2027 kl. 18.00" in page.inner_text("main")
        url = page.url.split("?")[0]
    finally:
        context.close()
    context, page = _login(chromium, live_server, "webb-bo")
    try:
        page.goto(url)
        page.click("button:has-text('Godkänn och skicka')")
        page.wait_for_selector("#bekrafta")
        confirm = page.inner_text("#bekrafta")
        assert "till 2 personer i Kramfors" in confirm
        page.screenshot(path=str(artifacts / "web-staff-urgent-confirm.png"), full_page=True)
        page.click("button:has-text('Ja, skicka till 2 personer')")
        page.wait_for_url(re.compile(r"\?ok=godkand$"))
        assert "Telegram är inte påslaget" in page.inner_text("main")
    finally:
        context.close()


def test_headers_and_no_policy_violations_on_the_pages(live_server, live_data, chromium):
    context, page = _login(chromium, live_server, "webb-anna")
    try:
        errors = _csp_errors(page)
        staff = page.goto(f"{live_server}/staff/varningar/{live_data['urgent'].id}")
        headers = staff.headers
        assert headers["cache-control"] == "no-store" and "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff" and headers["server"] == "fraudbot"
        assert page.locator("meta[name=robots][content='noindex, nofollow']").count() == 1
        public = page.goto(f"{live_server}/varningar")
        assert "script-src 'self'" in public.headers["content-security-policy"]
        assert public.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        page.check("input[name=high-contrast]")  # chat.js applies it at once: scripts run under the policy
        page.wait_for_function("() => document.body.classList.contains('high-contrast')")
        page.goto(f"{live_server}/staff/varningar")
        assert errors == []
    finally:
        context.close()


def test_live_feed_parses_with_a_hostile_host_header(live_server, live_data):
    request = urllib.request.Request(f"{live_server}/varningar.atom", headers={"Host": 'evil.example"><x'})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read().decode("utf-8")
    ET.fromstring(body.encode("utf-8"))
    feed = feedparser.parse(body)
    assert not feed.bozo and "evil" not in body
    assert any(e.title.startswith("🚨 BRÅDSKANDE VARNING: Falska poliser") for e in feed.entries)
    assert all(e.link.startswith(live_server) for e in feed.entries)


def test_the_progress_script_updates_the_bar(live_server, chromium):
    """static/staff-warning.js against a status answered by the browser (Telegram is off on the live server)."""
    context = chromium.new_context()
    try:
        page = context.new_page()
        states = iter([{"state": "sending", "sent": 5, "total": 10, "queued": 5, "in_flight": 0, "failed": 0, "blocked": 0,
                        "done_share": 0.5, "eta_text": "under en minut kvar"},
                       {"state": "sent", "sent": 9, "total": 10, "queued": 0, "in_flight": 0, "failed": 0, "blocked": 1,
                        "done_share": 1.0, "eta_text": ""}])
        page.route("**/status.json", lambda route: route.fulfill(json=next(states)))
        page.goto(f"{live_server}/robots.txt")
        page.set_content('<progress id="progress" max="1" value="0" data-status-url="/staff/varningar/1/status.json"></progress>'
                         '<p id="progress-text"></p>')
        page.add_script_tag(url=f"{live_server}/static/staff-warning.js")
        page.wait_for_function("() => document.getElementById('progress-text').textContent.includes('Klart')")
        assert page.inner_text("#progress-text") == "9 av 10 skickade, 0 i kö, 0 misslyckades, 1 har blockerat boten. Klart."
        assert page.evaluate("document.getElementById('progress').value") == 1
    finally:
        context.close()


@pytest.mark.parametrize("theme", list(THEMES))
def test_warnings_page_has_no_serious_accessibility_violations(live_server, live_data, chromium, theme):
    for lang in ("", "?lang=en"):
        context = chromium.new_context(**PHONE)
        try:
            if THEMES[theme]:
                context.add_cookies([{"name": "display", "value": THEMES[theme], "url": live_server}])
            page = context.new_page()
            page.goto(f"{live_server}/varningar{lang}")
            assert page.locator(".warning-urgent").count() >= 1
            assert page.locator("article").first.get_attribute("class").endswith("warning-urgent")  # urgent first
            if THEMES[theme]:
                assert "high-contrast" in page.get_attribute("body", "class")
            assert serious_violations(page) == [], (theme, lang)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"/varningar{lang} is {width} px wide on a phone ({theme})"
        finally:
            context.close()


@pytest.mark.parametrize("theme", ["normal", "high-contrast"])
def test_dashboard_pages_have_no_serious_accessibility_violations_in_both_themes(live_server, live_data, chromium, theme):
    urgent = live_data["urgent"].id
    pages = ["/staff", "/staff/varningar", f"/staff/varningar/{urgent}", f"/staff/varningar/{urgent}?bekrafta=1&fel=own_warning",
             "/staff/konto", "/staff/logg", "/staff/rapporterade", "/staff/kunskap?fraga=n%C3%A5gon+ringde", "/staff/rapport",
             "/staff/obesvarade", "/staff/sessioner", "/staff/konton"]
    context, page = _login(chromium, live_server, "webb-admin", THEMES[theme])
    try:
        problems = {}
        for path in pages:
            response = page.goto(live_server + path)
            assert response.status == 200, path
            if THEMES[theme]:
                assert "high-contrast" in page.get_attribute("body", "class")
            found = serious_violations(page)
            if found:
                problems[path] = found
        # The warning form with a preview shown.
        page.goto(f"{live_server}/staff/varningar")
        page.fill("#title", "Prov")
        page.fill("#text", "Provtext")
        page.click("button:has-text('Förhandsgranska')")
        page.wait_for_selector("#forhandsgranskning")
        found = serious_violations(page)
        if found:
            problems["preview"] = found
        assert problems == {}
    finally:
        context.close()
