import pytest

from bot.core.message_check import HIGH, LOW, MEDIUM, check_message


def test_parcel_fee_with_lookalike_link_is_high():
    result = check_message("PostNord: Ditt paket kunde inte levereras. Betala 19 kr i tullavgift: https://postnord-se.delivery-track.com/abc")
    ids = {s.id for s in result.signals}
    assert result.risk == HIGH
    assert {"lookalike-link", "money-request"} <= ids
    assert "sms-phishing" in result.topics


def test_new_number_and_swish_is_high():
    result = check_message("Hej mamma! Jag har nytt nummer, mobilen gick sönder. Kan du swisha 4 800 kr till en räkning?")
    assert result.risk == HIGH
    assert "new-number" in {s.id for s in result.signals}
    assert "family-impersonation" in result.topics


def test_remote_access_and_secrecy_are_strong_signals():
    assert check_message("Install AnyDesk so our technician can fix your computer").risk == HIGH
    assert check_message("Berätta inte för din familj, det är en hemlig utredning").risk == HIGH


def test_one_time_code_message_is_low_but_never_called_safe():
    result = check_message("Din kod är 482913. Dela den inte med någon.")
    assert result.risk == LOW
    assert "inte att meddelandet är säkert" in result.advice


def test_link_to_real_domain_alone_is_low():
    assert check_message("Påminnelse om din tid på vårdcentralen. Läs mer på https://www.1177.se").risk == LOW


def test_every_signal_has_an_explanation_in_the_resident_language():
    result = check_message("URGENT: your account will be suspended within 24 hours. Verify your details at http://bit.ly/x")
    assert result.lang == "en"
    assert result.risk in (HIGH, MEDIUM)
    assert all(s.explanation and not s.explanation.startswith("Du ") for s in result.signals)


@pytest.mark.parametrize("text", ["", "🙂" * 500, "<b>hi</b>" * 500, "שלום עולם http://", "x" * 4096])
def test_odd_input_never_raises(text):
    assert check_message(text).risk in (HIGH, MEDIUM, LOW)
