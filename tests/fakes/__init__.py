"""Test doubles that speak real network protocols (currently: the Telegram Bot API)."""

from tests.fakes.telegram_api import TEST_TOKEN, Call, Edit, FakeTelegram, SentMessage

__all__ = ["TEST_TOKEN", "Call", "Edit", "FakeTelegram", "SentMessage"]
