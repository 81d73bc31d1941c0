import pytest

from bot.core.language import detect_language


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
