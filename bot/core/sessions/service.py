"""Sessions over SQLite for every channel: each change runs the state machine atomically.

`SessionService` loads a session's state, applies one pure transition from `engine`, updates the
anonymous results row and writes the state back, all inside one storage call
(`bot.storage.sessions.update_live_session`), so votes from Telegram and phones never race.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timezone

from bot.core.residents.pseudonym import user_key
from bot.core.sessions.engine import (
    AFTER,
    FINISHED,
    REVEALED,
    Refused,
    SessionState,
    advance,
    cast_vote,
    finish,
    forget_people,
    join,
    new_code,
    new_state,
    normalise_code,
    reveal,
    set_confidence,
    summarise,
)
from bot.core.sessions.model import Scenario
from bot.storage import sessions as store
from bot.storage.db import AsyncDatabase


class SessionService:
    """Sessions over storage, for every channel. Identities come in raw and are hashed here.

    `ident` is what the channel knows about a person (a Telegram user id, a browser's random token);
    it becomes a key that is different in every session, so sessions cannot be linked to each
    other or to the resident records.
    """

    def __init__(self, db: AsyncDatabase, scenarios: Mapping[str, Scenario], hash_key: str):
        self.db = db
        self.scenarios = scenarios
        self.hash_key = hash_key

    def key(self, code: str, channel: str, ident: str | int) -> str:
        return user_key(self.hash_key, f"session:{code}:{channel}", ident)

    def chat_ref(self, channel: str, chat_id: str | int) -> str:
        return user_key(self.hash_key, f"session-chat:{channel}", chat_id)

    def scenario(self, state: SessionState) -> Scenario:
        return self.scenarios[state.scenario_id]

    async def start(self, scenario_id: str, channel: str, facilitator: str | int, *, chat: str | int | None = None,
                    practice: bool = False, now: datetime | None = None) -> SessionState:
        """Open a session with a fresh join code; `facilitator` is the starter's raw identity.

        A `practice` session runs like any other but is not counted: it writes no results row.
        """
        scenario = self.scenarios.get(scenario_id)
        if scenario is None:
            raise Refused("unknown_scenario")
        chat_ref = self.chat_ref(channel, chat) if chat is not None else None
        for _ in range(20):
            state = new_state(new_code(), scenario, channel, "", _today(now))
            state.facilitator = self.key(state.code, channel, facilitator)
            state.practice = practice
            if await self.db.write(store.create_live_session, state.code, scenario.id, channel, chat_ref, state.to_json(), _stamp(now)):
                return state
        raise RuntimeError("could not find a free join code")

    async def get(self, code: str) -> SessionState | None:
        text = await self.db.write(store.get_live_state, normalise_code(code))
        return SessionState.from_json(text) if text else None

    async def current_in_chat(self, channel: str, chat: str | int) -> SessionState | None:
        text = await self.db.write(store.live_state_for_chat, self.chat_ref(channel, chat))
        return SessionState.from_json(text) if text else None

    async def join(self, code: str, channel: str, ident: str | int) -> SessionState:
        return await self._change(code, lambda s, sc: join(s, self.key(s.code, channel, ident)))

    async def vote(self, code: str, channel: str, ident: str | int, step: int, option: int) -> tuple[SessionState, bool]:
        """Returns the state and whether an earlier vote was changed; raises Refused."""
        changed: list[bool] = []
        state = await self._change(code, lambda s, sc: changed.append(cast_vote(s, sc, self.key(s.code, channel, ident), step, option)))
        return state, changed[0]

    async def confidence(self, code: str, channel: str, ident: str | int, moment: str, value: int) -> SessionState:
        return await self._change(code, lambda s, sc: set_confidence(s, self.key(s.code, channel, ident), moment, value))

    async def reveal(self, code: str, channel: str, actor: str | int) -> SessionState:
        return await self._change(code, lambda s, sc: reveal(s, self.key(s.code, channel, actor)))

    async def advance(self, code: str, channel: str, actor: str | int) -> SessionState:
        return await self._change(code, lambda s, sc: advance(s, sc, self.key(s.code, channel, actor)))

    async def finish(self, code: str, channel: str, actor: str | int) -> SessionState:
        return await self._change(code, lambda s, sc: finish(s, self.key(s.code, channel, actor)))

    async def answer_alone(self, code: str, ident: str | int, step: int, option: int) -> SessionState:
        """Practice alone: the answer is revealed at once (the resident is their own facilitator)."""
        def change(state: SessionState, scenario: Scenario) -> None:
            key = self.key(state.code, "alone", ident)
            cast_vote(state, scenario, key, step, option)
            reveal(state, key)
        return await self._change(code, change)

    async def purge_idle(self, idle_since: datetime) -> int:
        """Forget live sessions untouched since `idle_since`; their anonymous results stay."""
        return await self.db.write(store.purge_idle_live_sessions, _stamp(idle_since))

    async def is_facilitator(self, state: SessionState, channel: str, ident: str | int) -> bool:
        return bool(state.facilitator) and state.facilitator == self.key(state.code, channel, ident)

    async def _change(self, code: str, change: Callable[[SessionState, Scenario], object]) -> SessionState:
        def apply(text: str) -> store.LiveChange:
            state = SessionState.from_json(text)
            scenario = self.scenarios.get(state.scenario_id)
            if scenario is None:
                raise Refused("unknown_scenario")
            change(state, scenario)
            results = None
            done = state.phase == FINISHED
            if state.phase in (REVEALED, AFTER, FINISHED) and not state.practice:
                results = summarise(state, scenario).as_result()
                results["finished"] = done
            if done:
                forget_people(state)
            return store.LiveChange(state.to_json(), results, release_chat=done)

        text = await self.db.write(store.update_live_session, normalise_code(code), apply)
        if text is None:
            raise Refused("unknown_session")
        return SessionState.from_json(text)


def _today(now: datetime | None = None) -> str:
    return (now or datetime.now(timezone.utc)).date().isoformat()


def _stamp(now: datetime | None) -> str:
    return (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")
