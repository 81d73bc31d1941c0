"""The shipped content itself: coverage, both languages, sources and the guidance it must give."""

from datetime import date

from bot.core.knowledge.taxonomy import FRAUD_METHODS, GUIDANCE, TOPIC_IDS


def test_every_taxonomy_topic_exists_in_both_languages(kb):
    assert set(kb.topics) == set(TOPIC_IDS)
    assert len(FRAUD_METHODS) == 36 and len(GUIDANCE) == 4
    for topic in kb.topics.values():
        assert set(topic.texts) == {"sv", "en"}, topic.id


def test_phrases_sources_and_review_dates(kb):
    for topic in kb.topics.values():
        assert len(topic.texts["sv"].phrases) >= 12, topic.id
        assert len(topic.texts["en"].phrases) >= 5, topic.id
        assert topic.sources and all(s.url.startswith(("https://", "http://")) for s in topic.sources), topic.id
        assert topic.reviewed <= date.today()


def test_already_scammed_says_not_your_fault_and_the_order(kb):
    text = kb.topics["already-scammed"].texts["sv"]
    whole = " ".join([text.summary, *text.what_to_do, *text.if_it_happened]).lower()
    assert "inte ditt fel" in whole
    steps = " ".join(text.what_to_do).lower()
    assert steps.index("bank") < steps.index("polis") < steps.index("116 006")
    assert "not your fault" in " ".join([kb.topics["already-scammed"].texts["en"].summary, *kb.topics["already-scammed"].texts["en"].what_to_do]).lower()


def test_contacts_footer_has_the_numbers(kb):
    for lang in ("sv", "en"):
        footer = " ".join(kb.contacts.text(lang).footer)
        for number in ("112", "114 14", "116 006"):
            assert number in footer, (lang, number)
        assert "112" in kb.contacts.text(lang).urgent


# Numbers other than the emergency, police and support lines, each with the page it was checked on.
# A new number in the content must be added here with its source, so none slips in unchecked.
SOURCED_NUMBERS = {
    "525 525": "hallakonsument.se (Hallå konsument, 0771-525 525)",
    "416 416": "arbetsformedlingen.se (Arbetsförmedlingen, 0771-416 416)",
    "34 80 00": "harnosand.se (Härnösands kommun, växel 0611-34 80 00, Kundval inom hemtjänst)",
    "800 00": "kramfors.se (Kramfors kommun, växel 0612-800 00, Hur ansöker jag?)",
    "68 20 00": "solleftea.se (Sollefteå kommun, Medborgarservice 0620-68 20 00, Ansöka om stöd och hjälp)",
    "7726": "bankid.com (Scam sms? Report to 7726 – the telecom operators' joint number)",
    "228 00": "hallakonsument.se/konsumentratt/vill-slippa-telefonforsaljning (NIX-Telefon, 077-228 00 00)",
}


def test_phone_numbers_in_content_are_the_known_ones(kb):
    """A number in a text must be one of the contact numbers or listed above with its source."""
    import re

    known = {"112", "114 14", "116 006", "11414", "116006", *SOURCED_NUMBERS}
    for topic in kb.topics.values():
        for text in topic.texts.values():
            blob = " ".join([text.summary, *text.signs, *text.what_to_do, *text.if_it_happened, text.report])
            for number in re.findall(r"\b\d{3}(?: \d{2,3})?\b", blob):
                if len(number.replace(" ", "")) >= 5:
                    assert number in known, f"{topic.id}: unexpected number {number}"


def test_each_topic_rests_on_at_least_two_authority_sources(kb):
    for topic in kb.topics.values():
        authorities = [s for s in topic.sources if kb.is_authority(s)]
        assert len(authorities) >= 2, f"{topic.id}: {len(authorities)} authority source(s)"


def test_every_source_off_the_allowlist_says_why_it_is_kept(kb):
    from bot.core.knowledge.loader import source_warnings

    unmarked = [str(w) for w in source_warnings(kb) if "no note says why" in w.message]
    assert unmarked == []


def test_every_topic_records_who_reviewed_what(kb):
    for topic in kb.topics.values():
        assert topic.reviewed_by and topic.review_note, topic.id


def test_no_reply_or_scenario_sends_phone_fraud_to_the_web_form(kb):
    """The police take fraud reports on 114 14 or at a station; polisen.se's form covers only some crimes."""
    import re
    from pathlib import Path

    wrong = re.compile(r"114 14 (eller|or) polisen\.se|polisen\.se (eller|or) 114 14", re.I)
    for lang in ("sv", "en"):
        assert not wrong.search(" ".join(kb.contacts.text(lang).footer) + kb.contacts.text(lang).fallback)
    for topic in kb.topics.values():
        for text in topic.texts.values():
            assert not wrong.search(" ".join([text.report, *text.what_to_do, *text.if_it_happened])), topic.id
    for path in (Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"):
        assert not wrong.search(path.read_text(encoding="utf-8")), path.name


def test_victims_are_never_told_to_deny_or_to_feel_ashamed(kb):
    for topic in kb.topics.values():
        blob = " ".join(" ".join([t.summary, *t.what_to_do, *t.if_it_happened]) for t in topic.texts.values()).lower()
        for phrase in ("inte var du som godkände", "skäm dig inte", "skäms inte", "inte gjort något dumt", "har du själv lämnat"):
            assert phrase not in blob, (topic.id, phrase)
