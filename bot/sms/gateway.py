"""The SMS gateway behind a small interface, and its 46elks implementation over aiohttp.

46elks (checked against its public documentation, 46elks.com/docs): `POST {base}/sms` with HTTP basic
auth (API username and password) and the form fields `from`, `to` (E.164) and `message` answers 200
with the SMS as JSON (`id`, `status` "created", `parts`, `cost` …); a wrong username or password
answers 401; a request it refuses answers 4xx with a plain-text reason (e.g. an invalid `to`).
`GET {base}/sms?to=…&end=…` lists the SMS sent to a number after a moment (newest first, at most 100
a page, `next` for more): the outbox uses it after a crash to learn whether a message that was on the
wire got through. 429 and 5xx are not documented per endpoint; any HTTP client meets them, and they
are treated as "try again later".

Another gateway is another class with the same two methods; the core never sees which one runs.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import aiohttp


class GatewayError(Exception):
    """The gateway did not take the message."""


class RateLimited(GatewayError):
    """Too many requests: pause for `seconds` and try again."""

    def __init__(self, message: str, seconds: float = 1.0):
        super().__init__(message)
        self.seconds = seconds


class InvalidNumber(GatewayError):
    """The number cannot receive SMS: never try it again."""


class AuthFailed(GatewayError):
    """The gateway refused our credentials: nothing can be sent until staff fix the settings."""


class TemporaryFailure(GatewayError):
    """A network error or a 5xx: worth trying again later."""


@dataclass(frozen=True)
class SentSms:
    id: str
    to: str
    message: str
    created: str


class SmsGateway(Protocol):
    async def send(self, to: str, text: str) -> str:
        """Send `text` to the E.164 number `to`; return the gateway's message id.

        Raises RateLimited, InvalidNumber, AuthFailed or TemporaryFailure.
        """

    async def sent_to(self, to: str, since: datetime) -> list[SentSms]:
        """The SMS sent to `to` since `since` (UTC), as the gateway recorded them."""


class Elks46Gateway:
    """46elks' REST API; `base_url` points tests at a fake on loopback."""

    def __init__(self, session: aiohttp.ClientSession, *, base_url: str, user: str, password: str, sender: str,
                 timeout: float = 15.0):
        self.session = session
        self.base_url = base_url.rstrip("/")
        # the header by hand: aiohttp.BasicAuth is deprecated and its replacement is not in every 3.x
        self.headers = {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}
        self.sender = sender
        self.timeout = aiohttp.ClientTimeout(total=timeout)

    async def send(self, to: str, text: str) -> str:
        data = {"from": self.sender, "to": to, "message": text}
        try:
            async with self.session.post(f"{self.base_url}/sms", data=data, headers=self.headers, timeout=self.timeout) as resp:
                body = await resp.text()
                _raise_for(resp, body)
                try:
                    return str((await resp.json(content_type=None))["id"])
                except (ValueError, KeyError, TypeError) as exc:
                    raise TemporaryFailure(f"unexpected answer from the gateway: {body[:200]!r}") from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc

    async def sent_to(self, to: str, since: datetime) -> list[SentSms]:
        params = {"to": to, "end": since.strftime("%Y-%m-%dT%H:%M:%S.%f")}
        found: list[SentSms] = []
        try:
            while True:
                async with self.session.get(f"{self.base_url}/sms", params=params, headers=self.headers, timeout=self.timeout) as resp:
                    body = await resp.text()
                    _raise_for(resp, body)
                    page = await resp.json(content_type=None)
                for item in page.get("data", []):
                    if item.get("direction", "outgoing").startswith("outgoing") and item.get("to") == to:
                        found.append(SentSms(str(item["id"]), item["to"], item.get("message", ""), item.get("created", "")))
                if not page.get("next"):
                    return found
                params = {**params, "start": page["next"]}
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc


def _raise_for(resp: aiohttp.ClientResponse, body: str) -> None:
    if resp.status < 400:
        return
    reason = body.strip()[:200] or resp.reason or str(resp.status)
    if resp.status == 401:
        raise AuthFailed(f"401: {reason}")
    if resp.status == 429:
        try:
            seconds = float(resp.headers.get("Retry-After", "1"))
        except ValueError:
            seconds = 1.0
        raise RateLimited(f"429: {reason}", seconds)
    if resp.status >= 500:
        raise TemporaryFailure(f"{resp.status}: {reason}")
    if resp.status in (400, 403, 404) and _about_number(reason):
        raise InvalidNumber(f"{resp.status}: {reason}")
    # another refusal (missing field, no credit …): a setting or the account to fix, not the number
    raise TemporaryFailure(f"{resp.status}: {reason}")


def _about_number(reason: str) -> bool:
    lowered = reason.lower()
    return " to" in f" {lowered}" and ("number" in lowered or "invalid" in lowered or "e.164" in lowered)
