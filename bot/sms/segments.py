"""How many SMS segments a text costs, and making a text GSM-7 so it costs as few as possible.

GSM 03.38: a text in the GSM-7 alphabet fits 160 characters in one SMS and 153 per segment once it
is split (the rest of each segment is the concatenation header); the extension table's characters
(€ [ ] { } \\ ^ ~ |) take two septets each and are never split from their escape. One character
outside GSM-7 makes the whole message UCS-2: 70 UTF-16 units in one SMS, 67 per segment, and a
surrogate pair (an emoji) is never split either. å ä ö Å Ä Ö é É ü Ü are in the basic set, so plain
Swedish stays GSM-7; `to_gsm7` replaces the typographic rest (– ’ “ … •) and drops emoji.
"""

from __future__ import annotations

import re
import unicodedata

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
SINGLE_GSM7, PART_GSM7 = 160, 153
SINGLE_UCS2, PART_UCS2 = 70, 67

_REPLACEMENTS = {
    "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "’": "'", "‘": "'", "´": "'", "`": "'", "“": '"', "”": '"',
    "„": '"', "«": '"', "»": '"', "…": "...", "•": "-", "·": "-", "→": "->", "⚠": "!", "\u00a0": " ", "\u202f": " ",
    "\t": " ", "×": "x", "½": "1/2", "°": " grader",
}
_SPACES = re.compile(r"(?<=\S) {2,}")


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def to_gsm7(text: str) -> str:
    """`text` in the GSM-7 alphabet where a sensible replacement exists: dashes and quotes become
    their plain forms, accented letters outside the set lose the accent (á → a), emoji and other
    symbols are dropped. Letters with no plain form (Cyrillic, Arabic …) are kept, so such a text
    goes out as UCS-2 rather than as question marks."""
    out: list[str] = []
    for c in text:
        if c in GSM7_BASIC or c in GSM7_EXTENSION:
            out.append(c)
        elif c in _REPLACEMENTS:
            out.append(_REPLACEMENTS[c])
        else:
            base = "".join(b for b in unicodedata.normalize("NFKD", c) if not unicodedata.combining(b))
            if base and all(b in GSM7_BASIC for b in base):
                out.append(base)
            elif unicodedata.category(c)[0] in "LN":
                out.append(c)  # a letter we cannot spell in GSM-7: keep it (UCS-2)
            # symbols, emoji, variation selectors: dropped
    return _SPACES.sub(" ", "".join(out))  # a dropped emoji leaves no double space


def _units(text: str) -> tuple[str, list[int]]:
    """The encoding and the size of each character in its units (septets or UTF-16 units)."""
    if is_gsm7(text):
        return "gsm7", [2 if c in GSM7_EXTENSION else 1 for c in text]
    return "ucs2", [2 if ord(c) > 0xFFFF else 1 for c in text]


def count_segments(text: str) -> int:
    """The SMS segments `text` is sent as (0 for an empty text)."""
    encoding, sizes = _units(text)
    single, part = (SINGLE_GSM7, PART_GSM7) if encoding == "gsm7" else (SINGLE_UCS2, PART_UCS2)
    total = sum(sizes)
    if total == 0:
        return 0
    if total <= single:
        return 1
    segments, used = 1, 0
    for size in sizes:  # a two-unit character never straddles two segments
        if used + size > part:
            segments, used = segments + 1, 0
        used += size
    return segments


def encoding_of(text: str) -> str:
    return _units(text)[0]
