"""Refreshers 2 and 6 weeks after a session: due times in SQLite, chat id gone after the last one."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.core.sessions.followup import MAX_ATTEMPTS, FollowUps
from bot.core.sessions.loader import load_scenarios
from bot.storage.db import AsyncDatabase, open_database
from bot.storage.residents import ensure_resident, erase_resident

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
HELD = datetime(2026, 3, 2, 18, 30, tzinfo=timezone.utc)


@pytest.fixture
async def db(tmp_path):
    database = AsyncDatabase(open_database(tmp_path / "fraudbot.db"))
    yield database
    database.close()


@pytest.fixture
def followups(db):
    return FollowUps(db, load_scenarios(SCENARIOS))


async def test_due_after_two_and_six_weeks_then_the_chat_id_is_gone(followups, db):
    assert await followups.opt_in(555001, "parcel-fee-sms", now=HELD)
    assert await followups.due(HELD + timedelta(days=13, hours=23)) == []
    (first,) = await followups.due(HELD + timedelta(days=14))
    assert (first.chat_id, first.round, first.scenario.id) == (555001, 1, "parcel-fee-sms")
    assert first.refresher.question.startswith("Du får ett sms")
    await followups.sent(first)
    assert await followups.due(HELD + timedelta(days=41)) == []
    (second,) = await followups.due(HELD + timedelta(days=42))
    assert second.round == 2
    await followups.sent(second)
    assert db.db.execute("SELECT COUNT(*) FROM session_followups").fetchone() == (0,)


async def test_due_times_survive_a_restart(tmp_path):
    path = tmp_path / "restart.db"
    scenarios = load_scenarios(SCENARIOS)
    first = AsyncDatabase(open_database(path))
    await FollowUps(first, scenarios).opt_in(555002, "romance-online", now=HELD)
    first.close()
    again = AsyncDatabase(open_database(path))
    try:
        due = await FollowUps(again, scenarios).due(HELD + timedelta(days=50))
        assert [(d.chat_id, d.round) for d in due] == [(555002, 1), (555002, 2)]
    finally:
        again.close()


async def test_opting_in_twice_does_not_double_the_refreshers(followups):
    await followups.opt_in(555003, "parcel-fee-sms", now=HELD)
    await followups.opt_in(555003, "parcel-fee-sms", now=HELD + timedelta(days=1))
    due = await followups.due(HELD + timedelta(days=60))
    assert [d.round for d in due] == [1, 2]
    assert await followups.due(HELD + timedelta(days=14)) == []  # moved to the later session


async def test_failures_retry_then_give_up(followups):
    await followups.opt_in(555004, "parcel-fee-sms", now=HELD)
    moment = HELD + timedelta(days=14)
    for attempt in range(MAX_ATTEMPTS - 1):
        (due,) = [d for d in await followups.due(moment) if d.round == 1]
        assert due.attempts == attempt
        await followups.failed(due, permanent=False, now=moment)
        assert [d for d in await followups.due(moment) if d.round == 1] == []
        moment += timedelta(hours=1)
    (due,) = [d for d in await followups.due(moment) if d.round == 1]
    await followups.failed(due, permanent=False, now=moment)
    assert [d.round for d in await followups.due(moment + timedelta(days=60))] == [2]
    (last,) = await followups.due(moment + timedelta(days=60))
    await followups.failed(last, permanent=True)
    assert await followups.due(moment + timedelta(days=60)) == []


async def test_erasing_the_resident_erases_their_refreshers(followups, db):
    await followups.opt_in(555005, "parcel-fee-sms", now=HELD)
    await followups.opt_in(555006, "parcel-fee-sms", now=HELD)
    await db.write(ensure_resident, 555005, "key-5", "sv")
    counts = await db.write(erase_resident, 555005, "key-5")
    assert counts["session_followups"] == 2
    assert db.db.execute("SELECT DISTINCT chat_id FROM session_followups").fetchall() == [(555006,)]


async def test_round_two_sends_the_second_question(followups):
    """The six-week refresher asks the scenario's second question, not the two-week one again."""
    scenario = followups.scenarios["parcel-fee-sms"]
    first_question, second_question = scenario.refreshers
    assert first_question.question != second_question.question
    await followups.opt_in(555007, "parcel-fee-sms", now=HELD)
    (first,) = await followups.due(HELD + timedelta(days=14))
    assert (first.round, first.refresher) == (1, first_question)
    await followups.sent(first)
    (second,) = await followups.due(HELD + timedelta(days=42))
    assert (second.round, second.refresher) == (2, second_question)
    assert second.refresher.question.startswith("Du har fyllt i ditt kortnummer")


async def test_a_round_without_its_question_is_dropped_not_sent(db):
    """A scenario file edited down to no refreshers after people opted in: its rows go, nothing is sent."""
    scenarios = load_scenarios(SCENARIOS)
    await FollowUps(db, scenarios).opt_in(555008, "parcel-fee-sms", now=HELD)
    trimmed = dict(scenarios, **{"parcel-fee-sms": replace(scenarios["parcel-fee-sms"], refreshers=())})
    assert await FollowUps(db, trimmed).due(HELD + timedelta(days=60)) == []
    assert db.db.execute("SELECT COUNT(*) FROM session_followups").fetchone() == (0,)


async def test_answers_are_counted_without_identity_against_the_rounds_question(followups, db):
    # parcel-fee-sms: round 1's safe answer is option 0, round 2's is option 1
    assert await followups.answered("parcel-fee-sms", 1, 0, now=HELD) is True
    assert await followups.answered("parcel-fee-sms", 1, 1, now=HELD) is False
    assert await followups.answered("parcel-fee-sms", 2, 0, now=HELD) is False
    assert await followups.answered("parcel-fee-sms", 2, 1, now=HELD) is True
    assert await followups.answered("parcel-fee-sms", 1, 9) is None
    assert await followups.answered("parcel-fee-sms", 3, 0) is None
    rows = db.db.execute("SELECT scenario_id, round, safe, answered_on FROM refresher_answers").fetchall()
    assert rows == [("parcel-fee-sms", 1, 1, "2026-03-02"), ("parcel-fee-sms", 1, 0, "2026-03-02"),
                    ("parcel-fee-sms", 2, 0, "2026-03-02"), ("parcel-fee-sms", 2, 1, "2026-03-02")]
