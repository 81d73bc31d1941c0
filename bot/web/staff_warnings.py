"""The dashboard's warnings: write with a preview as in Telegram, test, approve (another person; an
urgent one after a second question saying how many it reaches), schedule, cancel, correct and
withdraw (each a draft for another person to approve), and a progress bar once sending starts.
All rules live in the core (`bot.core.alerts.workflow`); this module only turns forms into calls
and the core's refusals into the dashboard's fixed Swedish messages.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from markupsafe import Markup

from bot.core.alerts import workflow
from bot.core.alerts.text import alert_html, alert_text
from bot.core.content.local_time import format_datetime
from bot.core.knowledge.taxonomy import CATEGORIES, TOPIC_IDS
from bot.core.region import MUNICIPALITIES
from bot.core.words import t
from bot.services import quiet_hours
from bot.storage import alerts as store
from bot.storage import audit
from bot.storage.alert_model import APPROVED, AWAITING, DRAFT, SCHEDULED, SENDING, SENT, SEVERITIES, Alert
from bot.storage.staff import list_staff
from bot.web.auth import require_role, signed_in, staff_context
from bot.web.keys import SERVICES
from bot.web.staff_words import problem_text
from bot.web.templating import render

PREVIEW, SAVE = "forhandsgranska", "spara"
WAITING = (DRAFT, AWAITING, APPROVED, SCHEDULED)


def _zone(request: web.Request) -> ZoneInfo:
    return ZoneInfo(request.app[SERVICES].config.alerts.timezone)


def _local(value: str, zone: ZoneInfo) -> datetime | None:
    """A time from the form's date picker ('2026-12-01T09:00', local time) in UTC."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise workflow.AlertError(f"cannot read the time {value!r}", "invalid", [("time_format", {})]) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(timezone.utc)


def _alert_id(request: web.Request) -> int:
    try:
        return int(request.match_info["alert_id"])
    except ValueError:
        raise web.HTTPNotFound() from None


def _preview_html(alert: Alert, lang: str) -> Markup:
    """The warning as residents will read it (the core's layout, in HTML)."""
    return Markup(alert_html(alert_text(alert, lang)).replace("\n", "<br>"))  # alert_html escapes the text


def _topic_groups(request: web.Request) -> list[tuple[str, list[tuple[str, str]]]]:
    """Topics as checkboxes, grouped by category the way residents see them."""
    kb = request.app[SERVICES].store.kb
    groups = []
    for category, names in CATEGORIES.items():
        topics = sorted(((t.id, t.text("sv").title) for t in kb.topics.values() if t.category == category), key=lambda x: x[1])
        if topics:
            groups.append((names["sv"], topics))
    return groups


def _topic_titles(request: web.Request) -> dict[str, str]:
    return {t.id: t.text("sv").title for t in request.app[SERVICES].store.kb.topics.values()}


def _form_fields(form, zone: ZoneInfo) -> dict:
    return dict(
        title=str(form.get("title", "")), text=str(form.get("text", "")), title_en=str(form.get("title_en", "")),
        text_en=str(form.get("text_en", "")), severity=str(form.get("severity", "warning")),
        municipalities=tuple(str(m) for m in form.getall("municipality", [])),
        topics=tuple(str(t) for t in form.getall("topic", []) if t in TOPIC_IDS),
        expires_at=_local(str(form.get("expires", "")), zone), scheduled_at=_local(str(form.get("at", "")), zone),
    )


def _digest(fields: dict) -> str:
    """A fingerprint of what was previewed, so what is saved is exactly what someone looked at."""
    canonical = json.dumps({k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in fields.items()},
                           sort_keys=True, ensure_ascii=False, default=list)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


async def _page(request: web.Request, *, form: dict | None = None, problems: list[str] | None = None,
                preview: dict | None = None, status: int = 200) -> web.Response:
    services = request.app[SERVICES]
    alerts = await services.db.read(store.list_alerts, None, 100)
    return render(request, "staff/warnings.html", staff_context(
        request, alerts=alerts, severities=SEVERITIES, municipalities=MUNICIPALITIES, topic_groups=_topic_groups(request),
        titles=_topic_titles(request), form=form or {}, problems=problems or [], preview=preview), status=status)


@require_role("viewer")
async def warnings_list(request: web.Request) -> web.Response:
    """Lists warnings and, for editors, the form to write a new one."""
    return await _page(request)


@require_role("editor")
async def warnings_create(request: web.Request) -> web.StreamResponse:
    """Shows a preview of the form as residents will see it; saves it only as it was previewed."""
    services = request.app[SERVICES]
    form = await request.post()
    values = {k: form.getall(k) if k in ("municipality", "topic") else str(v) for k, v in form.items()}
    member = (await signed_in(request)).member
    now = datetime.now(timezone.utc)
    try:
        fields = _form_fields(form, _zone(request))
        checked = workflow.check_fields(**fields, now=now)
    except workflow.AlertError as exc:
        return await _page(request, form=values, problems=[problem_text(c, d) for c, d in exc.problems], status=400)
    digest = _digest(checked)
    if form.get("steg") != SAVE or form.get("digest") != digest:
        draft = Alert(id=0, **checked, state=DRAFT, created_by=member.id, approved_by=None, created_at=now,
                      sent_at=None, correction_of=None, withdrawn=False)
        reach = await services.db.read(workflow.reach, draft)
        changed = form.get("steg") == SAVE  # saved after editing the previewed text: look again first
        return await _page(request, form=values, preview={
            "sv": _preview_html(draft, "sv"), "en": _preview_html(draft, "en") if draft.title_en else None,
            "digest": digest, "reach": reach, "changed": changed, "urgent": draft.urgent})
    try:
        alert = await services.db.write(workflow.create, member, **fields)
    except workflow.AlertError as exc:
        return await _page(request, form=values, problems=[problem_text(c, d) for c, d in exc.problems], status=400)
    raise web.HTTPSeeOther(f"/staff/varningar/{alert.id}?ok=skriven")


def _sends_when(request: web.Request, alert: Alert, now: datetime) -> str:
    """When an approved warning goes out, in words ("nu", "1 december 2026 kl. 08.00")."""
    zone = _zone(request)
    at = alert.scheduled_at if alert.scheduled_at and alert.scheduled_at > now else now
    quiet = quiet_hours(request.app[SERVICES].config.alerts)
    if not alert.urgent and quiet.active(at):
        at = quiet.next_end(at)
    return t("sv", "staff.sending.within_seconds") if at <= now else format_datetime(at, zone)


def _eta_text(seconds: float) -> str:
    if seconds < 60:
        return t("sv", "staff.sending.under_a_minute")
    return t("sv", "staff.sending.minutes_left", minutes=round(seconds / 60))


async def _detail(request: web.Request, alert_id: int, *, problems: list[str] | None = None, form: dict | None = None,
                  status_code: int = 200) -> web.Response:
    services = request.app[SERVICES]
    db = services.db
    alert = await db.read(store.get_alert, alert_id)
    if alert is None:
        raise web.HTTPNotFound(text=t("sv", "staff.refused.no_warning"))
    now = datetime.now(timezone.utc)
    status = await db.read(workflow.status, alert_id, services.config.alerts.messages_per_second)
    replaced = await db.read(store.get_alert, alert.replaces) if alert.replaces else None
    pending = await db.read(store.open_replacement, alert_id)
    waiting = alert.state in WAITING
    reach = await db.read(workflow.reach, alert) if waiting and not alert.withdrawal_of else None
    edits = len(await db.read(store.sent_messages, replaced.id)) if replaced and waiting else None
    return render(request, "staff/warning.html", staff_context(
        request, alert=alert, status=status, eta=_eta_text(status.eta_seconds),
        history=await db.read(audit.entries, object_type="alert", object_id=alert_id),
        reactions=await db.read(workflow.reactions, alert_id),
        names={m.id: m.username for m in await db.read(list_staff)}, titles=_topic_titles(request),
        preview=_preview_html(alert, "sv"), preview_en=_preview_html(alert, "en") if alert.title_en else None,
        replaced=replaced, pending=pending, reach=reach, edits=edits, waiting=waiting,
        sends_when=_sends_when(request, alert, now) if alert.state in (APPROVED, SCHEDULED) else "",
        telegram_on=services.config.telegram.enabled, confirm=request.query.get("bekrafta") == "1",
        can_replace=alert.state in (SENDING, SENT) and not alert.withdrawn and not alert.withdrawal_of and pending is None,
        problems=problems or [], form=form or {}), status=status_code)


@require_role("viewer")
async def warning_detail(request: web.Request) -> web.Response:
    """Shows one warning: preview as in Telegram, whom it reaches, progress, reactions, history, actions."""
    return await _detail(request, _alert_id(request))


@require_role("viewer")
async def warning_status(request: web.Request) -> web.Response:
    """Delivery progress as JSON for the live progress bar."""
    services = request.app[SERVICES]
    try:
        status = await services.db.read(workflow.status, _alert_id(request), services.config.alerts.messages_per_second)
    except workflow.AlertError:
        raise web.HTTPNotFound() from None
    return web.json_response({**status.as_dict(), "eta_text": _eta_text(status.eta_seconds)})


def _action(role: str, run, done: str | Callable[[Any], str]):
    """A POST on one warning: run the core's rule, then back to the warning with a fixed message."""

    @require_role(role)
    async def handler(request: web.Request) -> web.StreamResponse:
        alert_id = _alert_id(request)
        form = await request.post()
        member = (await signed_in(request)).member
        target = f"/staff/varningar/{alert_id}"
        try:
            result = await run(request, member, alert_id, form)
        except workflow.AlertError as exc:
            if exc.code == "invalid":
                return await _detail(request, alert_id, problems=[problem_text(c, d) for c, d in exc.problems],
                                     form={k: str(v) for k, v in form.items()}, status_code=400)
            raise web.HTTPSeeOther(f"{target}?fel={exc.code or 'invalid'}") from None
        if isinstance(result, web.StreamResponse):
            return result
        if isinstance(result, Alert) and result.id != alert_id:
            target = f"/staff/varningar/{result.id}"
        raise web.HTTPSeeOther(f"{target}?ok={done(result) if callable(done) else done}")

    handler.__doc__ = f"Runs {run.__name__.lstrip('_')} on a warning (needs {role})."
    return handler


async def _approve(request, member, alert_id, form):
    db = request.app[SERVICES].db
    alert = await db.write(store.get_alert, alert_id)
    # An urgent warning goes out at once, day and night: ask once more, saying how many it reaches.
    if alert is not None and alert.urgent and not alert.replaces and form.get("bekraftat") != "1":
        raise web.HTTPSeeOther(f"/staff/varningar/{alert_id}?bekrafta=1#bekrafta")
    return await db.write(workflow.approve, member, alert_id)


async def _test(request, member, alert_id, form):
    services = request.app[SERVICES]
    if not services.config.telegram.enabled:
        raise workflow.AlertError("Telegram is off", "telegram_off")
    if await services.db.write(workflow.send_test, member, alert_id) == 0:
        raise workflow.AlertError("no staff member has linked Telegram", "no_linked_staff")


async def _cancel(request, member, alert_id, form):
    return await request.app[SERVICES].db.write(workflow.cancel, member, alert_id)


async def _withdraw(request, member, alert_id, form):
    return await request.app[SERVICES].db.write(workflow.withdraw, member, alert_id, text=str(form.get("text", "")),
                                              text_en=str(form.get("text_en", "")) or None)


async def _correct(request, member, alert_id, form):
    return await request.app[SERVICES].db.write(
        workflow.correct, member, alert_id, title=str(form.get("title", "")), text=str(form.get("text", "")),
        title_en=str(form.get("title_en", "")) or None, text_en=str(form.get("text_en", "")) or None)


def setup_staff_warning_routes(app: web.Application) -> None:
    app.router.add_get("/staff/varningar", warnings_list)
    app.router.add_post("/staff/varningar", warnings_create)
    app.router.add_get("/staff/varningar/{alert_id}", warning_detail)
    app.router.add_get("/staff/varningar/{alert_id}/status.json", warning_status)
    app.router.add_post("/staff/varningar/{alert_id}/godkann",
                        _action("approver", _approve, lambda a: "ersatt" if a.replaces else "godkand"))
    app.router.add_post("/staff/varningar/{alert_id}/test", _action("editor", _test, "test"))
    app.router.add_post("/staff/varningar/{alert_id}/avbryt", _action("editor", _cancel, "avbruten"))
    app.router.add_post("/staff/varningar/{alert_id}/aterkalla", _action("editor", _withdraw, "aterkallelse"))
    app.router.add_post("/staff/varningar/{alert_id}/rattelse", _action("editor", _correct, "rattelse"))
