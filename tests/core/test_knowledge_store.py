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
    import yaml

    path = kb_copy / "rental-scam.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["sv"]["phrases"].append("bluffen med nyckelboxen på torget i ramsele")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    question = "nyckelboxen på torget i ramsele, är det bluff?"
    assert store.matcher.match(question).topic != "rental-scam"  # words the old version never saw
    outcome = store.reload_if_changed()
    assert outcome is not None and outcome.ok
    assert store.matcher.match(question).topic == "rental-scam"
    assert store.reload_if_changed() is None  # nothing changed since
