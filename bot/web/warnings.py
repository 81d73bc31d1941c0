"""Public warnings: the page residents and municipal websites link to, an Atom feed and JSON.

Absolute addresses (feed ids and links, the addresses shown to web editors) come from the
`web.public_url` setting only, never from the request's Host header, which anyone can set.
"""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlencode

from aiohttp import web

from bot.core.alerts.text import ICON, SEVERITY_LABEL
from bot.core.region import MUNICIPALITIES
from bot.core.words import Section
from bot.storage import alerts as store
from bot.storage.alert_model import Alert
from bot.web.keys import SERVICES
from bot.web.public import page_context as public_context
from bot.web.public import page_lang
from bot.web.templating import render

WORDS = Section("warnings")  # {lang: {name: text}} from bot/locale/<lang>/LC_MESSAGES/fraudbot.po


async def _current(request: web.Request) -> tuple[str | None, list[Alert]]:
    municipality = request.query.get("kommun")
    if municipality not in MUNICIPALITIES:
        municipality = None
    alerts = await request.app[SERVICES].db.read(store.public_alerts, datetime.now(timezone.utc))
    if municipality:
        alerts = [a for a in alerts if a.targets(municipality)]
    return municipality, alerts


def _kind(alert: Alert) -> str:
    return "withdrawal" if alert.withdrawal_of else "correction" if alert.correction_of else "warning"


def _item(alert: Alert, lang: str = "sv") -> dict:
    words = WORDS.get(lang) or WORDS["sv"]
    if alert.withdrawal_of:
        heading = f"{words['withdrawn']}: {alert.title(lang)}"
    else:
        heading = f"{ICON[alert.severity]} {SEVERITY_LABEL[lang][alert.severity]}: {alert.title(lang)}"
    published = alert.sent_at or alert.created_at
    return {
        "id": alert.id, "kind": _kind(alert), "title": alert.title(lang), "heading": heading, "text": alert.text(lang),
        "severity": alert.severity, "urgent": alert.urgent and not alert.withdrawal_of,
        "municipalities": list(alert.municipalities) or list(MUNICIPALITIES), "topics": list(alert.topics),
        "published": published.isoformat(timespec="seconds"),
        "expires": alert.expires_at.isoformat(timespec="seconds") if alert.expires_at else None,
        "correction_of": alert.correction_of, "withdrawal_of": alert.withdrawal_of,
    }


def _query(municipality: str | None, lang: str) -> str:
    params = {k: v for k, v in (("kommun", municipality), ("lang", "en" if lang == "en" else None)) if v}
    return f"?{urlencode(params)}" if params else ""


def _feeds(base: str) -> list[tuple[str, str, str]]:
    """(who, Atom address, JSON address) for all municipalities and for each one."""
    rows = [("", f"{base}/varningar.atom", f"{base}/api/varningar")]
    for m in MUNICIPALITIES:
        q = urlencode({"kommun": m})
        rows.append((m, f"{base}/varningar.atom?{q}", f"{base}/api/varningar?{q}"))
    return rows


async def warnings_page(request: web.Request) -> web.Response:
    """Current warnings for residents, in the public layout (large text, high contrast, English)."""
    lang = page_lang(request)
    municipality, alerts = await _current(request)
    # Urgent warnings first, so nobody scrolls past one; otherwise newest first (as in the feeds).
    alerts = sorted(alerts, key=lambda a: not (a.urgent and not a.withdrawal_of))
    base = request.app[SERVICES].config.web.base_url
    return render(request, "warnings/list.html", public_context(
        request, lang, items=[_item(a, lang) for a in alerts], municipality=municipality,
        municipalities=MUNICIPALITIES, feeds=_feeds(base), feed_query=_query(municipality, lang),
        words=WORDS[lang]))


async def warnings_atom(request: web.Request) -> web.Response:
    """The same warnings as an Atom feed for news readers and the municipalities' websites."""
    lang = "en" if request.query.get("lang") == "en" else "sv"
    municipality, alerts = await _current(request)
    base = request.app[SERVICES].config.web.base_url
    updated = max((a.sent_at or a.created_at for a in alerts), default=datetime(2024, 1, 1, tzinfo=timezone.utc))
    words = WORDS[lang]
    title = words["feed_title"] + (f" {words['for']} {municipality}" if municipality else "")
    return render(request, "warnings/feed.atom", {
        "items": [_item(a, lang) for a in alerts], "base": base, "query": _query(municipality, lang), "title": title,
        "lang": lang, "updated": updated.isoformat(timespec="seconds"),
    }, content_type="application/atom+xml")


async def warnings_json(request: web.Request) -> web.Response:
    """The same warnings as JSON, with an absolute link to each."""
    municipality, alerts = await _current(request)
    lang = "en" if request.query.get("lang") == "en" else "sv"
    base = request.app[SERVICES].config.web.base_url
    items = [{**_item(a, lang), "url": f"{base}/varningar{_query(None, lang)}#w{a.id}"} for a in alerts]
    for item in items:
        item.pop("urgent")
    return web.json_response({"municipality": municipality, "warnings": items})


def setup_warning_routes(app: web.Application) -> None:
    app.router.add_get("/varningar", warnings_page)
    app.router.add_get("/varningar.atom", warnings_atom)
    app.router.add_get("/api/varningar", warnings_json)
