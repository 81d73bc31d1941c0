"""A fake Telegram Bot API server on loopback for driving the real python-telegram-bot stack.

Point ``telegram.Bot(token, base_url=tg.base_url)`` (or ``ApplicationBuilder().base_url(...)``) at
a running :class:`FakeTelegram`; PTB then talks HTTP to it exactly as it would to
``api.telegram.org``.  Tests queue updates as if people wrote to the bot (:meth:`user_message`,
:meth:`callback`, ...), read what the bot sent (:attr:`sent`, :meth:`wait_for_sent`) and inject
deterministic faults (:meth:`fail_next`, :meth:`block_chat`, :meth:`fail_chat`, :meth:`outage`)
and, when switched on, Telegram's flood limits (:meth:`telegram_limits`, :meth:`flood_limit`):
overall per second, per chat with short bursts, and per group per minute, answered with 429 and
``retry_after`` as Telegram does.

What PTB 22 sends: always ``POST``, form-urlencoded (multipart when uploading files); every value
is a string -- plain strings raw, everything else JSON-encoded (``chat_id=42``,
``disable_notification=true``, ``reply_markup={"inline_keyboard": ...}``).  ``None`` values are
dropped before sending.  We therefore coerce values per field name like Telegram does.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import json
import math
import re
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

TEST_TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijklmn"
MAX_TEXT = 4096
_TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_JSON_FIELDS = {
    "reply_markup", "commands", "scope", "allowed_updates", "options", "entities",
    "caption_entities", "link_preview_options", "reply_parameters", "question_entities",
}
_INT_FIELDS = {
    "chat_id", "message_id", "offset", "limit", "user_id", "reply_to_message_id",
    "message_thread_id", "cache_time", "open_period", "correct_option_id", "max_connections",
}
_FLOAT_FIELDS = {"timeout"}
_BOOL_FIELDS = {
    "disable_notification", "protect_content", "is_anonymous", "allows_multiple_answers",
    "show_alert", "drop_pending_updates", "disable_web_page_preview", "is_closed",
    "allow_sending_without_reply",
}
# Methods that deliver something into a chat: subject to block_chat / fail_chat.
_CHAT_METHODS = {
    "sendmessage", "sendpoll", "sendchataction", "editmessagetext", "editmessagereplymarkup",
    "deletemessage", "sendphoto", "senddocument",
}
_OPT_IN_UPDATE_TYPES = {"chat_member", "message_reaction", "message_reaction_count"}
_DESCRIPTIONS = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden: bot was blocked by the user",
    404: "Not Found", 409: "Conflict", 500: "Internal Server Error", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Timeout",
}
_REQUEST: contextvars.ContextVar[web.Request] = contextvars.ContextVar("fake_telegram_request")
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status == ``error_code``."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after

    def response(self) -> web.Response:
        body: dict[str, Any] = {
            "ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return web.json_response(body, status=self.code)


def _too_many(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


# --------------------------------------------------------------------------- Telegram HTML

_ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "tg-spoiler", "blockquote", "span", "tg-emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]*);")
_NAME_RE = re.compile(r"[a-zA-Z0-9-]+")
_ATTR_RE = re.compile(r"\s*([a-zA-Z0-9_-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>\"']+))?")


def parse_telegram_html(text: str, *, strict_entities: bool = True) -> str:
    """Parse Telegram-flavoured HTML like tdlib does and return the plain text.

    Raises :class:`ValueError` with tdlib's wording (byte offsets are UTF-8, as in Telegram).
    With ``strict_entities`` a bare ``&`` or an unknown named entity is an error; real Telegram
    keeps those literally, but in bot output they always mean a missing ``html.escape``.
    """
    out: list[str] = []
    stack: list[str] = []
    i = 0

    def off(pos: int) -> int:
        return len(text[:pos].encode("utf-8"))

    while i < len(text):
        ch = text[i]
        if ch == "&":
            m = _ENTITY_RE.match(text, i)
            name = m.group(1) if m else ""
            if name.startswith("#"):
                code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
                if not 0 < code <= 0x10FFFF:
                    raise ValueError(f"Invalid HTML entity at byte offset {off(i)}")
                out.append(chr(code))
            elif name in _NAMED_ENTITIES:
                out.append(_NAMED_ENTITIES[name])
            elif strict_entities:
                what = f'entity "&{name};"' if m else 'character "&" (escape it as "&amp;")'
                raise ValueError(f"Unsupported {what} at byte offset {off(i)}")
            else:
                out.append(text[i : m.end()] if m else "&")
            i = m.end() if m else i + 1
            continue
        if ch != "<":
            out.append(ch)
            i += 1
            continue
        end = text.find(">", i)
        if text.startswith("</", i):
            if end < 0:
                raise ValueError(f"Unclosed end tag at byte offset {off(i)}")
            name = text[i + 2 : end].strip().lower()
            if not stack:
                raise ValueError(f'Unexpected end tag at byte offset {off(i)}')
            if stack[-1] != name:
                raise ValueError(
                    f'Unmatched end tag at byte offset {off(i)}, expected "</{stack[-1]}>", '
                    f'found "</{name}>"'
                )
            stack.pop()
            i = end + 1
            continue
        m = _NAME_RE.match(text, i + 1)
        name = m.group(0).lower() if m else ""
        if name not in _ALLOWED_TAGS:
            raise ValueError(f'Unsupported start tag "{name}" at byte offset {off(i)}')
        if end < 0:
            raise ValueError(f'Unclosed start tag at byte offset {off(i)}')
        attrs: dict[str, str] = {}
        pos = i + 1 + len(name)
        while pos < end:
            am = _ATTR_RE.match(text, pos, end)
            if not am or am.end() == pos:
                if text[pos:end].strip() in ("", "/"):
                    break
                raise ValueError(
                    f'Empty attribute name in the tag "{name}" at byte offset {off(pos)}')
            attrs[am.group(1).lower()] = (am.group(2) or "").strip("\"'")
            pos = am.end()
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise ValueError(f'Tag "span" must have class "tg-spoiler" at byte offset {off(i)}')
        if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise ValueError(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {off(i)}')
        stack.append(name)
        i = end + 1
    if stack:
        raise ValueError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


# --------------------------------------------------------------------------- records


@dataclass
class Call:
    """One HTTP request to the fake: method as spelled by the client, coerced params, status."""

    method: str
    params: dict[str, Any]
    time: float  # time.monotonic()
    status: int = 200
    result: Any = None
    description: str | None = None


@dataclass
class SentMessage:
    """A message the bot successfully sent (``kind`` is ``"text"`` or ``"poll"``)."""

    chat_id: int
    message_id: int
    text: str | None  # as sent, HTML tags included (poll question for polls)
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    time: float  # time.monotonic()
    plain_text: str | None = None  # text after entity parsing
    kind: str = "text"
    message: dict[str, Any] = field(default_factory=dict)  # the Message object returned
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Inline keyboard buttons, row by row flattened."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]


@dataclass
class Edit:
    """A successful editMessageText / editMessageReplyMarkup."""

    method: str
    chat_id: int
    message_id: int
    text: str | None
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    time: float


class _Signal:
    """Edge-triggered wake-up usable from sync code: ``fire()`` wakes every current waiter."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(self._event.wait(), max(timeout, 0))
        except TimeoutError:
            pass


# --------------------------------------------------------------------------- the server


class FakeTelegram:
    """Fake Bot API server; see module docstring.  All times are ``time.monotonic()``."""

    def __init__(
        self,
        token: str | None = None,
        *,
        bot_username: str = "bedragerikollen_test_bot",
        bot_first_name: str = "Bedrägerikollen",
        strict_html_entities: bool = True,
    ) -> None:
        self.token = token  # None: accept any well-formed token
        self.bot_username, self.bot_first_name = bot_username, bot_first_name
        self.strict_html_entities = strict_html_entities
        self.latency: float = 0.0
        self.calls: list[Call] = []
        self.sent: list[SentMessage] = []
        self.edits: list[Edit] = []
        self.deleted: list[tuple[int, int]] = []
        self.answered_callbacks: dict[str, dict[str, Any]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook_url = ""
        self.flood_429s = 0  # 429s given by the flood limits (not by fail_next)
        self.flood_429s_by: Counter[str] = Counter()  # ... by limit: "global", "chat", "group"
        self.conflicts = 0
        self.pending: list[dict[str, Any]] = []  # queued, not yet confirmed updates
        self._update_ids = itertools.count(100_001)
        self._msg_ids: dict[int, itertools.count[int]] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._open_callbacks: set[str] = set()
        self._allowed: set[str] | None = None  # None: all but _OPT_IN_UPDATE_TYPES
        self._last_token = TEST_TOKEN
        self._faults: dict[str, deque[ApiError]] = {}
        self._blocked: set[int] = set()
        self._chat_faults: dict[int, list[int]] = {}  # chat -> [error_code, remaining]
        self._flood: _FloodLimits | None = None
        self._send_times: deque[float] = deque()
        self._chat_tokens: dict[int | str, tuple[float, float]] = {}  # chat -> (tokens, at)
        self._group_send_times: dict[int | str, deque[float]] = {}
        self._outage: tuple[int, set[str] | None, float | None] | None = None
        self._poll_generation = 0
        self._closing = False
        self._updates_signal = _Signal()
        self._activity = _Signal()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._methods: dict[str, Callable[[dict[str, Any], str], Awaitable[Any]]] = {
            name.lower(): getattr(self, f"_m_{name}")
            for name in (
                "getMe", "getUpdates", "sendMessage", "editMessageText", "editMessageReplyMarkup",
                "answerCallbackQuery", "setMyCommands", "getMyCommands", "deleteMyCommands",
                "deleteWebhook", "setWebhook", "getWebhookInfo", "sendPoll", "deleteMessage",
                "sendChatAction", "getChat", "leaveChat", "close", "logOut",
            )
        }

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> FakeTelegram:
        """Serve on 127.0.0.1 on a free port."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        """Wake pending long polls (they answer ``[]``) and shut the server down."""
        self._closing = True
        self._updates_signal.fire()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """For ``Bot(base_url=...)``: PTB appends ``{token}/{method}``."""
        return f"http://127.0.0.1:{self.port}/bot"

    # ---------------------------------------------------------------- fault injection

    def fail_next(
        self, method: str, n: int = 1, *, error_code: int = 429, retry_after: int = 1,
        description: str | None = None,
    ) -> None:
        """The next ``n`` calls of ``method`` answer ``error_code`` (429 carries retry_after)."""
        for _ in range(n):
            if error_code == 429:
                err = _too_many(retry_after)
                err.description = description or err.description
            else:
                err = ApiError(error_code, description or _DESCRIPTIONS.get(error_code, "Error"))
            self._faults.setdefault(method.lower(), deque()).append(err)

    def block_chat(self, chat_id: int) -> None:
        """Every send to ``chat_id`` -> 403 "Forbidden: bot was blocked by the user"."""
        self._blocked.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def fail_chat(self, chat_id: int, error_code: int = 500, times: int = 1) -> None:
        """The next ``times`` sends to ``chat_id`` fail with ``error_code``, then succeed."""
        self._chat_faults[chat_id] = [error_code, times]

    def flood_limit(
        self, per_second: int | None, *, per_chat_per_second: float = 1, per_chat_burst: int = 1,
        per_group_per_minute: int | None = None, retry_after: int | None = None,
    ) -> None:
        """Sends and edits answer 429 beyond ``per_second`` in any rolling second overall, beyond
        ``per_chat_per_second`` to one chat (a token bucket holding ``per_chat_burst`` messages,
        so short bursts pass), and beyond ``per_group_per_minute`` in any rolling minute to one
        group or channel.  ``None`` switches the limits off.  ``retry_after`` defaults to the
        whole seconds until the limit that was hit frees up (at least 1), as Telegram answers."""
        if per_second is None:
            self._flood = None
            return
        self._flood = _FloodLimits(per_second, per_chat_per_second, per_chat_burst,
                                   per_group_per_minute, retry_after)
        self._send_times.clear()
        self._chat_tokens.clear()
        self._group_send_times.clear()

    def telegram_limits(self) -> None:
        """Telegram's documented limits for a bot: about 30 messages a second overall, one a
        second to the same chat (short bursts of up to 3 pass), 20 a minute to the same group."""
        self.flood_limit(30, per_chat_per_second=1, per_chat_burst=3, per_group_per_minute=20)

    def outage(self, error_code: int = 502, *, seconds: float | None = None,
               methods: set[str] | None = None) -> None:
        """Every call (or only ``methods``) answers ``error_code`` until :meth:`end_outage`, or
        for ``seconds``; updates queued meanwhile are kept, as on Telegram."""
        until = time.monotonic() + seconds if seconds is not None else None
        self._outage = (error_code, {m.lower() for m in methods} if methods else None, until)

    def end_outage(self) -> None:
        self._outage = None

    def _check_outage(self, method: str) -> None:
        if self._outage is None:
            return
        code, methods, until = self._outage
        if until is not None and time.monotonic() >= until:
            self._outage = None
            return
        if methods is None or method in methods:
            raise ApiError(code, _DESCRIPTIONS.get(code, "Error"))

    def _check_faults(self, method: str, params: dict[str, Any]) -> None:
        self._check_outage(method)
        queue = self._faults.get(method)
        if queue:
            raise queue.popleft()
        chat_id = params.get("chat_id")
        if method not in _CHAT_METHODS or chat_id is None:
            return
        if chat_id in self._blocked:
            raise ApiError(403, _DESCRIPTIONS[403])
        fault = self._chat_faults.get(chat_id)
        if fault and fault[1] > 0:
            fault[1] -= 1
            raise ApiError(fault[0], _DESCRIPTIONS.get(fault[0], "Error"))

    def _check_flood(self, chat_id: int | str) -> None:
        """Raise 429 if one more message to ``chat_id`` now would break a flood limit."""
        limits = self._flood
        if limits is None:
            return
        now = time.monotonic()
        while self._send_times and self._send_times[0] <= now - 1.0:
            self._send_times.popleft()
        if limits.per_second and len(self._send_times) >= limits.per_second:
            self._too_many("global", limits, self._send_times[0] + 1.0 - now)
        tokens = self._tokens(chat_id, now)
        if tokens < 1:
            self._too_many("chat", limits, (1 - tokens) / limits.per_chat_per_second)
        if limits.per_group_per_minute and _is_group(chat_id):
            times = self._group_send_times.setdefault(chat_id, deque())
            while times and times[0] <= now - 60.0:
                times.popleft()
            if len(times) >= limits.per_group_per_minute:
                self._too_many("group", limits, times[0] + 60.0 - now)

    def _tokens(self, chat_id: int | str, now: float) -> float:
        limits = self._flood
        assert limits is not None
        tokens, at = self._chat_tokens.get(chat_id, (float(limits.per_chat_burst), now))
        return min(float(limits.per_chat_burst), tokens + (now - at) * limits.per_chat_per_second)

    def _too_many(self, which: str, limits: _FloodLimits, wait: float) -> None:
        self.flood_429s += 1
        self.flood_429s_by[which] += 1
        raise _too_many(limits.retry_after or max(1, math.ceil(wait)))

    def _count_send(self, chat_id: int | str) -> None:
        if self._flood is None:
            return
        now = time.monotonic()
        self._send_times.append(now)
        self._chat_tokens[chat_id] = (self._tokens(chat_id, now) - 1, now)
        if _is_group(chat_id):
            self._group_send_times.setdefault(chat_id, deque()).append(now)

    # ---------------------------------------------------------------- simulating people

    def _user(self, user_id: int, first_name: str, language_code: str | None) -> dict[str, Any]:
        user = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        return user

    def _chat(self, chat_id: int) -> dict[str, Any]:
        if chat_id not in self._chats:
            if chat_id > 0:
                return {"id": chat_id, "type": "private", "first_name": "Anna"}
            kind = "supergroup" if str(chat_id).startswith("-100") else "group"
            return {"id": chat_id, "type": kind, "title": "Testgrupp"}
        return dict(self._chats[chat_id])

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._msg_ids.setdefault(chat_id, itertools.count(1)))

    def _incoming(
        self, chat_id: int, content: dict[str, Any], *, user_id: int | None, first_name: str,
        language_code: str | None, chat_type: str = "private", group_title: str | None = None,
    ) -> int:
        if chat_id not in self._chats or chat_type != self._chats[chat_id]["type"]:
            chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
            if chat_type == "private":
                chat["first_name"] = first_name
            else:
                chat["title"] = group_title or "Testgrupp"
            self._chats[chat_id] = chat
        uid = user_id if user_id is not None else (chat_id if chat_type == "private" else 4242)
        message = {
            "message_id": self._next_message_id(chat_id), "date": int(time.time()),
            "chat": self._chat(chat_id), "from": self._user(uid, first_name, language_code),
            **content,
        }
        self._messages[(chat_id, message["message_id"])] = message
        return self.raw_update({"message": message})

    def user_message(
        self, chat_id: int, text: str, *, user_id: int | None = None, first_name: str = "Anna",
        language_code: str | None = "sv", chat_type: str = "private",
        entities: list[dict[str, Any]] | None = None, group_title: str | None = None,
    ) -> int:
        """Queue a text message from a person; ``/commands`` get a bot_command entity."""
        content: dict[str, Any] = {"text": text}
        if entities is None and text.startswith("/"):
            command = text.split()[0]
            entities = [{"type": "bot_command", "offset": 0, "length": _utf16_len(command)}]
        if entities:
            content["entities"] = entities
        return self._incoming(
            chat_id, content, user_id=user_id, first_name=first_name, language_code=language_code,
            chat_type=chat_type, group_title=group_title,
        )

    def edit_user_message(self, chat_id: int, message_id: int, text: str) -> int:
        """Queue an ``edited_message`` update: the person changed the text of their message."""
        message = self._messages.get((chat_id, message_id))
        if message is None or message["from"]["is_bot"]:
            raise KeyError(f"no message {message_id} from a person in chat {chat_id}")
        edited = {**message, "text": text, "edit_date": int(time.time())}
        edited.pop("entities", None)
        self._messages[(chat_id, message_id)] = edited
        return self.raw_update({"edited_message": edited})

    def sticker(self, chat_id: int, *, emoji: str = "👍", user_id: int | None = None,
                first_name: str = "Anna", language_code: str | None = "sv") -> int:
        """Queue a sticker message."""
        sticker = {"file_id": "CAACAgIAAxkBAAEFakeSticker", "file_unique_id": "AgADFake",
                   "type": "regular", "width": 512, "height": 512, "is_animated": False,
                   "is_video": False, "emoji": emoji}
        return self._incoming(chat_id, {"sticker": sticker}, user_id=user_id,
                              first_name=first_name, language_code=language_code)

    def photo(self, chat_id: int, caption: str | None = None, *, user_id: int | None = None,
              first_name: str = "Anna", language_code: str | None = "sv") -> int:
        """Queue a photo message, optionally with a caption."""
        sizes = [{"file_id": f"AgACAgIAAxkBAAEFakePhoto{w}", "file_unique_id": f"AQADFake{w}",
                  "width": w, "height": w * 3 // 4, "file_size": w * 60} for w in (90, 320, 1280)]
        content: dict[str, Any] = {"photo": sizes}
        if caption is not None:
            content["caption"] = caption
        return self._incoming(chat_id, content, user_id=user_id, first_name=first_name,
                              language_code=language_code)

    def callback(
        self, chat_id: int, message_id: int, data: str, *, user_id: int | None = None,
        first_name: str = "Anna", language_code: str | None = "sv",
    ) -> int:
        """Queue a button press on a message the bot sent; query id is ``f"cbq-{update_id}"``."""
        message = self._messages.get((chat_id, message_id))
        if message is None:
            raise KeyError(f"no message {message_id} in chat {chat_id}")
        update_id = next(self._update_ids)
        query_id = f"cbq-{update_id}"
        self._open_callbacks.add(query_id)
        uid = user_id if user_id is not None else chat_id
        query = {"id": query_id, "from": self._user(uid, first_name, language_code),
                 "chat_instance": f"-{abs(chat_id)}0", "message": message, "data": data}
        return self.raw_update({"update_id": update_id, "callback_query": query})

    def my_chat_member(self, chat_id: int, new_status: str = "kicked", *,
                       old_status: str = "member", user_id: int | None = None) -> int:
        """Queue a my_chat_member update; "kicked" in a private chat also blocks the chat,
        "member" unblocks it."""
        bot = self._bot_user(self.token or self._last_token)
        members = []
        for status in (old_status, new_status):
            member: dict[str, Any] = {"status": status, "user": bot}
            if status == "kicked":
                member["until_date"] = 0
            members.append(member)
        if chat_id > 0:
            (self.block_chat if new_status == "kicked" else self.unblock_chat)(chat_id)
        uid = user_id if user_id is not None else chat_id
        return self.raw_update({"my_chat_member": {
            "chat": self._chat(chat_id), "from": self._user(uid, "Anna", "sv"),
            "date": int(time.time()), "old_chat_member": members[0],
            "new_chat_member": members[1],
        }})

    def raw_update(self, update: dict[str, Any]) -> int:
        """Queue any update dict (``update_id`` is assigned if missing); returns the id."""
        update = dict(update)
        update.setdefault("update_id", next(self._update_ids))
        self.pending.append(update)
        self._updates_signal.fire()
        return int(update["update_id"])

    # ---------------------------------------------------------------- inspecting

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        """Everything the bot sent to ``chat_id``, oldest first."""
        return [m for m in self.sent if m.chat_id == chat_id]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """Current state (after edits) of a message, or None if unknown/deleted."""
        return self._messages.get((chat_id, message_id))

    def my_commands(
        self, language_code: str = "", scope: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Commands stored by setMyCommands for this language and scope."""
        return self.commands.get((_scope_key(scope), language_code), [])

    async def wait_for_sent(
        self, predicate: Callable[[SentMessage], bool] | None = None, count: int = 1,
        timeout: float = 10, *, after: int = 0,
    ) -> list[SentMessage]:
        """Wait until ``count`` messages in ``sent[after:]`` match; returns all that match."""
        return await self._wait_for(lambda: self.sent[after:], predicate, count, timeout, "sent")

    async def wait_for_edit(
        self, predicate: Callable[[Edit], bool] | None = None, count: int = 1,
        timeout: float = 10, *, after: int = 0,
    ) -> list[Edit]:
        """Wait until ``count`` edits in ``edits[after:]`` match; returns all that match."""
        return await self._wait_for(lambda: self.edits[after:], predicate, count, timeout, "edits")

    async def wait_for_call(
        self, method: str, predicate: Callable[[Call], bool] | None = None, count: int = 1,
        timeout: float = 10,
    ) -> list[Call]:
        """Wait until ``count`` calls of ``method`` (any status) match ``predicate``."""
        return await self._wait_for(
            lambda: [c for c in self.calls if c.method.lower() == method.lower()],
            predicate, count, timeout, f"{method} calls",
        )

    async def _wait_for(
        self, source: Callable[[], list[Any]], predicate: Callable[[Any], bool] | None,
        count: int, timeout: float, what: str,
    ) -> list[Any]:
        deadline = time.monotonic() + timeout
        while True:
            found = [x for x in source() if predicate is None or predicate(x)]
            if len(found) >= count:
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"expected {count} matching {what}, got {len(found)}; "
                                   f"sent so far: {[(m.chat_id, m.text) for m in self.sent]}")
            await self._activity.wait(remaining)

    # ---------------------------------------------------------------- HTTP plumbing

    async def _not_found(self, request: web.Request) -> web.Response:
        return ApiError(404, "Not Found").response()

    async def _handle(self, request: web.Request) -> web.Response:
        if self.latency:
            await asyncio.sleep(self.latency)
        token, method = request.match_info["token"], request.match_info["method"]
        call = Call(method, {}, time.monotonic())
        self.calls.append(call)
        _REQUEST.set(request)
        try:
            call.params = await _read_params(request)
            if not _TOKEN_RE.match(token) or (self.token is not None and token != self.token):
                raise ApiError(401, "Unauthorized")
            self._last_token = token
            self._activity.fire()  # wait_for_call sees calls that are still in progress
            handler = self._methods.get(method.lower())
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            self._check_faults(method.lower(), call.params)
            call.result = await handler(call.params, token)
        except ApiError as err:
            call.status, call.description = err.code, err.description
            return err.response()
        finally:
            self._activity.fire()
        return web.json_response({"ok": True, "result": call.result})

    def _bot_user(self, token: str) -> dict[str, Any]:
        return {"id": int(token.split(":")[0]), "is_bot": True, "first_name": self.bot_first_name,
                "username": self.bot_username}

    # ---------------------------------------------------------------- Bot API methods

    async def _m_getMe(self, p: dict[str, Any], token: str) -> dict[str, Any]:
        return {**self._bot_user(token), "can_join_groups": True,
                "can_read_all_group_messages": False, "supports_inline_queries": False,
                "can_connect_to_business": False, "has_main_web_app": False}

    async def _m_getUpdates(self, p: dict[str, Any], token: str) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_signal.fire()  # an older long poll still waiting gets 409, as on Telegram
        if "allowed_updates" in p:
            self._allowed = set(p["allowed_updates"]) or None
        offset = p.get("offset")
        if isinstance(offset, int) and offset < 0:
            self.pending = self.pending[offset:]
        elif offset:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        limit = min(max(int(p.get("limit") or 100), 1), 100)
        deadline = time.monotonic() + float(p.get("timeout") or 0)
        transport = _REQUEST.get().transport
        while True:
            if transport is None or transport.is_closing():
                return []  # the client gave up (e.g. PTB cancelled the poll on shutdown)
            if generation != self._poll_generation:
                self.conflicts += 1
                raise ApiError(409, "Conflict: terminated by other getUpdates request; make sure "
                                    "that only one bot instance is running")
            self.pending = [u for u in self.pending if self._wanted(u)]
            remaining = deadline - time.monotonic()
            if self.pending or remaining <= 0 or self._closing:
                return self.pending[:limit]
            await self._updates_signal.wait(remaining)

    def _wanted(self, update: dict[str, Any]) -> bool:
        kind = next(k for k in update if k != "update_id")
        return kind in self._allowed if self._allowed else kind not in _OPT_IN_UPDATE_TYPES

    def _store_sent(self, p: dict[str, Any], token: str, content: dict[str, Any],
                    text: str | None, plain: str | None, kind: str) -> dict[str, Any]:
        chat_id = p["chat_id"]
        markup = p.get("reply_markup")
        message = {"message_id": self._next_message_id(chat_id), "date": int(time.time()),
                   "chat": self._chat(chat_id), "from": self._bot_user(token), **content}
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self._messages[(chat_id, message["message_id"])] = message
        self._count_send(chat_id)
        self.sent.append(SentMessage(
            chat_id=chat_id, message_id=message["message_id"], text=text,
            parse_mode=p.get("parse_mode"), reply_markup=markup, time=time.monotonic(),
            plain_text=plain, kind=kind, message=message, params=p,
        ))
        return message

    def _plain_text(self, p: dict[str, Any]) -> str:
        text = p.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        plain = text
        if str(p.get("parse_mode") or "").lower() == "html":
            try:
                plain = parse_telegram_html(text, strict_entities=self.strict_html_entities)
            except ValueError as err:
                raise ApiError(400, f"Bad Request: can't parse entities: {err}") from None
        if not plain.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(plain) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        _check_markup(p.get("reply_markup"))
        return plain

    async def _m_sendMessage(self, p: dict[str, Any], token: str) -> dict[str, Any]:
        _require(p, "chat_id")
        self._check_flood(p["chat_id"])
        plain = self._plain_text(p)
        return self._store_sent(p, token, {"text": plain}, p["text"], plain, "text")

    async def _m_sendPoll(self, p: dict[str, Any], token: str) -> dict[str, Any]:
        _require(p, "chat_id", "question")
        self._check_flood(p["chat_id"])
        options = [o["text"] if isinstance(o, dict) else str(o) for o in p.get("options") or []]
        if not 2 <= len(options) <= 12:
            raise ApiError(400, "Bad Request: poll must have at least 2 option")
        poll = {
            "id": str(5_000_000_000 + len(self.sent)), "question": p["question"],
            "options": [{"text": t, "voter_count": 0, "persistent_id": str(i)}
                        for i, t in enumerate(options)],
            "total_voter_count": 0, "is_closed": False, "is_anonymous": p.get("is_anonymous", True),
            "type": p.get("type", "regular"),
            "allows_multiple_answers": p.get("allows_multiple_answers", False),
            "allows_revoting": False, "members_only": False,
        }
        return self._store_sent(p, token, {"poll": poll}, p["question"], p["question"], "poll")

    def _editable(self, p: dict[str, Any]) -> dict[str, Any]:
        _require(p, "chat_id", "message_id")
        message = self._messages.get((p["chat_id"], p["message_id"]))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if not message["from"]["is_bot"]:
            raise ApiError(400, "Bad Request: message can't be edited")
        return message

    def _apply_edit(self, method: str, p: dict[str, Any], message: dict[str, Any],
                    changes: dict[str, Any], text: str | None) -> dict[str, Any]:
        markup = p.get("reply_markup")
        _check_markup(markup)
        new = {**message, **changes, "edit_date": int(time.time())}
        new.pop("reply_markup", None)
        if markup and "inline_keyboard" in markup:
            new["reply_markup"] = markup
        if all(new.get(k) == message.get(k) for k in ("text", "reply_markup")):
            raise ApiError(400, _NOT_MODIFIED)
        self._messages[(p["chat_id"], p["message_id"])] = new
        self._count_send(p["chat_id"])
        self.edits.append(Edit(method, p["chat_id"], p["message_id"], text, p.get("parse_mode"),
                               markup, time.monotonic()))
        return new

    async def _m_editMessageText(self, p: dict[str, Any], token: str) -> dict[str, Any]:
        message = self._editable(p)
        self._check_flood(p["chat_id"])
        plain = self._plain_text(p)
        return self._apply_edit("editMessageText", p, message, {"text": plain}, p["text"])

    async def _m_editMessageReplyMarkup(self, p: dict[str, Any], token: str) -> dict[str, Any]:
        message = self._editable(p)
        self._check_flood(p["chat_id"])
        return self._apply_edit("editMessageReplyMarkup", p, message, {}, None)

    async def _m_deleteMessage(self, p: dict[str, Any], token: str) -> bool:
        _require(p, "chat_id", "message_id")
        if self._messages.pop((p["chat_id"], p["message_id"]), None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        self.deleted.append((p["chat_id"], p["message_id"]))
        return True

    async def _m_answerCallbackQuery(self, p: dict[str, Any], token: str) -> bool:
        query_id = str(p.get("callback_query_id", ""))
        if query_id not in self._open_callbacks:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or "
                                "query ID is invalid")
        self._open_callbacks.discard(query_id)
        self.answered_callbacks[query_id] = p
        return True

    async def _m_setMyCommands(self, p: dict[str, Any], token: str) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be an array of at most 100 BotCommand")
        for c in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(c.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(c.get("description", "")).strip()) <= 256:
                raise ApiError(400, "Bad Request: command description must be non-empty")
        self.commands[(_scope_key(p.get("scope")), p.get("language_code", ""))] = commands
        return True

    async def _m_getMyCommands(self, p: dict[str, Any], token: str) -> list[dict[str, Any]]:
        return self.my_commands(p.get("language_code", ""), p.get("scope"))

    async def _m_deleteMyCommands(self, p: dict[str, Any], token: str) -> bool:
        self.commands.pop((_scope_key(p.get("scope")), p.get("language_code", "")), None)
        return True

    async def _m_setWebhook(self, p: dict[str, Any], token: str) -> bool:
        _require(p, "url")
        self.webhook_url = str(p["url"])
        return True

    async def _m_deleteWebhook(self, p: dict[str, Any], token: str) -> bool:
        self.webhook_url = ""
        if p.get("drop_pending_updates"):
            self.pending.clear()
        return True

    async def _m_getWebhookInfo(self, p: dict[str, Any], token: str) -> dict[str, Any]:
        return {"url": self.webhook_url, "has_custom_certificate": False,
                "pending_update_count": len(self.pending)}

    async def _m_sendChatAction(self, p: dict[str, Any], token: str) -> bool:
        _require(p, "chat_id", "action")
        return True

    async def _m_getChat(self, p: dict[str, Any], token: str) -> dict[str, Any]:
        _require(p, "chat_id")
        if p["chat_id"] not in self._chats:
            raise ApiError(400, "Bad Request: chat not found")
        gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts",
                               "premium_subscription", "gifts_from_channels"), False)
        return {**self._chats[p["chat_id"]], "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": gifts}

    async def _m_leaveChat(self, p: dict[str, Any], token: str) -> bool:
        _require(p, "chat_id")
        return True

    async def _m_close(self, p: dict[str, Any], token: str) -> bool:
        return True

    async def _m_logOut(self, p: dict[str, Any], token: str) -> bool:
        return True


# --------------------------------------------------------------------------- helpers


@dataclass(frozen=True)
class _FloodLimits:
    per_second: int
    per_chat_per_second: float
    per_chat_burst: int
    per_group_per_minute: int | None
    retry_after: int | None


def _is_group(chat_id: int | str) -> bool:
    """Groups, supergroups and channels have negative ids (or an @username)."""
    return isinstance(chat_id, str) or chat_id < 0


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _scope_key(scope: dict[str, Any] | None) -> str:
    return json.dumps(scope or {"type": "default"}, sort_keys=True)


def _require(p: dict[str, Any], *names: str) -> None:
    if "chat_id" in names and not isinstance(p.get("chat_id"), int):
        raise ApiError(400, "Bad Request: chat not found")  # missing or unknown @username
    for name in names:
        if p.get(name) in (None, ""):
            raise ApiError(400, f"Bad Request: {name} is empty")


def _check_markup(markup: Any) -> None:
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            if not button.get("text"):
                raise ApiError(
                    400, "Bad Request: text buttons are unallowed in the inline keyboard")


def _coerce(key: str, value: Any) -> Any:
    """Turn a wire value into the type Telegram expects for ``key``."""
    if key in _JSON_FIELDS and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            what = "reply keyboard markup" if key == "reply_markup" else key
            raise ApiError(400, f"Bad Request: can't parse {what} JSON object") from None
    if not isinstance(value, str):
        return value
    if key in _INT_FIELDS:
        if re.fullmatch(r"-?\d+", value):
            return int(value)
        if key == "chat_id":
            return value  # @channelusername
        raise ApiError(400, f"Bad Request: invalid {key} specified")
    if key in _FLOAT_FIELDS:
        try:
            number = float(value)
        except ValueError:
            raise ApiError(400, f"Bad Request: invalid {key} specified") from None
        return int(number) if number.is_integer() else number
    if key in _BOOL_FIELDS:
        return value.lower() in ("true", "1")
    return value


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Merge query string with a form, multipart or JSON body, then coerce per field."""
    raw: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON request body") from None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: parameters must be a JSON object")
            raw.update(body)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, value in (await request.post()).items():
                raw[key] = value if isinstance(value, str) else {
                    "filename": value.filename, "content": value.file.read()}
    return {key: _coerce(key, value) for key, value in raw.items()}


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    """Import this fixture into a test module or conftest to get a running FakeTelegram."""
    async with FakeTelegram() as tg:
        yield tg
