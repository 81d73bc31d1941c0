from bot.core.content.text import fold, normalise
from bot.core.matching.features import text_features


def test_fold_removes_diacritics_and_case():
    assert fold("Bedrägeri ÅÄÖ") == "bedrageri aao"


def test_normalise_joins_spellings_and_drops_links():
    assert normalise("Bank-ID, e-post och QR kod! https://x.se/a") == "bankid mail och qrkod"
    assert normalise("ngn ringde o sa") == "nagon ringde och sa"


def test_with_and_without_diacritics_give_the_same_features():
    assert text_features("Någon ringde från banken") == text_features("nagon ringde fran banken")


def test_features_carry_snowball_stems_and_stem_pairs():
    features = text_features("banken ringde")
    assert "w:bank" in features and "b:bank ring" in features
    assert " ba" in features and "ken " in features  # character n-grams within word boundaries
