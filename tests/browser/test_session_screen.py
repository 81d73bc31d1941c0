"""The big screen in a real browser: a facilitator drives it with the keyboard while two phones
(separate browser contexts) join with the code and answer."""

from __future__ import annotations

import re

import pytest

from bot.core.sessions.loader import load_scenarios
from tests.core.test_sessions_loader import SCENARIOS

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
# The smallest text on the big screen, as a share of its height (session.css --min-text): 36 px at
# 1080 lines, 24 px at 720 – the 18-point minimum of slide guidance, read from the back of a room.
MIN_TEXT_SHARE = 0.0333
PROJECTORS = [(1920, 1080), (1280, 720)]
# Every text on the screen the room reads (not the facilitator's buttons): its size, and whether the
# page is taller than the screen.
MEASURE = """minShare => {
  const h = window.innerHeight, min = h * minShare - 0.5, small = [];
  for (const el of document.querySelectorAll('.screen-bar *, .screen-body *, .site-footer *')) {
    if (el.closest('svg')) continue;
    const text = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
    if (!text) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < min) small.push(`${el.tagName}.${el.className} ${size.toFixed(1)}px: ${text.slice(0, 40)}`);
  }
  const bottom = Math.max(...[...document.querySelectorAll('.screen-body *')].map(e => e.getBoundingClientRect().bottom));
  return {height: h, scroll: document.documentElement.scrollHeight, bottom, small};
}"""


def test_big_screen_with_two_phone_participants(live_server, chromium, artifacts):
    scenario = load_scenarios(SCENARIOS)["parcel-fee-sms"]
    first = scenario.steps[0]
    screen_ctx = chromium.new_context(viewport={"width": 1920, "height": 1080})
    phones = [chromium.new_context(**PHONE) for _ in range(2)]
    try:
        screen = screen_ctx.new_page()
        screen.goto(f"{live_server}/session/ny")
        screen.check("input[value=parcel-fee-sms]")
        screen.click("text=Starta och visa storbilden")
        screen.wait_for_url(re.compile(r"/session/[A-Z0-9]{6}$"))
        code = screen.inner_text("#join-code").strip()
        assert re.fullmatch(r"[A-Z0-9]{6}", code)
        assert scenario.confidence_question in screen.inner_text("h1")
        screen.screenshot(path=str(artifacts / "session-screen-start.png"))

        pages = []
        for i, context in enumerate(phones):
            page = context.new_page()
            page.goto(f"{live_server}/delta")
            page.fill("#code", code.lower())
            page.click("button:has-text('Gå med')")
            page.wait_for_url(f"{live_server}/delta/{code}")
            page.click(f"button.answer[value='{3 + i}']")
            page.wait_for_selector("button.answer.chosen")
            pages.append(page)
        screen.wait_for_function("() => document.getElementById('answered').textContent.trim() === '2'")

        # → starts the first step on the screen; the phones follow by themselves
        screen.keyboard.press("ArrowRight")
        screen.wait_for_selector(f"h1.question:has-text('{first.question}')")
        assert first.situation[:40] in screen.inner_text(".situation")
        for page in pages:
            page.wait_for_selector("button.answer:has-text('A')", timeout=10_000)
        pages[0].click("button.answer[value='0']")
        pages[0].wait_for_selector("text=Du valde A")
        pages[0].click("button.answer[value='2']")  # changes her mind before the reveal
        pages[0].wait_for_selector("text=Du valde C")
        pages[1].click("button.answer[value='1']")
        pages[1].wait_for_selector("text=Du valde B")
        screen.wait_for_function("() => document.getElementById('answered').textContent.trim() === '2'")
        pages[0].screenshot(path=str(artifacts / "session-phone-question.png"), full_page=True)

        # R reveals: counts, the safe answer, the explanation and the discussion prompt
        screen.keyboard.press("r")
        screen.wait_for_selector(".option.safe")
        counts = [c.strip() for c in screen.locator(".option .count").all_inner_texts()]
        assert counts == ["0", "1", "1"]
        assert first.options[2].text in screen.inner_text(".option.safe")
        assert first.discussion in screen.inner_text(".explanation")
        screen.screenshot(path=str(artifacts / "session-screen-reveal.png"))

        # projector legibility: large type, white on black
        size = screen.eval_on_selector("h1.question", "e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 1080 * MIN_TEXT_SHARE
        colours = screen.evaluate("[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.querySelector('h1.question')).color]")
        assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]

        pages[0].wait_for_selector("text=Rätt val!", timeout=10_000)
        pages[1].wait_for_selector("text=Inte det säkraste valet", timeout=10_000)
        pages[1].screenshot(path=str(artifacts / "session-phone-reveal.png"), full_page=True)
        # too late to change: the phone's buttons are gone and the count stays
        assert pages[1].locator("button.answer").count() == 0

        # space reveals nothing more; → moves on to step 2 everywhere
        screen.keyboard.press("ArrowRight")
        screen.wait_for_selector(f"h1.question:has-text('{scenario.steps[1].question}')")
        for page in pages:
            page.wait_for_selector("text=Steg 2 av 5", timeout=10_000)
    finally:
        for context in (screen_ctx, *phones):
            context.close()


def test_every_phase_of_every_scenario_fits_a_projector_screen(live_server, chromium, artifacts):
    """No vertical scrolling in any phase of any shipped scenario at 1920×1080 and 1280×720, and no
    text the room reads below the minimum size; the facilitator's screen (with its buttons) is measured."""
    scenarios = load_scenarios(SCENARIOS)
    contexts = [chromium.new_context(viewport={"width": w, "height": h}) for w, h in PROJECTORS]
    problems: list[str] = []
    try:
        lead, other = (context.new_page() for context in contexts)
        for page in (lead, other):  # this test moves the pages itself: no reloads by the once-a-second poll
            page.route("**/state.json", lambda route: route.abort())
        for scenario_id in sorted(scenarios):
            lead.goto(f"{live_server}/session/ny")
            lead.check(f"input[value={scenario_id}]")
            lead.click("text=Starta och visa storbilden")
            lead.wait_for_url(re.compile(r"/session/[A-Z0-9]{6}$"))
            other.goto(lead.text_content(".notes code"))  # the facilitator link, on the second screen
            phases = 0
            while True:
                version = lead.get_attribute("[data-session]", "data-version")
                phase = version.split(":")[0]
                for page, (width, height) in zip((lead, other), PROJECTORS):
                    if page is other:
                        page.reload()
                    page.wait_for_selector(f"[data-version='{version}'][data-fitted='{width}x{height}']")
                    found = page.evaluate(MEASURE, MIN_TEXT_SHARE)
                    where = f"{scenario_id} {phase} #{phases} at {width}×{height}"
                    if found["scroll"] > height or found["bottom"] > height:
                        problems.append(f"{where}: {found['scroll']} px tall")
                        page.screenshot(path=str(artifacts / f"session-overflow-{scenario_id}-{phases}-{height}.png"))
                    problems += [f"{where}: too small: {s}" for s in found["small"]]
                phases += 1
                if lead.locator("#form-reveal").count():
                    lead.click("#form-reveal button")
                elif lead.locator("#form-next").count():
                    lead.click("#form-next button")
                else:
                    break
                lead.wait_for_function("v => document.querySelector('[data-session]')?.getAttribute('data-version') !== v", arg=version)
            assert phase == "finished" and phases == 2 * len(scenarios[scenario_id].steps) + (
                3 if scenarios[scenario_id].has_confidence else 1), scenario_id
    finally:
        for context in contexts:
            context.close()
    assert problems == []


def test_the_screen_shows_the_full_join_address_and_a_qr_code_beside_the_code(live_server, chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 720})
    phone = chromium.new_context(**PHONE)
    try:
        screen = context.new_page()
        screen.goto(f"{live_server}/session/ny")
        screen.click("text=Starta och visa storbilden")
        screen.wait_for_url(re.compile(r"/session/[A-Z0-9]{6}$"))
        code = screen.inner_text("#join-code").strip()
        host = live_server.split("://", 1)[1]
        assert screen.inner_text(".join-url") == f"{host}/delta"  # the whole address, not just "/delta"
        assert screen.locator(".qr svg title").text_content() == f"QR-kod till {host}/delta, kod {code}"
        box = screen.locator(".qr svg").bounding_box()
        assert box["height"] >= 0.3 * 720  # big while people join
        # what the QR code opens: the join page with the code filled in
        page = phone.new_page()
        page.goto(f"{live_server}/delta?kod={code}")
        assert page.input_value("#code") == code
        page.click("button:has-text('Gå med')")
        page.wait_for_url(f"{live_server}/delta/{code}")
    finally:
        context.close()
        phone.close()


@pytest.mark.parametrize("theme", ["", "high-contrast"], ids=["default", "high-contrast"])
def test_session_pages_have_no_serious_accessibility_violations(live_server, chromium, theme):
    from tests.browser.test_web_pages import serious_violations

    contexts = [chromium.new_context(viewport={"width": 1920, "height": 1080}), chromium.new_context(**PHONE)]
    try:
        for context in contexts:
            if theme:
                context.add_cookies([{"name": "display", "value": theme, "url": live_server}])
        screen, phone = (context.new_page() for context in contexts)
        problems = {}
        screen.goto(f"{live_server}/session/ny")
        problems["/session/ny"] = serious_violations(screen)
        screen.check("input[value=bank-security-call]")
        screen.click("text=Starta och visa storbilden")
        screen.wait_for_url(re.compile(r"/session/[A-Z0-9]{6}$"))
        code = screen.inner_text("#join-code").strip()
        phone.goto(f"{live_server}/delta?kod={code}")
        problems["/delta"] = serious_violations(phone)
        phone.click("button:has-text('Gå med')")
        phone.wait_for_url(f"{live_server}/delta/{code}")
        assert (theme in phone.get_attribute("body", "class")) if theme else True  # the resident's display choice
        for phase in ("before", "question", "revealed"):
            screen.wait_for_selector(f".screen.phase-{phase}[data-fitted]")
            problems[f"screen {phase}"] = serious_violations(screen)
            phone.wait_for_selector(f"[data-session][data-version^='{phase}:']", timeout=10_000)  # the phone follows by itself
            problems[f"phone {phase}"] = serious_violations(phone)
            screen.click("#form-next button" if phase == "before" else "#form-reveal button" if phase == "question" else "#form-next button")
        screen.click("#form-finish button")
        screen.wait_for_selector(".screen.phase-finished[data-fitted]")
        problems["screen finished"] = serious_violations(screen)
        assert {k: v for k, v in problems.items() if v} == {}
    finally:
        for context in contexts:
            context.close()


def test_staff_facilitator_codes_page_has_no_serious_accessibility_violations(live_server, live_folder, chromium):
    from tests.browser.test_web_pages import _logged_in_admin, serious_violations

    context, page = _logged_in_admin(chromium, live_server, live_folder)
    try:
        page.goto(f"{live_server}/staff/ledarkoder")
        page.fill("#label", "PRO Sollefteå")
        page.click("button:has-text('Skapa ledarkod')")
        page.wait_for_selector(".secret")
        assert serious_violations(page) == []
    finally:
        context.close()
