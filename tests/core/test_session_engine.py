"""The session state machine: votes, reveal, moving on, confidence and the stored figures."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.core.sessions.engine import (
    AFTER,
    BEFORE,
    CODE_ALPHABET,
    CODE_LENGTH,
    FINISHED,
    QUESTION,
    REVEALED,
    Refused,
    normalise_code,
    tally,
)
from bot.core.sessions.loader import load_scenarios
from bot.core.sessions.service import SessionService
from bot.storage.db import AsyncDatabase, open_database
from bot.storage.sessions import list_results

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def scenarios():
    return load_scenarios(SCENARIOS)


@pytest.fixture
async def service(tmp_path, scenarios):
    db = AsyncDatabase(open_database(tmp_path / "fraudbot.db"))
    yield SessionService(db, scenarios, "test-secret")
    db.close()


async def test_code_is_short_and_unambiguous(service):
    state = await service.start("parcel-fee-sms", "telegram", 1001, chat=-500)
    assert len(state.code) == CODE_LENGTH and set(state.code) <= set(CODE_ALPHABET)
    assert not set(state.code) & set("0O1IL2Z5S8B")
    assert normalise_code(f" {state.code[:3].lower()} {state.code[3:]} ") == state.code
    assert (await service.get(state.code.lower())).code == state.code


async def test_whole_session_with_changed_vote_and_refusals(service, scenarios):
    scenario = scenarios["parcel-fee-sms"]
    state = await service.start("parcel-fee-sms", "telegram", "lead", chat=-500, now=NOW)
    assert state.phase == BEFORE
    for member, sure in (("a", 2), ("b", 3), ("c", 3)):
        await service.confidence(state.code, "telegram", member, "before", sure)
    with pytest.raises(Refused) as err:
        await service.vote(state.code, "telegram", "a", 0, 1)
    assert err.value.reason == "wrong_step"
    with pytest.raises(Refused) as err:
        await service.advance(state.code, "telegram", "a")
    assert err.value.reason == "not_facilitator"
    state = await service.advance(state.code, "telegram", "lead")
    assert (state.phase, state.step) == (QUESTION, 0)

    _, changed = await service.vote(state.code, "telegram", "a", 0, 1)
    assert changed is False
    _, changed = await service.vote(state.code, "telegram", "a", 0, 2)
    assert changed is True
    await service.vote(state.code, "telegram", "b", 0, 2)
    await service.vote(state.code, "telegram", "c", 0, 0)
    with pytest.raises(Refused) as err:
        await service.vote(state.code, "telegram", "c", 0, 7)
    assert err.value.reason == "bad_option"
    with pytest.raises(Refused):
        await service.reveal(state.code, "telegram", "b")
    with pytest.raises(Refused) as err:
        await service.advance(state.code, "telegram", "lead")
    assert err.value.reason == "not_revealed"
    state = await service.reveal(state.code, "telegram", "lead")
    assert state.phase == REVEALED
    with pytest.raises(Refused) as err:
        await service.vote(state.code, "telegram", "c", 0, 2)
    assert err.value.reason == "revealed"
    assert (await service.get(state.code)).step_votes(0) == state.step_votes(0)

    for step in range(1, len(scenario.steps)):
        state = await service.advance(state.code, "telegram", "lead")
        assert (state.phase, state.step) == (QUESTION, step)
        with pytest.raises(Refused):  # a stale button from the previous step
            await service.vote(state.code, "telegram", "a", step - 1, 0)
        await service.vote(state.code, "telegram", "a", step, scenario.steps[step].safe_options[0])
        await service.reveal(state.code, "telegram", "lead")
    state = await service.advance(state.code, "telegram", "lead")
    assert state.phase == AFTER
    for member, sure in (("a", 4), ("b", 5)):
        await service.confidence(state.code, "telegram", member, "after", sure)
    state = await service.advance(state.code, "telegram", "lead")
    assert state.phase == FINISHED
    with pytest.raises(Refused) as err:
        await service.advance(state.code, "telegram", "lead")
    assert err.value.reason == "finished"

    (result,) = await service.db.write(list_results)
    assert (result.scenario_id, result.channel, result.held_on, result.finished) == ("parcel-fee-sms", "telegram", "2026-03-02", True)
    assert result.participants == 3
    assert result.answers["fee-sms"] == [1, 0, 2]
    assert list(result.answers) == [s.id for s in scenario.steps]
    assert result.confidence_before == [0, 1, 2, 0, 0] and result.confidence_after == [0, 0, 0, 1, 1]
    # the finished live state keeps figures, not keys
    raw = service.db.db.execute("SELECT state, chat_ref FROM live_sessions").fetchone()
    assert raw[1] is None
    keys = {service.key(state.code, "telegram", who) for who in ("a", "b", "c", "lead")}
    assert not any(k in raw[0] for k in keys)
    assert json.loads(raw[0])["votes"]["0"] == {"p0": 2, "p1": 2, "p2": 0}


async def test_keys_differ_per_session_and_from_resident_keys(service):
    one = await service.start("parcel-fee-sms", "telegram", 7)
    two = await service.start("parcel-fee-sms", "telegram", 7)
    assert one.facilitator != two.facilitator
    from bot.core.residents.pseudonym import user_key
    assert user_key("test-secret", "telegram", 7) not in (one.facilitator, two.facilitator)


async def test_one_current_session_per_chat(service):
    first = await service.start("parcel-fee-sms", "telegram", 7, chat=-9)
    assert (await service.current_in_chat("telegram", -9)).code == first.code
    second = await service.start("romance-online", "telegram", 7, chat=-9)
    assert (await service.current_in_chat("telegram", -9)).code == second.code
    assert await service.current_in_chat("telegram", -10) is None
    assert await service.db.write(list_results) == []  # nothing was revealed: no figures to keep


async def test_practice_alone_reveals_at_once(service):
    state = await service.start("hej-mamma-new-number", "alone", 42)
    state = await service.advance(state.code, "alone", 42)
    state = await service.answer_alone(state.code, 42, 0, 1)
    assert state.phase == REVEALED and state.step_votes(0) == {service.key(state.code, "alone", 42): 1}


async def test_finish_early_keeps_what_was_answered(service):
    state = await service.start("doorstep-water-works", "web", "tok")
    await service.advance(state.code, "web", "tok")
    await service.vote(state.code, "web", "p1", 0, 0)
    await service.reveal(state.code, "web", "tok")
    with pytest.raises(Refused):
        await service.finish(state.code, "web", "p1")
    state = await service.finish(state.code, "web", "tok")
    assert state.phase == FINISHED
    (result,) = await service.db.write(list_results)
    assert result.finished and result.participants == 1 and list(result.answers) == ["doorbell"]


async def test_unknown_session_and_scenario(service):
    with pytest.raises(Refused) as err:
        await service.vote("NOPE77", "web", "x", 0, 0)
    assert err.value.reason == "unknown_session"
    with pytest.raises(Refused) as err:
        await service.start("no-such", "web", "x")
    assert err.value.reason == "unknown_scenario"


async def test_a_running_session_survives_a_restart(tmp_path, scenarios):
    path = tmp_path / "restart.db"
    first = AsyncDatabase(open_database(path))
    service = SessionService(first, scenarios, "test-secret")
    state = await service.start("romance-online", "telegram", "lead", chat=-77)
    await service.advance(state.code, "telegram", "lead")
    await service.vote(state.code, "telegram", "a", 0, 1)
    first.close()
    again = AsyncDatabase(open_database(path))
    try:
        service = SessionService(again, scenarios, "test-secret")
        assert (await service.current_in_chat("telegram", -77)).code == state.code
        _, changed = await service.vote(state.code, "telegram", "a", 0, 2)
        assert changed is True
        state = await service.reveal(state.code, "telegram", "lead")
        assert tally(state, scenarios["romance-online"], 0).counts[2] == 1
    finally:
        again.close()


async def test_idle_sessions_are_purged_but_their_results_stay(service):
    state = await service.start("parcel-fee-sms", "web", "tok", now=NOW)
    await service.advance(state.code, "web", "tok")
    await service.vote(state.code, "web", "p", 0, 2)
    await service.reveal(state.code, "web", "tok")
    assert await service.purge_idle(datetime.now(timezone.utc) - timedelta(hours=12)) == 0
    assert await service.purge_idle(datetime.now(timezone.utc) + timedelta(seconds=1)) == 1
    assert await service.get(state.code) is None
    (result,) = await service.db.write(list_results)
    assert result.answers == {"fee-sms": [0, 0, 1]} and result.finished is False
