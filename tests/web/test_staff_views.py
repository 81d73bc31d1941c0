"""Every staff route refuses without login, with too low a role and without the CSRF token; the pages work."""

import re
from datetime import datetime, timezone

import pytest

from bot.storage.questions import log_question
from bot.storage.residents import ensure_resident, record_reported_scam, subscribe
from bot.storage.staff import find_staff
from tests.web.conftest import add_staff, csrf_from, login, session_csrf

# (method, path, least role). Every /staff route of the app must be here, except the login form.
STAFF_ROUTES = [
    ("GET", "/staff", "viewer"),
    ("GET", "/staff/kunskap", "viewer"),
    ("POST", "/staff/kunskap/lart/1/ta-bort", "editor"),
    ("GET", "/staff/tips", "viewer"),
    ("POST", "/staff/tips/1/vidare", "editor"),
    ("GET", "/staff/obesvarade", "viewer"),
    ("POST", "/staff/obesvarade/hanterad", "editor"),
    ("POST", "/staff/obesvarade/koppla", "editor"),
    ("GET", "/staff/rapporterade", "viewer"),
    ("GET", "/staff/logg", "approver"),
    ("GET", "/staff/rapport", "viewer"),
    ("GET", "/staff/sessioner", "viewer"),
    ("GET", "/staff/konton", "admin"),
    ("POST", "/staff/konton", "admin"),
    ("POST", "/staff/konton/1/avstang", "admin"),
    ("POST", "/staff/konton/1/losenord", "admin"),
    ("GET", "/staff/losenord", "viewer"),
    ("POST", "/staff/losenord", "viewer"),
    ("GET", "/staff/konto", "viewer"),
    ("POST", "/staff/konto/telegram", "viewer"),
    ("POST", "/staff/logout", "viewer"),
]
PUBLIC_STAFF_ROUTES = {("GET", "/staff/login"), ("POST", "/staff/login")}
LOWER = {"editor": "viewer", "approver": "editor", "admin": "approver"}


def _app_staff_routes(app):
    """(method, path) of every /staff route the app has, with {placeholders} filled in."""
    found = set()
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter") or ""
        if path.startswith("/staff") and route.method in ("GET", "POST"):
            found.add((route.method, re.sub(r"\{[^}]+\}", "1", path)))
    return found


async def test_the_table_covers_my_routes_and_every_staff_route_needs_a_login(app_client):
    routes = _app_staff_routes(app_client.server.app)
    assert {(m, p) for m, p, _ in STAFF_ROUTES} <= routes
    # Routes other modules add under /staff (e.g. warnings) are checked for the login at least.
    for method, path in sorted(routes - PUBLIC_STAFF_ROUTES):
        resp = await app_client.request(method, path, allow_redirects=False)
        assert resp.status in (302, 401, 403), f"{method} {path} answered {resp.status} without login"
        if resp.status == 302:
            assert resp.headers["Location"].startswith("/staff/login")


@pytest.mark.parametrize("method,path,role", STAFF_ROUTES)
async def test_without_login_is_refused(app_client, method, path, role):
    resp = await app_client.request(method, path, allow_redirects=False, data={} if method == "POST" else None)
    if method == "GET":
        assert resp.status == 302 and resp.headers["Location"].startswith("/staff/login?next=")
    else:
        assert resp.status == 401


@pytest.mark.parametrize("method,path,role", [r for r in STAFF_ROUTES if r[2] != "viewer"])
async def test_too_low_role_is_refused(app_client, method, path, role):
    add_staff(app_client.services, "low", LOWER[role])
    await login(app_client, "low")
    token = await session_csrf(app_client)
    data = {"csrf_token": token, "ids": "1", "topic": "bank-impersonation", "username": "x", "role": "viewer"}
    resp = await app_client.request(method, path, data=data if method == "POST" else None, allow_redirects=False)
    assert resp.status == 403
    assert "Ingen behörighet" in await resp.text()


@pytest.mark.parametrize("method,path,role", [r for r in STAFF_ROUTES if r[0] == "POST"])
@pytest.mark.parametrize("token", [None, "wrong"])
async def test_post_without_the_right_csrf_token_is_refused(app_client, method, path, role, token):
    add_staff(app_client.services, "boss", "admin")
    await login(app_client, "boss")
    data = {"ids": "1", "topic": "bank-impersonation"}
    if token:
        data["csrf_token"] = token
    resp = await app_client.post(path, data=data, allow_redirects=False)
    assert resp.status == 403
    assert "CSRF" in await resp.text()


# --- the pages ---------------------------------------------------------------------------------


def _fill(db):
    now = datetime.now(timezone.utc)
    for text, status, topic in [
        ("ringde från banken och ville ha bankid", "answer", "bank-impersonation"),
        ("sms från postnord om tullavgift", "answer", "sms-phishing"),
        ("hur byter jag lösenord på min router", "fallback", None),
        ("Hur byter jag lösenordet på routern?", "fallback", None),
        ("vad kostar parkering i kramfors", "fallback", None),
    ]:
        log_question(db, channel="web", lang="sv", status=status, topic=topic, score=0.5, urgent=False,
                     municipality=None, user_key=None, text=text, at=now)
    ensure_resident(db, 11, "key-11", "sv")
    subscribe(db, 11, municipality="Kramfors", lang="sv")
    record_reported_scam(db, user_key="key-11", municipality="Kramfors", method="sms-phishing", risk="high",
                         text="Ditt paket väntar, betala tullavgift på postnord-tull.top")


async def test_overview_shows_the_numbers(app_client):
    _fill(app_client.services.db.db)
    add_staff(app_client.services, "anna", "viewer")
    html = await (await login(app_client, "anna")).text()
    assert re.search(r'<span class="number">5</span> frågor i dag', html)
    assert re.search(r'<span class="number">60 %</span>', html)  # 3 of 5 unanswered
    assert "Kramfors" in html and "Inga varningar på gång" in html


async def test_knowledge_page_flags_overdue_and_explains_a_try(app_client):
    add_staff(app_client.services, "anna", "viewer")
    await login(app_client, "anna")
    html = await (await app_client.get("/staff/kunskap?fraga=N%C3%A5gon+ringde+fr%C3%A5n+banken+och+ville+att+jag+skulle+flytta+pengarna+till+ett+s%C3%A4kert+konto")).text()
    assert "Utfall: Svar – " in html and "Svarar med bank-impersonation" in html
    assert "Ord som drog mot ämnet" in html
    await app_client.services.assistant.flush()  # a logged question would be written after the answer
    assert app_client.services.db.db.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 0  # trying is not logged
    html = await (await app_client.get("/staff/kunskap?fraga=vad+kostar+en+pizza")).text()
    assert "Utfall: Inget svar" in html and "fallback" not in html
    # A topic reviewed long ago is highlighted.
    # Topics not reviewed within review_days are highlighted (shipped topics are fresh: 0 days).
    assert "0 har inte granskats" in html
    kb = app_client.services.store.kb
    import dataclasses
    from datetime import date

    old = dataclasses.replace(kb.topics["card-fraud"], reviewed=date(2020, 1, 1))
    store = app_client.services.store
    store.loaded = dataclasses.replace(store.loaded, kb=dataclasses.replace(kb, topics={**kb.topics, "card-fraud": old}))
    html = await (await app_client.get("/staff/kunskap")).text()
    assert "1 har inte granskats" in html and html.count('class="overdue"') == 1
    assert "1 januari 2020" in html and "BankID, kort och identitet" in html  # dates and categories in words


async def test_unanswered_are_grouped_and_an_editor_teaches_the_bot(app_client):
    db = app_client.services.db.db
    _fill(db)
    add_staff(app_client.services, "ed", "editor")
    await login(app_client, "ed")
    html = await (await app_client.get("/staff/obesvarade")).text()
    assert "3 frågor som boten inte kunde svara på, i 2 grupper" in html
    router_ids = re.search(r'name="ids" value="([0-9,]+)"', html).group(1)
    assert len(router_ids.split(",")) == 2
    token = csrf_from(html)
    form = {"csrf_token": token, "ids": router_ids, "topic": "out-of-scope", "teach": "1",
            "teach_text": "Hur byter jag lösenordet på routern? /Gunborg Wikström, Rådhusgatan 17"}
    resp = await app_client.post("/staff/obesvarade/koppla", data=form)
    assert "Bekräfta att texten inte innehåller personuppgifter" in await resp.text()  # not taught without the check
    assert db.execute("SELECT COUNT(*) FROM taught_questions").fetchone()[0] == 0
    html = await (await app_client.get("/staff/obesvarade")).text()
    other = re.search(r'name="ids" value="([0-9,]+)"', html).group(1)
    resp = await app_client.post("/staff/obesvarade/koppla", data={**form, "ids": other, "no_personal_data": "1"})
    assert "Frågorna är markerade som hanterade" in await resp.text()
    (text, topic, by), = db.execute("SELECT text, topic, added_by FROM taught_questions").fetchall()
    assert topic == "out-of-scope" and by == "ed" and "Rådhusgatan" not in text  # redacted again before it is kept
    knowledge = await (await app_client.get("/staff/kunskap")).text()
    assert "Hur byter jag lösenordet på routern?" in knowledge and "Inte om bedrägerier" in knowledge
    taught_id = db.execute("SELECT id FROM taught_questions").fetchone()[0]
    await app_client.post(f"/staff/kunskap/lart/{taught_id}/ta-bort", data={"csrf_token": token})
    assert db.execute("SELECT COUNT(*) FROM taught_questions").fetchone()[0] == 0
    actions = [r[0] for r in db.execute("SELECT action FROM audit_log WHERE actor = 'ed'").fetchall()]
    assert {"question.link_topic", "taught.add", "taught.remove"} <= set(actions)


async def test_a_viewer_sees_the_groups_but_not_what_residents_wrote(app_client):
    _fill(app_client.services.db.db)
    add_staff(app_client.services, "vera", "viewer")
    await login(app_client, "vera")
    html = await (await app_client.get("/staff/obesvarade")).text()
    assert "router" not in html and "liknande frågor" in html and "/staff/obesvarade/koppla" not in html


async def test_link_to_unknown_topic_is_refused(app_client):
    _fill(app_client.services.db.db)
    add_staff(app_client.services, "ed", "editor")
    await login(app_client, "ed")
    token = await session_csrf(app_client)
    resp = await app_client.post("/staff/obesvarade/koppla", data={"csrf_token": token, "ids": "3", "topic": "../../etc"})
    assert resp.status == 400


async def test_reported_scams_by_method_week_and_municipality(app_client):
    _fill(app_client.services.db.db)
    add_staff(app_client.services, "anna", "viewer")
    await login(app_client, "anna")
    html = await (await app_client.get("/staff/rapporterade")).text()
    assert "Kramfors" in html and "postnord-tull.top" in html
    assert "key-11" not in html and "Ökar nu" not in html
    for _ in range(3):
        record_reported_scam(app_client.services.db.db, user_key="key-11", municipality="Kramfors", method="sms-phishing",
                             risk="high", text="Ditt paket väntar")
    html = await (await app_client.get("/staff/rapporterade")).text()
    assert "Ökar nu: Bluff-sms om paket, tull och avgifter – 4 rapporter den här veckan" in html


async def test_audit_log_lists_staff_actions(app_client):
    add_staff(app_client.services, "boss", "approver")
    await login(app_client, "boss")
    html = await (await app_client.get("/staff/logg")).text()
    assert "loggade in" in html and "boss" in html and "staff.login" not in html


async def test_admin_adds_resets_and_disables_accounts(app_client):
    db = app_client.services.db.db
    add_staff(app_client.services, "boss", "admin")
    await login(app_client, "boss")
    token = await session_csrf(app_client)
    resp = await app_client.post("/staff/konton", data={"csrf_token": token, "username": "cecilia", "role": "editor", "display_name": "Cecilia"})
    html = await resp.text()
    password = re.search(r'<span class="secret">([^<]+)</span>', html).group(1)
    assert find_staff(db, "cecilia").must_change_password
    assert password not in await (await app_client.get("/staff/konton")).text()  # shown once
    duplicate = await app_client.post("/staff/konton", data={"csrf_token": token, "username": "cecilia", "role": "editor"})
    assert duplicate.status == 400 and "finns redan" in await duplicate.text()
    cecilia = find_staff(db, "cecilia")
    reset = await app_client.post(f"/staff/konton/{cecilia.id}/losenord", data={"csrf_token": token})
    assert re.search(r'<span class="secret">([^<]+)</span>', await reset.text()).group(1) != password
    await app_client.post(f"/staff/konton/{cecilia.id}/avstang", data={"csrf_token": token})
    assert not find_staff(db, "cecilia").active
    me = find_staff(db, "boss")
    self_disable = await app_client.post(f"/staff/konton/{me.id}/avstang", data={"csrf_token": token})
    assert self_disable.status == 400
    actions = [r[0] for r in db.execute("SELECT action FROM audit_log WHERE actor = 'boss'").fetchall()]
    assert {"staff.add", "staff.reset_password", "staff.disable"} <= set(actions)


async def test_yearly_report_from_the_dashboard(app_client):
    _fill(app_client.services.db.db)
    add_staff(app_client.services, "anna", "viewer")
    await login(app_client, "anna")
    year = datetime.now(timezone.utc).year
    form = await (await app_client.get("/staff/rapport")).text()
    assert f'<option value="{year}">' in form
    csv_resp = await app_client.get(f"/staff/rapport?ar={year}&format=csv")
    assert csv_resp.headers["Content-Type"].startswith("text/csv")
    assert "questions,year,total,5" in await csv_resp.text()
    html_resp = await app_client.get(f"/staff/rapport?ar={year}")
    html = await html_resp.text()
    assert "<svg" in html and "router" not in html
    assert (await app_client.get("/staff/rapport?ar=abc")).status == 400


async def test_guided_sessions_page_shows_anonymous_results(app_client):
    app_client.services.db.db.execute(
        "INSERT INTO session_results (scenario_id, channel, held_on, finished, participants, answers, confidence_before, confidence_after)"
        " VALUES ('parcel-fee-sms', 'web', '2026-11-20', 1, 4, ?, '[0, 2, 2, 0, 0]', '[0, 0, 0, 2, 2]')",
        ('{"fee-sms": [1, 3, 0]}',))
    add_staff(app_client.services, "anna", "viewer")
    await login(app_client, "anna")
    html = await (await app_client.get("/staff/sessioner")).text()
    assert "2.5 → 4.5" in html and "<td>4</td>" in html
