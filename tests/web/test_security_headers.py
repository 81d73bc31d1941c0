"""Headers on every response: CSP without inline script, framing, caching, compression, no version."""

import re
from pathlib import Path

import pytest

from tests.web.conftest import add_staff, login, running_app

TEMPLATES = Path(__file__).resolve().parents[2] / "bot" / "web" / "templates"


@pytest.fixture
async def embedding_client(tmp_path):
    async with running_app(tmp_path, embed_origins=("https://www.kramfors.se", "https://www.solleftea.se")) as client:
        yield client


def _policy(resp) -> dict[str, str]:
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in resp.headers["Content-Security-Policy"].split("; ")}


async def test_public_and_staff_pages_carry_the_security_headers(app_client):
    add_staff(app_client.services, "anna", "viewer")
    public = await app_client.get("/varningar")
    policy = _policy(public)
    assert policy["script-src"] == "'self'" and "unsafe-inline" not in public.headers["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'" and public.headers["X-Frame-Options"] == "DENY"
    assert public.headers["X-Content-Type-Options"] == "nosniff"
    assert public.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert public.headers["Server"] == "fraudbot" and not re.search(r"\d", public.headers["Server"])
    assert "Strict-Transport-Security" not in public.headers  # plain http here; see test_auth for https
    assert "no-store" not in public.headers.get("Cache-Control", "")
    html = await public.text()
    assert '<meta name="description" content="' in html and 'rel="icon"' in html and "noindex" not in html
    await login(app_client, "anna")
    staff = await app_client.get("/staff")
    assert staff.headers["Cache-Control"] == "no-store" and staff.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert _policy(staff)["frame-ancestors"] == "'none'" and staff.headers["Referrer-Policy"] == "no-referrer"
    assert '<meta name="robots" content="noindex, nofollow">' in await staff.text()
    login_page = await app_client.get("/staff/login")
    assert login_page.headers["Cache-Control"] == "no-store" and "noindex" in await login_page.text()
    missing = await app_client.get("/no-such-page")
    assert missing.status == 404 and missing.headers["Server"] == "fraudbot" and "Content-Security-Policy" in missing.headers


async def test_only_the_resident_pages_may_be_framed_by_the_configured_sites(embedding_client):
    public = await embedding_client.get("/varningar")
    assert _policy(public)["frame-ancestors"] == "https://www.kramfors.se https://www.solleftea.se"
    assert "X-Frame-Options" not in public.headers
    staff = await embedding_client.get("/staff/login")
    assert _policy(staff)["frame-ancestors"] == "'none'" and staff.headers["X-Frame-Options"] == "DENY"


async def test_static_files_are_versioned_cached_and_compressed(app_client):
    html = await (await app_client.get("/")).text()
    css = re.search(r'href="(/static/site\.css\?v=[^"]+)"', html).group(1)
    resp = await app_client.get(css, headers={"Accept-Encoding": "gzip"})
    assert resp.status == 200 and resp.headers["Content-Encoding"] == "gzip"
    assert resp.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert ":root" in await resp.text()  # the client unpacks it
    plain = await app_client.get("/static/site.css", headers={"Accept-Encoding": "identity"})
    assert plain.headers["Cache-Control"] == "public, max-age=3600" and "Content-Encoding" not in plain.headers
    page = await app_client.get("/varningar", headers={"Accept-Encoding": "gzip, br"})
    assert page.headers["Content-Encoding"] == "gzip"
    icon = await app_client.get("/favicon.ico")
    assert icon.status == 200 and (await icon.read())[:4] == b"\x00\x00\x01\x00"
    robots = await (await app_client.get("/robots.txt")).text()
    assert "Disallow: /staff" in robots


async def test_staff_pages_are_never_compressed(app_client):
    # CSRF tokens next to text taken from the address, compressed together, leak through sizes (BREACH).
    resp = await app_client.get("/staff/login?next=/staff", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in resp.headers


def test_no_template_has_inline_script_or_event_handlers():
    found = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for match in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:", text, re.IGNORECASE):
            found.append(f"{template.relative_to(TEMPLATES)}: {match.group(0)}")
    assert found == []
