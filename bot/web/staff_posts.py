"""Social media posts on the dashboard: from an approved warning in force, image cards (PNG), their
alt text and the post text, for staff to publish on the municipality's and the police's accounts.
The cards are drawn by the core (`bot.core.alerts.cards`), off the event loop."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from aiohttp import web

from bot.core.alerts.cards import SIZES, alt_text, card_text, post_text, postable, render_card
from bot.core.words import t
from bot.storage import alerts as store
from bot.storage.alert_model import Alert
from bot.web.auth import require_role, staff_context
from bot.web.keys import SERVICES
from bot.web.templating import JINJA, render


async def _postable_alert(request: web.Request) -> Alert:
    try:
        alert_id = int(request.match_info["alert_id"])
    except ValueError:
        raise web.HTTPNotFound() from None
    alert = await request.app[SERVICES].db.read(store.get_alert, alert_id)
    if alert is None or not postable(alert, datetime.now(timezone.utc)):
        raise web.HTTPNotFound(text=t("sv", "staff.refused.not_postable"))
    return alert


def _lang(request: web.Request, alert: Alert) -> str:
    return "en" if request.query.get("lang") == "en" and alert.title_en else "sv"


def _texts(request: web.Request, alert: Alert, lang: str):
    services = request.app[SERVICES]
    contacts = services.store.kb.contacts.text(lang)
    address = services.config.web.base_url
    return card_text(alert, lang, address, contacts), post_text(alert, lang, address, contacts)


@require_role("viewer")
async def post_page(request: web.Request) -> web.Response:
    """Shows both image cards, the alt text and the post text, each ready to copy or download."""
    alert = await _postable_alert(request)
    lang = _lang(request, alert)
    text, post = _texts(request, alert, lang)
    return render(request, "staff/social_post.html", staff_context(
        request, alert=alert, chosen_lang=lang, sizes=SIZES, alt=alt_text(text), post=post,
        public_url_set=bool(request.app[SERVICES].config.web.public_url)))


@require_role("viewer")
async def card_png(request: web.Request) -> web.Response:
    """One image card as PNG."""
    size = request.match_info["size"]
    if size not in SIZES:
        raise web.HTTPNotFound()
    alert = await _postable_alert(request)
    lang = _lang(request, alert)
    text, _ = _texts(request, alert, lang)
    png = await asyncio.to_thread(render_card, text, size)
    name = f"varning-{alert.id}-{size}-{lang}.png"
    return web.Response(body=png, content_type="image/png", headers={"Content-Disposition": f'inline; filename="{name}"'})


def setup_staff_post_routes(app: web.Application) -> None:
    # The warning's page links here only when there is something to post.
    app[JINJA].globals["can_post"] = lambda alert: postable(alert, datetime.now(timezone.utc))
    app.router.add_get("/staff/varningar/{alert_id}/inlagg", post_page)
    app.router.add_get("/staff/varningar/{alert_id}/kort-{size}.png", card_png)
