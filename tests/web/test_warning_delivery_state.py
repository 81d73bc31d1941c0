"""The dashboard's warning page says how delivery stands: not started, retrying, all delivered or not."""

from datetime import datetime, timedelta, timezone

from bot.storage import alerts as store
from bot.storage.alert_model import SENDING, SENT
from tests.web.conftest import add_staff, login


async def test_the_warning_page_tells_retrying_and_how_it_ended(app_client):
    services = app_client.services
    raw = services.db.db
    add_staff(services, "bo", "viewer")
    await login(app_client, "bo")
    now = datetime.now(timezone.utc)
    author = raw.execute("SELECT id FROM staff WHERE username = 'bo'").fetchone()[0]
    alert = store.insert_alert(raw, title_sv="Falska fakturor", text_sv="Betala inte.", title_en=None, text_en=None,
                               severity="warning", topics=(), municipalities=(), expires_at=None, scheduled_at=None,
                               state="approved", created_by=author, now=now)
    page = await (await app_client.get(f"/staff/varningar/{alert.id}")).text()
    assert "Varningen är godkänd men skickas inte förrän Telegram slås på" in page and "100 %" not in page

    store.enqueue(raw, alert.id, [(1, "sv", "private"), (2, "sv", "private"), (3, "sv", "private")])
    store.set_state(raw, alert.id, SENDING, now)
    rows = store.claim(raw, now, 3)
    store.mark_sent(raw, rows[0]["id"], 11, now)
    store.mark_retry(raw, rows[1]["id"], "NetworkError: Bad Gateway", now + timedelta(minutes=2), now=now)
    store.mark_final(raw, rows[2]["id"], "blocked", "Forbidden: bot was blocked by the user")
    page = await (await app_client.get(f"/staff/varningar/{alert.id}")).text()
    assert "varav 1 väntar på nytt försök efter nätverksfel" in page
    status = await (await app_client.get(f"/staff/varningar/{alert.id}/status.json")).json()
    assert status["retrying"] == 1 and status["next_try"] and status["state"] == SENDING

    store.mark_sent(raw, rows[1]["id"], 12, now)
    store.set_state(raw, alert.id, SENT, now, sent=True)
    page = await (await app_client.get(f"/staff/varningar/{alert.id}")).text()
    assert "inte alla nådde fram: 0 misslyckades och 1 hade blockerat boten" in page
