"""Dashboard inbox for anonymous tips about welfare crime: read them and note where each was forwarded."""

from __future__ import annotations

from aiohttp import web

from bot.core.residents.tips import FORWARDED_TO
from bot.core.words import t
from bot.storage import audit
from bot.storage import tips as store
from bot.storage.questions import TEXT_READER_ROLE
from bot.web.auth import require_role, signed_in, staff_context
from bot.web.keys import SERVICES
from bot.web.templating import render


@require_role("viewer")
async def tips_page(request: web.Request) -> web.Response:
    """Lists tips newest first; their text only for editors and above (like residents' questions)."""
    tips = await request.app[SERVICES].db.read(store.list_tips)
    return render(request, "staff/tips.html", staff_context(
        request, tips=tips, destinations=FORWARDED_TO, text_role=TEXT_READER_ROLE,
        open_count=sum(1 for t in tips if not t["forwarded_to"])))


@require_role("editor")
async def mark_forwarded(request: web.Request) -> web.StreamResponse:
    """Notes where a tip was forwarded (or that it was not, and why)."""
    session = await signed_in(request)
    form = await request.post()
    to = str(form.get("to", ""))
    if to not in FORWARDED_TO:
        raise web.HTTPBadRequest(text=t("sv", "staff.refused.forwarded_missing"))
    try:
        tip_id = int(request.match_info["id"])
    except ValueError:
        raise web.HTTPBadRequest(text=t("sv", "staff.refused.bad_number")) from None
    db = request.app[SERVICES].db
    if await db.write(store.mark_forwarded, tip_id, to, session.member.username):
        await db.write(audit.record, session.member.username, "tip.forwarded", "welfare_tip", tip_id, to=to)
    raise web.HTTPSeeOther("/staff/tips?ok=vidare")


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/staff/tips", tips_page)
    app.router.add_post("/staff/tips/{id}/vidare", mark_forwarded)
