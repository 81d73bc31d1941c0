"""The dashboard's warnings pages: write, four eyes, test send, progress JSON, refusals."""

from bot.storage import alerts as store
from tests.web.conftest import add_staff, login, session_csrf


async def _logout(client):
    token = await session_csrf(client)
    await client.post("/staff/logout", data={"csrf_token": token})


async def test_editor_writes_another_person_approves(app_client):
    services = app_client.services
    add_staff(services, "anna", "editor")
    add_staff(services, "bo", "approver")
    await login(app_client, "anna")
    token = await session_csrf(app_client)
    resp = await app_client.post("/staff/varningar", data={
        "csrf_token": token, "title": "Falska sms om vägtull", "text": "Klicka inte på länken.", "severity": "warning",
        "municipality": "Kramfors", "topic": "sms-phishing",
    })
    assert resp.status == 200 and "/staff/varningar/" in str(resp.url)
    (alert,) = await services.db.run(store.list_alerts)
    assert alert.state == "awaiting_approval" and alert.municipalities == ("Kramfors",) and alert.topics == ("sms-phishing",)
    page = await (await app_client.get(f"/staff/varningar/{alert.id}")).text()
    assert "Så här ser den ut i Telegram" in page and "Godkänn och skicka" not in page  # editors cannot approve
    resp = await app_client.post(f"/staff/varningar/{alert.id}/godkann", data={"csrf_token": token})
    assert resp.status == 403
    await _logout(app_client)

    await login(app_client, "bo")
    token = await session_csrf(app_client)
    resp = await app_client.post(f"/staff/varningar/{alert.id}/godkann", data={"csrf_token": token})
    assert resp.status == 200 and "godk" in str(resp.url)
    assert (await services.db.run(store.get_alert, alert.id)).state == "approved"
    status = await (await app_client.get(f"/staff/varningar/{alert.id}/status.json")).json()
    assert status["state"] == "approved" and status["total"] == 0


async def test_author_approving_own_warning_is_told_why(app_client):
    services = app_client.services
    add_staff(services, "cia", "approver")
    await login(app_client, "cia")
    token = await session_csrf(app_client)
    await app_client.post("/staff/varningar", data={"csrf_token": token, "title": "T", "text": "X", "severity": "info"})
    (alert,) = await services.db.run(store.list_alerts)
    resp = await app_client.post(f"/staff/varningar/{alert.id}/godkann", data={"csrf_token": token})
    assert "four-eyes" in await resp.text()
    assert (await services.db.run(store.get_alert, alert.id)).state == "awaiting_approval"


async def test_bad_form_is_shown_again_with_the_reason(app_client):
    add_staff(app_client.services, "anna", "editor")
    await login(app_client, "anna")
    token = await session_csrf(app_client)
    resp = await app_client.post("/staff/varningar", data={"csrf_token": token, "title": "", "text": "X", "at": "nästa tisdag"})
    assert resp.status == 400
    assert "förstår inte tiden" in await resp.text()


async def test_refusals_without_login_role_or_csrf(app_client):
    add_staff(app_client.services, "vera", "viewer")
    resp = await app_client.get("/staff/varningar", allow_redirects=False)
    assert resp.status in (302, 303) and "/staff/login" in resp.headers["Location"]
    assert (await app_client.post("/staff/varningar", data={"title": "T"})).status == 401
    await login(app_client, "vera")
    token = await session_csrf(app_client)
    assert (await app_client.get("/staff/varningar")).status == 200
    assert (await app_client.post("/staff/varningar", data={"csrf_token": token, "title": "T", "text": "X"})).status == 403
    assert (await app_client.post("/staff/varningar", data={"title": "T", "text": "X"})).status == 403  # no CSRF token
    assert (await app_client.get("/staff/varningar/999")).status == 404
