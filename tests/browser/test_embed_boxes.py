"""The boxes on a municipality's website, in a real browser: a page on a second loopback origin that
`web.embed_origins` allows embeds both (script tags and an iframe): the warnings show and a question
gets an answer, with no cookie; on a page from an origin not allowed, the boxes say so."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.core.staff.accounts import change_password, create_staff
from bot.storage.db import open_database
from tests.browser.conftest import running_serve
from tests.browser.test_web_pages import serious_violations
from tests.web.test_warnings_public import publish

pytestmark = pytest.mark.browser
WARNING_TITLE = "Falska poliser ringer äldre i Kramfors"
STAFF_PASSWORD = "ett långt lösenord"


def _municipal_page(service: str) -> bytes:
    """A municipality's page as a web editor would make it: its own styles, our code pasted in."""
    return f"""<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Kramfors kommun – Bedrägerier</title>
<style>:root {{ --fraudbot-accent: #00594f; }} body {{ font-family: Georgia, serif; max-width: 40rem; margin: 1rem auto; }}
h2 {{ color: hotpink; }}</style></head>
<body><main><h1>Skydda dig mot bedrägerier</h1>
<script src="{service}/static/embed.js" data-box="varningar" data-kommun="Kramfors" data-lang="sv" async></script>
<script src="{service}/static/embed.js" data-box="fraga" data-lang="sv" async></script>
<iframe id="frame" src="{service}/embed/varningar?kommun=Kramfors&amp;accent=%23aa0000" title="Aktuella varningar" width="100%" height="400"></iframe>
<iframe id="ask-frame" src="{service}/embed/fraga?lang=en" title="Ask Bedrägerikollen" width="100%" height="700"></iframe>
</main></body></html>""".encode()


class _Site:
    """A static website on its own loopback port (its own origin)."""

    def __init__(self, body: bytes):
        self.body = body
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                body = site.body
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def embedding(tmp_path_factory):
    """(service, allowed site, other site): `fraudbot serve` allowing only the first site to embed."""
    folder = tmp_path_factory.mktemp("embed")
    allowed, other = _Site(b""), _Site(b"")
    db = open_database(folder / "fraudbot.db")
    publish(db, WARNING_TITLE, text="Lägg på. Polisen ber aldrig om koder.", municipalities=("Kramfors",))
    member, _ = create_staff(db, "vera", "viewer")
    change_password(db, member, STAFF_PASSWORD)
    db.conn.close()
    config = folder / "config.yaml"
    config.write_text(f"web:\n  embed_origins: [{allowed.origin}]\n", encoding="utf-8")
    try:
        with running_serve(folder, "--config", str(config)) as service:
            allowed.body = other.body = _municipal_page(service)
            yield service, allowed.origin, other.origin
    finally:
        allowed.close()
        other.close()


def test_an_allowed_site_shows_the_warnings_and_gets_answers_without_cookies(chromium, embedding, artifacts):
    service, allowed, _ = embedding
    context = chromium.new_context(viewport={"width": 800, "height": 1200})
    page = context.new_page()
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto(allowed + "/")
    # The warnings box, in the page's own DOM (an open shadow root that Playwright's selectors pierce).
    warnings = page.locator(".fraudbot-embed section", has_text="Aktuella varningar för Kramfors")
    warnings.get_by_role("heading", name=WARNING_TITLE, exact=False).wait_for()
    assert "Lägg på. Polisen ber aldrig om koder." in warnings.inner_text()
    # The page's CSS variable reaches in, the page's h2 colour does not.
    heading_colour, border_colour = page.evaluate("""() => {
        const root = document.querySelector('.fraudbot-embed').shadowRoot;
        return [getComputedStyle(root.querySelector('h2')).color, getComputedStyle(root.querySelector('section')).borderTopColor];
    }""")
    assert heading_colour != "rgb(255, 105, 180)" and border_colour == "rgb(0, 89, 79)"
    # The iframe variant is allowed to show here too, coloured by its address.
    frame = page.frame_locator("#frame")
    frame.get_by_role("heading", name=WARNING_TITLE, exact=False).wait_for()
    warnings_frame = next(f for f in page.frames if "/embed/varningar" in f.url)
    assert warnings_frame.evaluate("""() => getComputedStyle(
        document.querySelector('.fraudbot-embed').shadowRoot.querySelector('section')).borderTopColor""") == "rgb(170, 0, 0)"
    # The ask box in an iframe posts from the service's own origin.
    ask_frame = page.frame_locator("#ask-frame")
    ask_frame.get_by_label("Write your question or paste the message you got").fill("Someone called from my bank")
    ask_frame.get_by_role("button", name="Ask").click()
    assert "112" in ask_frame.locator(".fb-answer article").inner_text()

    # Ask with the keyboard only: type, Tab to the button, Enter.
    box = page.locator(".fraudbot-embed section", has_text="Fråga Bedrägerikollen")
    field = box.get_by_label("Skriv din fråga eller klistra in meddelandet du fått")
    field.fill("Någon ringde och sa att han var från banken och ville ha mina koder")
    field.press("Tab")
    assert page.evaluate("() => document.activeElement.shadowRoot.activeElement.textContent") == "Fråga"
    page.keyboard.press("Enter")
    answer = box.locator(".fb-answer article")
    answer.wait_for()
    assert box.locator(".fb-answer").get_attribute("aria-live") == "polite"
    text = answer.inner_text()
    assert "112" in text and "114 14" in text
    assert answer.get_by_role("link", name="Läs mer på Bedrägerikollen").get_attribute("href").startswith(service + "/amnen/")
    assert context.cookies() == [] and page.evaluate("document.cookie") == ""
    assert failed == []
    assert serious_violations(page) == []
    page.screenshot(path=str(artifacts / "embed-allowed.png"), full_page=True)
    context.close()


def test_a_site_not_allowed_is_told_the_boxes_are_not_available_here(chromium, embedding, artifacts):
    service, _, other = embedding
    context = chromium.new_context(viewport={"width": 800, "height": 1200})
    page = context.new_page()
    page.goto(other + "/")
    for name in ("Aktuella varningar för Kramfors", "Fråga Bedrägerikollen"):
        box = page.locator(".fraudbot-embed section", has_text=name)
        status = box.get_by_role("status")
        status.filter(has_text="inte tillgänglig på den här webbplatsen").wait_for()
        assert box.get_by_role("link").get_attribute("href").startswith(service + "/")
    assert page.locator(".fraudbot-embed textarea").count() == 0
    # The iframes are refused by the browser itself (frame-ancestors): no box renders inside them.
    page.wait_for_load_state("load")
    assert len(page.frames) == 3 and all(f.locator(".fraudbot-embed").count() == 0 for f in page.frames[1:])
    assert WARNING_TITLE not in page.locator(".fraudbot-embed").first.inner_text()
    page.screenshot(path=str(artifacts / "embed-refused.png"), full_page=True)
    context.close()


def test_staff_copy_the_embed_code_and_the_social_post(chromium, embedding, artifacts):
    service, _, _ = embedding
    context = chromium.new_context(viewport={"width": 1100, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=service)
    page = context.new_page()
    page.goto(service + "/staff/login")
    page.fill("#username", "vera")
    page.fill("#password", STAFF_PASSWORD)
    page.click("button:has-text('Logga in')")
    page.wait_for_url(service + "/staff")
    page.get_by_role("link", name="Inbäddning").click()
    page.select_option("#kommun", "Kramfors")
    page.get_by_role("button", name="Visa koden").click()
    page.get_by_role("button", name="Kopiera script-taggen").first.click()
    page.get_by_role("status").filter(has_text="Kopierat.").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f'<script src="{service}/static/embed.js" data-box="varningar" data-kommun="Kramfors" data-lang="sv" data-nodnummer="112" async></script>'
    assert serious_violations(page) == []

    page.goto(service + "/staff/varningar")
    page.get_by_role("link", name=WARNING_TITLE).first.click()
    page.get_by_role("link", name="Gör ett inlägg för sociala medier (bild och text)").click()
    page.get_by_role("button", name="Kopiera inläggstexten").click()
    page.get_by_role("status").filter(has_text="Kopierat.").wait_for()
    post = page.evaluate("navigator.clipboard.readText()")
    assert post.startswith(f"Varning: {WARNING_TITLE} (Kramfors)") and "112" in post and "116 006" in post
    page.wait_for_function("() => [...document.querySelectorAll('figure img')].every(i => i.complete)")
    sizes = page.evaluate("() => [...document.querySelectorAll('figure img')].map(i => [i.naturalWidth, i.naturalHeight])")
    assert sizes == [[1080, 1080], [1200, 630]]
    assert serious_violations(page) == []
    page.screenshot(path=str(artifacts / "social-post.png"), full_page=True)
    context.close()
