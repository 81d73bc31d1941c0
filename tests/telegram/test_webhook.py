"""Webhook mode: Telegram posts updates to /telegram/webhook with the secret-token header."""

import time

from bot.config import Secret
from tests.fakes import FakeTelegram
from tests.telegram.conftest import start_service


def _update(update_id: int, chat_id: int, text: str) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1, "date": int(time.time()), "text": text,
            "chat": {"id": chat_id, "type": "private", "first_name": "Anna"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Anna", "language_code": "sv"},
        },
    }


async def test_webhook_checks_the_secret_and_answers(tmp_path):
    async with FakeTelegram() as tg:
        running = await start_service(
            tmp_path, tg, mode="webhook", webhook_url="https://bot.example.org/telegram/webhook",
            webhook_secret=Secret("s3cret-token"),
        )
        try:
            (call,) = await tg.wait_for_call("setWebhook")
            assert call.params["url"] == "https://bot.example.org/telegram/webhook"
            assert call.params["secret_token"] == "s3cret-token"
            client = running.client
            resp = await client.post("/telegram/webhook", json=_update(1, 77, "hej"))
            assert resp.status == 403
            resp = await client.post("/telegram/webhook", json=_update(2, 77, "hej"), headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
            assert resp.status == 403
            resp = await client.post("/telegram/webhook", data=b"{not json", headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"})
            assert resp.status == 400
            resp = await client.post(
                "/telegram/webhook", json=_update(3, 77, "någon ringde från banken och ville att jag skulle flytta pengar"),
                headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"},
            )
            assert resp.status == 200
            (reply,) = await tg.wait_for_sent(lambda m: m.chat_id == 77)
            assert "114 14" in reply.text
            assert not [c for c in tg.calls if c.method == "getUpdates"]
        finally:
            await running.client.close()
            running.services.close()


async def test_unreachable_bot_api_does_not_stop_the_web_app(tmp_path, caplog):
    from aiohttp.test_utils import TestClient, TestServer

    from bot.config import load_config
    from bot.host import create_app
    from bot.services import build_services
    from tests.fakes import TEST_TOKEN
    from tests.helpers import free_port

    nobody_listens = f"http://127.0.0.1:{free_port()}/bot"
    config = load_config(None, {"FRAUDBOT_DB": str(tmp_path / "b.db"), "FRAUDBOT_TELEGRAM_TOKEN": TEST_TOKEN,
                                "FRAUDBOT_TELEGRAM_BASE_URL": nobody_listens})
    services = build_services(config)
    client = TestClient(TestServer(create_app(services)))
    await client.start_server()
    try:
        resp = await client.get("/healthz")
        assert resp.status == 200
        resp = await client.post("/api/ask", json={"text": "hej"})
        assert (await resp.json())["status"] == "fallback"
    finally:
        await client.close()
        services.close()
    assert TEST_TOKEN not in caplog.text
