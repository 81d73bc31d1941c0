"""The matcher as a resident meets it: direct answers when clear, never a one-option "did you mean"."""

import pytest
import yaml

from bot.core.matching.matcher import ANSWER, CLARIFY, FALLBACK, LANGUAGE, Context
from tests.conftest import DATA


@pytest.mark.parametrize(
    "text,topics",
    [
        ("Hur anmäler jag ett bedrägeri?", {"report-fraud"}),
        ("kärleksbedrägeri", {"romance-scam"}),
        ("falsk faktura", {"invoice-fraud"}),
        ("penningmålvakt", {"money-mule"}),
        ("vd-bedrägeri", {"ceo-fraud"}),
        ("Hej mamma jag har nytt nummer", {"family-impersonation"}),
        ("Någon ringde och sa att de var från banken och ville att jag skulle logga in med BankID", {"bank-impersonation", "bankid-misuse"}),
        ("swishat 15 000 kr till en som sa han var mitt barnbarn", {"family-impersonation", "already-scammed"}),
        ("Someone from Microsoft wants me to install AnyDesk", {"tech-support-scam"}),
    ],
)
def test_clear_questions_get_a_direct_answer(matcher, text, topics):
    result = matcher.match(text)
    assert result.status == ANSWER, result
    assert result.topic in topics


def test_a_whole_story_is_weighed_by_its_hallmark(matcher):
    story = ("Jag träffade en man på Facebook för ett halvår sedan. Han säger att han är läkare i Jemen för FN. "
             "Vi skriver varje dag och han säger att han älskar mig. Nu har han skickat ett paket med guld till mig "
             "men tullen vill ha en avgift på 12 000 kr innan det släpps. Han kan inte betala själv därifrån. "
             "Min dotter tycker att det är konstigt. Vädret här i Sollefteå har varit fint.")
    result = matcher.match(story)
    assert result.status == ANSWER and result.topic == "romance-scam"


@pytest.mark.parametrize("text", ["hej", "när öppnar biblioteket?", "when is the library open?", "vad blir det för väder i morgon", "tack!"])
def test_questions_not_about_fraud_get_no_direct_answer(matcher, text):
    assert matcher.match(text).status != ANSWER


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂🙂", "<script>alert(1)</script>", "x" * 4096, "bank " * 1000, "\u202eLTR\u202c בנק", "\ud800 bank"])
def test_odd_input_never_raises(matcher, text):
    result = matcher.match(text)
    assert result.status in (ANSWER, CLARIFY, FALLBACK, LANGUAGE)
    assert 0.0 <= result.score <= 1.0


def test_no_clarification_ever_offers_a_single_topic(matcher):
    items = yaml.safe_load((DATA / "questions.yaml").read_text(encoding="utf-8"))
    for item in items:
        result = matcher.match(item["text"])
        if result.status == CLARIFY:
            assert len(result.candidates) >= 2, item["text"]
            scores = [c.score for c in result.candidates]
            assert scores == sorted(scores, reverse=True) and len(scores) <= 3


def test_json_fields(matcher):
    data = matcher.match("Someone called saying he was from the police").as_dict()
    assert set(data) >= {"status", "topic", "score", "confidence", "candidates", "urgent", "situation", "followup", "lang", "language"}
    assert data["lang"] == "en"


@pytest.mark.parametrize(
    "text,situation",
    [
        ("HAN FRÅN BANKEN LÅTER MIG INTE LÄGGA PÅ VAD GÖR JAG", "call"),
        ("banken är i telefon just nu och vill att jag godkänner en överföring", "call"),
        ("det står en polis utanför dörren och vill ha mitt bankkort", "door"),
        ("a courier is coming in half an hour to collect my card", "door"),
        ("han står i hallen nu och vill ha kontanter", "inside"),
        ("jag har swish öppen, ska jag betala?", "pay"),
        ("I'm logged into my bank about to pay the fee he asked for", "pay"),
        ("han styr min dator just nu med anydesk", "remote"),
    ],
)
def test_what_is_happening_now_is_urgent_with_its_situation(matcher, text, situation):
    result = matcher.match(text)
    assert result.urgent and result.situation == situation, result


@pytest.mark.parametrize("text", ["någon ringde igår från banken", "jag fick ett sms om ett paket förra veckan",
                                  "hur anmäler jag ett bedrägeri", "someone called me last week", "kan polisen komma hem till en?"])
def test_past_or_general_questions_are_not_urgent(matcher, text):
    assert not matcher.match(text).urgent


@pytest.mark.parametrize(
    "text,language",
    [
        ("اتصل بي شخص قال إنه من البنك وطلب رمز BankID الخاص بي", "ar"),
        ("Minulle soitti joku, joka sanoi olevansa pankista, ja pyysi tunnuslukuja", "fi"),
        ("Мені зателефонував чоловік, який сказав, що він з банку, і попросив код", "uk"),
        ("Nin baa i soo wacay oo igu yiri waxaan ka socdaa bangiga, wuxuuna i weydiiyey koodhka", "so"),
        ("ሓደ ሰብ ካብ ባንኪ እየ ኢሉ ደዊሉለይ", "ti"),
    ],
)
def test_other_languages_are_recognised_not_mismatched(matcher, text, language):
    result = matcher.match(text)
    assert result.status == LANGUAGE and result.language == language


def test_a_follow_up_is_answered_in_the_context_of_the_last_topic(matcher):
    context = Context("police-impersonation", ("doorstep-fraud", "bank-impersonation"))
    assert matcher.match("jag har redan gett dem koden", context=context).followup == "already_did"
    assert matcher.match("I hung up, was that right?", context=context).followup == "did_right"
    assert matcher.match("det var inte det", context=context).followup == "not_that"
    assert matcher.match("vad gör jag nu?", context=context).followup == "what_now"
    assert matcher.match("vad gör jag nu?").status != "followup"  # without a conversation there is nothing to follow


@pytest.mark.parametrize("text", ["kapat konto facebook", "hackat konto instagram", "bluffsamtal bank", "swish bedrageri"])
def test_short_swedish_queries_are_not_taken_for_another_language(matcher, text):
    assert matcher.match(text).status != LANGUAGE
