"""The dashboard's warnings: write, preview as in Telegram, test, approve (another person), schedule,
cancel, correct, withdraw, and a live progress bar while sending. All rules live in the core."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from aiohttp import web
from markupsafe import Markup

from bot.core.alerts import workflow
from bot.core.alerts.model import SEVERITIES
from bot.core.knowledge.taxonomy import TOPIC_IDS
from bot.core.residents import MUNICIPALITIES
from bot.storage import alerts as store
from bot.storage import audit
from bot.storage.staff import list_staff
from bot.telegram.alert_sender import render_alert
from bot.web.auth import current_session, require_role, staff_context
from bot.web.keys import SERVICES
from bot.web.templating import render

STATE_NAMES = {
    "draft": "utkast", "awaiting_approval": "väntar på godkännande", "approved": "godkänd", "scheduled": "schemalagd",
    "sending": "skickas", "sent": "skickad", "cancelled": "avbruten", "expired": "utgången",
}


def _local(value: str, zone: str) -> datetime | None:
    if not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise workflow.AlertError(f"förstår inte tiden {value!r}; skriv t.ex. 2026-12-01 09:00")
    return (moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(zone))).astimezone(timezone.utc)


def _alert_id(request: web.Request) -> int:
    try:
        return int(request.match_info["alert_id"])
    except ValueError:
        raise web.HTTPNotFound()


async def _page(request: web.Request, *, error: str = "", form: dict | None = None, status: int = 200) -> web.Response:
    db = request.app[SERVICES].db
    alerts = await db.run(store.list_alerts, None, 100)
    topics = {t.id: t.text("sv").title for t in request.app[SERVICES].store.kb.topics.values()}
    return render(request, "staff/warnings.html", staff_context(
        request, alerts=alerts, state_names=STATE_NAMES, severities=SEVERITIES, municipalities=MUNICIPALITIES,
        topics=topics, error=error, form=form or {}), status=status)


@require_role("viewer")
async def warnings_list(request: web.Request) -> web.Response:
    """Lists warnings and, for editors, the form to write a new one."""
    return await _page(request)


@require_role("editor")
async def warnings_create(request: web.Request) -> web.StreamResponse:
    """Creates a warning from the form; it then awaits another person's approval."""
    services = request.app[SERVICES]
    form = await request.post()
    member = (await current_session(request)).member
    try:
        alert = await services.db.run(
            workflow.create, member, title=form.get("title", ""), text=form.get("text", ""),
            title_en=form.get("title_en") or None, text_en=form.get("text_en") or None,
            severity=form.get("severity", "warning"), municipalities=tuple(form.getall("municipality", [])),
            topics=tuple(t for t in form.getall("topic", []) if t in TOPIC_IDS),
            expires_at=_local(form.get("expires", ""), services.config.alerts.timezone),
            scheduled_at=_local(form.get("at", ""), services.config.alerts.timezone),
        )
    except workflow.AlertError as exc:
        return await _page(request, error=str(exc), form=dict(form), status=400)
    raise web.HTTPSeeOther(f"/staff/varningar/{alert.id}")


@require_role("viewer")
async def warning_detail(request: web.Request) -> web.Response:
    """Shows one warning: preview as in Telegram, progress, reactions, history and the actions allowed."""
    services = request.app[SERVICES]
    alert_id = _alert_id(request)
    alert = await services.db.run(store.get_alert, alert_id)
    if alert is None:
        raise web.HTTPNotFound(text="Ingen sådan varning.")
    status = await services.db.run(workflow.status, alert_id, services.config.alerts.messages_per_second)
    history = await services.db.run(audit.entries, object_type="alert", object_id=alert_id)
    reactions = await services.db.run(store.reaction_counts, alert_id)
    names = {m.id: m.username for m in await services.db.run(list_staff)}
    preview = Markup(render_alert(alert, "sv").replace("\n", "<br>"))  # escaped by render_alert
    preview_en = Markup(render_alert(alert, "en").replace("\n", "<br>")) if alert.title_en else None
    return render(request, "staff/warning.html", staff_context(
        request, alert=alert, status=status, history=history, reactions=reactions, names=names, preview=preview,
        preview_en=preview_en, state_names=STATE_NAMES, error=request.query.get("fel", ""),
        notice=request.query.get("ok", "")))


@require_role("viewer")
async def warning_status(request: web.Request) -> web.Response:
    """Delivery progress as JSON for the live progress bar."""
    services = request.app[SERVICES]
    try:
        status = await services.db.run(workflow.status, _alert_id(request), services.config.alerts.messages_per_second)
    except workflow.AlertError:
        raise web.HTTPNotFound()
    return web.json_response(status.as_dict())


def _action(role: str, run, done: str):
    @require_role(role)
    async def handler(request: web.Request) -> web.StreamResponse:
        services = request.app[SERVICES]
        alert_id = _alert_id(request)
        form = await request.post()
        member = (await current_session(request)).member
        try:
            await services.db.run(run, member, alert_id, form)
        except workflow.AlertError as exc:
            from urllib.parse import quote

            raise web.HTTPSeeOther(f"/staff/varningar/{alert_id}?fel={quote(str(exc))}")
        raise web.HTTPSeeOther(f"/staff/varningar/{alert_id}?ok={done}")

    handler.__doc__ = f"{done.capitalize()} (needs {role})."
    return handler


def _approve(db, member, alert_id, form):
    return workflow.approve(db, member, alert_id)


def _test(db, member, alert_id, form):
    if workflow.send_test(db, member, alert_id) == 0:
        raise workflow.AlertError("ingen i personalen har kopplat Telegram än (fraudbot staff link-code)")


def _cancel(db, member, alert_id, form):
    return workflow.cancel(db, member, alert_id)


def _withdraw(db, member, alert_id, form):
    return workflow.withdraw(db, member, alert_id, text=form.get("text", ""))


def _correct(db, member, alert_id, form):
    return workflow.correct(db, member, alert_id, title=form.get("title", ""), text=form.get("text", ""))


def setup_staff_warning_routes(app: web.Application) -> None:
    app.router.add_get("/staff/varningar", warnings_list)
    app.router.add_post("/staff/varningar", warnings_create)
    app.router.add_get("/staff/varningar/{alert_id}", warning_detail)
    app.router.add_get("/staff/varningar/{alert_id}/status.json", warning_status)
    app.router.add_post("/staff/varningar/{alert_id}/godkann", _action("approver", _approve, "godkänd"))
    app.router.add_post("/staff/varningar/{alert_id}/test", _action("editor", _test, "testet är köat"))
    app.router.add_post("/staff/varningar/{alert_id}/avbryt", _action("editor", _cancel, "avbruten"))
    app.router.add_post("/staff/varningar/{alert_id}/aterkalla", _action("editor", _withdraw, "återkallelsen väntar på godkännande"))
    app.router.add_post("/staff/varningar/{alert_id}/rattelse", _action("editor", _correct, "rättelsen väntar på godkännande"))
