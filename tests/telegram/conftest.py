"""A running service (real aiohttp app, real python-telegram-bot) against the fake Bot API."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.config import load_config
from bot.services import Services, build_services
from bot.host import create_app
from tests.fakes import TEST_TOKEN, FakeTelegram


@dataclass
class Running:
    tg: FakeTelegram
    services: Services
    client: TestClient

    def rows(self, sql: str, *args) -> list[tuple]:
        return self.services.db.db.execute(sql, args).fetchall()


async def start_service(tmp_path, tg: FakeTelegram, alerts: dict | None = None, **telegram_settings) -> Running:
    config = load_config(None, {
        "FRAUDBOT_DB": str(tmp_path / "fraudbot.db"),
        "FRAUDBOT_TELEGRAM_TOKEN": TEST_TOKEN,
        "FRAUDBOT_TELEGRAM_BASE_URL": tg.base_url,
    })
    if telegram_settings:
        config = dataclasses.replace(config, telegram=dataclasses.replace(config.telegram, **telegram_settings))
    if alerts:
        config = dataclasses.replace(config, alerts=dataclasses.replace(config.alerts, **alerts))
    services = build_services(config)
    client = TestClient(TestServer(create_app(services)))
    await client.start_server()
    return Running(tg, services, client)


@pytest.fixture
async def running(tmp_path):
    async with FakeTelegram() as tg:
        service = await start_service(tmp_path, tg)
        await tg.wait_for_call("getUpdates", timeout=10)
        yield service
        await service.client.close()
        service.services.close()
