"""Residents and staff in a real browser, and an automated accessibility check (axe-core) per page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
# axe-core 4.14.1 (Deque Systems), licensed MPL-2.0: vendored unchanged so CI needs no npm.
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
NEW_PASSWORD = "ett nytt långt lösenord"
PUBLIC_PAGES = ["/", "/amnen", "/amnen/bank-impersonation", "/integritet", "/varningar", "/staff/login"]
STAFF_PAGES = ["/staff", "/staff/kunskap?fraga=n%C3%A5gon+ringde+fr%C3%A5n+banken", "/staff/obesvarade",
               "/staff/rapporterade", "/staff/sessioner", "/staff/logg", "/staff/rapport", "/staff/konton",
               "/staff/losenord", "/staff/varningar", "/staff/inbaddning"]


def serious_violations(page) -> list[str]:
    """Run axe-core on the page; describe every serious or critical violation."""
    # Evaluated through the DevTools protocol: a <script> tag would be refused by the pages' CSP.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def ask_on_home(page, live_server: str, text: str, *, action: str = "ask", display: str = "") -> None:
    """Open `/`, optionally tick a display choice, ask `text` and wait for the answer."""
    page.goto(live_server + "/")
    if display:
        page.check(f"input[name={display}]")
    page.fill("#chat-text", text)
    page.click(f"button[value={action}]")
    page.locator("#answer article").wait_for()


def _admin_password(live_folder: Path) -> str:
    found = re.search(r"one-time password (\S+)", (live_folder / "serve.log").read_text(errors="replace"))
    assert found, "fraudbot serve did not print the first admin's one-time password"
    return found.group(1)


def _logged_in_admin(chromium, live_server, live_folder):
    """A browser page logged in as admin; on the first call it also changes the one-time password."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/staff/login")
    page.fill("#username", "admin")
    page.fill("#password", NEW_PASSWORD)
    page.click("button:has-text('Logga in')")
    if "Fel användarnamn" in page.content():
        one_time = _admin_password(live_folder)
        page.fill("#username", "admin")
        page.fill("#password", one_time)
        page.click("button:has-text('Logga in')")
        page.wait_for_url(re.compile(r"/staff/losenord$"))
        page.fill("#current", one_time)
        page.fill("#new", NEW_PASSWORD)
        page.fill("#repeat", NEW_PASSWORD)
        page.click("button:has-text('Byt lösenord')")
    page.wait_for_url(re.compile(r"/staff(\?.*)?$"))
    return context, page


def test_resident_asks_on_a_phone_and_sees_the_answer(live_server, chromium, artifacts):
    context = chromium.new_context(**PHONE)
    try:
        page = context.new_page()
        page.goto(live_server + "/")
        page.fill("#chat-text", "Någon ringde från banken och ville att jag skulle flytta pengarna till ett säkert konto")
        page.click("button[value=ask]")
        answer = page.locator("#answer article")
        answer.wait_for()
        text = answer.inner_text()
        assert "114 14" in text and "112" in text
        assert page.url.rstrip("/") == live_server  # answered in place by chat.js, no reload
        page.screenshot(path=str(artifacts / "web-resident-answer-phone.png"), full_page=True)
        page.fill("#chat-text", "Hej mamma, jag har tappat min telefon, detta är mitt nya nummer. Kan du swisha 4000 kr?")
        page.click("button[value=check]")
        page.wait_for_function("() => document.querySelector('#answer').innerText.includes('bedrägeri')")
        page.screenshot(path=str(artifacts / "web-resident-check-phone.png"), full_page=True)
    finally:
        context.close()


def test_chat_works_without_javascript_and_with_large_text(live_server, chromium, artifacts):
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 1024, "height": 800})
    try:
        page = context.new_page()
        page.goto(live_server + "/")
        page.check("input[name=large-text]")
        page.check("input[name=high-contrast]")
        page.click("text=Spara visning")
        assert "large-text" in page.get_attribute("body", "class")
        page.fill("#chat-text", "Det står en man vid dörren nu och säger att han är från polisen och vill ha mina smycken")
        page.click("button[value=ask]")
        assert "112" in page.inner_text("#answer")
        page.screenshot(path=str(artifacts / "web-resident-no-js-large-contrast.png"), full_page=True)
    finally:
        context.close()


def test_keyboard_only_reaches_the_question_box(live_server, chromium):
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(live_server + "/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Hoppa till innehållet"
        page.keyboard.press("Enter")
        for _ in range(15):  # an urgent-warning banner (left by another test) adds its links first
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "chat-text":
                break
        assert page.evaluate("document.activeElement.id") == "chat-text"
        page.keyboard.type("Jag fick ett sms från PostNord om en tullavgift")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.locator("#answer article").wait_for()
    finally:
        context.close()


def test_staff_logs_in_changes_the_one_time_password_and_sees_the_overview(live_server, live_folder, chromium, artifacts):
    context, page = _logged_in_admin(chromium, live_server, live_folder)
    try:
        assert page.inner_text("h1") == "Översikt"
        assert "frågor i dag" in page.inner_text("main")
        page.screenshot(path=str(artifacts / "web-staff-overview.png"), full_page=True)
        page.goto(f"{live_server}/staff/kunskap?fraga=n%C3%A5gon+ringde+fr%C3%A5n+banken+och+ville+ha+mina+koder")
        assert "Utfall:" in page.inner_text("main")
        page.screenshot(path=str(artifacts / "web-staff-knowledge.png"), full_page=True)
        page.click("button:has-text('Logga ut admin')")
        page.wait_for_url(re.compile(r"/staff/login$"))
    finally:
        context.close()


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_serious_accessibility_violations(live_server, chromium, path):
    context = chromium.new_context()
    try:
        page = context.new_page()
        response = page.goto(live_server + path)
        if response.status == 404:
            pytest.skip(f"{path} is not served by this build")
        assert serious_violations(page) == []
    finally:
        context.close()


def test_answer_and_high_contrast_have_no_serious_accessibility_violations(live_server, chromium):
    context = chromium.new_context()
    try:
        page = context.new_page()
        ask_on_home(page, live_server, "Någon ringde från banken och ville att jag skulle flytta pengarna till ett säkert konto",
                    display="high-contrast")
        assert serious_violations(page) == []
    finally:
        context.close()


def test_dashboard_pages_have_no_serious_accessibility_violations(live_server, live_folder, chromium):
    context, page = _logged_in_admin(chromium, live_server, live_folder)
    try:
        problems = {}
        for path in STAFF_PAGES:
            response = page.goto(live_server + path)
            assert response.status == 200, path
            found = serious_violations(page)
            if found:
                problems[path] = found
        assert problems == {}
    finally:
        context.close()


def test_the_accessibility_check_can_fail(chromium):
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.set_content('<html><body><main><input type="text"><img src="x.png"></main></body></html>')
        found = serious_violations(page)
        assert any(v.startswith(("label", "image-alt")) for v in found), found
    finally:
        context.close()
