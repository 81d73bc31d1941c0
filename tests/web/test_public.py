"""The resident pages: chat without JavaScript, the answer fragment, topics, privacy, display choices."""

import re

import pytest

from bot.web.keys import SERVICES


async def test_chat_page_has_a_labelled_form_and_a_live_region(app_client):
    resp = await app_client.get("/")
    html = await resp.text()
    assert resp.status == 200
    assert '<html lang="sv">' in html
    assert '<label for="chat-text">' in html and 'id="chat-text"' in html
    assert 'aria-live="polite"' in html
    assert "Hoppa till innehållet" in html


async def test_question_is_answered_server_side_and_logged_redacted(app_client):
    resp = await app_client.post("/", data={"text": "Någon ringde från banken och ville att jag skulle flytta pengarna till ett säkert konto, ring mig på 070-123 45 67",
                                            "action": "ask", "lang": "sv"})
    html = await resp.text()
    assert resp.status == 200
    assert "Ring din bank" in html or "banken" in html.lower()
    assert "114 14" in html
    row = app_client.services.db.db.execute("SELECT channel, topic, text FROM questions").fetchone()
    assert row[0] == "web" and row[1] == "bank-impersonation" and "070-123" not in row[2]


async def test_message_check_is_not_stored(app_client):
    resp = await app_client.post("/", data={"text": "Hej mamma, jag har fått nytt nummer, kan du swisha 3000 kr", "action": "check"})
    html = await resp.text()
    assert "Det här ser ut som ett bedrägeri." in html
    assert app_client.services.db.db.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 0


async def test_answer_fragment_for_javascript(app_client):
    resp = await app_client.post("/svar", data={"text": "Someone called saying he was from my bank and asked me to log in with BankID", "action": "ask", "lang": "en"})
    html = await resp.text()
    assert resp.status == 200 and "<html" not in html
    assert 'lang="en"' in html and "<article" in html


async def test_urgent_question_leads_with_112(app_client):
    resp = await app_client.post("/", data={"text": "Polisen står utanför dörren just nu och vill hämta mina smycken", "action": "ask"})
    html = await resp.text()
    urgent = re.search(r'<p class="urgent">([^<]+)</p>', html)
    assert urgent and "112" in urgent.group(1)


async def test_too_long_text_gets_a_message_not_a_crash(app_client):
    resp = await app_client.post("/", data={"text": "x" * 5000, "action": "ask"})
    assert resp.status == 200
    assert "för lång" in await resp.text()


async def test_answers_are_escaped(app_client):
    resp = await app_client.post("/", data={"text": "<script>alert(1)</script>", "action": "ask"})
    html = await resp.text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html  # kept in the textarea, escaped


async def test_topics_list_every_topic_and_each_has_a_page(app_client):
    kb = app_client.server.app[SERVICES].store.kb
    html = await (await app_client.get("/amnen")).text()
    for topic_id in kb.topics:
        assert f'href="/amnen/{topic_id}"' in html
    page = await app_client.get("/amnen/bank-impersonation")
    text = await page.text()
    assert page.status == 200
    assert kb.topics["bank-impersonation"].text("sv").title in text
    assert "Källor" in text and "Granskad" in text


async def test_topic_in_english_and_unknown_topic(app_client):
    page = await app_client.get("/amnen/sms-phishing?lang=en")
    html = await page.text()
    assert '<html lang="en">' in html and "Sources" in html
    assert (await app_client.get("/amnen/no-such-topic")).status == 404


@pytest.mark.parametrize("lang,needle", [("sv", "raderas efter 30 dagar"), ("en", "deleted after 30 days")])
async def test_privacy_notice_says_what_why_how_long_and_how_to_erase(app_client, lang, needle):
    html = await (await app_client.get(f"/integritet?lang={lang}")).text()
    assert needle in html
    assert "/glom" in html


async def test_display_choice_is_remembered_in_a_cookie(app_client):
    resp = await app_client.post("/visning", data={"large-text": "1", "high-contrast": "1", "back": "/amnen"}, allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/amnen"
    html = await (await app_client.get("/amnen")).text()
    assert re.search(r'<body class="[^"]*large-text', html) and "high-contrast" in html


async def test_display_form_never_redirects_off_site(app_client):
    resp = await app_client.post("/visning", data={"back": "https://evil.example/"}, allow_redirects=False)
    assert resp.headers["Location"] == "/"
    resp = await app_client.post("/visning", data={"back": "//evil.example/"}, allow_redirects=False)
    assert resp.headers["Location"] == "/"


async def test_one_address_cannot_flood_the_question_log(app_client):
    for _ in range(30):
        assert (await app_client.post("/svar", data={"text": "bluff-sms om paket", "action": "ask"})).status == 200
    resp = await app_client.post("/", data={"text": "bluff-sms om paket", "action": "ask"})
    assert resp.status == 429 and "Vänta en minut" in await resp.text()
    assert app_client.services.db.db.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 30
