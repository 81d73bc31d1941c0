"""Removing personal data from text before anything is stored."""

from __future__ import annotations

import re

# Order matters: longer, more specific numbers first, so a personnummer is not taken for a phone.
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("[e-post]", re.compile(r"\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b")),
    ("[iban]", re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){3,7}(?:[ ]?[A-Z0-9]{1,4})?\b", re.I)),
    ("[personnummer]", re.compile(r"(?<![\d-])(?:19|20)?\d{2}(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01]|[6-8]\d|9[01])[-+ ]?\d{4}(?![\d-])")),
    ("[kortnummer]", re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")),
    ("[kontonummer]", re.compile(r"(?<![\d-])\d{4,5}[ ,-]\d{1,2}[ -]?\d{3}[ -]?\d{3,4}[ -]?\d{0,2}(?![\d-])")),
    ("[kontonummer]", re.compile(r"(?<![\d-])\d{4}(?:-\d)?[ ,]+\d{2,3}(?:[ -]?\d{2,3}){2,4}(?:-\d)?(?![\d-])")),
    ("[telefon]", re.compile(r"(?<![\w+])(?:\+|00)\d{1,3}[ -]?\(?\d{1,4}\)?(?:[ -]?\d{2,4}){2,4}(?!\d)")),
    ("[telefon]", re.compile(r"(?<![\d-])0\d{1,3}[ -/]?\d{2,3}(?:[ -]?\d{2,3}){1,3}(?![\d-])")),
    ("[kontonummer]", re.compile(r"(?<![\d-])\d{3,4}-\d{4}(?![\d-])")),  # bankgiro / plusgiro
)
_LONG_DIGITS = re.compile(r"\d{7,}")


def redact_personal_data(text: str) -> str:
    """Replace personnummer, phone, card and account numbers and e-mail addresses with labels.

    Emergency and service numbers such as 112, 114 14 and 116 006 are kept: they are short.
    Any other run of seven or more digits is replaced too, to be safe.
    """
    if not text:
        return ""
    for label, pattern in _RULES:
        text = pattern.sub(label, text)
    return _LONG_DIGITS.sub("[nummer]", text)
