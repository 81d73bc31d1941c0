"""Boxes for the municipalities' websites: the current warnings and "ask the bot", by one `<script>`
tag (`/static/embed.js`) or an `<iframe>` (`/embed/varningar`, `/embed/fraga`).

Only the sites in `web.embed_origins` may use them; with none configured, embedding is refused.
- The script tag runs in the municipality's page and calls `/embed/api/…` across origins: those
  answer CORS (`Access-Control-Allow-Origin` echoing the origin) only to the configured sites, and
  refuse a request from any other site with 403 and no CORS header, so the browser shows the box
  nothing. Requests without an Origin (not from a browser page) are answered like /api/ask.
- The iframe pages are framed only by those sites (`frame-ancestors`, see bot.web.headers); inside
  the frame the box calls the same /embed/api/… from the service's own origin.
No embed route sets a cookie, and the boxes send none (`credentials: "omit"`).
The answers and warnings come from the same core as the chat page and /api/varningar.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from aiohttp import web

from bot.core import region as regions
from bot.core.answering.assistant import Asker
from bot.core.answering.reply import ReplyView, labels
from bot.core.region import MUNICIPALITIES
from bot.web.api import _read_text
from bot.web.keys import SERVICES
from bot.web.public import answer_sections
from bot.web.staff_embed import setup_staff_embed_routes
from bot.web.templating import render
from bot.web.warnings import warnings_json

EMBED_API = "/embed/api/"
PREFLIGHT_MAX_AGE = "600"


def allowed_origin(request: web.Request) -> str | None:
    """The request's Origin when it is one of `web.embed_origins`, else None."""
    origin = request.headers.get("Origin", "")
    return origin if origin in request.app[SERVICES].config.web.embed_origins else None


def same_origin(request: web.Request) -> bool:
    """A request from the service's own pages (the iframe box): no CORS needed.

    `Sec-Fetch-Site` is set by the browser and cannot be changed by a page's script; older browsers
    are recognised by an Origin equal to the configured public address.
    """
    if request.headers.get("Sec-Fetch-Site") == "same-origin":
        return True
    own = urlsplit(request.app[SERVICES].config.web.base_url)
    return request.headers.get("Origin") == f"{own.scheme}://{own.netloc}"


def _refused() -> web.Response:
    return web.json_response({"error": "this service may not be embedded on this site"}, status=403)


@web.middleware
async def embed_cors(request: web.Request, handler):
    """CORS for /embed/api/ only: the configured sites get their origin echoed, others a 403."""
    if not request.path.startswith(EMBED_API):
        return await handler(request)
    origin = allowed_origin(request)
    if request.method == "OPTIONS":  # preflight: a JSON POST from another site asks first
        if origin is None:
            return _refused()
        return web.Response(status=204, headers={
            "Access-Control-Allow-Origin": origin, "Access-Control-Allow-Methods": "GET, POST",
            "Access-Control-Allow-Headers": "Content-Type", "Access-Control-Max-Age": PREFLIGHT_MAX_AGE})
    if "Origin" in request.headers and origin is None and not same_origin(request):
        return _refused()
    cors = {"Access-Control-Allow-Origin": origin} if origin else {}
    try:
        response = await handler(request)
    except web.HTTPException as exc:  # 400/413/429 must reach the box too, or it cannot say why
        exc.headers.update(cors)
        raise
    response.headers.update(cors)
    return response


async def vary_by_origin(request: web.Request, response: web.StreamResponse) -> None:
    """Caches must keep the answers to different sites apart (added last: compression sets Vary too)."""
    if request.path.startswith(EMBED_API):
        vary = [v.strip() for v in response.headers.get("Vary", "").split(",") if v.strip()]
        response.headers["Vary"] = ", ".join([*vary, "Origin"] if "Origin" not in vary else vary)


def reply_json(view: ReplyView, base: str) -> dict:
    """What a box shows of a reply: plain texts, what to do first, links to the full topic pages."""
    lang_suffix = "?lang=en" if view.lang == "en" else ""
    lead, rest = answer_sections(view)
    link = lambda pairs: [{"title": title, "url": f"{base}/amnen/{topic}{lang_suffix}"} for topic, title in pairs]  # noqa: E731
    return {
        "urgent": view.urgent, "title": view.title, "intro": view.intro,
        "sections": [{"heading": s.heading, "items": list(s.items)} for s in (*lead, *rest)],
        "topic_url": f"{base}/amnen/{view.topic}{lang_suffix}" if view.topic else None,
        "choices": link(view.choices), "alternatives": link(view.alternatives),
        "choices_heading": labels(view.lang)["related"] if view.status != "clarify" else "",
        "alternatives_heading": labels(view.lang)["not_right"], "footer": list(view.footer),
    }


async def embed_ask(request: web.Request) -> web.Response:
    """Answers a question from the ask box: the /api/ask fields plus the reply to show."""
    services = request.app[SERVICES]
    text, lang = await _read_text(request)
    result, view = await services.assistant.ask(text, Asker("web"), lang)
    body = {**result.as_dict(), "reply": reply_json(view, services.config.web.base_url)}
    return web.json_response(body, dumps=lambda o: json.dumps(o, ensure_ascii=False))


async def embed_status(request: web.Request) -> web.Response:
    """Lets a box check when it loads that it may work on this site (else it says so at once)."""
    return web.json_response({"ok": True})


async def embed_page(request: web.Request) -> web.Response:
    """A box alone on a page, for an iframe on a municipality's website."""
    box = request.match_info["box"]
    municipality = request.query.get("kommun")
    return render(request, "embed/frame.html", {
        "box": box, "lang": "en" if request.query.get("lang") == "en" else "sv",
        "emergency": regions.current().numbers["emergency"],
        "municipality": municipality if municipality in MUNICIPALITIES else ""})


def setup_embed_routes(app: web.Application) -> None:
    """The boxes, their API and the dashboard page with the code to paste."""
    setup_staff_embed_routes(app)
    app.middlewares.append(embed_cors)
    app.on_response_prepare.append(vary_by_origin)
    app.router.add_get("/embed/{box:varningar|fraga}", embed_page)
    app.router.add_get(EMBED_API + "status", embed_status)
    app.router.add_get(EMBED_API + "varningar", warnings_json)
    app.router.add_post(EMBED_API + "fraga", embed_ask)  # preflight OPTIONS: answered by embed_cors
