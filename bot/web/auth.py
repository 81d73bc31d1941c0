"""Staff login: sessions in HttpOnly SameSite cookies, CSRF tokens, idle timeout, `require_role`.

The session cookie holds a random token; the database keeps only its hash, the staff member and
the session's CSRF token. Every POST to /staff must carry that token in the form field
`csrf_token`. The login form itself has no session yet, so it uses a double-submit token: a
random value in a cookie that the form must repeat.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from aiohttp import web

from bot.core.residents.rate_limit import OK, SlidingWindowLimiter
from bot.core.staff.accounts import LOCK_MINUTES, verify_login
from bot.core.words import t
from bot.storage import audit
from bot.storage import web_sessions as sessions
from bot.storage.staff import StaffMember, get_staff
from bot.web import staff_words
from bot.web.client_address import client_address
from bot.web.keys import SERVICES
from bot.web.public import display_classes
from bot.web.templating import render

SESSION_COOKIE = "fraudbot_staff"
LOGIN_COOKIE = "fraudbot_login"
# Over https (`web.secure_cookies`) the cookies are called __Host-…: the browser then accepts them
# only with Secure, Path=/ and no Domain, so neither a subdomain nor plain http can plant or read one.
HOST_PREFIX = "__Host-"
LOGIN_URL = "/staff/login"
PASSWORD_URL = "/staff/losenord"
TOUCH_SECONDS = 60  # last_seen is written at most this often per session
# Per client address, on top of the per-account lock in bot.core.staff.accounts: guessing many names fails too.
LOGIN_ATTEMPTS_PER_ADDRESS = 20
LOGIN_LIMITER = web.AppKey("login_limiter", SlidingWindowLimiter)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class StaffSession:
    member: StaffMember
    csrf_token: str
    token: str


LOADED: web.RequestKey[StaffSession | None] = web.RequestKey("staff_session")  # None once looked up and not logged in


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _secure(request: web.Request) -> bool:
    return request.app[SERVICES].config.web.secure_cookies


def cookie_name(request: web.Request, name: str) -> str:
    """The cookie's name as sent: with the __Host- prefix over https."""
    return HOST_PREFIX + name if _secure(request) else name


def _cookie_path(request: web.Request, path: str) -> str:
    return "/" if _secure(request) else path


def _set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str, path: str,
                samesite: str = "Strict") -> None:
    response.set_cookie(cookie_name(request, name), value, path=_cookie_path(request, path), httponly=True,
                        samesite=samesite, secure=_secure(request))


def _del_cookie(request: web.Request, response: web.StreamResponse, name: str, path: str) -> None:
    response.del_cookie(cookie_name(request, name), path=_cookie_path(request, path), secure=_secure(request) or None,
                        httponly=True)


async def current_session(request: web.Request) -> StaffSession | None:
    """The logged-in staff member of this request, or None (no cookie, unknown, idle too long, disabled)."""
    if LOADED not in request:
        request[LOADED] = await _load_session(request)
    return request[LOADED]


async def signed_in(request: web.Request) -> StaffSession:
    """The session in a handler behind `require_role`, which lets only logged-in staff through."""
    session = await current_session(request)
    if session is None:
        raise web.HTTPFound(LOGIN_URL)
    return session


async def _load_session(request: web.Request) -> StaffSession | None:
    token = request.cookies.get(cookie_name(request, SESSION_COOKIE))
    if not token:
        return None
    services = request.app[SERVICES]
    db = services.db
    session = await db.write(sessions.find_session, token)
    if session is None:
        return None
    now = _now()
    last_seen = datetime.fromisoformat(session.last_seen)
    if now - last_seen > timedelta(minutes=services.config.web.session_idle_minutes):
        await db.write(sessions.delete_session, token)
        return None
    member = await db.write(get_staff, session.staff_id)
    if member is None or not member.active:
        await db.write(sessions.delete_session, token)
        return None
    if (now - last_seen).total_seconds() >= TOUCH_SECONDS:
        await db.write(sessions.touch_session, token, now)
    return StaffSession(member, session.csrf_token, token)


async def check_csrf(request: web.Request, expected: str) -> None:
    """Refuse (403) a POST whose form does not repeat `expected`."""
    form = await request.post()
    given = form.get("csrf_token")
    if not isinstance(given, str) or not expected or not secrets.compare_digest(given, expected):
        raise web.HTTPForbidden(text=t("sv", "form.expired"))


def require_role(role: str, *, before_password_change: bool = False) -> Callable[[Handler], Handler]:
    """Only staff with at least `role`; POSTs must carry the session's CSRF token.

    Without a login a GET is sent to the login page and a POST refused with 401. Staff who must
    change their one-time password are sent to do that first, except where
    `before_password_change` is set (the password page and logging out).
    """

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            session = await current_session(request)
            if session is None:
                if request.method == "GET":
                    raise web.HTTPFound(f"{LOGIN_URL}?next={quote(request.path_qs, safe='')}")
                raise web.HTTPUnauthorized(text=t("sv", "staff.login.first"))
            if request.method == "POST":
                await check_csrf(request, session.csrf_token)
            if session.member.must_change_password and not before_password_change:
                raise web.HTTPFound(PASSWORD_URL)
            if not session.member.can(role):
                return render(request, "staff/forbidden.html", staff_context(request, session, role=role), status=403)
            return await handler(request)

        guarded.required_role = role  # type: ignore[attr-defined]
        return guarded

    return decorate


def staff_context(request: web.Request, session: StaffSession | None = None, **extra) -> dict:
    """What every dashboard template needs: the member, the CSRF token, the current section, the
    Swedish words (`w`), the display choices and the fixed message ?ok= or ?fel= names."""
    session = session or request.get(LOADED)
    notice, error = staff_words.flash(request.query)
    return {"me": session.member if session else None, "csrf_token": session.csrf_token if session else "",
            "path": request.path, "lang": "sv", "w": staff_words, "display": display_classes(request),
            "flash_notice": notice, "flash_error": error, **extra}


def _safe_next(value: str | None) -> str:
    """Only a path inside the dashboard, so the login cannot send anyone elsewhere."""
    if value and value.startswith("/staff") and not value.startswith("//") and "\\" not in value:
        return value
    return "/staff"


async def login_page(request: web.Request) -> web.StreamResponse:
    """Shows the login form (with a fresh double-submit CSRF token)."""
    if await current_session(request):
        raise web.HTTPFound("/staff")
    return _login_form(request, status=200)


def _login_form(request: web.Request, *, status: int, error: str = "", username: str = "") -> web.Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "staff/login.html", {
        "csrf_token": token, "error": error, "username": username, "next": _safe_next(request.query.get("next")),
        "lock_minutes": LOCK_MINUTES, "me": None, "lang": "sv", "display": display_classes(request),
    }, status=status)
    _set_cookie(request, response, LOGIN_COOKIE, token, LOGIN_URL)
    return response


async def login_submit(request: web.Request) -> web.StreamResponse:
    """Checks the password and starts a session; the same message for every kind of failure."""
    form = await request.post()
    cookie = request.cookies.get(cookie_name(request, LOGIN_COOKIE), "")
    given = form.get("csrf_token")
    if not cookie or not isinstance(given, str) or not secrets.compare_digest(given, cookie):
        raise web.HTTPForbidden(text=t("sv", "staff.login.expired"))
    username = str(form.get("username", "")).strip()  # over the rules' lengths: refused by verify_login
    password = str(form.get("password", ""))
    services = request.app[SERVICES]
    limiter = request.app[LOGIN_LIMITER]
    if limiter.check(client_address(request)) != OK:
        return _login_form(request, status=429, username=username,
                           error=t("sv", "staff.login.too_many"))
    result = await services.db.write(verify_login, username, password)
    if result.member is None:
        return _login_form(request, status=401, username=username,
                           error=t("sv", "staff.login.failed"))
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    await services.db.write(sessions.delete_idle_sessions, services.config.web.session_idle_minutes, _now())
    await services.db.write(sessions.create_session, token, result.member.id, csrf, _now())
    target = PASSWORD_URL if result.member.must_change_password else _safe_next(str(form.get("next", "")))
    response = web.HTTPFound(target)
    # Lax, not Strict: a link to a dashboard page from a staff member's Telegram or e-mail must open
    # it logged in. Cross-site POSTs still carry no cookie, and every POST needs the CSRF token.
    _set_cookie(request, response, SESSION_COOKIE, token, "/staff", samesite="Lax")
    _del_cookie(request, response, LOGIN_COOKIE, LOGIN_URL)
    raise response


@require_role("viewer", before_password_change=True)
async def logout(request: web.Request) -> web.StreamResponse:
    """Ends the session and clears the cookie."""
    session = await signed_in(request)
    db = request.app[SERVICES].db
    await db.write(sessions.delete_session, session.token)
    await db.write(audit.record, session.member.username, "staff.logout", "staff", session.member.id)
    response = web.HTTPFound(LOGIN_URL)
    _del_cookie(request, response, SESSION_COOKIE, "/staff")
    raise response


def setup_auth(app: web.Application) -> None:
    app[LOGIN_LIMITER] = SlidingWindowLimiter(LOGIN_ATTEMPTS_PER_ADDRESS, window=LOCK_MINUTES * 60)
    app.router.add_get(LOGIN_URL, login_page)
    app.router.add_post(LOGIN_URL, login_submit)
    app.router.add_post("/staff/logout", logout)
