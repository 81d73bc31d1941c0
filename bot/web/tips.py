"""/tipsa: an anonymous tip about welfare crime, kept as text, municipality and day only."""

from __future__ import annotations

from aiohttp import web

from bot.core.region import MUNICIPALITIES
from bot.core.residents.tips import MAX_TIP, TipError, submit_tip
from bot.web.keys import SERVICES
from bot.web.public import chosen_municipality, page_context, page_lang
from bot.web.public_text import UI
from bot.web.question_limit import RETRY_AFTER, over_question_limit
from bot.web.templating import render


def _page(request: web.Request, lang: str, status: int = 200, **extra) -> web.Response:
    kb = request.app[SERVICES].store.kb
    welfare = kb.topics.get("welfare-crime")
    ctx = page_context(request, lang, municipalities=MUNICIPALITIES, welfare_title=welfare.text(lang).title if welfare else "",
                   **{"text": "", "municipality": chosen_municipality(request), **extra})
    return render(request, "public/tip.html", ctx, status=status)


async def tip_page(request: web.Request) -> web.Response:
    """The form."""
    return _page(request, page_lang(request))


async def tip_submit(request: web.Request) -> web.Response:
    """Keeps the tip anonymously and thanks; the same per-address limit as questions stops a script."""
    lang = page_lang(request)
    form = await request.post()
    text = form.get("text")
    text = text if isinstance(text, str) else ""
    municipality = form.get("municipality")
    municipality = municipality if isinstance(municipality, str) else None
    if over_question_limit(request):
        response = _page(request, lang, status=429, text=text, error=UI[lang]["error"])
        response.headers["Retry-After"] = RETRY_AFTER
        return response
    services = request.app[SERVICES]
    try:
        await submit_tip(services.db, text, municipality, services.quiet.zone)
    except TipError as refused:
        error = UI[lang][f"tip_{refused}"].format(max_tip=MAX_TIP)
        return _page(request, lang, status=400, text=text, municipality=municipality, error=error)
    return _page(request, lang, thanks=True)


def setup_tip_routes(app: web.Application) -> None:
    app.router.add_get("/tipsa", tip_page)
    app.router.add_post("/tipsa", tip_submit)
