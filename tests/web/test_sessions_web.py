"""The big screen and phone answers over HTTP: start, join with a code, vote, reveal, refusals, CSRF."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.host import create_app
from bot.web.sessions import GUIDED
from tests.helpers import make_services

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
async def server(tmp_path):
    services = make_services(tmp_path)
    server = TestServer(create_app(services, telegram=False))
    await server.start_server()
    server.services = services
    yield server
    await server.close()
    services.close()


async def browser(server) -> TestClient:
    """A separate client with its own cookie jar, like a separate phone or laptop."""
    client = TestClient(server)
    await client.start_server()
    return client


def csrf(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


async def start_session(lead: TestClient, scenario: str = "parcel-fee-sms", facilitator_code: str = "") -> str:
    page = await lead.get("/session/ny")
    assert page.status == 200
    html = await page.text()
    assert f'value="{scenario}"' in html
    resp = await lead.post("/session/ny", data={"scenario": scenario, "csrf_token": csrf(html), "ledarkod": facilitator_code},
                           allow_redirects=False)
    assert resp.status == 303
    code = resp.headers["Location"].rsplit("/", 1)[1]
    assert re.fullmatch(r"[A-Z0-9]{6}", code)
    return code


async def join(phone: TestClient, code: str) -> str:
    page = await phone.get("/delta")
    resp = await phone.post("/delta", data={"code": code.lower()[:3] + " " + code.lower()[3:], "csrf_token": csrf(await page.text())},
                            allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == f"/delta/{code}"
    page = await phone.get(f"/delta/{code}")
    return csrf(await page.text())


async def state(client: TestClient, code: str) -> dict:
    resp = await client.get(f"/session/{code}/state.json")
    assert resp.status == 200
    return await resp.json()


async def issue_code(server, label: str = "PRO Härnösand", expires=None) -> str:
    _, code = await server.app[GUIDED].codes.issue(label, "tester", expires)
    return code


async def test_a_whole_screen_session_with_two_phones(server):
    lead, anna, bertil = await browser(server), await browser(server), await browser(server)
    try:
        code = await start_session(lead, facilitator_code=(await issue_code(server)).lower())  # typed in any case
        screen = await lead.get(f"/session/{code}")
        html = await screen.text()
        assert code in html and "Ledarens anteckningar" in html and "form-next" in html
        lead_token = csrf(html)
        assert (await state(lead, code))["facilitator"] is True

        anna_token, bertil_token = await join(anna, code), await join(bertil, code)
        # nobody but the facilitator drives: a phone's cookies carry no facilitator token
        refused = await anna.post(f"/session/{code}/nasta", data={"csrf_token": anna_token}, allow_redirects=False)
        assert refused.status == 403
        viewer = await state(anna, code)
        assert viewer["facilitator"] is False and "notes" not in viewer

        # confidence before, from the phones
        for phone, token, sure in ((anna, anna_token, "2"), (bertil, bertil_token, "4")):
            resp = await phone.post(f"/delta/{code}/svar", data={"confidence": sure, "csrf_token": token}, allow_redirects=False)
            assert resp.status == 303
        assert (await state(lead, code))["answered"] == 2
        await lead.post(f"/session/{code}/nasta", data={"csrf_token": lead_token})
        s = await state(anna, code)
        assert (s["phase"], s["step"], s["mine"]) == ("question", 0, None)
        assert "reveal" not in s

        # votes, one changed
        await anna.post(f"/delta/{code}/svar", data={"step": "0", "option": "0", "csrf_token": anna_token})
        await anna.post(f"/delta/{code}/svar", data={"step": "0", "option": "2", "csrf_token": anna_token})
        await bertil.post(f"/delta/{code}/svar", data={"step": "0", "option": "1", "csrf_token": bertil_token})
        assert (await state(anna, code))["mine"] == 2
        page = await anna.get(f"/delta/{code}")
        assert "Du valde C" in await page.text()
        s = await state(lead, code)
        assert s["answered"] == 2 and "reveal" not in s and s["mine"] is None

        # a participant cannot reveal; the facilitator can, with JSON for the screen's script
        assert (await anna.post(f"/session/{code}/visa", data={"csrf_token": anna_token})).status == 403
        resp = await lead.post(f"/session/{code}/visa", data={"csrf_token": lead_token}, headers={"Accept": "application/json"})
        assert resp.status == 200
        s = await resp.json()
        assert s["phase"] == "revealed" and s["reveal"]["counts"] == [0, 1, 1]
        assert [o["safe"] for o in s["reveal"]["options"]] == [False, False, True]
        screen = await (await lead.get(f"/session/{code}")).text()
        assert "Prata om" in screen and 'class="option safe"' in screen

        # too late to change: refused, and the count stays
        resp = await bertil.post(f"/delta/{code}/svar", data={"step": "0", "option": "2", "csrf_token": bertil_token},
                                 headers={"Accept": "application/json"})
        assert resp.status == 409 and (await resp.json())["error"] == "revealed"
        resp = await bertil.post(f"/delta/{code}/svar", data={"step": "0", "option": "2", "csrf_token": bertil_token},
                                 allow_redirects=False)
        assert resp.headers["Location"] == f"/delta/{code}?fel=revealed"
        assert "redan visat" in await (await bertil.get(resp.headers["Location"])).text()
        assert (await state(lead, code))["reveal"]["counts"] == [0, 1, 1]
        page = await (await anna.get(f"/delta/{code}")).text()
        assert "Rätt val!" in page

        # the rest of the steps, then the closing question and the summary
        guided = server.app[GUIDED]
        scenario = guided.scenarios["parcel-fee-sms"]
        for index in range(1, len(scenario.steps)):
            await lead.post(f"/session/{code}/nasta", data={"csrf_token": lead_token})
            await anna.post(f"/delta/{code}/svar", data={"step": str(index), "option": "0", "csrf_token": anna_token})
            await lead.post(f"/session/{code}/visa", data={"csrf_token": lead_token})
        await lead.post(f"/session/{code}/nasta", data={"csrf_token": lead_token})
        assert (await state(lead, code))["phase"] == "after"
        await anna.post(f"/delta/{code}/svar", data={"confidence": "5", "csrf_token": anna_token})
        await lead.post(f"/session/{code}/nasta", data={"csrf_token": lead_token})
        s = await state(lead, code)
        assert s["phase"] == "finished" and s["summary"]["participants"] == 2
        assert s["summary"]["before"] == 3.0 and s["summary"]["after"] == 5.0
        assert "Bra jobbat" in await (await lead.get(f"/session/{code}")).text()
        # a finished session takes no new participants
        late = await browser(server)
        page = await late.get("/join")
        resp = await late.post("/join", data={"code": code, "csrf_token": csrf(await page.text())})
        assert resp.status == 404 and "ingen pågående session" in await resp.text()
        await late.close()

        rows = server.services.db.db.execute("SELECT participants, answers, finished FROM session_results").fetchall()
        assert rows == [(2, rows[0][1], 1)] and '"fee-sms": [0, 1, 1]' in rows[0][1]
    finally:
        for client in (lead, anna, bertil):
            await client.close()


async def test_post_without_the_csrf_token_is_refused(server):
    lead = await browser(server)
    try:
        await lead.get("/session/ny")
        resp = await lead.post("/session/ny", data={"scenario": "parcel-fee-sms"})
        assert resp.status == 403 and "CSRF" in await resp.text()
        resp = await lead.post("/session/ny", data={"scenario": "parcel-fee-sms", "csrf_token": "forged"})
        assert resp.status == 403
        code = await start_session(lead)
        resp = await lead.post(f"/session/{code}/nasta", data={"csrf_token": "forged"})
        assert resp.status == 403
        assert (await state(lead, code))["phase"] == "before"
        other = await browser(server)  # another site's form: no cookie of ours at all
        resp = await other.post("/delta", data={"code": code, "csrf_token": "x"})
        assert resp.status == 403
        await other.close()
    finally:
        await lead.close()


async def test_unknown_code_and_unknown_scenario(server):
    client = await browser(server)
    try:
        assert (await client.get("/session/QQQQQQ")).status == 404
        assert (await client.get("/session/QQQQQQ/state.json")).status == 404
        page = await client.get("/delta")
        resp = await client.post("/delta", data={"code": "QQQQQQ", "csrf_token": csrf(await page.text())})
        assert resp.status == 404 and "ingen pågående session" in await resp.text()
        page = await client.get("/session/ny")
        resp = await client.post("/session/ny", data={"scenario": "nope", "csrf_token": csrf(await page.text())})
        assert resp.status == 400
        # answering without having joined
        resp = await client.get("/delta/QQQQQQ")
        assert resp.status == 404
    finally:
        await client.close()


async def test_facilitator_link_works_on_another_device(server):
    lead, laptop = await browser(server), await browser(server)
    try:
        code = await start_session(lead)
        html = await (await lead.get(f"/session/{code}")).text()
        link = re.search(rf"/session/{code}\?ledare=([\w-]+)", html).group(0)
        assert (await state(laptop, code))["facilitator"] is False
        resp = await laptop.get(link, allow_redirects=False)
        assert resp.status == 303 and resp.headers["Location"] == f"/session/{code}"
        assert (await state(laptop, code))["facilitator"] is True
        forged = await browser(server)
        await forged.get(f"/session/{code}?ledare=not-the-token")
        assert (await state(forged, code))["facilitator"] is False
        await forged.close()
    finally:
        await lead.close()
        await laptop.close()


async def test_projector_page_is_large_and_high_contrast(server):
    client = await browser(server)
    try:
        css = await (await client.get("/static/session.css")).text()
        assert "body.session-screen" in css and "#000" in css and "--min-text: 3.33vh" in css
        js = await (await client.get("/static/session.js")).text()
        assert "ArrowRight" in js and "state.version" in js and "MIN_SHARE = 0.0333" in js
    finally:
        await client.close()


@pytest.fixture
async def public_server(tmp_path):
    """The app with web.public_url set, as on a real site."""
    import dataclasses

    services = make_services(tmp_path)
    services.config = dataclasses.replace(services.config, web=dataclasses.replace(
        services.config.web, public_url="https://bedragerikollen.example/"))
    server = TestServer(create_app(services, telegram=False))
    await server.start_server()
    server.services = services
    yield server
    await server.close()
    services.close()


async def test_the_screen_shows_the_public_address_and_a_qr_code_not_the_host_header(public_server):
    lead = await browser(public_server)
    try:
        html = await (await lead.get("/session/ny")).text()
        assert "<strong>bedragerikollen.example/delta</strong>" in html
        code = await start_session(lead)
        html = await (await lead.get(f"/session/{code}", headers={"Host": "evil.example"})).text()
        assert '<strong class="join-url">bedragerikollen.example/delta</strong>' in html
        assert "evil.example" not in html
        assert re.search(r'<svg viewBox="0 0 \d+ \d+" class="qr-code"><title>QR-kod till bedragerikollen.example/delta, kod '
                         + code + "</title>", html)
        assert f"https://bedragerikollen.example/session/{code}?ledare=" in html  # the facilitator link too
    finally:
        await lead.close()


def test_the_qr_code_opens_the_join_page_with_the_code():
    import segno

    from bot.web.join_link import join_link

    link = join_link("https://bedragerikollen.example", "ACD34E")
    assert link.url == "https://bedragerikollen.example/delta?kod=ACD34E"
    assert link.shown == "bedragerikollen.example/delta"
    expected = segno.make(link.url, error="m")
    assert f'viewBox="0 0 {expected.symbol_size()[0]} ' in link.qr  # the same symbol segno makes for that URL
    assert "<script" not in link.qr and "style=" not in link.qr  # nothing the Content-Security-Policy forbids


async def test_the_join_page_fills_in_the_code_from_the_qr_link(server):
    client = await browser(server)
    try:
        html = await (await client.get("/delta?kod=acd 34e")).text()
        assert 'value="ACD34E"' in html
        html = await (await client.get('/delta?kod="><script>')).text()
        assert "<script>" not in html.split("<body", 1)[1].split("<script src", 1)[0]
    finally:
        await client.close()


# --- facilitator codes: counted sessions, and practice ---------------------------------------------

def _results(server) -> int:
    return server.services.db.db.execute("SELECT COUNT(*) FROM session_results").fetchone()[0]


async def _run_to_the_end(lead: TestClient, code: str, steps: int) -> None:
    token = csrf(await (await lead.get(f"/session/{code}")).text())
    await lead.post(f"/session/{code}/nasta", data={"csrf_token": token})  # past the opening question
    for _ in range(steps):
        await lead.post(f"/session/{code}/visa", data={"csrf_token": token})
        await lead.post(f"/session/{code}/nasta", data={"csrf_token": token})
    await lead.post(f"/session/{code}/nasta", data={"csrf_token": token})  # past the closing question
    assert (await state(lead, code))["phase"] == "finished"


async def test_a_session_without_a_facilitator_code_is_practice_and_not_counted(server):
    lead, phone = await browser(server), await browser(server)
    try:
        page = await (await lead.get("/session/ny")).text()
        assert "Utan kod blir det ett övningspass" in page
        code = await start_session(lead)
        screen = await (await lead.get(f"/session/{code}")).text()
        assert "Övning – räknas inte" in screen
        assert (await state(lead, code))["practice"] is True
        phone_token = await join(phone, code)
        await phone.post(f"/delta/{code}/svar", data={"confidence": "3", "csrf_token": phone_token})
        await _run_to_the_end(lead, code, len(server.app[GUIDED].scenarios["parcel-fee-sms"].steps))
        assert "Bra jobbat" in await (await lead.get(f"/session/{code}")).text()  # it ran like any other
        assert _results(server) == 0
    finally:
        await lead.close()
        await phone.close()


async def test_a_session_with_a_facilitator_code_is_counted_against_the_code(server):
    lead = await browser(server)
    try:
        code = await start_session(lead, facilitator_code=await issue_code(server))
        assert "Övning" not in await (await lead.get(f"/session/{code}")).text()
        await _run_to_the_end(lead, code, len(server.app[GUIDED].scenarios["parcel-fee-sms"].steps))
        assert _results(server) == 1
        codes = await server.app[GUIDED].codes.list()
        assert [(c.label, c.sessions_started) for c in codes] == [("PRO Härnösand", 1)]
    finally:
        await lead.close()


async def test_a_wrong_revoked_or_expired_code_starts_nothing(server):
    from datetime import date, timedelta

    guided = server.app[GUIDED]
    revoked = await issue_code(server, "Biblioteket")
    await guided.codes.revoke((await guided.codes.list())[0].id, "tester")
    expired = await issue_code(server, "Gammal förening", expires=date.today() - timedelta(days=2))
    lead = await browser(server)
    try:
        for given in ("ACDEF-GHJKM", revoked, expired):
            page = await (await lead.get("/session/ny")).text()
            resp = await lead.post("/session/ny", data={"scenario": "bank-security-call", "csrf_token": csrf(page), "ledarkod": given},
                                   allow_redirects=False)
            html = await resp.text()
            assert resp.status == 403 and "Ledarkoden stämmer inte" in html, given
            assert 'value="bank-security-call" checked' in html  # the choice is kept
        assert server.services.db.db.execute("SELECT COUNT(*) FROM live_sessions").fetchone()[0] == 0
    finally:
        await lead.close()


async def test_guessing_facilitator_codes_is_stopped(server):
    lead = await browser(server)
    try:
        statuses = []
        for attempt in range(11):
            page = await (await lead.get("/session/ny")).text()
            resp = await lead.post("/session/ny", data={"scenario": "parcel-fee-sms", "csrf_token": csrf(page),
                                                        "ledarkod": f"WRONG-{attempt:05d}"}, allow_redirects=False)
            statuses.append(resp.status)
        assert statuses == [403] * 10 + [429]
        assert "Vänta en kvart" in await resp.text()
    finally:
        await lead.close()


async def test_only_a_hash_of_a_facilitator_code_is_stored(server):
    code = await issue_code(server)
    dump = "\n".join(server.services.db.db.conn.iterdump())
    assert code not in dump and code.replace("-", "") not in dump
    assert "PRO Härnösand" in dump


# --- staff issue and revoke facilitator codes ------------------------------------------------------

async def test_staff_issue_a_facilitator_code_shown_once_and_revoke_it(app_client):
    from tests.web.conftest import add_staff, login, session_csrf

    add_staff(app_client.services, "redaktor", "editor")
    await login(app_client, "redaktor")
    page = await app_client.get("/staff/ledarkoder")
    assert page.status == 200 and "Inga ledarkoder är utdelade än" in await page.text()
    token = await session_csrf(app_client)
    resp = await app_client.post("/staff/ledarkoder", data={"csrf_token": token, "label": "  PRO   Kramfors ", "expires": "2099-12-31"})
    html = await resp.text()
    found = re.search(r'<span class="secret">([A-Z0-9]{5}-[A-Z0-9]{5})</span>', html)
    assert resp.status == 200 and found and "Koden visas bara nu" in html
    code = found.group(1)
    listing = await (await app_client.get("/staff/ledarkoder")).text()
    assert code not in listing and "PRO Kramfors" in listing and "2099-12-31" in listing and ">gäller<" in listing

    # whoever has the code starts a counted session with it (the session page needs no login)
    session_code = await start_session(app_client, facilitator_code=code)
    assert (await state(app_client, session_code))["practice"] is False
    code_id = int(re.search(r'/staff/ledarkoder/(\d+)/aterkalla', listing).group(1))
    resp = await app_client.post(f"/staff/ledarkoder/{code_id}/aterkalla", data={"csrf_token": token}, allow_redirects=False)
    assert resp.status == 303
    listing = await (await app_client.get("/staff/ledarkoder")).text()
    assert "återkallad" in listing and "<td>1</td>" in listing  # one session was started with it
    assert await app_client.server.app[GUIDED].codes.use(code, __import__("datetime").date.today()) is None
    actions = [r[0] for r in app_client.services.db.db.execute("SELECT action FROM audit_log WHERE object_type = 'facilitator_code'")]
    assert actions == ["facilitator_code.issue", "facilitator_code.revoke"]


async def test_issuing_facilitator_codes_needs_an_editor_and_a_sensible_form(app_client):
    from tests.web.conftest import add_staff, login, session_csrf

    add_staff(app_client.services, "lasare", "viewer")
    await login(app_client, "lasare")
    html = await (await app_client.get("/staff/ledarkoder")).text()
    assert "Ny ledarkod" not in html
    token = await session_csrf(app_client)
    resp = await app_client.post("/staff/ledarkoder", data={"csrf_token": token, "label": "PRO"})
    assert resp.status == 403
    assert (await app_client.post("/staff/ledarkoder", data={"label": "PRO"})).status == 403  # no CSRF token
    await app_client.post("/staff/logout", data={"csrf_token": token})

    add_staff(app_client.services, "redaktor", "editor")
    await login(app_client, "redaktor")
    token = await session_csrf(app_client)
    for form, message in (({"label": " "}, "Skriv vem koden är till"), ({"label": "PRO", "expires": "31/12"}, "ÅÅÅÅ-MM-DD"),
                          ({"label": "PRO", "expires": "2020-01-01"}, "Slutdatumet har redan varit")):
        resp = await app_client.post("/staff/ledarkoder", data={"csrf_token": token, **form})
        assert resp.status == 400 and message in await resp.text(), form
    assert await app_client.server.app[GUIDED].codes.list() == []
    resp = await app_client.post("/staff/ledarkoder", data={"csrf_token": token, "label": "<b>Bibliotek</b>", "expires": ""})
    html = await resp.text()
    assert "&lt;b&gt;Bibliotek&lt;/b&gt;" in html and "tills vidare" in html
