"""JSON endpoints: /api/ask, /api/check and /healthz – the same fields as the CLI's --json.

/api/ask and /api/check share the chat page's per-address limit (`question_limit`): over it they
answer 429 with Retry-After, and a refused request is neither answered nor logged.
"""

from __future__ import annotations

import json

from aiohttp import web

from bot.core.answering.assistant import Asker
from bot.core.residents.redact import without_lone_surrogates
from bot.web.keys import SERVICES
from bot.web.question_limit import RETRY_AFTER, over_question_limit, setup_question_limit

MAX_TEXT = 4096


def _json(body: dict, status: int = 200, headers: dict | None = None) -> web.Response:
    return web.json_response(body, status=status, headers=headers, dumps=lambda o: json.dumps(o, ensure_ascii=False))


def _bad_request(error: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=json.dumps({"error": error}), content_type="application/json")


async def _read_text(request: web.Request) -> tuple[str, str | None]:
    """The question and language from a JSON or form body; refuses what cannot be answered."""
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise _bad_request("body is not valid JSON") from None
        if not isinstance(body, dict):
            raise _bad_request('expected {"text": "..."}')
        text, lang = body.get("text"), body.get("lang")
    else:
        form = await request.post()
        text, lang = form.get("text"), form.get("lang")
    if not isinstance(text, str):
        raise _bad_request('missing "text"')
    if not text.strip():
        raise _bad_request('"text" is empty')
    if len(text) > MAX_TEXT:
        raise web.HTTPRequestEntityTooLarge(MAX_TEXT, len(text), text=json.dumps({"error": f"text longer than {MAX_TEXT} characters"}),
                                            content_type="application/json")
    if over_question_limit(request):
        raise web.HTTPTooManyRequests(text=json.dumps({"error": "too many questions from this address; wait a minute"}),
                                      content_type="application/json", headers={"Retry-After": RETRY_AFTER})
    return without_lone_surrogates(text), lang if lang in ("sv", "en") else None


async def api_ask(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    text, lang = await _read_text(request)
    result, _ = await services.assistant.ask(text, Asker("web"), lang)
    return _json(result.as_dict())


async def api_check(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    text, lang = await _read_text(request)
    result, _ = await services.assistant.check(text, lang)
    return _json(result.as_dict())


async def healthz(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    outcome = services.store.last_outcome
    body = {
        "status": "ok",
        "topics": len(services.store.kb.topics),
        "knowledge_reload_ok": outcome.ok,
        "knowledge_problems": [str(p) for p in outcome.problems[:20]],
    }
    return web.json_response(body)


def setup_api_routes(app: web.Application) -> None:
    setup_question_limit(app)
    app.router.add_post("/api/ask", api_ask)
    app.router.add_post("/api/check", api_check)
    app.router.add_get("/healthz", healthz)
