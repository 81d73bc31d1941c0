"""Dashboard page for facilitator codes: staff issue one per association or library, and revoke it.

A big-screen session started with a valid code counts in the statistics; one started without is
practice (see bot/core/sessions/facilitator_codes.py).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.core.sessions.facilitator_codes import FacilitatorCodes
from bot.core.words import t
from bot.storage import audit
from bot.web.auth import require_role, signed_in, staff_context
from bot.web.keys import SERVICES
from bot.web.templating import render

DEFAULT_VALID_DAYS = 365
FACILITATOR_CODES = web.AppKey("facilitator_codes", FacilitatorCodes)


def local_today(request: web.Request) -> date:
    """Today in the service's own time zone: a code valid "to and with" a date ends at its midnight."""
    return datetime.now(ZoneInfo(request.app[SERVICES].config.alerts.timezone)).date()


async def _page(request: web.Request, *, status: int = 200, **extra) -> web.Response:
    today = local_today(request)
    codes = await request.app[FACILITATOR_CODES].list()
    return render(request, "staff/facilitator_codes.html", staff_context(
        request, codes=codes, today=today.isoformat(), default_expiry=(today + timedelta(days=DEFAULT_VALID_DAYS)).isoformat(),
        start_address=f"{request.app[SERVICES].config.web.base_url}/session/ny", **extra), status=status)


@require_role("viewer")
async def codes_page(request: web.Request) -> web.Response:
    """Lists the facilitator codes: who has one, until when, how many sessions they started."""
    return await _page(request)


@require_role("editor")
async def issue_code(request: web.Request) -> web.Response:
    """Issues a code and shows it once; only its hash is kept."""
    session = await signed_in(request)
    form = await request.post()
    label = str(form.get("label", ""))
    expires_text = str(form.get("expires", "")).strip()
    try:
        expires = date.fromisoformat(expires_text) if expires_text else None
    except ValueError:
        return await _page(request, status=400, error=t("sv", "staff.refused.date_format", example="2027-12-31"), label=label)
    if expires is not None and expires < local_today(request):
        return await _page(request, status=400, error=t("sv", "staff.refused.date_past"), label=label)
    try:
        code_id, code = await request.app[FACILITATOR_CODES].issue(label, session.member.username, expires)
    except ValueError:
        return await _page(request, status=400, error=t("sv", "site.facilitator_missing"))
    await request.app[SERVICES].db.write(audit.record, session.member.username, "facilitator_code.issue", "facilitator_code",
                                       code_id, label=" ".join(label.split()), expires=expires_text or None)
    return await _page(request, new_code={"label": " ".join(label.split()), "code": code})


@require_role("editor")
async def revoke_code(request: web.Request) -> web.StreamResponse:
    """Revokes a code: sessions started with it afterwards are practice."""
    session = await signed_in(request)
    try:
        code_id = int(request.match_info["id"])
    except ValueError:
        raise web.HTTPNotFound() from None
    if await request.app[FACILITATOR_CODES].revoke(code_id, session.member.username):
        await request.app[SERVICES].db.write(audit.record, session.member.username, "facilitator_code.revoke",
                                           "facilitator_code", code_id)
    raise web.HTTPSeeOther("/staff/ledarkoder")


def setup_facilitator_code_routes(app: web.Application, codes: FacilitatorCodes) -> None:
    app[FACILITATOR_CODES] = codes
    app.router.add_get("/staff/ledarkoder", codes_page)
    app.router.add_post("/staff/ledarkoder", issue_code)
    app.router.add_post("/staff/ledarkoder/{id}/aterkalla", revoke_code)
