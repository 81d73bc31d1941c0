"""The features the learned models see: character n-grams and word stems of normalised text.

One function, `text_features`, is used both when a model is trained (as scikit-learn's analyzer)
and when it answers (by `LinearTextModel`), so the two can never disagree.
"""

from __future__ import annotations

from functools import lru_cache

import snowballstemmer

from bot.core.content.text import normalise

CHAR_MIN, CHAR_MAX = 2, 5  # character n-grams inside word boundaries, as scikit-learn's "char_wb"
MAX_CHARS = 2000  # a 4,096-character paste is judged on its first 2,000 characters

_SV = snowballstemmer.stemmer("swedish")
_EN = snowballstemmer.stemmer("english")


@lru_cache(maxsize=100_000)
def _stems(word: str) -> tuple[str, ...]:
    """Swedish and English Snowball stems of a folded word (residents mix both, so both count)."""
    sv, en = _SV.stemWord(word), _EN.stemWord(word)
    return (sv,) if sv == en else (sv, en)


def text_features(text: str) -> list[str]:
    """Every feature of `text`: char n-grams ("c:"-less, 2–5 letters) plus "w:" stems and "b:" stem pairs.

    Character n-grams carry typos, missing å/ä/ö and compounds ("kortbedrägeri"); stems and stem
    pairs carry what a phrase is about ("ringde banken", "bank ring").
    """
    words = normalise(text[:MAX_CHARS]).split()
    features: list[str] = []
    for word in words:
        padded = f" {word} "
        length = len(padded)
        for n in range(CHAR_MIN, CHAR_MAX + 1):
            if n > length:
                break
            features.extend(padded[i:i + n] for i in range(length - n + 1))
    stems = [s for word in words if len(word) > 1 for s in _stems(word)[:1]]
    features.extend(f"w:{s}" for s in stems)
    features.extend(f"b:{a} {b}" for a, b in zip(stems, stems[1:]))
    return features
