from bot.core.match_explain import explain_match


def test_answer_names_the_limits_it_passed(matcher):
    why = explain_match(matcher, "Någon ringde från banken och ville att jag skulle flytta pengarna till ett säkert konto")
    assert why.result.status == "answer" and why.reason.startswith("Svarar med bank-impersonation")
    assert why.candidates[0].topic == "bank-impersonation" and "banken" in why.candidates[0].words


def test_nothing_in_common_is_said_plainly(matcher):
    why = explain_match(matcher, "xyzzy plugh")
    assert why.result.status == "fallback" and why.candidates == ()
    assert "Inget ämne delar" in why.reason
