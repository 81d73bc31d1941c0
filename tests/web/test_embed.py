"""The boxes for municipalities' websites: CORS only for `web.embed_origins`, preflight, framing only
by those sites, no cookies, and the dashboard page with the code to paste."""

import pytest

from tests.web.conftest import add_staff, login, running_app
from tests.web.test_warnings_public import publish

ALLOWED = "https://www.kramfors.se"
OTHER = "https://evil.example"


@pytest.fixture
async def client(tmp_path):
    async with running_app(tmp_path, embed_origins=(ALLOWED, "https://www.solleftea.se"),
                           public_url="https://bedragerikollen.example.se") as client:
        yield client


def _frame_ancestors(resp) -> str:
    policy = dict(part.split(" ", 1) for part in resp.headers["Content-Security-Policy"].split("; "))
    return policy["frame-ancestors"]


async def test_the_warnings_answer_cors_for_an_allowed_site_only(client):
    publish(client.services.db.db, "Falska poliser ringer", municipalities=("Kramfors",))
    resp = await client.get("/embed/api/varningar?kommun=Kramfors", headers={"Origin": ALLOWED})
    assert resp.status == 200
    assert resp.headers["Access-Control-Allow-Origin"] == ALLOWED and "Origin" in resp.headers["Vary"]
    assert "Access-Control-Allow-Credentials" not in resp.headers
    body = await resp.json()
    assert [w["title"] for w in body["warnings"]] == ["Falska poliser ringer"]
    refused = await client.get("/embed/api/varningar", headers={"Origin": OTHER})
    assert refused.status == 403 and "Access-Control-Allow-Origin" not in refused.headers
    assert "Falska poliser" not in await refused.text()
    # A look-alike is not the allowed origin: no prefix, suffix or other scheme matches.
    for near in (ALLOWED + ".evil.example", "http://www.kramfors.se", ALLOWED + ":8443", "null"):
        resp = await client.get("/embed/api/status", headers={"Origin": near})
        assert resp.status == 403 and "Access-Control-Allow-Origin" not in resp.headers, near


async def test_preflight_is_answered_for_an_allowed_site_and_refused_for_others(client):
    ask_first = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    resp = await client.options("/embed/api/fraga", headers={"Origin": ALLOWED, **ask_first})
    assert resp.status == 204
    assert resp.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "POST" in resp.headers["Access-Control-Allow-Methods"]
    assert resp.headers["Access-Control-Allow-Headers"].lower() == "content-type"
    assert int(resp.headers["Access-Control-Max-Age"]) > 0
    refused = await client.options("/embed/api/fraga", headers={"Origin": OTHER, **ask_first})
    assert refused.status == 403 and "Access-Control-Allow-Origin" not in refused.headers


async def test_a_question_from_an_allowed_site_gets_the_answer_with_the_numbers(client):
    resp = await client.post("/embed/api/fraga", json={"text": "Någon ringde och sa att han var från banken", "lang": "sv"},
                             headers={"Origin": ALLOWED})
    assert resp.status == 200 and resp.headers["Access-Control-Allow-Origin"] == ALLOWED
    body = await resp.json()
    assert body["status"] == "answer" and body["topic"]
    reply = body["reply"]
    assert reply["title"] and reply["sections"] and reply["sections"][0]["items"]
    assert any("112" in line for line in reply["footer"]) and any("114 14" in line for line in reply["footer"])
    assert reply["topic_url"] == f"https://bedragerikollen.example.se/amnen/{body['topic']}"
    # Errors reach the box too (with CORS), so it can say what went wrong.
    empty = await client.post("/embed/api/fraga", json={"text": " "}, headers={"Origin": ALLOWED})
    assert empty.status == 400 and empty.headers["Access-Control-Allow-Origin"] == ALLOWED
    refused = await client.post("/embed/api/fraga", json={"text": "Någon ringde från banken"}, headers={"Origin": OTHER})
    assert refused.status == 403 and "Access-Control-Allow-Origin" not in refused.headers
    # The iframe box posts from the service's own origin: answered, no CORS header needed.
    own = await client.post("/embed/api/fraga", json={"text": "Någon ringde från banken"},
                            headers={"Origin": "https://bedragerikollen.example.se"})
    assert own.status == 200 and "Access-Control-Allow-Origin" not in own.headers
    fetched = await client.post("/embed/api/fraga", json={"text": "Någon ringde från banken"},
                                headers={"Origin": "http://127.0.0.1:1", "Sec-Fetch-Site": "same-origin"})
    assert fetched.status == 200


async def test_without_embed_origins_every_site_is_refused(tmp_path):
    async with running_app(tmp_path) as client:
        for origin in (ALLOWED, OTHER):
            resp = await client.get("/embed/api/varningar", headers={"Origin": origin})
            assert resp.status == 403 and "Access-Control-Allow-Origin" not in resp.headers
            pre = await client.options("/embed/api/fraga", headers={"Origin": origin, "Access-Control-Request-Method": "POST"})
            assert pre.status == 403 and "Access-Control-Allow-Origin" not in pre.headers
        page = await client.get("/embed/varningar")
        assert _frame_ancestors(page) == "'none'" and page.headers["X-Frame-Options"] == "DENY"


async def test_the_iframe_pages_may_be_framed_by_the_allowed_sites_only(client):
    for path in ("/embed/varningar?kommun=Kramfors", "/embed/fraga?lang=en"):
        resp = await client.get(path)
        assert resp.status == 200
        assert _frame_ancestors(resp) == f"{ALLOWED} https://www.solleftea.se" and "X-Frame-Options" not in resp.headers
        html = await resp.text()
        assert "/static/embed.js" in html and "<script>" not in html
    assert 'data-kommun="Kramfors"' in await (await client.get("/embed/varningar?kommun=Kramfors")).text()
    assert 'lang="en"' in await (await client.get("/embed/fraga?lang=en")).text()
    assert "data-kommun" not in await (await client.get('/embed/varningar?kommun="><script>')).text()
    staff = await client.get("/staff/inbaddning")
    assert _frame_ancestors(staff) == "'none'" and staff.headers["X-Frame-Options"] == "DENY"


async def test_no_embed_address_sets_a_cookie(client):
    publish(client.services.db.db, "Falska poliser ringer")
    requests = [
        ("GET", "/embed/varningar", {}), ("GET", "/embed/fraga?lang=en", {}), ("GET", "/static/embed.js", {}),
        ("GET", "/static/embed.css", {}), ("GET", "/embed/api/status", {"Origin": ALLOWED}),
        ("GET", "/embed/api/varningar", {"Origin": ALLOWED}), ("OPTIONS", "/embed/api/fraga", {"Origin": ALLOWED}),
        ("POST", "/embed/api/fraga", {"Origin": ALLOWED}), ("GET", "/embed/api/varningar", {"Origin": OTHER}),
    ]
    for method, path, headers in requests:
        kwargs = {"json": {"text": "Någon ringde från banken"}} if method == "POST" else {}
        resp = await client.request(method, path, headers=headers, **kwargs)
        assert resp.status < 500, (method, path)
        assert "Set-Cookie" not in resp.headers, (method, path, resp.headers.getall("Set-Cookie"))
        assert not resp.cookies, (method, path)


async def test_the_dashboard_shows_the_code_per_municipality_and_language(client):
    resp = await client.get("/staff/inbaddning", allow_redirects=False)
    assert resp.status == 302 and resp.headers["Location"].startswith("/staff/login")
    add_staff(client.services, "vera", "viewer")
    await login(client, "vera")
    html = await (await client.get("/staff/inbaddning?kommun=Sollefte%C3%A5&lang=en")).text()
    assert ('&lt;script src=&#34;https://bedragerikollen.example.se/static/embed.js&#34; data-box=&#34;varningar&#34; '
            'data-kommun=&#34;Sollefteå&#34; data-lang=&#34;en&#34; data-nodnummer=&#34;112&#34; async&gt;&lt;/script&gt;') in html
    assert "https://bedragerikollen.example.se/embed/fraga?kommun=Sollefte%C3%A5&amp;lang=en" in html
    assert html.count('data-copy="') == 4 and "--fraudbot-accent" in html and ALLOWED in html
    assert 'href="/staff/inbaddning" aria-current="page"' in html


async def test_the_dashboard_says_when_no_site_may_embed(tmp_path):
    async with running_app(tmp_path) as client:
        add_staff(client.services, "vera", "viewer")
        await login(client, "vera")
        html = await (await client.get("/staff/inbaddning")).text()
        assert "Ingen webbplats får visa rutorna än" in html and "web.public_url" in html
