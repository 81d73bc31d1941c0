"""Social media posts on the dashboard: staff only, both cards as PNG, alt and post text, and no
post for a warning that is not approved or no longer in force (withdrawn, withdrawal notice)."""

import io

import pytest
from PIL import Image

from bot.core.alerts import workflow
from bot.core.staff import accounts as staff_core
from bot.storage import alerts as store
from tests.web.conftest import add_staff, login, running_app
from tests.web.test_warnings_public import publish

PUBLIC = "https://bedragerikollen.example.se"


@pytest.fixture
async def client(tmp_path):
    async with running_app(tmp_path, public_url=PUBLIC) as client:
        yield client


async def test_staff_get_both_cards_alt_text_and_post_text(client):
    db = client.services.db.db
    alert = publish(db, "🚨 Falska poliser ringer äldre", text="Lägg på. Polisen ber aldrig om koder.", severity="urgent",
                    municipalities=("Sollefteå",))
    for path in (f"/staff/varningar/{alert.id}/inlagg", f"/staff/varningar/{alert.id}/kort-kvadrat.png"):
        resp = await client.get(path, allow_redirects=False)
        assert resp.status == 302 and resp.headers["Location"].startswith("/staff/login"), path
        assert resp.headers.get("Content-Type") != "image/png"
    add_staff(client.services, "vera", "viewer")
    await login(client, "vera")
    page = await client.get(f"/staff/varningar/{alert.id}/inlagg")
    assert page.status == 200
    html = await page.text()
    assert f"{PUBLIC}" in html and "Sollefteå" in html and "116 006" in html and "114 14" in html
    assert "BRÅDSKANDE VARNING: Falska poliser ringer äldre. Lägg på." in html  # alt text, without the emoji
    assert html.count('data-copy="') == 2 and html.count('download="') == 2
    for size, expected in (("kvadrat", (1080, 1080)), ("bred", (1200, 630))):
        resp = await client.get(f"/staff/varningar/{alert.id}/kort-{size}.png")
        assert resp.status == 200 and resp.headers["Content-Type"] == "image/png"
        assert resp.headers["Cache-Control"] == "no-store"  # a staff page like the others
        data = await resp.read()
        assert len(data) < 500 * 1024 and Image.open(io.BytesIO(data)).size == expected
    detail = await (await client.get(f"/staff/varningar/{alert.id}")).text()
    assert f'href="/staff/varningar/{alert.id}/inlagg"' in detail


async def test_an_editor_gets_the_english_post_when_there_is_an_english_text(client):
    db = client.services.db.db
    writer = staff_core.create_staff(db, "anna", "editor")[0]
    approver = staff_core.create_staff(db, "bo", "approver")[0]
    alert = workflow.create(db, writer, title="Falska sms", text="Klicka inte.", title_en="Fake texts", text_en="Don't click.")
    workflow.approve(db, approver, alert.id)
    add_staff(client.services, "erik", "editor")
    await login(client, "erik")
    html = await (await client.get(f"/staff/varningar/{alert.id}/inlagg?lang=en")).text()
    assert "Warning: Fake texts" in html and "Ask Bedrägerikollen" in html and "Don&#39;t click." in html


async def test_no_card_for_a_draft_a_withdrawn_warning_or_a_withdrawal_notice(client):
    db = client.services.db.db
    sent = publish(db, "Falska poliser ringer")
    writer = staff_core.get_member(db, "anna")
    approver = staff_core.get_member(db, "bo")
    draft = workflow.create(db, writer, title="Ett utkast", text="Inte godkänt än.")
    withdrawal = workflow.withdraw(db, writer, sent.id, text="Den här varningen gäller inte längre.")
    add_staff(client.services, "vera", "viewer")
    await login(client, "vera")
    assert (await client.get(f"/staff/varningar/{sent.id}/inlagg")).status == 200  # until the withdrawal is approved
    workflow.approve(db, approver, withdrawal.id)
    assert store.get_alert(db, sent.id).withdrawn
    for alert_id in (sent.id, draft.id, withdrawal.id, 9999):
        for path in (f"/staff/varningar/{alert_id}/inlagg", f"/staff/varningar/{alert_id}/kort-bred.png"):
            resp = await client.get(path)
            assert resp.status == 404, path
            assert resp.headers.get("Content-Type") != "image/png"
    for alert_id in (sent.id, draft.id, withdrawal.id):
        detail = await (await client.get(f"/staff/varningar/{alert_id}")).text()
        assert "/inlagg" not in detail
    assert (await client.get(f"/staff/varningar/{sent.id}/kort-stor.png")).status == 404


async def test_after_a_correction_only_the_corrected_text_can_be_posted(client):
    db = client.services.db.db
    sent = publish(db, "Falska poliser ringer")
    correction = workflow.correct(db, staff_core.get_member(db, "anna"), sent.id, title="Falska poliser knackar på",
                                  text="Öppna inte dörren.")
    workflow.approve(db, staff_core.get_member(db, "bo"), correction.id)
    add_staff(client.services, "vera", "viewer")
    await login(client, "vera")
    assert (await client.get(f"/staff/varningar/{sent.id}/inlagg")).status == 404
    page = await client.get(f"/staff/varningar/{correction.id}/inlagg")
    assert page.status == 200 and "Falska poliser knackar på" in await page.text()
