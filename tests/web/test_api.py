import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.web.app import create_app
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
