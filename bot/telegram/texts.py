"""Fixed texts of the Telegram bot: the `telegram.` and `command.` parts of the message catalogues."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from bot.core import words
from bot.core.words import Section

TEXTS = Section("telegram")  # {lang: {name: text}} from bot/locale/<lang>/LC_MESSAGES/fraudbot.po

# The bot's commands in the order Telegram lists them; their descriptions are `command.<name>` in the catalogue.
COMMAND_NAMES = ("start", "hjalp", "amnen", "kolla", "varningar", "prenumerera", "installningar", "avsluta", "anmal", "tipsa", "glom", "session", "ova")


def commands(lang: str) -> list[tuple[str, str]]:
    """(command, description) in `lang`, for Telegram's command menu."""
    return [(name, words.t(lang, f"command.{name}")) for name in COMMAND_NAMES]


class _Commands(Mapping[str, list[tuple[str, str]]]):
    """{lang: [(command, description)]} for every language with a catalogue."""

    def __getitem__(self, lang: str) -> list[tuple[str, str]]:
        if lang not in words.languages():
            raise KeyError(lang)
        return commands(lang)

    def __iter__(self) -> Iterator[str]:
        return iter(words.languages())

    def __len__(self) -> int:
        return len(words.languages())


COMMANDS = _Commands()


def t(lang: str, key: str, **values: str) -> str:
    return words.t(lang, f"telegram.{key}", **values)
