"""The SMS channel's own sentences (answers and checks come from the core), from the catalogues' `sms.` part.

Plain GSM-7 text, short: at most two segments each with the municipality filled in (the consent
question needs the room to say what is kept and how to stop).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.words import section, t


def sms_text(lang: str, key: str, **values: str) -> str:
    """The SMS text `key` in `lang`, with the region and `values` filled in."""
    return t(lang, f"sms.{key}", **values)


def sms_keys(lang: str) -> list[str]:
    """The short names of the SMS channel's texts in `lang`'s catalogue."""
    return sorted(section(lang, "sms", municipality="", choices=""))


def choice_list(lang: str, items: Sequence[str]) -> str:
    """"A, B eller C" in the resident's language."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {sms_text(lang, 'or')} {items[-1]}"
