"""Facilitator codes: how a pensioners' association or a library runs sessions that count.

Staff issue a code per organisation (`/staff/ledarkoder`); whoever starts a big-screen session
with it leads a session that is counted in the statistics. Without a code the session is practice:
everything works, nothing is counted, so no one can fill the figures by opening `/session/ny`.
Only a keyed hash of each code is stored; the code itself is shown once, when it is issued.
"""

from __future__ import annotations

import secrets
from datetime import date

from bot.core.residents.pseudonym import user_key
from bot.core.sessions.engine import CODE_ALPHABET, normalise_code
from bot.storage import sessions as store
from bot.storage.db import AsyncDatabase

GROUP, GROUPS = 5, 2  # "ACD34-EFG67": 10 characters of 25, about 46 bits, read and typed without mix-ups
MAX_LABEL = 120


class FacilitatorCodes:
    def __init__(self, db: AsyncDatabase, hash_key: str):
        self.db = db
        self.hash_key = hash_key

    def _hash(self, code: str) -> str:
        return user_key(self.hash_key, "facilitator-code", normalise_code(code))

    async def issue(self, label: str, issued_by: str, expires_on: date | None) -> tuple[int, str]:
        """A new code for `label` (who it is for); returns its id and the code, which is not kept."""
        label = " ".join(label.split())[:MAX_LABEL]
        if not label:
            raise ValueError("a facilitator code needs a label: who it is for")
        code = "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(GROUP)) for _ in range(GROUPS))
        code_id = await self.db.write(store.add_facilitator_code, self._hash(code), label, issued_by,
                                    expires_on.isoformat() if expires_on else None)
        return code_id, code

    async def use(self, code: str, today: date) -> int | None:
        """The code's id when it may start a counted session today (and counts the session); else None."""
        if not normalise_code(code):
            return None
        return await self.db.write(store.use_facilitator_code, self._hash(code), today.isoformat())

    async def list(self) -> list[store.FacilitatorCode]:
        return await self.db.write(store.list_facilitator_codes)

    async def revoke(self, code_id: int, revoked_by: str) -> bool:
        return await self.db.write(store.revoke_facilitator_code, code_id, revoked_by)
