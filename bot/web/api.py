"""JSON endpoints: /api/ask, /api/check and /healthz – the same fields as the CLI's --json."""

from __future__ import annotations

import json

from aiohttp import web

from bot.core.assistant import Asker
from bot.web.keys import SERVICES

MAX_TEXT = 4096


async def _read_text(request: web.Request) -> tuple[str, str | None]:
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise web.HTTPBadRequest(text=json.dumps({"error": "body is not valid JSON"}), content_type="application/json")
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text=json.dumps({"error": 'expected {"text": "..."}'}), content_type="application/json")
        text, lang = body.get("text"), body.get("lang")
    else:
        form = await request.post()
        text, lang = form.get("text"), form.get("lang")
    if not isinstance(text, str):
        raise web.HTTPBadRequest(text=json.dumps({"error": 'missing "text"'}), content_type="application/json")
    if len(text) > MAX_TEXT:
        raise web.HTTPRequestEntityTooLarge(MAX_TEXT, len(text), text=json.dumps({"error": f"text longer than {MAX_TEXT} characters"}), content_type="application/json")
    return text, lang if lang in ("sv", "en") else None


async def api_ask(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    text, lang = await _read_text(request)
    result, _ = await services.assistant.ask(text, Asker("web"), lang)
    return web.json_response(result.as_dict(), dumps=lambda o: json.dumps(o, ensure_ascii=False))


async def api_check(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    text, lang = await _read_text(request)
    result, _ = await services.assistant.check(text, lang)
    return web.json_response(result.as_dict(), dumps=lambda o: json.dumps(o, ensure_ascii=False))


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
    app.router.add_post("/api/ask", api_ask)
    app.router.add_post("/api/check", api_check)
    app.router.add_get("/healthz", healthz)
