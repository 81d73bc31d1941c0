"""A running service (real aiohttp app, real python-telegram-bot) against the fake Bot API."""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass

import pytest
from aiohttp.test_utils import TestClient, TestServer
from telegram import Update
from telegram.ext import TypeHandler

from bot.config import load_config
from bot.host import create_app
from bot.host.app import TELEGRAM_APP
from bot.services import Services, build_services
from tests.fakes import TEST_TOKEN, FakeTelegram

OBSERVER_GROUP = 1_000  # after every group the bot registers


@dataclass
class Running:
    tg: FakeTelegram
    services: Services
    client: TestClient

    def rows(self, sql: str, *args) -> list[tuple]:
        return self.services.db.db.execute(sql, args).fetchall()

    async def handled(self, update_id: int, timeout: float = 10) -> None:
        """Returns once the bot has run its handlers for the update `update_id`: a reply it sends is
        sent by then. Call it right after queueing the update (no await in between)."""
        application = self.client.server.app[TELEGRAM_APP]
        done = asyncio.Event()

        async def observe(update: Update, _context) -> None:
            if update.update_id == update_id:
                done.set()

        # A handler group runs after the groups before it have finished with the update.
        observer = TypeHandler(Update, observe)
        application.add_handler(observer, group=OBSERVER_GROUP)
        try:
            await asyncio.wait_for(done.wait(), timeout)
        finally:
            application.remove_handler(observer, group=OBSERVER_GROUP)


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
