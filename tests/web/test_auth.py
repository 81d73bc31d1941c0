"""Staff login: cookies, CSRF, idle timeout, throttling, one-time passwords, logout."""

from datetime import datetime, timedelta, timezone

from bot.storage.staff import find_staff
from tests.web.conftest import PASSWORD, add_staff, csrf_from, login, running_app, session_csrf


async def test_login_sets_a_samesite_httponly_session_cookie_and_shows_the_overview(app_client):
    add_staff(app_client.services, "anna", "viewer")
    resp = await login(app_client, "anna")
    assert resp.status == 200 and str(resp.url).endswith("/staff")
    assert "Översikt" in await resp.text()
    cookie = resp.history[0].headers["Set-Cookie"] if resp.history else ""
    session_header = [h for h in resp.history[0].headers.getall("Set-Cookie") if h.startswith("fraudbot_staff=")][0]
    assert "HttpOnly" in session_header and "SameSite=Lax" in session_header and "Path=/staff" in session_header
    assert "Secure" not in session_header  # plain http in tests; see the next test
    assert cookie
    # Only a hash of the token is stored.
    token = session_header.split(";")[0].split("=", 1)[1]
    rows = app_client.services.db.db.execute("SELECT token_hash FROM web_sessions").fetchall()
    assert len(rows) == 1 and rows[0][0] != token


async def test_secure_cookies_have_the_host_prefix_over_https(tmp_path):
    async with running_app(tmp_path, secure_cookies=True) as client:
        add_staff(client.services, "anna", "viewer")
        page = await client.get("/staff/login")
        login_cookie = page.headers["Set-Cookie"]
        assert login_cookie.startswith("__Host-fraudbot_login=") and "Secure" in login_cookie and "Path=/;" in login_cookie + ";"
        assert "Domain" not in login_cookie
        # The test client speaks plain http, so it would not send a Secure cookie back: send it by hand.
        token = csrf_from(await page.text())
        resp = await client.post("/staff/login", data={"username": "anna", "password": PASSWORD, "csrf_token": token},
                                 headers={"Cookie": f"__Host-fraudbot_login={token}"}, allow_redirects=False)
        assert resp.status == 302
        session = next(h for h in resp.headers.getall("Set-Cookie") if h.startswith("__Host-fraudbot_staff="))
        assert "Secure" in session and "Path=/;" in session + ";" and "HttpOnly" in session
        value = session.split(";")[0].split("=", 1)[1]
        overview = await client.get("/staff", headers={"Cookie": f"__Host-fraudbot_staff={value}"}, allow_redirects=False)
        assert overview.status == 200
        plain = await client.get("/staff", headers={"Cookie": f"fraudbot_staff={value}"}, allow_redirects=False)
        assert plain.status == 302  # the unprefixed name is not accepted over https
        assert overview.headers["Strict-Transport-Security"].startswith("max-age=")


async def test_wrong_password_gets_the_same_message_as_an_unknown_name(app_client):
    add_staff(app_client.services, "anna", "viewer")
    wrong = await login(app_client, "anna", "fel lösenord")
    unknown = await login(app_client, "nobody", "fel lösenord")
    assert wrong.status == unknown.status == 401
    message = "Fel användarnamn eller lösenord"
    assert message in await wrong.text() and message in await unknown.text()
    assert "fraudbot_staff" not in app_client.session.cookie_jar.filter_cookies(app_client.make_url("/staff"))


async def test_account_locks_after_repeated_failures(app_client):
    add_staff(app_client.services, "anna", "viewer")
    for _ in range(5):
        assert (await login(app_client, "anna", "fel")).status == 401
    locked = await login(app_client, "anna", PASSWORD)  # right password, but locked now
    assert locked.status == 401
    assert find_staff(app_client.services.db.db, "anna").active


async def test_one_address_is_throttled_across_usernames(app_client):
    for i in range(20):
        await login(app_client, f"guess{i}", "x")
    resp = await login(app_client, "guess-more", "x")
    assert resp.status == 429
    assert "För många inloggningsförsök" in await resp.text()


async def test_login_form_needs_its_csrf_token(app_client):
    add_staff(app_client.services, "anna", "viewer")
    await app_client.get("/staff/login")
    missing = await app_client.post("/staff/login", data={"username": "anna", "password": PASSWORD})
    wrong = await app_client.post("/staff/login", data={"username": "anna", "password": PASSWORD, "csrf_token": "forged"})
    assert missing.status == wrong.status == 403


async def test_one_time_password_must_be_changed_before_anything_else(app_client):
    one_time = add_staff(app_client.services, "bo", "editor", must_change=True)
    resp = await login(app_client, "bo", one_time)
    assert str(resp.url).endswith("/staff/losenord")
    assert "engångslösenord" in await resp.text()
    blocked = await app_client.get("/staff/kunskap", allow_redirects=False)
    assert blocked.status == 302 and blocked.headers["Location"] == "/staff/losenord"
    token = await session_csrf(app_client)
    short = await app_client.post("/staff/losenord", data={"csrf_token": token, "current": one_time, "new": "kort", "repeat": "kort"})
    assert short.status == 400 and "minst 10 tecken" in await short.text()
    done = await app_client.post("/staff/losenord", data={"csrf_token": token, "current": one_time, "new": "nytt bra lösenord", "repeat": "nytt bra lösenord"})
    assert done.status == 200 and str(done.url).endswith("/staff?ok=losenord")
    assert (await app_client.get("/staff/kunskap")).status == 200
    assert not find_staff(app_client.services.db.db, "bo").must_change_password


async def test_idle_session_is_ended(app_client):
    add_staff(app_client.services, "anna", "viewer")
    await login(app_client, "anna")
    assert (await app_client.get("/staff", allow_redirects=False)).status == 200
    long_ago = (datetime.now(timezone.utc) - timedelta(minutes=31)).isoformat(timespec="seconds")
    app_client.services.db.db.execute("UPDATE web_sessions SET last_seen = ?", (long_ago,))
    resp = await app_client.get("/staff", allow_redirects=False)
    assert resp.status == 302 and resp.headers["Location"].startswith("/staff/login")
    assert app_client.services.db.db.execute("SELECT COUNT(*) FROM web_sessions").fetchone()[0] == 0


async def test_logout_ends_the_session_and_is_audited(app_client):
    add_staff(app_client.services, "anna", "viewer")
    await login(app_client, "anna")
    token = await session_csrf(app_client)
    resp = await app_client.post("/staff/logout", data={"csrf_token": token})
    assert str(resp.url).endswith("/staff/login")
    assert (await app_client.get("/staff", allow_redirects=False)).status == 302
    actions = [r[0] for r in app_client.services.db.db.execute("SELECT action FROM audit_log").fetchall()]
    assert "staff.login" in actions and "staff.logout" in actions


async def test_login_redirects_only_inside_the_dashboard(app_client):
    add_staff(app_client.services, "anna", "viewer")
    page = await app_client.get("/staff/login?next=https://evil.example/")
    html = await page.text()
    assert 'name="next" value="/staff"' in html
    resp = await app_client.post("/staff/login", data={"username": "anna", "password": PASSWORD, "csrf_token": csrf_from(html),
                                                      "next": "//evil.example/"}, allow_redirects=False)
    assert resp.headers["Location"] == "/staff"


async def test_disabled_member_loses_their_session(app_client):
    add_staff(app_client.services, "anna", "viewer")
    await login(app_client, "anna")
    db = app_client.services.db.db
    db.execute("UPDATE staff SET active = 0 WHERE username = 'anna'")
    resp = await app_client.get("/staff", allow_redirects=False)
    assert resp.status == 302


async def test_the_audit_log_has_one_entry_per_login(app_client):
    add_staff(app_client.services, "anna", "viewer")
    await login(app_client, "anna")
    token = await session_csrf(app_client)
    # Changing the password checks the current one: that is not another login.
    await app_client.post("/staff/losenord", data={"csrf_token": token, "current": PASSWORD, "new": "ett annat långt lösenord",
                                                  "repeat": "ett annat långt lösenord"})
    await app_client.get("/staff/kunskap")
    actions = [r[0] for r in app_client.services.db.db.execute("SELECT action FROM audit_log WHERE actor = 'anna'").fetchall()]
    assert actions.count("staff.login") == 1 and "staff.change_password" in actions


async def test_changing_the_password_ends_the_other_sessions(app_client):
    from aiohttp.test_utils import TestClient

    add_staff(app_client.services, "anna", "viewer")
    other = TestClient(app_client.server)  # a second browser, logged in as the same person
    await other.start_server()
    try:
        await login(other, "anna")
        assert (await other.get("/staff", allow_redirects=False)).status == 200
        await login(app_client, "anna")
        token = await session_csrf(app_client)
        wrong = await app_client.post("/staff/losenord", data={"csrf_token": token, "current": "inte rätt", "new": "nytt långt lösenord",
                                                              "repeat": "nytt långt lösenord"})
        assert wrong.status == 400 and "stämmer inte" in await wrong.text()
        assert (await other.get("/staff", allow_redirects=False)).status == 200  # a failed change ends nothing
        done = await app_client.post("/staff/losenord", data={"csrf_token": token, "current": PASSWORD, "new": "nytt långt lösenord",
                                                             "repeat": "nytt långt lösenord"})
        assert str(done.url).endswith("/staff?ok=losenord") and "Andra inloggningar med ditt konto är avslutade" in await done.text()
        assert (await other.get("/staff", allow_redirects=False)).status == 302
        assert (await app_client.get("/staff", allow_redirects=False)).status == 200  # this one goes on
    finally:
        await other.close()


async def test_forbidden_page_names_roles_in_swedish(app_client):
    add_staff(app_client.services, "vera", "viewer")
    await login(app_client, "vera")
    html = await (await app_client.get("/staff/logg")).text()
    assert "rollen <strong>godkännare</strong>" in html and "Din roll är <strong>läsare</strong>" in html


async def test_staff_link_telegram_from_their_own_page(app_client):
    import dataclasses

    from bot.config import Secret

    add_staff(app_client.services, "anna", "editor")
    await login(app_client, "anna")
    page = await (await app_client.get("/staff/konto")).text()
    assert "Telegram är inte påslaget i tjänsten än" in page and "fraudbot" not in page.split("<main")[1]
    services = app_client.services
    services.config = dataclasses.replace(services.config, telegram=dataclasses.replace(services.config.telegram, token=Secret("1:x")))
    page = await (await app_client.get("/staff/konto")).text()
    assert "inte kopplat till Telegram än" in page
    resp = await app_client.post("/staff/konto/telegram", data={"csrf_token": csrf_from(page)})
    code = __import__("re").search(r'<span class="secret">/koppla (\d{8})</span>', await resp.text()).group(1)
    from bot.core.staff.accounts import link_telegram

    member = link_telegram(services.db.db, code, 4242)
    assert member.username == "anna"
    assert "Ditt konto är kopplat till Telegram" in await (await app_client.get("/staff/konto")).text()
