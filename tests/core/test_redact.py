import pytest

from bot.core.redact import redact_personal_data


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
