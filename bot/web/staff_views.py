"""The staff dashboard: overview, reported scams, audit log and the yearly report; wires every staff route.

Each handler is wrapped in `require_role`; the pages of one family live in their own module
(staff_knowledge: knowledge and unanswered questions; staff_admin: accounts and passwords).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.core.reporting.report import build_report, report_csv
from bot.core.sessions.loader import validate_scenarios
from bot.core.sessions.summary import summarise_sessions
from bot.core.staff.dashboard import build_overview, reported_by_week, rising_methods
from bot.core.words import t
from bot.storage import statistics as stats
from bot.storage.sessions import list_results
from bot.storage.sms import monthly_cost_estimate
from bot.web import staff_admin, staff_knowledge, staff_tips
from bot.web.auth import require_role, setup_auth, staff_context
from bot.web.keys import SERVICES
from bot.web.templating import render

REPORTED_WEEKS = 12
AUDIT_PAGE = 100


@require_role("viewer")
async def overview(request: web.Request) -> web.Response:
    """Shows today's and this week's numbers, subscribers and warnings in flight."""
    services = request.app[SERVICES]
    data = await services.db.write(build_overview, None, ZoneInfo(services.config.alerts.timezone))
    titles = {t.id: t.text("sv").title for t in services.store.kb.topics.values()}
    sms = services.config.sms
    sms_cost = await services.db.read(monthly_cost_estimate, sms.price_per_segment) if sms.enabled else None
    return render(request, "staff/overview.html", staff_context(request, o=data, titles=titles, sms_cost=sms_cost))


@require_role("viewer")
async def reported_scams(request: web.Request) -> web.Response:
    """Shows what residents passed on, by week, method and municipality, and the latest reports."""
    services = request.app[SERVICES]
    now = datetime.now(timezone.utc)
    zone = ZoneInfo(services.config.alerts.timezone)
    since = now - timedelta(weeks=REPORTED_WEEKS)
    weekly = await services.db.read(reported_by_week, since, zone)
    recent = await services.db.read(stats.recent_reported_scams, 30)
    titles = {t.id: t.text("sv").title for t in services.store.kb.topics.values()}
    by_method: dict[str, int] = {}
    for row in weekly:
        by_method[row["method"]] = by_method.get(row["method"], 0) + row["n"]
    return render(request, "staff/reported.html", staff_context(
        request, weekly=weekly, recent=recent, titles=titles, weeks=REPORTED_WEEKS, waves=rising_methods(weekly, now, REPORTED_WEEKS, zone=zone),
        by_method=sorted(by_method.items(), key=lambda kv: -kv[1])))


@require_role("approver")
async def audit_log(request: web.Request) -> web.Response:
    """Shows the audit log, newest first, a page at a time."""
    try:
        page = max(0, int(request.query.get("sida", "0")))
    except ValueError:
        page = 0
    actor = request.query.get("vem") or None
    rows = await request.app[SERVICES].db.write(stats.audit_page, AUDIT_PAGE + 1, page * AUDIT_PAGE, actor)
    return render(request, "staff/audit.html", staff_context(
        request, rows=rows[:AUDIT_PAGE], page=page, more=len(rows) > AUDIT_PAGE, actor=actor or ""))


@require_role("viewer")
async def yearly_report(request: web.Request) -> web.StreamResponse:
    """Offers the yearly report; with ?ar=YYYY sends it as one HTML file (or CSV with format=csv)."""
    services = request.app[SERVICES]
    this_year = datetime.now(timezone.utc).year
    year_text = request.query.get("ar")
    if not year_text:
        return render(request, "staff/report.html", staff_context(request, years=range(this_year, this_year - 5, -1)))
    if not year_text.isdigit() or not 2020 <= int(year_text) <= this_year + 1:
        raise web.HTTPBadRequest(text=t("sv", "staff.refused.year", year=2026))
    year = int(year_text)
    report = await services.db.read(build_report, year, services.store.kb, await _scenarios(request),
                                   zone=ZoneInfo(services.config.alerts.timezone))
    if request.query.get("format") == "csv":
        return web.Response(text=report_csv(report), content_type="text/csv", charset="utf-8",
                            headers={"Content-Disposition": f'attachment; filename="bedragerikollen-{year}.csv"'})
    from bot.core.reporting.render import render_report_html  # matplotlib is slow to import; only here

    html = await asyncio.to_thread(render_report_html, report)
    return web.Response(text=html, content_type="text/html", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="bedragerikollen-{year}.html"'})


async def _scenarios(request: web.Request) -> dict:
    folder = request.app[SERVICES].scenarios_dir
    scenarios, _ = await asyncio.to_thread(validate_scenarios, folder)
    return scenarios


@require_role("viewer")
async def guided_sessions(request: web.Request) -> web.Response:
    """Shows each scenario and the anonymous results of the sessions held with it."""
    scenarios = await _scenarios(request)
    results = await request.app[SERVICES].db.read(list_results)
    return render(request, "staff/sessions.html", staff_context(
        request, summaries=summarise_sessions(results, scenarios), scenarios=sorted(scenarios.values(), key=lambda s: s.title)))


def setup_staff_routes(app: web.Application) -> None:
    setup_auth(app)
    app.router.add_get("/staff", overview)
    app.router.add_get("/staff/rapporterade", reported_scams)
    app.router.add_get("/staff/logg", audit_log)
    app.router.add_get("/staff/rapport", yearly_report)
    app.router.add_get("/staff/sessioner", guided_sessions)
    staff_knowledge.setup_routes(app)
    staff_admin.setup_routes(app)
    staff_tips.setup_routes(app)
