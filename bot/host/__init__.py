"""The process: one aiohttp app serving the web, running the Telegram bot and the periodic jobs.

The only place that knows every channel; `bot.web` and `bot.telegram` never import each other.
"""

from bot.host.app import create_app

__all__ = ["create_app"]
