import pytest

from bot.core.matching.urgency import is_urgent


@pytest.mark.parametrize(
    "text",
    [
        "han är kvar i telefonen och vill att jag loggar in",
        "någon står utanför min dörr och säger att han är från hemtjänsten",
        "polisen ringer just nu och säger att ett bud ska hämta mina kort",
        "ett bud är på väg hit för att hämta kortet",
        "de skickar en bud som hämtar mina smycken",
        "someone is on the phone right now asking for my BankID",
        "there is a man at my door saying he is from the water company",
        "a courier is coming to collect my card",
    ],
)
def test_ongoing_situations_are_urgent(text):
    assert is_urgent(text)


@pytest.mark.parametrize(
    "text",
    [
        "någon ringde igår från banken",
        "jag fick ett sms om ett paket",
        "hur anmäler jag ett bedrägeri",
        "someone called me last week",
        "",
    ],
)
def test_past_or_general_questions_are_not_urgent(text):
    assert not is_urgent(text)
