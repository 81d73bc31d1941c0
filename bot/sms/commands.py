"""Recognising the SMS commands in whatever case and spelling residents type them.

"STOPP" must always stop: "stop", "Stopp.", "STOP!", "stopp tack" and small typos ("stpp") all
count, before anything else is read. Only short messages are commands, so a question that happens
to contain "stopp" is still answered as a question.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

STOP, ERASE, SUBSCRIBE, CONFIRM = "stop", "erase", "subscribe", "confirm"
_STOP_WORDS = ("stopp", "stop", "stoppa", "sluta", "avsluta", "avregistrera", "unsubscribe")
_ERASE_WORDS = ("radera", "delete", "erase", "ta bort")
_SUBSCRIBE_WORDS = ("varning", "varningar", "warning", "warnings", "prenumerera", "subscribe")
_CONFIRM_WORDS = ("ja", "yes", "jo", "japp", "ok", "okej")
# Keywords only an English speaker writes: the reply (and a new subscription) is then in English.
_ENGLISH = {"warning", "warnings", "subscribe", "unsubscribe", "delete", "erase", "yes"}
_POLITE = {"tack", "thanks", "please", "snälla", "allt", "all", "mig", "me", "mitt", "nummer", "number", "nu", "now"}
MAX_COMMAND_WORDS = 4


@dataclass(frozen=True)
class Command:
    kind: str
    argument: str = ""  # SUBSCRIBE: what followed the keyword (a municipality, perhaps misspelt)
    lang: str | None = None  # "en" when the keyword was English; None when it tells nothing


def fold_command(text: str) -> list[str]:
    """Lower-case words without accents or punctuation: "Stopp." -> ["stopp"], "SJÖBY" -> ["sjoby"]."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))
    return re.findall(r"[a-z0-9]+", plain)


def _like(word: str, choices: tuple[str, ...], cutoff: float) -> bool:
    if word in choices:
        return True
    return len(word) >= 3 and process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=cutoff) is not None


def parse_command(text: str) -> Command | None:
    """The command in a short message, or None when it is a question or a message to check."""
    words = fold_command(text)
    if not words or len(words) > MAX_COMMAND_WORDS:
        return None
    first, rest = words[0], [w for w in words[1:] if w not in _POLITE]
    lang = "en" if first in _ENGLISH else None
    if _like(first, _STOP_WORDS, 75) and not rest:
        return Command(STOP, lang=lang)
    if (_like(first, _ERASE_WORDS, 80) or " ".join(words[:2]) == "ta bort") and len(rest) <= 1:
        return Command(ERASE, lang=lang)
    if _like(first, _SUBSCRIBE_WORDS, 80):
        return Command(SUBSCRIBE, " ".join(words[1:]), lang=lang)
    if first in _CONFIRM_WORDS and not rest:
        return Command(CONFIRM, lang=lang)
    return None


def match_municipality(argument: str, municipalities: Sequence[str]) -> str | None:
    """The municipality meant by `argument` ("sjoby", "Sjoby", "SJÖBY", "sjöbby": accents, case and small typos forgiven)."""
    if not argument:
        return None
    folded = {" ".join(fold_command(m)): m for m in municipalities}
    best = process.extractOne(" ".join(fold_command(argument)), list(folded), scorer=fuzz.ratio, score_cutoff=75)
    return folded[best[0]] if best else None
