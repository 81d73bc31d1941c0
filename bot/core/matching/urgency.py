"""Recognising that something is happening right now, so the reply leads with 112."""

from __future__ import annotations

import re

from bot.core.text import fold

# Patterns over folded text (å/ä/ö -> a/a/o). Each describes an ongoing situation, not a past one.
_PATTERNS = [
    # the caller is on the line / calling now
    r"\b(ar|sitter|ligger) (fortfarande )?(kvar )?(i|pa) (telefon|luren|linjen|samtalet)",
    r"\b(han|hon|de|dom|nagon|ngn|nan|personen|mannen|kvinnan) (ar|e) (kvar )?(i|pa) (telefon|luren|linjen)",
    r"\b(ringer|pratar med mig|har mig i luren) (just )?(nu|precis nu|hela tiden)\b",
    r"\bjust nu\b.*\b(ringer|ringde|telefon|luren|samtal|dorr|dorren|knackar|hemma|kommer|hamta|vantar)",
    r"\b(ringer|telefon|luren|samtal|dorr|dorren|knackar|kommer|hamta|vantar)\b.*\bjust nu\b",
    r"\bvantar (pa mig )?(i|pa) (telefon|luren|linjen)",
    r"\b(star|ar|sitter|vantar) (nu )?(utanfor|vid|i) (min |var )?(dorr|dorren|porten|trappan|trapphuset)",
    r"\bknackar (pa )?(dorren|pa)? ?(nu|just nu)?",
    r"\b(ringer|ringde) pa (dorren|porttelefonen)",
    r"\b(pa vag|pa vag hit|kommer hit|kommer hem till mig|kommer och hamtar|ska komma och hamta|skickar en bud|skickar ett bud|skickar nagon|skickar en kollega|bud som hamtar|budet kommer)",
    r"\bska (hamta|ha) (mitt|mina|mitt bank|kortet|korten|kontanter|smycken|pengarna)",
    r"\bvill (att jag ska )?(lamna|ge) (ut )?(mitt|mina|kortet|korten|kontanter|smycken)",
    r"\b(han|hon|de|dom) (ar|e) har (nu|hemma)",
    # English
    r"\b(is|are|still) (on the (phone|line)|calling me now|at (my|the) door|outside (my|the) door)",
    r"\b(on the (phone|line) (right )?now|right now on the (phone|line))",
    r"\b(at|outside) my (front )?door\b",
    r"\bcoming (here )?to (collect|pick up|get)\b",
    r"\b(on (his|her|their) way|is coming over|sending a courier|courier is coming)",
    r"\bknocking\b",
    r"\bright now\b.*\b(call|calling|phone|door|here|courier|collect)",
    r"\b(call|calling|phone|door|here|courier|collect)\w*\b.*\bright now\b",
]
_URGENT = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))


def is_urgent(text: str) -> bool:
    """True when `text` describes a fraud attempt that is going on at this moment."""
    return bool(_URGENT.search(fold(text)))
