"""/glom erases a resident's rows, but what their deliveries and reactions counted stays, anonymously."""

from datetime import datetime, timedelta, timezone

from bot.core.alerts import workflow
from bot.core.staff import accounts as staff_core
from bot.storage import alerts as store
from bot.storage import residents
from bot.storage import statistics as stats
from bot.storage.db import open_database

NOON = datetime(2026, 11, 24, 11, 0, tzinfo=timezone.utc)
YEAR = (datetime(2026, 1, 1, tzinfo=timezone.utc), datetime(2027, 1, 1, tzinfo=timezone.utc))


def _figures(db, alert_id):
    status = workflow.status(db, alert_id, 30.0)
    return ((status.sent, status.failed, status.blocked, status.total), workflow.reactions(db, alert_id),
            stats.deliveries_per_municipality(db, *YEAR), stats.reaction_totals(db, *YEAR))


def test_erasing_residents_keeps_the_counts_of_past_warnings(tmp_path):
    db = open_database(tmp_path / "f.db")
    anna, _ = staff_core.create_staff(db, "anna", "editor")
    for chat, place in [(1, "Kramfors"), (2, "Kramfors"), (3, "Sollefteå"), (4, "Kramfors")]:
        residents.ensure_resident(db, chat, f"key{chat}", "sv")
        residents.subscribe(db, chat, municipality=place, lang="sv")
    alert = workflow.create(db, anna, title="Falska sms", text="Klicka inte.", now=NOON)
    store.enqueue(db, alert.id, [(c, "sv", "private") for c in (1, 2, 3, 4)])
    rows = {r["chat_id"]: r["id"] for r in store.claim(db, NOON, 10)}
    for chat in (1, 2, 3):
        store.mark_sent(db, rows[chat], 100 + chat, NOON + timedelta(minutes=chat))
    store.mark_final(db, rows[4], "blocked", "Forbidden")
    for key, reaction in [("key1", "got_it_too"), ("key1", "thanks"), ("key3", "got_it_too")]:
        store.add_reaction(db, alert.id, key, reaction, NOON)
    before = _figures(db, alert.id)
    assert before[0] == (3, 0, 1, 4) and before[1] == {"got_it_too": 2, "thanks": 1}
    assert before[2] == {"Kramfors": 2, "Sollefteå": 1}

    for chat in (1, 3, 4):
        erased = residents.erase_resident(db, chat, f"key{chat}")
        assert erased["outbox"] == 1
    assert db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 1
    assert db.execute("SELECT COUNT(*) FROM alert_reactions").fetchone()[0] == 0
    assert _figures(db, alert.id) == before
    # Nothing kept points to a person: no chat id, user key or message id.
    kept = str(db.execute("SELECT * FROM erased_deliveries").fetchall() + db.execute("SELECT * FROM erased_reactions").fetchall())
    assert "key1" not in kept and "101" not in kept and "103" not in kept
    db.conn.close()


def test_a_resident_erased_mid_broadcast_is_not_counted_as_waiting(tmp_path):
    db = open_database(tmp_path / "f.db")
    anna, _ = staff_core.create_staff(db, "anna", "editor")
    residents.ensure_resident(db, 1, "key1", "sv")
    residents.subscribe(db, 1, municipality="Kramfors", lang="sv")
    alert = workflow.create(db, anna, title="T", text="X", now=NOON)
    store.enqueue(db, alert.id, [(1, "sv", "private")])
    residents.erase_resident(db, 1, "key1")
    assert workflow.status(db, alert.id, 30.0).total == 0
    db.conn.close()
