"""Public warnings: the page residents and municipal websites link to, an Atom feed and JSON."""

from __future__ import annotations

from datetime import datetime, timezone

from aiohttp import web

from bot.core.alerts.text import alert_text
from bot.core.residents import MUNICIPALITIES
from bot.storage import alerts as store
from bot.web.keys import SERVICES
from bot.web.templating import render


async def _current(request: web.Request):
    municipality = request.query.get("kommun")
    if municipality not in MUNICIPALITIES:
        municipality = None
    alerts = await request.app[SERVICES].db.run(store.public_alerts, datetime.now(timezone.utc))
    if municipality:
        alerts = [a for a in alerts if a.targets(municipality)]
    return municipality, alerts


def _item(alert, lang: str = "sv") -> dict:
    text = alert_text(alert, lang)
    published = alert.sent_at or alert.created_at
    return {
        "id": alert.id, "title": alert.title(lang), "heading": text.heading, "text": alert.text(lang),
        "severity": alert.severity, "municipalities": list(alert.municipalities) or list(MUNICIPALITIES),
        "topics": list(alert.topics), "published": published.isoformat(timespec="seconds"),
        "expires": alert.expires_at.isoformat(timespec="seconds") if alert.expires_at else None,
        "correction_of": alert.correction_of,
    }


async def warnings_page(request: web.Request) -> web.Response:
    municipality, alerts = await _current(request)
    return render(request, "warnings/list.html", {"items": [_item(a) for a in alerts], "municipality": municipality,
                                                  "municipalities": MUNICIPALITIES})


async def warnings_atom(request: web.Request) -> web.Response:
    municipality, alerts = await _current(request)
    base = f"{request.scheme}://{request.host}"
    updated = max((a.sent_at or a.created_at for a in alerts), default=datetime(2024, 1, 1, tzinfo=timezone.utc))
    return render(request, "warnings/feed.atom", {
        "items": [_item(a) for a in alerts], "base": base, "municipality": municipality,
        "updated": updated.isoformat(timespec="seconds"),
    }, content_type="application/atom+xml")


async def warnings_json(request: web.Request) -> web.Response:
    municipality, alerts = await _current(request)
    lang = "en" if request.query.get("lang") == "en" else "sv"
    return web.json_response({"municipality": municipality, "warnings": [_item(a, lang) for a in alerts]})


def setup_warning_routes(app: web.Application) -> None:
    app.router.add_get("/varningar", warnings_page)
    app.router.add_get("/varningar.atom", warnings_atom)
    app.router.add_get("/api/varningar", warnings_json)
