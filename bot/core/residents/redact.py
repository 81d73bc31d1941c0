"""Removing personal data from text before anything is stored.

What a resident writes is kept for statistics and for staff to improve the answers, but never who
they are: names they give, where they live, and numbers that identify a person, a card, an account
or a car are replaced by labels such as "[namn]" or "[adress]". Over-redacting is the safe error:
a word taken for a name costs staff a little context, a name left in costs a resident's privacy.
"""

from __future__ import annotations

import re

# Order matters: longer, more specific numbers first, so a personnummer is not taken for a phone.
_NUMBER_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
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
_SURROGATES = re.compile("[\ud800-\udfff]")

# A word of a name: letters, with inner hyphens or apostrophes (Anna-Karin, O'Brien).
_WORD = r"[^\W\d_]+(?:[-'’][^\W\d_]+)*"
# "jag heter …" and the like: the words that follow are the name, up to three of them.
_NAME_AFTER = re.compile(
    r"(?i:\b(?:(?:jag\s+heter|heter\s+jag|mitt\s+namn\s+är|mitt\s+namn\s+e|jag\s+kallas|i\s*['’]?\s*m\s+called|"
    r"i\s+am\s+called|my\s+name\s+is|my\s+name['’]s|call\s+me)[:\s]\s*|(?:namn|name)\s*:\s*))"
    rf"(?P<name>{_WORD}(?:[ \t]+{_WORD}){{0,2}})"
)
# A signature at the end of a message: "Mvh Anna Svensson". Only capitalised words count here.
_SIGNATURE = re.compile(
    r"(?i:\b(?:mvh|med\s+vänlig\s+hälsning|vänliga\s+hälsningar|hälsningar|kram|regards|best\s+regards|"
    r"kind\s+regards|sincerely))[,.!]?\s+"
    r"(?P<name>[A-ZÅÄÖÉ][^\W\d_]+(?:[-'’][^\W\d_]+)*(?:[ \t]+[A-ZÅÄÖÉ][^\W\d_]+(?:[-'’][^\W\d_]+)*){0,2})"
)
# Words that end a name rather than belong to it ("jag heter Anna och bor …").
_NOT_NAME = frozenset(["och", "men", "eller", "så", "jag", "du", "han", "hon", "vi", "ni", "de", "den", "det", "ett", "en", "från", "som", "i", "på", "är", "var", "bor", "har", "hade", "fick", "ringde", "och", "till", "med", "att", "nu", "här", "där", "inte", "och", "om", "hej", "tack", "vill", "ska", "kan", "and", "but", "or", "so", "i", "you", "he", "she", "we", "they", "it", "from", "who", "in", "at", "on", "is", "was", "am", "live", "lives", "living", "have", "had", "got", "called", "to", "with", "that", "now", "here", "there", "not", "and", "if", "hi", "thanks", "want", "will", "can"])
_STREET_SUFFIX = (r"gatan|gata|vägen|väg|gränd|gränden|stigen|stig|backen|backe|torget|torg|allén|allé|leden|"
                  r"platsen|plan|slingan|kajen|stranden|strand|liden|udden|höjden|gården|gärdet|vägar")
_ADDRESS_RULES: tuple[re.Pattern[str], ...] = (
    # Storgatan 12, Norra Kyrkvägen 5B, Skolgränd 3 lgh 1102
    re.compile(rf"\b[^\W\d_][\w-]*?(?:{_STREET_SUFFIX})[ \t]+\d{{1,4}}(?-i:[A-Za-z]|[ \t][A-Z])?(?!\w)"
               r"(?:[ \t,]+(?:lgh|lägenhet|apt|flat)\.?[ \t]?\d{1,5})?", re.I),
    # 12 Baker Street
    re.compile(r"\b\d{1,4}[A-Za-z]?[ \t]+(?:[A-Z][a-z]+[ \t]+){1,2}(?:Street|Road|Avenue|Lane|Drive|Close|Way|Court|Place)\b"),
    # "jag bor på Bölesta 123", "my address is Gamla vägen 4": the words before the number too
    re.compile(r"(?i:\b(?:jag\s+bor\s+på|bor\s+på|min\s+adress\s+är|adressen\s+är|adress|i\s+live\s+at|my\s+address\s+is|address))"
               r"[:\s]+(?P<value>(?:[^\W\d_][\w-]*[ \t]+){1,3}\d{1,4}[A-Za-z]?\b)"),
)
# Swedish postcodes (100 00–989 99) when they look like one: followed by a town or after "postnummer".
_POSTCODE = re.compile(r"(?<![\d-])[1-9]\d{2}[ \u00a0]?\d{2}(?![\d-])(?=[ \t,]+[A-ZÅÄÖ][a-zåäö]{2,})")
_POSTCODE_NAMED = re.compile(r"(?i:\b(?:postnummer|postnr|post\s*code|postcode|zip)\.?[:\s]+)(?P<value>\d{3}[ \u00a0]?\d{2})\b")
# A phone number read out before a capitalised word is not a postcode: "ring 114 00 Polisen …".
_PHONE_CUE = re.compile(r"(?i:(?:ring|ringa|ringer|ringde|call|nummer|numret|number|tel|telefon)\W{0,3})$")
# Swedish registration plates: three letters (no I, Q, V, Å, Ä, Ö) and three digits or two and a letter.
_PLATE = re.compile(r"\b[A-HJ-PR-UW-Z]{3}[ ]?\d{2}[A-HJ-PR-UW-Z\d]\b")
_PLATE_NAMED = re.compile(r"(?i:\b(?:regnr|reg\.?\s?nr|regnumret|regnummer|registreringsnumret|registreringsnummer|"
                          r"registration(?:\s+number)?|number\s+plate|plate))\.?[:\s]+(?P<value>[A-Za-z]{3}[ ]?\d{2}[A-Za-z\d])\b")
_NOT_PLATES = frozenset({"SMS", "SEK", "EUR", "USD", "GBP", "NOK", "DKK", "PIN", "CVC", "CVV", "SEB", "MMS", "APP"})


def redact_personal_data(text: str) -> str:
    """Replace what could identify a person with labels, before the text is stored anywhere.

    Names given after "jag heter", "mitt namn är", "I'm called", "my name is" (and in a signature
    such as "Mvh Anna Svensson") become [namn]; street addresses (…gatan/vägen/gränd … and a number)
    [adress]; postcodes [postnummer]; car registration numbers [regnummer]; personnummer, phone,
    card and account numbers and e-mail addresses their own labels. Emergency and service numbers
    (the region's three to six digits) are kept: they are short. Any other run of seven or more digits
    is replaced too, to be safe. Lone UTF-16 surrogates (which SQLite cannot store) become U+FFFD.
    """
    if not text:
        return ""
    text = without_lone_surrogates(text)
    text = _NAME_AFTER.sub(_name_replacement, text)
    text = _SIGNATURE.sub(_name_replacement, text)
    for pattern in _ADDRESS_RULES:
        text = _replace_value(pattern, "[adress]", text)
    text = _replace_value(_POSTCODE_NAMED, "[postnummer]", text)
    text = _POSTCODE.sub(_postcode_replacement, text)
    text = _replace_value(_PLATE_NAMED, "[regnummer]", text)
    text = _PLATE.sub(lambda m: m[0] if m[0][:3] in _NOT_PLATES else "[regnummer]", text)
    for label, pattern in _NUMBER_RULES:
        text = pattern.sub(label, text)
    return _LONG_DIGITS.sub("[nummer]", text)


def without_lone_surrogates(text: str) -> str:
    """Text that can be encoded as UTF-8: a lone surrogate (JSON "\\ud800") becomes U+FFFD."""
    return _SURROGATES.sub("\ufffd", text)


def _name_replacement(match: re.Match[str]) -> str:
    """Keep the words that introduce the name; replace the name itself, ending at a word like "och"."""
    name_start = match.start("name") - match.start()
    end = None
    for word in re.finditer(_WORD, match["name"]):
        if word[0].lower() in _NOT_NAME:
            break
        end = word.end()
    if end is None:
        return match[0]
    return match[0][:name_start] + "[namn]" + match["name"][end:]


def _replace_value(pattern: re.Pattern[str], label: str, text: str) -> str:
    """Replace the pattern's `value` group (the whole match when it has none), keeping the words before it."""
    if "value" not in pattern.groupindex:
        return pattern.sub(label, text)
    return pattern.sub(lambda m: m[0][: m.start("value") - m.start()] + label + m[0][m.end("value") - m.start():], text)


def _postcode_replacement(match: re.Match[str]) -> str:
    before = match.string[max(0, match.start() - 16):match.start()]
    return match[0] if _PHONE_CUE.search(before) else "[postnummer]"
