from bot.core.knowledge.store import KnowledgeStore


def test_broken_edit_keeps_the_last_good_version(kb_copy):
    store = KnowledgeStore(kb_copy)
    before = store.kb
    (kb_copy / "sms-phishing.yaml").write_text("id: sms-phishing\nsv: [broken\n", encoding="utf-8")
    outcome = store.reload_if_changed()
    assert outcome is not None and not outcome.ok
    assert any("sms-phishing.yaml" in str(p) for p in outcome.problems)
    assert store.kb is before
    assert store.matcher.match("jag fick ett sms om ett paket med en länk").status != "fallback"


def test_good_edit_is_picked_up(kb_copy):
    store = KnowledgeStore(kb_copy)
    path = kb_copy / "rental-scam.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("phrases:\n", "phrases:\n  - lägenhetsbluffen på torget i ramsele\n", 1), encoding="utf-8")
    outcome = store.reload_if_changed()
    assert outcome is not None and outcome.ok
    assert store.matcher.match("lägenhetsbluffen på torget i ramsele").topic == "rental-scam"
    assert store.reload_if_changed() is None  # nothing changed since
