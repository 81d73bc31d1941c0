"""Anonymous tips about welfare crime: only text (redacted), municipality and day are kept."""

from __future__ import annotations

from tests.web.conftest import add_staff, login, session_csrf
from tests.web.test_public import _found_in_database

TIP = ("Jag heter Gunborg Wikström och bor på Rådhusgatan 17. Grannen i Kramfors får assistansersättning för "
       "timmar som ingen arbetar, sedan i våras. Ring mig på 070-123 45 67.")


async def test_a_tip_keeps_no_user_key_chat_id_name_or_address(app_client, tmp_path):
    resp = await app_client.post("/tipsa", data={"text": TIP, "municipality": "Kramfors"})
    assert resp.status == 200 and "Tipset är sparat anonymt" in await resp.text()
    db = app_client.services.db.db
    (row,) = db.execute("SELECT * FROM welfare_tips").fetchall()
    columns = [c[1] for c in db.execute("PRAGMA table_info(welfare_tips)").fetchall()]
    assert not {"user_key", "chat_id", "name", "address", "ip"} & set(columns)
    text = row[columns.index("text")]
    assert "assistansersättning" in text and "[namn]" in text and "[adress]" in text and "[telefon]" in text
    assert row[columns.index("municipality")] == "Kramfors" and len(row[columns.index("received_on")]) == 10  # a day, no time
    assert _found_in_database(db, tmp_path, ["Gunborg", "Wikström", "Rådhusgatan", "070-123"]) == []


async def test_an_empty_tip_is_refused_kindly_and_an_unknown_municipality_is_not_kept(app_client):
    resp = await app_client.post("/tipsa", data={"text": "  hmm ", "municipality": "Kramfors"})
    assert resp.status == 400 and "Skriv lite mer" in await resp.text()
    await app_client.post("/tipsa?lang=en", data={"text": "Fake company registered at my address since May.", "municipality": "<script>"})
    assert app_client.services.db.db.execute("SELECT municipality FROM welfare_tips").fetchall() == [(None,)]


async def test_staff_read_tips_and_note_where_they_went(app_client):
    await app_client.post("/tipsa", data={"text": TIP, "municipality": "Kramfors"})
    add_staff(app_client.services, "vera", "viewer")
    await login(app_client, "vera")
    page = await (await app_client.get("/staff/tips")).text()
    assert "1 tips, 1 inte vidareskickade" in page and "assistansersättning" not in page  # viewers do not read the text
    await app_client.post("/staff/logout", data={"csrf_token": await session_csrf(app_client)})
    add_staff(app_client.services, "ed", "editor")
    await login(app_client, "ed")
    page = await (await app_client.get("/staff/tips")).text()
    assert "assistansersättning" in page
    token = await session_csrf(app_client)
    tip_id = app_client.services.db.db.execute("SELECT id FROM welfare_tips").fetchone()[0]
    resp = await app_client.post(f"/staff/tips/{tip_id}/vidare", data={"csrf_token": token, "to": "Försäkringskassan"})
    assert "Sparat vart tipset skickades" in await resp.text()
    assert "Skickat vidare till Försäkringskassan" in await (await app_client.get("/staff/tips")).text()
    bad = await app_client.post(f"/staff/tips/{tip_id}/vidare", data={"csrf_token": token, "to": "grannen"})
    assert bad.status == 400
