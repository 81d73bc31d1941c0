"""Guided sessions on the web: the big screen for a projector and answering from a phone.

`/session/ny` starts a session: with a facilitator code from staff it counts in the statistics,
without one it is a practice session that does not. Its starter gets a secret facilitator token
(cookie, or once in the URL to open the screen on another device). The screen `/session/CODE` shows the step in very
large text and is driven by the facilitator (buttons, or → and space/R). Participants open
`/delta` (or `/join`), type the code and answer with big buttons. Every POST carries a
double-submit CSRF token. The same `SessionService` serves Telegram sessions, so a group session
can be followed on the screen and answered from phones too.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import secrets
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone

from aiohttp import web

from bot.core.residents.rate_limit import OK, SlidingWindowLimiter
from bot.core.sessions.engine import Refused, SessionState, normalise_code
from bot.core.sessions.setup import GuidedSessions
from bot.core.words import Texts, t
from bot.web.client_address import client_address
from bot.web.join_link import join_address, join_link
from bot.web.keys import SERVICES
from bot.web.public import display_classes
from bot.web.session_view import session_view
from bot.web.staff_facilitators import local_today, setup_facilitator_code_routes
from bot.web.templating import render

log = logging.getLogger(__name__)
GUIDED = web.AppKey("guided_sessions", GuidedSessions)
CSRF_COOKIE, PARTICIPANT_COOKIE, LEAD_COOKIE = "fb_csrf", "fb_part", "fb_lead_"
IDLE_HOURS = 12
PURGE_INTERVAL_SECONDS = 900.0
REFUSALS = Texts("web_session.refused")  # from bot/locale/sv/LC_MESSAGES/fraudbot.po
# Wrong facilitator codes: a few typos are fine, guessing is not (10 tries per address per 15 minutes).
CODE_ATTEMPTS = web.AppKey("facilitator_code_attempts", SlidingWindowLimiter)


def setup_session_routes(app: web.Application) -> None:
    app[GUIDED] = app[SERVICES].guided_sessions
    app.router.add_get("/session/ny", new_session_page)
    app.router.add_post("/session/ny", new_session_submit)
    app.router.add_get("/session/{code}", screen_page)
    app.router.add_get("/session/{code}/state.json", state_json)
    app.router.add_post("/session/{code}/{action:visa|nasta|avsluta}", facilitator_action)
    for path in ("/delta", "/join"):
        app.router.add_get(path, join_page)
        app.router.add_post(path, join_submit)
    app.router.add_get("/delta/{code}", participant_page)
    app.router.add_post("/delta/{code}/svar", participant_answer)
    app.cleanup_ctx.append(_purge_idle_sessions)
    app[CODE_ATTEMPTS] = SlidingWindowLimiter(10, window=15 * 60.0)
    setup_facilitator_code_routes(app, app[GUIDED].codes)


# --- starting a session -------------------------------------------------------------------------

async def new_session_page(request: web.Request, *, error: str = "", chosen: str = "", status: int = 200) -> web.Response:
    """Lists the scenarios to start a big-screen session with, and asks for a facilitator code."""
    guided = request.app[GUIDED]
    scenarios = sorted(guided.scenarios.values(), key=lambda s: s.title)
    address = join_address(request.app[SERVICES].config.web.base_url)
    return _with_csrf(request, "session/new.html", {"scenarios": scenarios, "join_address": address, "error": error,
                                                    "chosen": chosen or (scenarios[0].id if scenarios else "")}, status=status)


async def new_session_submit(request: web.Request) -> web.Response:
    """Starts a session (counted with a valid facilitator code, practice without one) and opens the screen."""
    form = await _checked_form(request)
    guided = request.app[GUIDED]
    scenario_id = str(form.get("scenario", ""))
    if scenario_id not in guided.scenarios:
        raise web.HTTPBadRequest(text=t("sv", "web_session.error.choose_scenario"))
    given = str(form.get("ledarkod", "")).strip()
    if given:
        if request.app[CODE_ATTEMPTS].check(client_address(request)) != OK:
            return await new_session_page(request, error=REFUSALS["code_attempts"], chosen=scenario_id, status=429)
        if await guided.codes.use(given, local_today(request)) is None:
            return await new_session_page(request, error=REFUSALS["bad_code"], chosen=scenario_id, status=403)
    token = secrets.token_urlsafe(24)
    state = await guided.service.start(scenario_id, "web", token, practice=not given)
    response = web.HTTPSeeOther(f"/session/{state.code}")
    _set_cookie(request, response, LEAD_COOKIE + state.code, token)
    raise response


# --- the big screen -----------------------------------------------------------------------------

async def screen_page(request: web.Request) -> web.Response:
    """The projector view of the current step, with controls for the facilitator."""
    state = await _state_or_404(request)
    given = request.query.get("ledare")
    if given:  # the facilitator link opened on another device: keep it in a cookie, clean the URL
        response = web.HTTPSeeOther(f"/session/{state.code}")
        _set_cookie(request, response, LEAD_COOKIE + state.code, given)
        raise response
    view = await _view(request, state)
    base = request.app[SERVICES].config.web.base_url
    lead_link = f"{base}/session/{state.code}?ledare={_lead_token(request, state)}" if view["facilitator"] else ""
    return _with_csrf(request, "session/screen.html", {"view": view, "join": join_link(base, state.code), "lead_link": lead_link})


async def state_json(request: web.Request) -> web.Response:
    """The current phase as JSON, polled every second by the screen and the phones."""
    state = await _state_or_404(request)
    view = await _view(request, state, viewer=_participant_token(request))
    return web.json_response(view, dumps=lambda o: json.dumps(o, ensure_ascii=False), headers={"Cache-Control": "no-store"})


async def facilitator_action(request: web.Request) -> web.Response:
    """Reveal, next or finish; only with the session's facilitator token."""
    state = await _state_or_404(request)
    await _checked_form(request)
    token = _lead_token(request, state)
    service = request.app[GUIDED].service
    action = {"visa": service.reveal, "nasta": service.advance, "avsluta": service.finish}[request.match_info["action"]]
    try:
        state = await action(state.code, "web", token or "")
    except Refused as refused:
        return _refused(request, refused, f"/session/{state.code}", status=403 if refused.reason == "not_facilitator" else 409)
    if _wants_json(request):
        return web.json_response(await _view(request, state), dumps=lambda o: json.dumps(o, ensure_ascii=False))
    raise web.HTTPSeeOther(f"/session/{state.code}")


# --- participants -------------------------------------------------------------------------------

async def join_page(request: web.Request) -> web.Response:
    """Asks for the code shown on the screen (filled in when the QR code was scanned)."""
    return _with_csrf(request, "session/join.html", {"error": "", "code": normalise_code(request.query.get("kod", ""))})


async def join_submit(request: web.Request) -> web.Response:
    """Joins the session with the typed code and opens the answer page."""
    form = await _checked_form(request)
    code = normalise_code(str(form.get("code", "")))
    guided = request.app[GUIDED]
    state = await guided.service.get(code) if code else None
    if state is None or state.phase == "finished":
        return _with_csrf(request, "session/join.html", {"error": REFUSALS["unknown_session"], "code": code}, status=404)
    token = _participant_token(request) or secrets.token_urlsafe(24)
    await guided.service.join(code, "web", token)
    response = web.HTTPSeeOther(f"/delta/{code}")
    _set_cookie(request, response, PARTICIPANT_COOKIE, token)
    raise response


async def participant_page(request: web.Request) -> web.Response:
    """Big answer buttons for the current question (works without JavaScript too)."""
    state = await _state_or_404(request)
    token = _participant_token(request)
    if not token:
        raise web.HTTPSeeOther("/delta")
    view = await _view(request, state, viewer=token, lead=False)
    error = REFUSALS.get(request.query.get("fel", ""), "")
    return _with_csrf(request, "session/participant.html", {"view": view, "error": error})


async def participant_answer(request: web.Request) -> web.Response:
    """Records an answer (or a 1–5 confidence) from a phone; changeable until the reveal."""
    state = await _state_or_404(request)
    form = await _checked_form(request)
    token = _participant_token(request)
    if not token:
        raise web.HTTPForbidden(text=t("sv", "web_session.error.join_first"))
    service = request.app[GUIDED].service
    try:
        if "confidence" in form:
            moment = "before" if state.phase == "before" else "after"
            state = await service.confidence(state.code, "web", token, moment, int(form["confidence"]))
        else:
            state, _ = await service.vote(state.code, "web", token, int(form.get("step", -1)), int(form.get("option", -1)))
    except ValueError:
        raise web.HTTPBadRequest(text=t("sv", "web_session.error.unreadable_answer")) from None
    except Refused as refused:
        return _refused(request, refused, f"/delta/{state.code}", status=409)
    if _wants_json(request):
        return web.json_response(await _view(request, state, viewer=token, lead=False))
    raise web.HTTPSeeOther(f"/delta/{state.code}")


# --- helpers ------------------------------------------------------------------------------------

async def _state_or_404(request: web.Request) -> SessionState:
    code = normalise_code(request.match_info["code"])
    state = await request.app[GUIDED].service.get(code) if code else None
    if state is None:
        raise web.HTTPNotFound(text=REFUSALS["unknown_session"] + " " + t("sv", "web_session.error.check_code"))
    return state


async def _view(request: web.Request, state: SessionState, *, viewer: str | None = None, lead: bool = True) -> dict:
    guided = request.app[GUIDED]
    token = _lead_token(request, state) if lead else None
    facilitator = token is not None and await guided.service.is_facilitator(state, "web", token)
    viewer_key = guided.service.key(state.code, "web", viewer) if viewer else None
    return session_view(state, guided.service.scenario(state), request.app[SERVICES].store.kb,
                        facilitator=facilitator, viewer=viewer_key)


def _lead_token(request: web.Request, state: SessionState) -> str | None:
    return request.cookies.get(LEAD_COOKIE + state.code)


def _participant_token(request: web.Request) -> str | None:
    return request.cookies.get(PARTICIPANT_COOKIE)


def _with_csrf(request: web.Request, template: str, context: dict, *, status: int = 200) -> web.Response:
    """Render a page whose forms carry the double-submit token (set as a cookie when missing)."""
    token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = render(request, template, {**context, "csrf_token": token, "display": display_classes(request)}, status=status)
    response.headers["Cache-Control"] = "no-store"
    if request.cookies.get(CSRF_COOKIE) != token:
        _set_cookie(request, response, CSRF_COOKIE, token, samesite="Strict")
    return response


async def _checked_form(request: web.Request):
    """The POSTed form, after checking its CSRF token against the cookie (or the X-CSRF-Token header)."""
    form = await request.post()
    given = str(form.get("csrf_token") or request.headers.get("X-CSRF-Token") or "")
    expected = request.cookies.get(CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise web.HTTPForbidden(text=t("sv", "form.expired"))
    return form


def _set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str, *, samesite: str = "Lax") -> None:
    secure = request.app[SERVICES].config.web.secure_cookies
    response.set_cookie(name, value, httponly=True, samesite=samesite, secure=secure, path="/", max_age=24 * 3600)


def _wants_json(request: web.Request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _refused(request: web.Request, refused: Refused, back: str, *, status: int) -> web.Response:
    message = REFUSALS.get(refused.reason, REFUSALS["other"])
    if _wants_json(request):
        return web.json_response({"error": refused.reason, "message": message}, status=status)
    if back.startswith("/delta/"):
        raise web.HTTPSeeOther(f"{back}?fel={refused.reason}")
    return web.Response(text=message, status=status)


async def _purge_idle_sessions(app: web.Application) -> AsyncIterator[None]:
    """Drop live sessions idle for 12 hours (their anonymous results stay), every 15 minutes."""
    service = app[GUIDED].service

    async def loop() -> None:
        while True:
            try:
                await service.purge_idle(datetime.now(timezone.utc) - timedelta(hours=IDLE_HOURS))
            except Exception:
                log.exception("purging idle guided sessions failed; will try again")
            await asyncio.sleep(PURGE_INTERVAL_SECONDS)

    task = asyncio.create_task(loop(), name="purge-idle-sessions")
    yield
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
