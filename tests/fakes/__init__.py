"""Test doubles that speak real network protocols: the Telegram Bot API and 46elks' SMS API."""

from tests.fakes.elks_api import FakeElks, RecordedSms
from tests.fakes.telegram_api import TEST_TOKEN, Call, Edit, FakeTelegram, SentMessage

__all__ = ["TEST_TOKEN", "Call", "Edit", "FakeElks", "FakeTelegram", "RecordedSms", "SentMessage"]
