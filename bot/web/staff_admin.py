"""Dashboard pages for accounts: the admin's staff list, and everyone's own page (password, Telegram)."""

from __future__ import annotations

from aiohttp import web

from bot.core.staff import accounts as staff_core
from bot.core.words import Texts, fill, t
from bot.storage import web_sessions as sessions
from bot.storage.staff import ROLES, get_staff, list_staff
from bot.web.auth import require_role, signed_in, staff_context
from bot.web.keys import SERVICES
from bot.web.templating import render


async def _accounts(request: web.Request, *, status: int = 200, **extra) -> web.Response:
    members = await request.app[SERVICES].db.read(list_staff)
    return render(request, "staff/accounts.html", staff_context(
        request, members=members, roles=ROLES, **extra), status=status)


@require_role("admin")
async def accounts_page(request: web.Request) -> web.Response:
    """Lists staff accounts with forms to add, disable and reset."""
    return await _accounts(request)


@require_role("admin")
async def add_account(request: web.Request) -> web.Response:
    """Adds a staff member and shows their one-time password once (never stored in clear)."""
    session = await signed_in(request)
    form = await request.post()
    username, role = str(form.get("username", "")), str(form.get("role", ""))
    name = str(form.get("display_name", "")).strip() or None
    try:
        member, password = await request.app[SERVICES].db.write(
            staff_core.create_staff, username, role, display_name=name, actor=session.member.username)
    except staff_core.StaffError as exc:
        return await _accounts(request, status=400, error=_swedish(exc))
    return await _accounts(request, new_member=member, one_time_password=password)


async def _target(request: web.Request):
    try:
        staff_id = int(request.match_info["id"])
    except ValueError:
        raise web.HTTPNotFound() from None
    member = await request.app[SERVICES].db.write(get_staff, staff_id)
    if member is None:
        raise web.HTTPNotFound(text=t("sv", "staff.refused.no_account"))
    return member


@require_role("admin")
async def disable_account(request: web.Request) -> web.Response:
    """Disables an account and ends its sessions; an admin cannot disable themself."""
    session = await signed_in(request)
    member = await _target(request)
    if member.id == session.member.id:
        return await _accounts(request, status=400, error=t("sv", "staff.refused.disable_self"))
    db = request.app[SERVICES].db
    await db.write(staff_core.disable, member.username, session.member.username)
    await db.write(sessions.delete_staff_sessions, member.id)
    return await _accounts(request, message=t("sv", "staff.done.disabled", username=member.username))


@require_role("admin")
async def reset_account(request: web.Request) -> web.Response:
    """Gives a member a new one-time password, shown once, and ends their sessions."""
    session = await signed_in(request)
    member = await _target(request)
    db = request.app[SERVICES].db
    password = await db.write(staff_core.reset_password, member.username, session.member.username)  # ends every session
    return await _accounts(request, new_member=member, one_time_password=password)


async def _own_page(request: web.Request, *, status: int = 200, **extra) -> web.Response:
    services = request.app[SERVICES]
    session = await signed_in(request)
    member = await services.db.write(get_staff, session.member.id)  # fresh: linked since the page was loaded?
    return render(request, "staff/password.html", staff_context(
        request, member=member, telegram_on=services.config.telegram.enabled,
        link_minutes=staff_core.LINK_CODE_MINUTES, **extra), status=status)


@require_role("viewer", before_password_change=True)
async def password_page(request: web.Request) -> web.Response:
    """Shows the member's own page: change password (required after a one-time password), link Telegram."""
    return await _own_page(request)


@require_role("viewer")
async def telegram_link_code(request: web.Request) -> web.Response:
    """Shows a one-time code the member sends to the bot (/koppla CODE) to link their Telegram account."""
    services = request.app[SERVICES]
    if not services.config.telegram.enabled:
        return await _own_page(request, status=409)
    session = await signed_in(request)
    code = await services.db.write(staff_core.create_link_code, session.member)
    return await _own_page(request, link_code=code)


@require_role("viewer", before_password_change=True)
async def change_password(request: web.Request) -> web.StreamResponse:
    """Changes the member's own password after checking the current one."""
    session = await signed_in(request)
    form = await request.post()
    current, new, repeat = (str(form.get(k, "")) for k in ("current", "new", "repeat"))
    db = request.app[SERVICES].db
    error = ""
    if new != repeat:
        error = t("sv", "staff.refused.passwords_differ")
    elif new == current:
        error = t("sv", "staff.refused.password_same")
    elif not await db.write(staff_core.check_current_password, session.member, current):
        error = t("sv", "staff.refused.password_wrong")
    else:
        try:
            await db.write(staff_core.change_password, session.member, new)
        except staff_core.StaffError as exc:
            error = _swedish(exc)
    if error:
        return await _own_page(request, error=error, status=400)
    # Whoever may have learnt the old password is logged out everywhere else.
    await db.write(sessions.delete_other_sessions, session.member.id, session.token)
    raise web.HTTPSeeOther("/staff?ok=losenord")


def _swedish(exc: staff_core.StaffError) -> str:
    """The refusal in Swedish, from the catalogue (`staff.account.<code>`)."""
    limits = {"max_name": staff_core.MAX_DISPLAY_NAME, "max_password": staff_core.MAX_PASSWORD}
    return fill(Texts("staff.account").get(exc.code) or str(exc), limits)


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/staff/konton", accounts_page)
    app.router.add_post("/staff/konton", add_account)
    app.router.add_post("/staff/konton/{id}/avstang", disable_account)
    app.router.add_post("/staff/konton/{id}/losenord", reset_account)
    app.router.add_get("/staff/konto", password_page)
    app.router.add_get("/staff/losenord", password_page)
    app.router.add_post("/staff/losenord", change_password)
    app.router.add_post("/staff/konto/telegram", telegram_link_code)
