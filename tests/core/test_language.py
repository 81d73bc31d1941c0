import pytest

from bot.core.matching.language import detect_language, identify_language


@pytest.mark.parametrize(
    "text,lang",
    [
        ("Någon ringde från banken", "sv"),
        ("ngn ringde fran banken o sa att jag skulle logga in", "sv"),
        ("Someone called me and said he was from my bank", "en"),
        ("I got a text about a parcel fee", "en"),
        ("hej", "sv"),
        ("", "sv"),
    ],
)
def test_detects_swedish_and_english(text, lang):
    assert detect_language(text) == lang


def test_unclear_text_uses_the_default():
    assert detect_language("BankID?", default="en") == "en"


@pytest.mark.parametrize("text", ["falsk faktura", "penningmålvakt", "hä nån från banken ringt å sagt", "bankid",
                                  "ngn ringde fran swedbank o ville ha koden fran dosan", "skimmer på bankomat"])
def test_short_swedish_is_never_taken_for_another_language(text):
    assert identify_language(text) == "sv"


@pytest.mark.parametrize(
    "text,code",
    [
        ("Minulle soitti joku pankista ja pyysi tunnuksiani", "fi"),
        ("سلام، کسی از بانک به من زنگ زد و رمز بانکی مرا خواست", "fa"),
        ("ሓደ ሰብ ካብ ባንኪ እየ ኢሉ ደዊሉለይ", "ti"),
    ],
)
def test_recognises_other_languages(text, code):
    assert identify_language(text) == code
