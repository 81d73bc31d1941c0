"""Every word of the resident pages: the `web.` part of the message catalogues."""

from __future__ import annotations

from bot.core.words import Section
from bot.web.api import MAX_TEXT

# {lang: {name: text}}: the `web.` part of bot/locale/<lang>/LC_MESSAGES/fraudbot.po, read at each use.
UI = Section("web", max=MAX_TEXT)
