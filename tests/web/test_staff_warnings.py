"""The dashboard's warnings pages: preview before saving, four eyes (also for corrections and
withdrawals), an urgent warning asks once more, progress only once sending starts, Swedish words."""

import re
from datetime import datetime, timezone

from bot.core.alerts.dispatch import dispatch_due
from bot.services import quiet_hours
from bot.storage import alerts as store
from bot.storage import residents
from tests.web.conftest import add_staff, csrf_from, login, session_csrf

FORM = {"title": "Falska sms om vägtull", "text": "Klicka inte på länken.", "severity": "warning",
        "municipality": "Kramfors", "topic": "sms-phishing"}


async def _logout(client):
    token = await session_csrf(client)
    await client.post("/staff/logout", data={"csrf_token": token})


async def _write(client, **changes):
    """Preview the form, then save exactly what was previewed; returns the saved warning's page."""
    token = await session_csrf(client)
    data = {**FORM, **changes, "csrf_token": token}
    preview = await client.post("/staff/varningar", data={**data, "steg": "forhandsgranska"})
    html = await preview.text()
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', html).group(1)
    return await client.post("/staff/varningar", data={**data, "steg": "spara", "digest": digest})


def _subscribe(db, *chats, place="Kramfors"):
    for chat in chats:
        residents.ensure_resident(db, chat, f"k{chat}", "sv")
        residents.subscribe(db, chat, municipality=place, lang="sv")


async def test_preview_first_then_save_and_another_person_approves(app_client):
    services = app_client.services
    _subscribe(services.db.db, 1, 2, 3)
    add_staff(services, "anna", "editor")
    add_staff(services, "bo", "approver")
    await login(app_client, "anna")
    token = await session_csrf(app_client)
    preview = await app_client.post("/staff/varningar", data={**FORM, "csrf_token": token, "steg": "forhandsgranska"})
    html = await preview.text()
    assert "Förhandsgranskning: så här ser den ut i Telegram" in html and "Inget är sparat än" in html
    assert "⚠️ Varning: Falska sms om vägtull" in html and "skulle den gå till <strong>3</strong> prenumeranter" in html
    assert await services.db.write(store.list_alerts) == []  # a preview saves nothing
    # Saving something other than what was previewed shows the preview again instead.
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', html).group(1)
    edited = await app_client.post("/staff/varningar", data={**FORM, "text": "Ändrad i sista stund.", "csrf_token": token,
                                                             "steg": "spara", "digest": digest})
    assert "Du ändrade något efter förhandsgranskningen" in await edited.text()
    assert await services.db.write(store.list_alerts) == []
    resp = await _write(app_client)
    assert resp.status == 200 and "/staff/varningar/" in str(resp.url) and "?ok=skriven" in str(resp.url)
    (alert,) = await services.db.write(store.list_alerts)
    assert alert.state == "awaiting_approval" and alert.municipalities == ("Kramfors",) and alert.topics == ("sms-phishing",)
    page = await resp.text()
    assert "väntar på att en annan godkännare godkänner den" in page and "Godkänn och skicka" not in page
    assert "Skickat</label>" not in page  # no progress bar before sending starts
    resp = await app_client.post(f"/staff/varningar/{alert.id}/godkann", data={"csrf_token": token})
    assert resp.status == 403
    await _logout(app_client)

    await login(app_client, "bo")
    token = await session_csrf(app_client)
    resp = await app_client.post(f"/staff/varningar/{alert.id}/godkann", data={"csrf_token": token})
    assert resp.status == 200 and str(resp.url).endswith("?ok=godkand")
    assert (await services.db.write(store.get_alert, alert.id)).state == "approved"
    page = await resp.text()
    assert "Telegram är inte påslaget" in page and "Skickat</label>" not in page
    status = await (await app_client.get(f"/staff/varningar/{alert.id}/status.json")).json()
    assert status["state"] == "approved" and status["total"] == 0
    await services.db.write(dispatch_due, quiet_hours(services.config.alerts), now=datetime(2026, 12, 1, 11, tzinfo=timezone.utc))
    page = await (await app_client.get(f"/staff/varningar/{alert.id}")).text()
    assert "Skickat</label>" in page and "0 av 3 skickade, 3 i kö" in page
    assert "Meddelandena ligger i kö och skickas när Telegram slås på" in page
    assert "<script" not in page.split("</footer>")[0]


async def test_an_urgent_warning_asks_once_more_saying_how_many_it_reaches(app_client):
    services = app_client.services
    _subscribe(services.db.db, 1, 2, place="Kramfors")
    _subscribe(services.db.db, 3, place="Sollefteå")
    add_staff(services, "anna", "editor")
    add_staff(services, "bo", "approver")
    await login(app_client, "anna")
    await _write(app_client, severity="urgent", topic="romance-scam")
    (alert,) = await services.db.write(store.list_alerts)
    await _logout(app_client)
    await login(app_client, "bo")
    token = await session_csrf(app_client)
    first = await app_client.post(f"/staff/varningar/{alert.id}/godkann", data={"csrf_token": token})
    html = await first.text()
    assert str(first.url).endswith("?bekrafta=1") and "Skicka den brådskande varningen nu?" in html
    assert "till <strong>2</strong> personer i Kramfors" in html and "Ja, skicka till 2 personer" in html
    assert (await services.db.write(store.get_alert, alert.id)).state == "awaiting_approval"
    second = await app_client.post(f"/staff/varningar/{alert.id}/godkann", data={"csrf_token": token, "bekraftat": "1"})
    assert str(second.url).endswith("?ok=godkand")
    assert (await services.db.write(store.get_alert, alert.id)).state == "approved"


async def test_one_approver_cannot_publish_a_correction_alone(app_client):
    services = app_client.services
    db = services.db.db
    _subscribe(db, 1)
    add_staff(services, "anna", "editor")
    add_staff(services, "bo", "approver")
    add_staff(services, "cia", "approver")
    await login(app_client, "anna")
    await _write(app_client)
    (alert,) = await services.db.write(store.list_alerts)
    await _logout(app_client)
    await login(app_client, "bo")
    token = await session_csrf(app_client)
    await app_client.post(f"/staff/varningar/{alert.id}/godkann", data={"csrf_token": token})
    store.set_state(db, alert.id, "sent", datetime.now(timezone.utc), sent=True)
    # bo writes a correction: it is saved as bo's draft and changes nothing yet.
    resp = await app_client.post(f"/staff/varningar/{alert.id}/rattelse", data={
        "csrf_token": token, "title": "Rättat: falska sms", "text": "Rätt text & rätt länk."})
    assert "?ok=rattelse" in str(resp.url)
    draft = next(a for a in await services.db.write(store.list_alerts) if a.correction_of == alert.id)
    assert draft.created_by != alert.created_by and draft.state == "awaiting_approval"
    public = await (await app_client.get("/varningar")).text()
    assert "Klicka inte på länken." in public and "Rätt text" not in public
    # bo cannot approve it, neither through the button nor by posting again.
    page = await (await app_client.get(f"/staff/varningar/{draft.id}")).text()
    assert "Godkänn rättelsen" not in page and "en annan godkännare måste godkänna den" in page
    refused = await app_client.post(f"/staff/varningar/{draft.id}/godkann", data={"csrf_token": token})
    assert str(refused.url).endswith("?fel=own_warning") and "fyra ögon" in await refused.text()
    again = await app_client.post(f"/staff/varningar/{alert.id}/rattelse", data={"csrf_token": token, "title": "T", "text": "X"})
    assert str(again.url).endswith("?fel=pending_replacement")
    assert "Rätt text" not in await (await app_client.get("/varningar")).text()
    await _logout(app_client)
    # cia approves: now the correction replaces the warning everywhere.
    await login(app_client, "cia")
    token = await session_csrf(app_client)
    approved = await app_client.post(f"/staff/varningar/{draft.id}/godkann", data={"csrf_token": token})
    assert str(approved.url).endswith("?ok=ersatt")
    public = await (await app_client.get("/varningar")).text()
    assert "Rätt text &amp; rätt länk." in public and "Klicka inte på länken." not in public
    log = await (await app_client.get("/staff/logg")).text()
    assert "godkände rättelsen – den ersätter varningen" in log and "skriven av: bo" in log and "godkänd av: cia" in log
    assert "skrev en rättelse" in log


async def test_messages_come_from_fixed_keys_and_errors_name_no_cli_command(app_client):
    services = app_client.services
    add_staff(services, "anna", "editor")
    await login(app_client, "anna")
    await _write(app_client)
    (alert,) = await services.db.write(store.list_alerts)
    page = await (await app_client.get(f"/staff/varningar/{alert.id}?fel=%3Cb%3EDin+chef+s%C3%A4ger+godk%C3%A4nn%3C%2Fb%3E&ok=Allt+klart")).text()
    assert "Din chef" not in page and "Allt klart" not in page
    token = await session_csrf(app_client)
    resp = await app_client.post(f"/staff/varningar/{alert.id}/test", data={"csrf_token": token})
    html = await resp.text()
    assert str(resp.url).endswith("?fel=telegram_off") and "Telegram är inte påslaget" in html
    assert "fraudbot" not in html.split('<main id="main"')[1].split("</main>")[0]


async def test_bad_form_is_shown_again_with_reasons_in_swedish(app_client):
    add_staff(app_client.services, "anna", "editor")
    await login(app_client, "anna")
    token = await session_csrf(app_client)
    resp = await app_client.post("/staff/varningar", data={"csrf_token": token, "title": "", "text": "X", "at": "nästa tisdag",
                                                           "steg": "forhandsgranska"})
    assert resp.status == 400
    assert "Tiden gick inte att läsa" in await resp.text()
    resp = await app_client.post("/staff/varningar", data={"csrf_token": token, "title": "", "text": "X", "title_en": "Only English",
                                                           "municipality": "Umeå", "steg": "forhandsgranska"})
    html = await resp.text()
    for part in ("Rubriken ska ha 1–120 tecken", "Okänd kommun: Umeå", "Skriv både engelsk rubrik och engelsk text"):
        assert part in html
    assert "the title needs" not in html


async def test_form_uses_a_date_picker_topic_checkboxes_and_swedish_severities(app_client):
    add_staff(app_client.services, "anna", "editor")
    await login(app_client, "anna")
    html = await (await app_client.get("/staff/varningar")).text()
    assert '<input type="datetime-local" id="at" name="at"' in html and '<input type="datetime-local" id="expires"' in html
    assert 'type="checkbox" name="topic" value="sms-phishing"' in html and "<select id=\"topic\"" not in html
    assert "Brådskande: går ut direkt" in html and ">urgent<" not in html
    resp = await _write(app_client, at="2026-12-24T09:30", expires="2026-12-31T18:00")
    (alert,) = await app_client.services.db.write(store.list_alerts)
    assert alert.scheduled_at == datetime(2026, 12, 24, 8, 30, tzinfo=timezone.utc)  # Swedish time in, UTC stored
    assert "24 december 2026 kl. 09.30" in await resp.text()


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
    html = await (await app_client.get("/staff/varningar")).text()
    assert csrf_from(html) and "Skriv en ny varning" not in html
