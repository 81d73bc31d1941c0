"""Telling Swedish from English in a short message."""

from __future__ import annotations

import re

_SWEDISH_LETTERS = re.compile(r"[åäö]", re.I)
_SV = frozenset(
    "och att det som pa ar av jag inte har en ett min mitt mina vad hur nagon nagot ngn ringde sa "
    "mig du dig kan ska var fran till med om nar nu hej tack fick blev lurad pengar banken polisen "
    "mamma pappa jag mitt kort kod sms fraga gor gora ha hade vill nytt nummer och eller men int "
    "dom dem kommer kom knackade dorren betala betalat skickade skicka ar e".split()
)
_EN = frozenset(
    "the and to of is it you that was i my me what how someone called said from with this have "
    "has got an a on in for do did can should be are not your they he she we money bank police "
    "mom dad card code text message asked phone sent paid help scam fraud scammed number new door "
    "is am if who when will would there here".split()
)


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
