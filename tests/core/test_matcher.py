import pytest

from bot.core.matching.matcher import ANSWER, CLARIFY, FALLBACK


@pytest.mark.parametrize(
    "text,topic",
    [
        ("Någon ringde från banken och sa att jag måste flytta pengarna till ett säkert konto", "bank-impersonation"),
        ("ngn ringde fran banken o ville att ja skulle logga in med bankid", "bank-impersonation"),
        ("Hej mamma jag har nytt nummer", "family-impersonation"),
        ("kärleksbedrägeri", "romance-scam"),
        ("karleksbedrageri", "romance-scam"),
        ("jag har blivit lurad vad gör jag nu", "already-scammed"),
        ("Someone from Microsoft wants me to install AnyDesk", "tech-support-scam"),
    ],
)
def test_typical_questions_find_their_topic(matcher, text, topic):
    result = matcher.match(text)
    assert result.status in (ANSWER, CLARIFY)
    assert (result.topic if result.status == ANSWER else result.candidates[0].topic) == topic


@pytest.mark.parametrize("text", ["hej", "när öppnar biblioteket?", "when is the library open?", "vad blir det för väder i morgon", "tack!"])
def test_questions_not_about_fraud_are_not_answered_with_a_topic(matcher, text):
    assert matcher.match(text).status == FALLBACK


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂🙂", "<script>alert(1)</script>", "مرحبا كيف حالك", "x" * 4096, "bank " * 1000])
def test_odd_input_never_raises(matcher, text):
    result = matcher.match(text)
    assert result.status in (ANSWER, CLARIFY, FALLBACK)
    assert 0.0 <= result.score <= 1.0


def test_a_vaguer_question_is_asked_back_with_the_right_topic_among_the_choices(matcher):
    result = matcher.match("Någon ringde från banken och sa att mitt konto var hackat")
    assert result.status in (ANSWER, CLARIFY)
    assert "bank-impersonation" in [c.topic for c in result.candidates]


def test_clarify_offers_at_most_three_candidates_best_first(matcher):
    for text in ["bluff", "pengar", "konto", "kort", "kod"]:
        result = matcher.match(text)
        assert len(result.candidates) <= 3
        scores = [c.score for c in result.candidates]
        assert scores == sorted(scores, reverse=True)


def test_json_fields(matcher):
    data = matcher.match("Someone called saying he was from the police").as_dict()
    assert set(data) >= {"status", "topic", "score", "candidates", "urgent", "lang"}
    assert data["lang"] == "en"


def test_urgent_is_flagged(matcher):
    assert matcher.match("en polis ringer just nu och säger att han skickar ett bud för att hämta mina kort").urgent
