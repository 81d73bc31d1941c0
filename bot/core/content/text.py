"""Normalising residents' text so that typos, missing å/ä/ö and chat spelling still match."""

from __future__ import annotations

import re
import unicodedata

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "æ": "a", "ø": "o", "é": "e", "è": "e", "ü": "u", "ß": "ss"})
_NON_WORD = re.compile(r"[^a-z0-9]+")
_URL = re.compile(r"(https?://|www\.)\S+", re.I)
# Words residents split or hyphenate in different ways, joined before tokenising.
_JOINS = (
    (re.compile(r"\bbank[\s\-]*id\b"), "bankid"),
    (re.compile(r"\be[\s\-]+(post|mail|mejl)\b"), "mail"),
    (re.compile(r"\bqr[\s\-]+kod"), "qrkod"),
    (re.compile(r"\bid[\s\-]+(kort|handling)"), "idkort"),
    (re.compile(r"\bqr[\s\-]+code"), "qrcode"),
    (re.compile(r"\bsms[\s\-:]+(et|en|n)\b"), "sms"),
    (re.compile(r"\bit[\s\-]+(support|supporten|tekniker)\b"), "itsupport"),
    (re.compile(r"\bhej[\s,]+(mamma|pappa|mom|mum|dad|mormor|farmor)\b"), r"hejmamma \1"),
)

# Chat spellings and common misspellings -> the word the knowledge base uses (after folding).
SPELLING = {
    "ngn": "nagon", "nan": "nagon", "nagn": "nagon", "nat": "nagot", "nt": "nagot",
    "ngt": "nagot", "ngra": "nagra", "o": "och", "int": "inte", "inge": "inte",
    "e": "ar", "de": "det", "ja": "jag", "mej": "mig", "dej": "dig",
    "sej": "sig", "va": "vad", "vart": "var",
    "mejl": "mail", "mejla": "mail", "mejlet": "mailet", "email": "mail", "epost": "mail", "emejl": "mail",
    "smsn": "sms", "smset": "sms", "smsen": "sms", "textmeddelande": "sms",
    "texter": "sms", "sweesh": "swish", "swishade": "swisha", "swishat": "swisha", "swishen": "swish",
    "polis": "polisen", "poliser": "polisen", "polisman": "polisen", "ringt": "ringde", "ringa": "ringer",
    "ringdes": "ringde", "pengarna": "pengar", "pengarma": "pengar", "penar": "pengar",
    "bedragere": "bedrageri", "bedregeri": "bedrageri", "bedrageriet": "bedrageri",
    "luras": "lurad", "lurade": "lurad", "lurat": "lurad", "blaste": "lurad", "blast": "lurad",
    "scammed": "scam", "scammer": "scam", "scammers": "scam", "scams": "scam", "fraudster": "fraud",
    "fraudsters": "fraud", "texted": "text", "texts": "text", "pls": "please", "u": "you",
    "ur": "your", "msg": "message", "mum": "mom", "mommy": "mom",
    "farmor": "mormor", "farfar": "morfar", "barnbarnet": "barnbarn",
}

# Words that carry no meaning on their own (Swedish and English function words and greetings): left
# out when the yearly report lists recurring words among unanswered questions.
STOPWORDS = frozenset(
    ["i", "och", "att", "det", "som", "en", "pa", "ar", "av", "for", "med", "till", "den", "har", "de", "inte", "om", "ett", "var", "jag", "men", "sa", "vi", "kan", "man", "nar", "nu", "da", "ska", "du", "sig", "fran", "vad", "mig", "min", "mitt", "mina", "ni", "han", "hon", "dem", "deras", "hans", "hennes", "oss", "er", "dig", "din", "ditt", "dina", "vara", "var", "detta", "denna", "dessa", "hur", "eller", "bara", "sedan", "efter", "upp", "ut", "in", "ocksa", "mycket", "alla", "andra", "nagon", "nagot", "nagra", "sin", "sitt", "sina", "vid", "under", "over", "mot", "utan", "genom", "sjalv", "blir", "blev", "bli", "vara", "varit", "hade", "ha", "haft", "gor", "gjorde", "gora", "fa", "fick", "far", "kom", "kommer", "ska", "skulle", "vill", "ville", "borde", "maste", "kanske", "ju", "val", "nog", "visst", "hej", "hejsan", "tjena", "tja", "hallo", "tack", "ok", "okej", "ja", "nej", "hello", "hi", "hey", "thanks", "thank", "please", "the", "a", "an", "and", "or", "to", "of", "in", "on", "at", "for", "with", "is", "are", "was", "were", "be", "been", "it", "this", "that", "my", "me", "you", "your", "i", "we", "they", "he", "she", "them", "his", "her", "our", "what", "how", "do", "does", "did", "can", "could", "should", "would", "will", "have", "has", "had", "from", "about", "there", "here", "so", "just", "if", "not", "no", "yes", "than", "then", "also", "get", "got", "any", "some", "who", "when", "where", "which", "why", "am", "as", "by", "us", "lite", "vad", "vilka", "vilken", "vilket", "varfor", "dar", "har", "hit", "dit", "en", "ett", "sa", "ens", "bara", "redan", "igen", "alltid", "ga", "gar", "gick", "gatt", "tro", "tror", "trodde", "tycker", "tyckte", "vet", "veta", "visste", "undrar", "undra", "fraga", "fragar", "fragan", "beratta", "berattar", "bra", "dalig", "god", "good", "morning", "kvall", "evening", "night", "natt", "dag", "dagen", "idag", "igar", "imorgon", "morgon", "tid", "tiden", "gang", "ganger", "lite", "mer", "mest", "manga", "mycket", "hela", "helt", "riktigt", "verkligen", "faktiskt", "direkt", "snart", "fort", "gang", "kul", "roligt", "tja", "hmm", "aha", "jaha", "sant", "typ", "liksom", "asså", "assa", "ba", "nog", "ge", "ger", "gav", "ta", "tar", "tog", "tagit", "fatt", "know", "think", "tell", "really", "very", "much", "many", "more", "most", "good", "bad", "day", "today", "yesterday", "tomorrow", "time"]
)


def fold(text: str) -> str:
    """Lowercase, compose and fold å/ä/ö and other diacritics to plain letters."""
    return unicodedata.normalize("NFKC", text).lower().translate(_FOLD)


def normalise(text: str) -> str:
    """Fold, strip links and punctuation, fix chat spellings; a canonical string for matching."""
    text = _URL.sub(" ", fold(text))
    for pattern, joined in _JOINS:
        text = pattern.sub(joined, text)
    words = _NON_WORD.sub(" ", text).split()
    return " ".join(SPELLING.get(w, w) for w in words)
