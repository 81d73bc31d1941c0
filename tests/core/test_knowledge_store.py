from bot.core.knowledge.store import KnowledgeStore


def test_broken_edit_keeps_the_last_good_version(kb_copy):
    store = KnowledgeStore(kb_copy)
    before = store.kb
    (kb_copy / "sms-phishing.yaml").write_text("id: sms-phishing\nsv: [broken\n", encoding="utf-8")
    outcome = store.reload_if_changed()
    assert outcome is not None and not outcome.ok
    assert any("sms-phishing.yaml" in str(p) for p in outcome.problems)
    assert store.kb is before
    assert store.matcher.match("jag fick ett sms om ett paket med en länk").topic == "sms-phishing"


def test_a_failed_training_keeps_the_last_good_models(kb_copy, monkeypatch):
    from bot.core.matching import training
    from bot.core.matching.training import TrainingError

    store = KnowledgeStore(kb_copy)
    before = store.loaded

    def broken(*args, **kwargs):
        raise TrainingError("training failed: out of memory")

    monkeypatch.setattr(training, "_train_in_child", broken)
    path = kb_copy / "romance-scam.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("phrases:", "phrases:\n    - min nätvän i kanada vill låna till en flygbiljett", 1), encoding="utf-8")
    outcome = store.reload_if_changed()
    assert outcome is not None and not outcome.ok and "out of memory" in str(outcome.problems[0])
    assert store.loaded is before


def test_taught_questions_are_trained_on_and_can_be_removed(kb_copy):
    from bot.core.matching.models import OUT_OF_SCOPE, Taught

    store = KnowledgeStore(kb_copy)
    question = "fick ett sms om att vinna en elcykel från kommunens jubileum, ska jag svara"
    taught = (Taught(question, "prize-inheritance-scam"), Taught("när är återvinningscentralen i bollstabruk öppen", OUT_OF_SCOPE))
    outcome = store.reload_if_changed(taught)
    assert outcome is not None and outcome.ok
    assert store.matcher.match(question).topic == "prize-inheritance-scam"
    assert store.reload_if_changed(taught) is None  # the same taught questions: nothing to retrain
    assert store.reload_if_changed(()) is not None  # removed again: retrained without them


def test_good_edit_is_picked_up(kb_copy):
    store = KnowledgeStore(kb_copy)
    import yaml

    path = kb_copy / "rental-scam.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["sv"]["phrases"].append("bluffen med nyckelboxen på torget i ramsele")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    question = "nyckelboxen på torget i ramsele, är det bluff?"
    before = store.matcher.rank(question)[0]
    outcome = store.reload_if_changed()
    assert outcome is not None and outcome.ok
    after = store.matcher.rank(question)[0]
    assert after[0][0] == "rental-scam" and dict(after)["rental-scam"] > dict(before)["rental-scam"]
    assert store.reload_if_changed() is None  # nothing changed since
