from bot.core.text import content_tokens, fold, normalise, stem


def test_fold_removes_diacritics_and_case():
    assert fold("Bedrägeri ÅÄÖ") == "bedrageri aao"


def test_normalise_joins_spellings_and_drops_links():
    assert normalise("Bank-ID, e-post och QR kod! https://x.se/a") == "bankid mail och qrkod"
    assert normalise("ngn ringde o sa") == "nagon ringde och sa"


def test_with_and_without_diacritics_meet():
    assert content_tokens("Någon ringde från banken") == content_tokens("nagon ringde fran banken")


def test_stopwords_and_greetings_carry_no_meaning():
    assert content_tokens("hej") == []
    assert content_tokens("hello, thanks") == []


def test_stem_meets_inflections():
    assert stem("banken") == stem("banker") == "bank"
    assert stem("kod") == "kod"
