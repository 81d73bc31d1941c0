from bot.core.answering.explain import explain_match


def test_answer_names_the_boundary_it_passed_and_the_words_that_pulled(matcher):
    why = explain_match(matcher, "Någon ringde från banken och ville att jag skulle flytta pengarna till ett säkert konto")
    assert why.result.status == "answer" and why.reason.startswith("Svarar med bank-impersonation")
    assert why.candidates[0].topic == "bank-impersonation"
    assert {"banken", "sakert", "konto"} & set(why.candidates[0].words)


def test_nonsense_is_said_plainly(matcher):
    why = explain_match(matcher, "xyzzy plugh")
    assert why.result.status == "fallback"
    assert why.reason.startswith("Inget")


def test_another_language_is_explained(matcher):
    why = explain_match(matcher, "Minulle soitti joku pankista ja pyysi tunnuksiani")
    assert why.result.status == "language" and "fi" in why.reason
