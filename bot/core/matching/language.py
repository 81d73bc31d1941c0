"""Which language a resident wrote in: Swedish or English (answered), or another one (recognised).

Swedish and English are told apart by their common words, which works on three-word questions full
of typos. Other languages are recognised with lingua (`lingua-language-detector`, its models ship
with it): the writing system decides first (Arabic script, Cyrillic, Ge'ez), then lingua's
trigram models among the languages residents here are likely to write. A question in such a
language is answered honestly in Swedish and English with the key numbers, never mis-matched.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_SWEDISH_LETTERS = re.compile(r"[åäö]", re.I)
_SV = frozenset(
    ["och", "att", "det", "som", "pa", "ar", "av", "jag", "inte", "har", "en", "ett", "min", "mitt", "mina", "vad", "hur", "nagon", "nagot", "ngn", "ringde", "sa", "mig", "du", "dig", "kan", "ska", "var", "fran", "till", "med", "om", "nar", "nu", "hej", "tack", "fick", "blev", "lurad", "pengar", "banken", "polisen", "mamma", "pappa", "jag", "mitt", "kort", "kod", "sms", "fraga", "gor", "gora", "ha", "hade", "vill", "nytt", "nummer", "och", "eller", "men", "int", "dom", "dem", "kommer", "kom", "knackade", "dorren", "betala", "betalat", "skickade", "skicka", "ar", "e"]
)
_EN = frozenset(
    ["the", "and", "to", "of", "is", "it", "you", "that", "was", "i", "my", "me", "what", "how", "someone", "called", "said", "from", "with", "this", "have", "has", "got", "an", "a", "on", "in", "for", "do", "did", "can", "should", "be", "are", "not", "your", "they", "he", "she", "we", "money", "bank", "police", "mom", "dad", "card", "code", "text", "message", "asked", "phone", "sent", "paid", "help", "scam", "fraud", "scammed", "number", "new", "door", "is", "am", "if", "who", "when", "will", "would", "there", "here"]
)
ANSWERED = ("sv", "en")
# ISO 639-1 code of each language lingua may recognise among Latin-script texts, and the scripts.
_LATIN = {"FINNISH": "fi", "SOMALI": "so", "SWEDISH": "sv", "ENGLISH": "en"}
_ARABIC_SCRIPT = {"ARABIC": "ar", "PERSIAN": "fa"}
_CYRILLIC = {"UKRAINIAN": "uk", "RUSSIAN": "ru"}
# A Latin-script text is only taken for another language when lingua is this sure and the text is
# long enough for trigrams to mean something: "falsk faktura" must stay Swedish.
FOREIGN_CONFIDENCE = 0.9
FOREIGN_MIN_LETTERS = 18


def detect_language(text: str, default: str = "sv") -> str:
    """Return "sv" or "en" for `text`; short or unclear text gives `default`."""
    if _SWEDISH_LETTERS.search(text):
        return "sv"
    words = re.findall(r"[a-z']+", text.lower())
    sv = sum(w in _SV for w in words)
    en = sum(w in _EN for w in words)
    if en > sv:
        return "en"
    if sv > en:
        return "sv"
    return default


def identify_language(text: str, default: str = "sv") -> str:
    """The ISO 639-1 code of the language of `text`: "sv", "en", or another code such as "ar"."""
    script = _main_script(text)
    if script == "ethiopic":
        return "ti"  # Tigrinya is the Ge'ez-script language most written here
    if script == "arabic":
        return _lingua_choice(text, _ARABIC_SCRIPT) or "ar"
    if script == "cyrillic":
        return _lingua_choice(text, _CYRILLIC) or "uk"
    if script == "other":
        return "other"
    letters = sum(ch.isalpha() for ch in text)
    if letters >= FOREIGN_MIN_LETTERS and not _SWEDISH_LETTERS.search(text):
        words = re.findall(r"[a-z']+", text.lower())
        known = sum(w in _SV or w in _EN for w in words)
        if known * 4 < len(words):  # fewer than one word in four is common Swedish or English
            choice = _lingua_choice(text, _LATIN, FOREIGN_CONFIDENCE)
            if choice and choice not in ANSWERED:
                return choice
    return detect_language(text, default)


# Unicode blocks of the scripts told apart (Latin with its extensions, Arabic with its supplements …).
_SCRIPTS = (
    ("latin", ((0x41, 0x24F), (0x1E00, 0x1EFF))),
    ("arabic", ((0x600, 0x6FF), (0x750, 0x77F), (0x8A0, 0x8FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))),
    ("cyrillic", ((0x400, 0x52F),)),
    ("ethiopic", ((0x1200, 0x139F), (0x2D80, 0x2DDF), (0xAB00, 0xAB2F))),
)


def _main_script(text: str) -> str:
    """"latin", "arabic", "cyrillic", "ethiopic" or "other": the script of most letters."""
    counts = {"latin": 0, "arabic": 0, "cyrillic": 0, "ethiopic": 0, "other": 0}
    for ch in text[:2000]:
        if not ch.isalpha():
            continue
        code = ord(ch)
        for script, ranges in _SCRIPTS:
            if any(low <= code <= high for low, high in ranges):
                counts[script] += 1
                break
        else:
            counts["other"] += 1
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else "latin"


def _lingua_choice(text: str, names: dict[str, str], confidence: float = 0.0) -> str | None:
    detector = _detector(tuple(sorted(names)))
    values = detector.compute_language_confidence_values(text)
    if not values or values[0].value < confidence:
        return None
    return names.get(values[0].language.name)


@lru_cache(maxsize=4)
def _detector(names: tuple[str, ...]) -> Any:
    """A lingua detector for a few languages, built on first use (its models load lazily)."""
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(*(getattr(Language, n) for n in names)).with_low_accuracy_mode().build()
