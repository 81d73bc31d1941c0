"""The resident pages: chat without JavaScript, the answer fragment, topics, privacy, display choices."""

import re

import pytest
from markupsafe import escape

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
    # the answer is the bank topic's own (the question, shown again in the form, says "banken" itself)
    topic = app_client.services.store.kb.topics["bank-impersonation"].text("sv")
    assert str(escape(topic.title)) in html
    assert str(escape(topic.what_to_do[0])) in html
    assert "114 14" in html
    await app_client.services.assistant.flush()  # the question is logged after the answer
    row = app_client.services.db.db.execute("SELECT channel, topic, text FROM questions").fetchone()
    assert row[0] == "web" and row[1] == "bank-impersonation" and "070-123" not in row[2]


async def test_message_check_is_not_stored(app_client):
    resp = await app_client.post("/", data={"text": "Hej mamma, jag har fått nytt nummer, kan du swisha 3000 kr", "action": "check"})
    html = await resp.text()
    assert "Det här ser ut som ett bedrägeri." in html
    await app_client.services.assistant.flush()  # the question is logged after the answer
    assert app_client.services.db.db.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 0


async def test_answer_fragment_for_javascript(app_client):
    resp = await app_client.post("/svar", data={"text": "Someone called saying he was from my bank and asked me to log in with BankID", "action": "ask", "lang": "en"})
    html = await resp.text()
    assert resp.status == 200 and "<html" not in html
    assert 'lang="en"' in html and "<article" in html


async def test_urgent_question_leads_with_the_action_and_112_as_a_link(app_client):
    resp = await app_client.post("/", data={"text": "Polisen står utanför dörren just nu och vill hämta mina smycken", "action": "ask"})
    html = await resp.text()
    article = html[html.index('<article class="answer'):]
    urgent = re.search(r'<p class="urgent-now">(.+?)</p>', article)
    assert urgent and '<a class="tel" href="tel:112">112</a>' in urgent.group(1)
    assert urgent.group(1).startswith("Öppna inte dörren")  # the one action for someone at the door
    assert article.index("urgent-now") < article.index("<h3>")  # above the title


async def test_answer_leads_with_what_to_do_now_and_the_numbers(app_client):
    resp = await app_client.post("/", data={"text": "Någon ringde från banken och ville att jag skulle flytta pengarna till ett säkert konto", "action": "ask"})
    html = await resp.text()
    article = html[html.index('<article class="answer'):html.index("</article>")]
    assert article.index("Gör så här nu") < article.index('href="tel:11414"') < article.index("Så känner du igen det")
    assert '<a class="tel" href="tel:11414">114\u00a014</a>' in article  # never wraps
    assert '<a class="tel" href="tel:116006">116\u00a0006</a>' in article


async def test_without_javascript_the_answer_comes_back_at_its_anchor_with_focus(app_client):
    html = await (await app_client.get("/")).text()
    assert 'action="/#svar"' in html
    assert re.search(r'<h2 id="svar" tabindex="-1" class="visually-hidden">', html)  # nothing to show yet
    resp = await app_client.post("/", data={"text": "bluff-sms om ett paket", "action": "ask"})
    assert re.search(r'<h2 id="svar" tabindex="-1" autofocus>', await resp.text())


async def test_runners_up_are_offered_after_a_direct_answer(app_client):
    from bot.core.answering.reply import ReplyView
    from bot.web.templating import JINJA

    view = ReplyView("sv", "answer", title="Bluff-sms", alternatives=(("parcel-scam", "Paket & tull"),))
    html = app_client.server.app[JINJA].get_template("public/_answer.html").render(view=view)
    assert "Inte rätt? Välj ett annat ämne" in html
    assert '<a href="/amnen/parcel-scam">Paket &amp; tull</a>' in html


async def test_every_public_page_has_the_numbers_as_links_in_the_footer(app_client):
    for path in ("/", "/amnen", "/amnen/bank-impersonation", "/integritet?lang=en"):
        html = await (await app_client.get(path)).text()
        footer = html[html.index('<footer'):]
        assert 'href="tel:112"' in footer and 'href="tel:11414"' in footer and 'href="tel:116006"' in footer, path


async def test_topic_page_says_what_to_do_before_the_signs(app_client):
    html = await (await app_client.get("/amnen/bank-impersonation")).text()
    assert html.index("Gör så här nu") < html.index("Så känner du igen det")
    assert html.index('aria-label="Viktiga nummer"') < html.index("Så känner du igen det")


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


@pytest.mark.parametrize("lang,needles", [
    ("sv", ["raderas efter 30 dagar", "gatuadresser, postnummer, registreringsnummer", "”jag heter”", "Radera mina frågor"]),
    ("en", ["deleted after 30 days", "street addresses, postcodes, registration numbers", "“my name is”", "Delete my questions"]),
])
async def test_privacy_notice_says_what_why_how_long_and_how_to_erase(app_client, lang, needles):
    html = await (await app_client.get(f"/integritet?lang={lang}")).text()
    for needle in needles:
        assert needle in html
    web_part = html[:html.index("Telegram")]
    assert "/glom" not in web_part  # web users are not sent to a Telegram command
    assert "/glom" in html[html.index("Telegram"):]


def test_the_web_notice_names_what_redaction_removes():
    from bot.core.residents.privacy import privacy_notice

    text = " ".join(privacy_notice("sv", 30, channel="web"))
    assert "/glom" not in text and "Radera mina frågor" in text
    assert "namn" in text and "gatuadresser" in text and "postnummer" in text and "registreringsnummer" in text


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
    assert resp.headers["Retry-After"] == "60"
    await app_client.services.assistant.flush()  # the question is logged after the answer
    assert app_client.services.db.db.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 30


# --- "Radera mina frågor": the window's conversation token finds its questions -------------------


async def test_a_follow_up_in_the_same_window_is_answered_in_context_until_erased(app_client):
    police = app_client.services.store.kb.topics["police-impersonation"].text("sv").title
    first = await app_client.post("/svar", data={"text": "en polis ringde och sa att de skickar ett bud efter mitt bankkort",
                                                 "action": "ask", "conversation": "c" * 32})
    assert police in await first.text()
    follow = await app_client.post("/svar", data={"text": "jag har redan gett dem koden", "action": "ask", "conversation": "c" * 32})
    html = await follow.text()
    assert police in html and "Om det redan har hänt" in html and "inte ditt fel" in html
    other_window = await app_client.post("/svar", data={"text": "jag har redan gett dem koden", "action": "ask", "conversation": "d" * 32})
    assert "Om det redan har hänt" not in await other_window.text()
    await app_client.post("/radera-mina-fragor", data={"conversation": "c" * 32})
    again = await app_client.post("/svar", data={"text": "vad gör jag nu?", "action": "ask", "conversation": "c" * 32})
    assert police not in await again.text()  # the conversation was forgotten with the questions

TOKEN_A, TOKEN_B = "a" * 32, "b" * 32


def _question_rows(app_client) -> list[tuple]:
    return app_client.services.db.db.execute("SELECT text, user_key FROM questions ORDER BY id").fetchall()


async def _logged_rows(app_client) -> list[tuple]:
    """The question log once every question asked so far is written (logging happens after the answer)."""
    await app_client.services.assistant.flush()
    return _question_rows(app_client)


async def test_the_chat_form_carries_a_random_conversation_token(app_client):
    first = re.search(r'name="conversation" value="([A-Za-z0-9_-]{32})"', await (await app_client.get("/")).text())
    second = re.search(r'name="conversation" value="([A-Za-z0-9_-]{32})"', await (await app_client.get("/")).text())
    assert first and second and first.group(1) != second.group(1)
    resp = await app_client.post("/", data={"text": "bluff-sms om paket", "action": "ask", "conversation": TOKEN_A})
    html = await resp.text()
    assert html.count(f'name="conversation" value="{TOKEN_A}"') == 2  # the chat form and the delete form
    text, key = (await _logged_rows(app_client))[0]
    assert key and TOKEN_A not in key  # only a keyed hash is stored


async def test_delete_my_questions_deletes_only_this_windows_text(app_client):
    for token, text in ((TOKEN_A, "bluff-sms om paket"), (TOKEN_A, "någon ringde från banken"), (TOKEN_B, "falsk faktura")):
        await app_client.post("/svar", data={"text": text, "action": "ask", "conversation": token})
    resp = await app_client.post("/radera-mina-fragor", data={"conversation": TOKEN_A})
    assert resp.status == 200 and "Texten i 2 frågor från det här fönstret är raderad" in await resp.text()
    rows = _question_rows(app_client)
    assert rows[0] == (None, None) and rows[1] == (None, None)
    assert rows[2][0] == "falsk faktura" and rows[2][1]
    assert len(rows) == 3  # the counts stay
    again = await app_client.post("/radera-mina-fragor", data={"conversation": TOKEN_A, "lang": "en"})
    assert "There were no stored questions from this window" in await again.text()


async def test_delete_my_questions_with_a_made_up_token_deletes_nothing(app_client):
    await app_client.post("/svar", data={"text": "bluff-sms om paket", "action": "ask", "conversation": TOKEN_A})
    for given in ("", "x", "' OR 1=1 --", "a" * 200):
        resp = await app_client.post("/radera-mina-fragor", data={"conversation": given})
        assert "inga sparade frågor" in await resp.text()
    assert (await _logged_rows(app_client))[0][0] == "bluff-sms om paket"


async def test_a_name_and_street_address_never_reach_the_database(app_client, tmp_path):
    text = "Hej, jag heter Gunborg Wikström och bor på Rådhusgatan 17B, 871 31 Härnösand. Någon ringde från banken, bilen hade regnummer KLM 456"
    await app_client.post("/", data={"text": text, "action": "ask", "conversation": TOKEN_A})
    await app_client.post("/svar", data={"text": text, "action": "ask"})
    await app_client.post("/api/ask", json={"text": text})
    await app_client.post("/", data={"text": text, "action": "check"})
    assert len(await _logged_rows(app_client)) == 3
    secrets = ["Gunborg", "Wikström", "Rådhusgatan", "871 31", "KLM 456"]
    assert _found_in_database(app_client.services.db.db, tmp_path, secrets) == []
    stored = _question_rows(app_client)[0][0]
    assert "[namn]" in stored and "[adress]" in stored and "[postnummer]" in stored and "[regnummer]" in stored


def _found_in_database(db, folder, secrets) -> list[str]:
    """Every place any of `secrets` is found: each column of each table, and the raw database files."""
    found = []
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()]
    for table in tables:
        for row in db.execute(f"SELECT * FROM [{table}]").fetchall():
            for value in row:
                found += [f"{table}: {secret}" for secret in secrets if isinstance(value, str) and secret in value]
    db.execute("PRAGMA wal_checkpoint(FULL)")
    for path in folder.glob("fraudbot.db*"):
        data = path.read_bytes()
        found += [f"{path.name}: {secret}" for secret in secrets if secret.encode() in data]
    return found


# --- urgent warnings on the home page, for the resident's municipality ---------------------------

def _sent_warning(services, severity: str, municipalities: tuple[str, ...], title: str = "Falska poliser ringer i kväll"):
    from datetime import datetime, timezone

    from bot.core.staff.accounts import create_staff
    from bot.storage import alerts as store

    db = services.db.db
    author = db.execute("SELECT id FROM staff WHERE username = 'writer'").fetchone()
    author_id = author[0] if author else create_staff(db, "writer", "editor", actor="test")[0].id
    now = datetime.now(timezone.utc)
    alert = store.insert_alert(db, title_sv=title, text_sv="Lägg på om någon säger att de är polisen och frågar efter koder.",
                               title_en="Fake police calling tonight", text_en="Hang up if someone says they are the police.",
                               severity=severity, topics=(), municipalities=municipalities, expires_at=None,
                               scheduled_at=None, state="approved", created_by=author_id, now=now)
    store.set_state(db, alert.id, "sent", now, sent=True)
    return alert


async def test_an_urgent_warning_shows_as_a_banner_at_the_top_of_the_home_page(app_client):
    _sent_warning(app_client.services, "urgent", ("Kramfors",))
    _sent_warning(app_client.services, "warning", (), title="Bluffsms om paket")
    html = await (await app_client.get("/")).text()
    banner = html[html.index('class="urgent-banner"'):html.index("<h1>")]
    assert "Falska poliser ringer i kväll" in banner and "Gäller: Kramfors" in banner
    assert "Bluffsms om paket" not in html  # only urgent ones are a banner
    english = await (await app_client.get("/?lang=en")).text()
    assert "Fake police calling tonight" in english and "Urgent warning" in english


async def test_the_banner_follows_the_municipality_chosen_on_the_page(app_client):
    _sent_warning(app_client.services, "urgent", ("Kramfors",))
    resp = await app_client.post("/kommun", data={"kommun": "Sollefteå", "back": "/"}, allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/"
    html = await (await app_client.get("/")).text()
    assert "urgent-banner" not in html  # not for Sollefteå
    assert '<option value="Sollefteå" selected>' in html
    await app_client.post("/kommun", data={"kommun": "Kramfors", "back": "/"})
    assert "Falska poliser ringer i kväll" in await (await app_client.get("/")).text()
    await app_client.post("/kommun", data={"kommun": "", "back": "https://evil.example/"})
    assert "Falska poliser ringer i kväll" in await (await app_client.get("/")).text()  # none chosen: all areas


async def test_a_warning_for_every_municipality_shows_wherever_one_lives(app_client):
    _sent_warning(app_client.services, "urgent", ())
    await app_client.post("/kommun", data={"kommun": "Härnösand", "back": "/"})
    assert "Falska poliser ringer i kväll" in await (await app_client.get("/")).text()
