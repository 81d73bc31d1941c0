import pytest

from bot.core.residents.redact import redact_personal_data


@pytest.mark.parametrize(
    "text,secret,label",
    [
        ("mitt personnummer är 19450312-1234", "19450312-1234", "[personnummer]"),
        ("pnr 450312-1234 ok", "450312-1234", "[personnummer]"),
        ("ring mig på 070-123 45 67", "070-123 45 67", "[telefon]"),
        ("call +46 70 123 45 67", "+46 70 123 45 67", "[telefon]"),
        ("kortet 4111 1111 1111 1111", "4111 1111 1111 1111", "[kortnummer]"),
        ("konto 8327-9, 123 456 789-0", "123 456 789", "[kontonummer]"),
        ("bankgiro 5050-1055", "5050-1055", "[kontonummer]"),
        ("IBAN SE45 5000 0000 0583 9825 7466", "5000 0000", "[iban]"),
        ("mejla anna.svensson@example.se", "anna.svensson", "[e-post]"),
    ],
)
def test_personal_numbers_are_replaced(text, secret, label):
    out = redact_personal_data(text)
    assert secret not in out
    assert label in out


def test_emergency_numbers_and_ordinary_numbers_stay():
    text = "Ring 112, 114 14 eller 116 006. Det kostade 1 500 kr år 2026, koden 4829."
    assert redact_personal_data(text) == text


def test_empty_text():
    assert redact_personal_data("") == ""


@pytest.mark.parametrize(
    "text,secrets,label",
    [
        ("Hej, jag heter Anna Svensson och undrar över ett sms", ["Anna", "Svensson"], "[namn]"),
        ("jag heter anna-karin öberg jag fick ett samtal", ["anna-karin", "öberg"], "[namn]"),
        ("Mitt namn är Per Olof Lund, någon ringde", ["Per", "Olof", "Lund"], "[namn]"),
        ("Heter jag Gunnel och bor i Kramfors", ["Gunnel"], "[namn]"),
        ("I'm called John Smith and someone texted me", ["John", "Smith"], "[namn]"),
        ("my name is mary o'brien. A man called", ["mary", "o'brien"], "[namn]"),
        ("Namn: Karl Berg", ["Karl", "Berg"], "[namn]"),
        ("Tack för hjälpen! Mvh Birgitta Ek", ["Birgitta", "Ek"], "[namn]"),
        ("Han stod på Storgatan 12 och knackade", ["Storgatan 12"], "[adress]"),
        ("jag bor på Norra Kyrkvägen 5B lgh 1102", ["Kyrkvägen", "5B", "1102"], "[adress]"),
        ("adressen är Skolgränd 3", ["Skolgränd 3"], "[adress]"),
        ("jag bor på Bölesta 123 utanför stan", ["Bölesta 123"], "[adress]"),
        ("I live at 12 Baker Street", ["12 Baker Street"], "[adress]"),
        ("brevet kom till 871 31 Härnösand", ["871 31"], "[postnummer]"),
        ("postnummer 87232", ["87232"], "[postnummer]"),
        ("en vit bil med regnummer ABC 123 stod utanför", ["ABC 123"], "[regnummer]"),
        ("bilen hade reg.nr abc12d", ["abc12d"], "[regnummer]"),
        ("Bilen MLB 45X körde iväg", ["MLB 45X"], "[regnummer]"),
    ],
)
def test_names_addresses_postcodes_and_plates_are_replaced(text, secrets, label):
    out = redact_personal_data(text)
    assert label in out
    for secret in secrets:
        assert secret not in out, out


def test_the_words_around_a_name_or_address_stay():
    assert redact_personal_data("Hej, jag heter Anna Svensson och bor på Storgatan 12 i Härnösand.") == \
        "Hej, jag heter [namn] och bor på [adress] i Härnösand."


@pytest.mark.parametrize("text", [
    "Ring 114 14 Polisen sa att jag skulle göra det",  # a phone number before a capitalised word
    "Någon ringde från banken och ville ha min kod",
    "Jag fick ett SMS 123 gånger om paketet, och vägen 5 minuter bort",
    "han sa att han hette Johan från banken",  # the caller's (false) name is not the resident's
    "namn och adress frågade de efter",
])
def test_ordinary_text_is_left_alone(text):
    assert redact_personal_data(text) == text


def test_lone_surrogates_become_a_replacement_character_that_sqlite_can_store():
    out = redact_personal_data("paket \ud800 sms")
    assert out == "paket \ufffd sms"
    out.encode("utf-8")
