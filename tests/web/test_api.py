import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.host import create_app
from bot.web.keys import SERVICES
from tests.helpers import make_services


@pytest.fixture
async def client(tmp_path):
    services = make_services(tmp_path)
    client = TestClient(TestServer(create_app(services)))
    await client.start_server()
    yield client
    await client.close()
    services.close()


async def test_ask_answers_and_logs_redacted(client):
    resp = await client.post("/api/ask", json={"text": "Någon ringde från banken och ville att jag skulle flytta pengarna till ett säkert konto, mitt nummer är 070-123 45 67"})
    assert resp.status == 200
    data = await resp.json()
    assert data["topic"] == "bank-impersonation"
    services = client.server.app[SERVICES]
    await services.assistant.flush()  # the question is logged after the answer
    rows = services.db.db.execute("SELECT text, channel, status FROM questions").fetchall()
    assert rows and "070-123" not in rows[0][0] and "[telefon]" in rows[0][0]
    assert rows[0][1] == "web"


async def test_check_has_the_cli_fields(client):
    resp = await client.post("/api/check", json={"text": "Hej mamma, nytt nummer, swisha 3000 kr"})
    data = await resp.json()
    assert data["risk"] == "high"
    assert {"risk", "signals", "topics"} <= set(data)


@pytest.mark.parametrize("body", [b"not json", b"[1,2]", b'{"txt": "x"}'])
async def test_bad_bodies_get_a_clear_400(client, body):
    resp = await client.post("/api/ask", data=body, headers={"Content-Type": "application/json"})
    assert resp.status == 400
    assert "error" in await resp.json()


async def test_too_long_text_is_refused(client):
    resp = await client.post("/api/ask", json={"text": "x" * 5000})
    assert resp.status == 413


async def test_form_posts_and_4096_characters_work(client):
    resp = await client.post("/api/check", data={"text": "å" * 4096})
    assert resp.status == 200


async def test_healthz(client):
    resp = await client.get("/healthz")
    data = await resp.json()
    assert data["status"] == "ok" and data["topics"] == 40


async def _logged(client) -> int:
    """Questions in the log once those on their way are written (the log is written after the answer)."""
    await client.server.app[SERVICES].assistant.flush()
    return client.server.app[SERVICES].db.db.execute("SELECT COUNT(*) FROM questions").fetchone()[0]


@pytest.mark.parametrize("path", ["/api/ask", "/api/check"])
async def test_one_address_is_limited_like_the_chat_page(client, path):
    for _ in range(30):
        assert (await client.post(path, json={"text": "bluff-sms om paket"})).status == 200
    resp = await client.post(path, json={"text": "bluff-sms om paket"})
    assert resp.status == 429
    assert resp.headers["Retry-After"] == "60"
    assert "error" in await resp.json()


async def test_a_refused_request_counts_nothing(client):
    for _ in range(20):
        await client.post("/api/ask", json={"text": "bluff-sms om paket"})
    for _ in range(10):
        await client.post("/api/check", json={"text": "Hej mamma, nytt nummer"})
    assert await _logged(client) == 20
    for path in ("/api/ask", "/svar", "/"):  # the API and the chat page share one limit per address
        resp = await client.post(path, json={"text": "bluff-sms om paket"}) if path.startswith("/api") else \
            await client.post(path, data={"text": "bluff-sms om paket", "action": "ask"})
        assert resp.status == 429, path
    assert await _logged(client) == 20


@pytest.mark.parametrize("text", ["", "   ", "\n\t \u00a0"])
async def test_empty_or_whitespace_text_is_a_400_and_not_counted(client, text):
    for path in ("/api/ask", "/api/check"):
        resp = await client.post(path, json={"text": text})
        assert resp.status == 400 and (await resp.json())["error"] == '"text" is empty'
    for _ in range(30):  # nor does it use up the address's allowance
        assert (await client.post("/api/ask", json={"text": " "})).status == 400
    assert (await client.post("/api/ask", json={"text": "bluff-sms om paket"})).status == 200
    assert await _logged(client) == 1


async def test_a_lone_surrogate_does_not_lose_the_question_log(client):
    resp = await client.post("/api/ask", data=b'{"text": "fick ett sms om ett paket \\ud800 med en l\\u00e4nk"}',
                             headers={"Content-Type": "application/json"})
    assert resp.status == 200
    assert (await resp.json())["status"] in ("answer", "clarify")
    await client.server.app[SERVICES].assistant.flush()  # the question is logged after the answer
    rows = client.server.app[SERVICES].db.db.execute("SELECT text FROM questions").fetchall()
    assert rows == [("fick ett sms om ett paket \ufffd med en länk",)]
    resp = await client.post("/api/check", data=b'{"text": "\\udfff"}', headers={"Content-Type": "application/json"})
    assert resp.status == 200
