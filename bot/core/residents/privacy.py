"""The privacy notice residents see, in one place for every channel.

The words are `privacy.*` in the message catalogues (bot/locale/<lang>/LC_MESSAGES/fraudbot.po). They must
say exactly what `bot.core.residents.redact` removes (`privacy.removed`) and what the storage keeps: when one
changes, change the other (tests/core/test_redact.py and tests/web/test_public.py pin both).
"""

from __future__ import annotations

from bot.core.words import t

# The paragraphs of each channel's notice, in the order they are shown: `privacy.<channel>.<name>` in the
# catalogues (bot/locale/<lang>/LC_MESSAGES/fraudbot.po); `{removed}` is `privacy.removed` in every one.
PARAGRAPHS = {
    "telegram": ("stored", "deleted", "subscriptions", "never", "erase"),
    "web": ("stored", "metadata", "deleted", "cookies", "erase"),
    "sms": ("stored", "phone", "erase"),
}


def privacy_notice(lang: str, retention_days: int, channel: str = "telegram") -> list[str]:
    """Short paragraphs: what is stored, why, for how long, and how to erase it.

    `channel` is "telegram", "web" or "sms": they store different things and are erased differently.
    """
    removed = t(lang, "privacy.removed")  # what redact.py takes out, in words
    channel = channel if channel in PARAGRAPHS else "telegram"
    return [t(lang, f"privacy.{channel}.{name}", removed=removed, retention_days=retention_days)
            for name in PARAGRAPHS[channel]]
