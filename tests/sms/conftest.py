"""The whole app with the SMS channel on, talking to a fake 46elks on loopback."""

from __future__ import annotations

import contextlib

import pytest

from bot.config import Secret, SmsConfig
from bot.sms.webhook import SMS_CHANNEL
from tests.fakes.elks_api import PASSWORD, USER, FakeElks
from tests.web.conftest import running_app

SECRET = "test-webhook-secret-0123456789"
NUMBER = "+46766860000"


def sms_config(elks: FakeElks, **changes) -> SmsConfig:
    return SmsConfig(provider="46elks", api_user=USER, api_password=Secret(PASSWORD), number=NUMBER,
                     webhook_secret=Secret(SECRET), base_url=elks.base_url, **changes)


@contextlib.asynccontextmanager
async def sms_app(tmp_path, elks: FakeElks, **changes):
    """A test client for the app with SMS on; `client.webhook` is the address 46elks posts to."""
    async with running_app(tmp_path, sms=sms_config(elks, **changes)) as client:
        client.webhook = str(client.make_url(f"/sms/incoming/{SECRET}"))
        client.channel = client.server.app[SMS_CHANNEL]
        yield client


@pytest.fixture
async def elks():
    async with FakeElks(per_second=50) as fake:
        yield fake


@pytest.fixture
async def sms_client(tmp_path, elks):
    async with sms_app(tmp_path, elks, rate_per_second=20) as client:
        yield client


async def ask(client, elks: FakeElks, sender: str, message: str) -> str:
    """Send `message` from `sender` to the service and return the SMS it answers with."""
    before = len(elks.to(sender))
    status = await elks.send_incoming(client.webhook, sender, message)
    assert status == 204
    await client.channel.flush()
    got = await elks.wait_for(sender, before + 1)
    assert len(got) == before + 1, [m.message for m in got]
    return got[-1].message
