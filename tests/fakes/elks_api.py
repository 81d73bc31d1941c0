"""A fake 46elks SMS API on loopback, answering like the real one (46elks.com/docs).

- ``POST /a1/sms`` (basic auth, form fields from/to/message): 200 with the SMS as JSON – ``id``
  ("s" + hex), ``status`` "created", ``direction`` "outgoing", ``from``, ``to``, ``message``,
  ``created``, ``parts`` and ``cost`` (in 10000ths of the currency per SMS, 3500 a part here);
  with ``dryrun=yes`` nothing is recorded and ``estimated_cost`` is given instead of ``cost``.
- wrong credentials: 401 with a text body; a ``to`` that is not E.164: 400 with a text reason;
  a missing field: 400 "Missing key …".
- more than ``per_second`` requests in any second: 429 (and the request is not recorded);
  :meth:`fail_next` answers the next requests with a chosen status (429 or 5xx) instead.
- ``GET /a1/sms?to=…&end=…``: the history, newest first, 100 a page with ``next``.

Tests read :attr:`sent` and send residents' SMS to the service with :meth:`send_incoming`, which
POSTs the form 46elks posts to a number's ``sms_url``.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import re
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timezone

import aiohttp
from aiohttp import web

USER, PASSWORD = "u0123456789abcdef", "FAKE-PASSWORD-0123"
COST_PER_PART = 3500
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@dataclass(frozen=True)
class RecordedSms:
    id: str
    sender: str
    to: str
    message: str
    parts: int
    created: str
    at: float  # time.monotonic() when it was taken


def _parts(message: str) -> int:
    from bot.sms.segments import count_segments  # the fake counts like the real API: by GSM-7 / UCS-2

    return max(1, count_segments(message))


class FakeElks:
    def __init__(self, *, per_second: int = 100, user: str = USER, password: str = PASSWORD, latency: float = 0.0):
        self.per_second = per_second
        self.latency = latency  # seconds between taking an SMS and answering: the window a crash can fall into
        self.user, self.password = user, password
        self.sent: list[RecordedSms] = []
        self.requests = 0
        self.rate_limited = 0  # 429s answered for going over `per_second`
        self._recent: deque[float] = deque()
        self._faults: deque[int] = deque()
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.port = 0

    # --- control ----------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/a1"

    def fail_next(self, status: int, times: int = 1) -> None:
        self._faults.extend([status] * times)

    def to(self, number: str) -> list[RecordedSms]:
        return [m for m in self.sent if m.to == number]

    async def wait_for(self, number: str, count: int = 1, timeout: float = 15.0) -> list[RecordedSms]:
        deadline = time.monotonic() + timeout
        while len(self.to(number)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{number} got {len(self.to(number))} SMS, expected {count}")
            await asyncio.sleep(0.01)
        return self.to(number)

    async def send_incoming(self, webhook_url: str, sender: str, message: str, to: str = "+46766860000",
                            sms_id: str | None = None) -> int:
        """POST an incoming SMS to the service as 46elks does; returns the webhook's HTTP status."""
        form = {"direction": "incoming", "id": sms_id or f"s{next(self._ids):032x}", "from": sender, "to": to,
                "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f"), "message": message}
        async with self._session.post(webhook_url, data=form) as resp:
            return resp.status

    # --- server -----------------------------------------------------------------------------------

    async def start(self) -> FakeElks:
        app = web.Application()
        app.router.add_post("/a1/sms", self._post_sms)
        app.router.add_post("/a1/SMS", self._post_sms)
        app.router.add_get("/a1/sms", self._history)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]
        self._session = aiohttp.ClientSession()
        return self

    async def stop(self) -> None:
        if self._session:
            await self._session.close()
        if self._runner:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeElks:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _authorised(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return False
        return user == self.user and password == self.password

    def _over_limit(self) -> bool:
        now = time.monotonic()
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        if len(self._recent) >= self.per_second:
            return True
        self._recent.append(now)
        return False

    async def _post_sms(self, request: web.Request) -> web.Response:
        self.requests += 1
        if not self._authorised(request):
            return web.Response(status=401, text="Unauthorized: wrong API username or password")
        if self._faults:
            status = self._faults.popleft()
            return web.Response(status=status, text="Too many requests" if status == 429 else "Internal server error",
                                headers={"Retry-After": "1"} if status == 429 else None)
        if self._over_limit():
            self.rate_limited += 1
            return web.Response(status=429, text="Too many requests", headers={"Retry-After": "1"})
        form = await request.post()
        for key in ("from", "to", "message"):
            if not form.get(key):
                return web.Response(status=400, text=f"Missing key {key}")
        to, message = str(form["to"]), str(form["message"])
        if not _E164.match(to):
            return web.Response(status=400, text="Invalid to number")
        parts = _parts(message)
        sms = {"status": "created", "direction": "outgoing", "from": str(form["from"]), "to": to, "message": message,
               "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f"), "parts": parts,
               "id": f"s{next(self._ids):032x}"}
        if str(form.get("dryrun", "")).lower() == "yes":
            return web.json_response({**sms, "estimated_cost": COST_PER_PART * parts})
        self.sent.append(RecordedSms(sms["id"], sms["from"], to, message, parts, sms["created"], time.monotonic()))
        if self.latency:
            await asyncio.sleep(self.latency)
        return web.json_response({**sms, "cost": COST_PER_PART * parts})

    async def _history(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.Response(status=401, text="Unauthorized: wrong API username or password")
        to, after, before = request.query.get("to"), request.query.get("end"), request.query.get("start")
        rows = [m for m in reversed(self.sent) if (not to or m.to == to) and (not after or m.created > after)
                and (not before or m.created < before)]
        page = rows[: int(request.query.get("limit", "100"))]
        data = [{"id": m.id, "direction": "outgoing", "from": m.sender, "to": m.to, "message": m.message,
                 "created": m.created, "status": "delivered", "cost": COST_PER_PART * m.parts} for m in page]
        body: dict = {"data": data}
        if len(rows) > len(page):
            body["next"] = page[-1].created
        return web.json_response(body)
