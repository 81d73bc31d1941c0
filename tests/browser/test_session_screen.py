"""The big screen in a real browser: a facilitator drives it with the keyboard while two phones
(separate browser contexts) join with the code and answer."""

from __future__ import annotations

import re

import pytest

from bot.core.sessions.loader import load_scenarios
from tests.core.test_sessions_loader import SCENARIOS

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


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
        assert size >= 48
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
