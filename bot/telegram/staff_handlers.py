"""Telegram for linked staff (/koppla, /ny_varning, approve button) and residents' reactions to warnings."""

from __future__ import annotations

from datetime import datetime, timezone
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.core.alerts import workflow
from bot.core.alerts.dispatch import clock_words, planned_start
from bot.core.alerts.model import SEVERITIES, Alert
from bot.core.alerts.scheduler import quiet_hours
from bot.core.alerts.text import SEVERITY_LABEL, alert_text
from bot.core.residents.service import MUNICIPALITIES
from bot.core.staff import accounts as staff_core
from bot.storage import alerts as alert_store
from bot.storage import staff as staff_store
from bot.telegram import outgoing
from bot.telegram.alert_sender import REACTION, render_alert
from bot.telegram.context import Context

DRAFT, APPROVE = "av", "aa"
REACTIONS = {"got": "got_it_too", "thx": "thanks"}


def register_staff_handlers(application: Application) -> None:
    new = filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler("koppla", link, new))
    application.add_handler(CommandHandler("ny_varning", new_warning, new))
    application.add_handler(CommandHandler("avbryt", cancel_draft, new))
    application.add_handler(CallbackQueryHandler(draft_button, pattern=rf"^{DRAFT}:"))
    application.add_handler(CallbackQueryHandler(approve_button, pattern=rf"^{APPROVE}:"))
    application.add_handler(CallbackQueryHandler(reaction_button, pattern=rf"^{REACTION}:"))
    application.bot_data.extras["current_warnings"] = _current_warnings(application)


def _current_warnings(application: Application):
    async def provider(municipality: str | None, lang: str) -> list[tuple[str, str]]:
        services = application.bot_data.services
        alerts = await services.db.run(alert_store.public_alerts, datetime.now(timezone.utc))
        shown = [a for a in alerts if municipality in (None, "other") or a.targets(municipality)]
        return [(alert_text(a, lang).heading, a.text(lang)) for a in shown]
    return provider


async def _staff(update: Update, context: Context):
    user = update.effective_user
    return await context.bot_data.services.db.run(staff_store.find_by_telegram, user.id) if user else None


async def link(update: Update, context: Context) -> None:
    """Links a staff member's Telegram account with the one-time code from their own dashboard page."""
    if update.effective_chat.type != ChatType.PRIVATE:
        return
    code = "".join(context.args or [])
    member = await context.bot_data.services.db.run(staff_core.link_telegram, code, update.effective_user.id) if code else None
    text = (f"Kopplat: du är inloggad som {member.username} ({member.role})." if member
            else "Koden stämmer inte eller har gått ut. Hämta en ny under Mitt konto i personalens webb (/staff/konto).")
    await _say(update, context, text)


async def new_warning(update: Update, context: Context) -> None:
    """Starts writing a warning (linked editors, private chat): title, text, severity, municipalities."""
    member = await _staff(update, context)
    if update.effective_chat.type != ChatType.PRIVATE or member is None or not member.can("editor"):
        await _say(update, context, "Det här kommandot är bara för kopplad personal med rollen editor.")
        return
    context.chat_data.alert_draft = {"step": "title", "municipalities": []}
    await _say(update, context, "Ny varning. Skriv rubriken (högst 120 tecken). Avbryt med /avbryt.")


async def cancel_draft(update: Update, context: Context) -> None:
    """Drops a warning being written."""
    if context.chat_data.alert_draft is not None:
        context.chat_data.alert_draft = None
        await _say(update, context, "Avbrutet. Ingen varning skapades.")


async def draft_text(update: Update, context: Context, text: str) -> None:
    """Takes the title and then the text of a warning being written."""
    draft = context.chat_data.alert_draft
    if draft is None:  # only called while a draft is being written
        return
    if text.strip().lower() in ("/avbryt", "avbryt"):
        context.chat_data.alert_draft = None
        await _say(update, context, "Avbrutet. Ingen varning skapades.")
        return
    if draft["step"] == "title":
        draft["title"], draft["step"] = text.strip()[:120], "text"
        await _say(update, context, "Skriv texten till invånarna (högst 1500 tecken).")
    elif draft["step"] == "text":
        draft["text"], draft["step"] = text.strip()[:1500], "options"
        await outgoing.send(context.bot, update.effective_chat.id, [draft_preview(draft)], _draft_keyboard(draft))


def _draft_keyboard(draft: dict) -> InlineKeyboardMarkup:
    severity = draft.get("severity", "warning")
    chosen = draft["municipalities"]
    rows = [[InlineKeyboardButton(("● " if s == severity else "") + SEVERITY_LABEL["sv"][s], callback_data=f"{DRAFT}:sev:{s}")
             for s in SEVERITIES]]
    rows.append([InlineKeyboardButton(("✅ " if m in chosen else "") + m, callback_data=f"{DRAFT}:mun:{m}") for m in MUNICIPALITIES])
    rows.append([InlineKeyboardButton("Skicka för godkännande", callback_data=f"{DRAFT}:submit"),
                 InlineKeyboardButton("Avbryt", callback_data=f"{DRAFT}:cancel")])
    return InlineKeyboardMarkup(rows)


def draft_preview(draft: dict) -> str:
    """The warning as residents will see it, under a line saying what is chosen now."""
    severity = draft.get("severity", "warning")
    where = ", ".join(draft["municipalities"]) or "alla tre kommunerna"
    alert = Alert(id=0, title_sv=draft["title"], text_sv=draft["text"], title_en=None, text_en=None, severity=severity,
                  topics=(), municipalities=tuple(draft["municipalities"]), expires_at=None, scheduled_at=None,
                  state="draft", created_by=0, approved_by=None, created_at=datetime.now(timezone.utc), sent_at=None,
                  correction_of=None, withdrawn=False)
    return (f"<b>Förhandsvisning</b> (allvarlighet: {escape(SEVERITY_LABEL['sv'][severity].lower())}, till: {escape(where)})"
            f"\n\n{render_alert(alert, 'sv')}")


async def draft_button(update: Update, context: Context) -> None:
    """Severity, municipality choice, submit or cancel for a warning being written; the preview follows each choice."""
    query = update.callback_query
    draft = context.chat_data.alert_draft
    parts = (query.data or "").split(":")
    if draft is None or draft.get("step") != "options":
        await outgoing.answer(query, "Det finns inget utkast. Börja med /ny_varning.")
        return
    action, value = (parts + ["", ""])[1:3]
    if action == "sev" and value in SEVERITIES:
        draft["severity"] = value
    elif action == "mun" and value in MUNICIPALITIES:
        chosen = draft["municipalities"]
        chosen.remove(value) if value in chosen else chosen.append(value)
    elif action == "cancel":
        context.chat_data.alert_draft = None
        await outgoing.answer(query, "Avbrutet")
        await outgoing.set_keyboard(context.bot, query.message.chat.id, query.message.message_id, None)
        return
    elif action == "submit":
        await outgoing.answer(query)
        await _submit(update, context, draft)
        return
    else:
        await outgoing.answer(query, "Den här knappen gäller inte längre.")
        return
    await outgoing.answer(query)
    await outgoing.edit(context.bot, query.message.chat.id, query.message.message_id, draft_preview(draft), _draft_keyboard(draft))


async def _submit(update: Update, context: Context, draft: dict) -> None:
    db = context.bot_data.services.db
    member = await _staff(update, context)
    if member is None or not member.can("editor"):
        await _say(update, context, "Det här är bara för kopplad personal med rollen editor.")
        return
    try:
        alert = await db.run(workflow.create, member, title=draft["title"], text=draft["text"],
                             severity=draft.get("severity", "warning"), municipalities=tuple(draft["municipalities"]))
    except workflow.AlertError as exc:
        await _say(update, context, f"Kunde inte skapa varningen: {exc}")
        return
    context.chat_data.alert_draft = None
    message = update.callback_query.message
    await outgoing.edit(context.bot, message.chat.id, message.message_id,
                        draft_preview({**draft, "severity": alert.severity}) + f"\n\n<b>Varning {alert.id} väntar nu på "
                        "godkännande av en annan person.</b>")
    approvers = [m for m in await db.run(staff_store.list_staff) if m.can("approver") and m.telegram_user_id and m.id != member.id]
    button = InlineKeyboardMarkup([[InlineKeyboardButton("Godkänn och skicka", callback_data=f"{APPROVE}:{alert.id}")]])
    for approver in approvers:
        assert approver.telegram_user_id is not None  # only linked approvers were listed
        await outgoing.send(context.bot, approver.telegram_user_id,
                            [f"<b>Att godkänna</b> (från {escape(member.username)})\n\n" + render_alert(alert, "sv")], button)


async def approve_button(update: Update, context: Context) -> None:
    """Approves a warning – only for a linked approver who did not write it – and says when it goes out."""
    query = update.callback_query
    member = await _staff(update, context)
    try:
        alert_id = int((query.data or "").split(":")[1])
    except (IndexError, ValueError):
        await outgoing.answer(query, "Den här knappen gäller inte längre.")
        return
    if member is None:
        await outgoing.answer(query, "Bara kopplad personal kan godkänna.", alert=True)
        return
    services = context.bot_data.services
    try:
        alert = await services.db.run(workflow.approve, member, alert_id)
    except workflow.AlertError as exc:
        await outgoing.answer(query, str(exc)[:190], alert=True)
        return
    await outgoing.answer(query, "Godkänd")
    quiet = quiet_hours(services.config.alerts)
    start = planned_start(alert, quiet)
    when = "skickas nu" if start is None else f"skickas {clock_words(start, quiet.zone)}"
    message = query.message
    await outgoing.replace(context.bot, message.chat.id, message.message_id,
                           f"{message.text_html}\n\n<b>Varning {alert.id}: godkänd av {escape(member.username)}, {when}.</b>")


async def reaction_button(update: Update, context: Context) -> None:
    """Counts a reaction to a warning ("I got this too", "thanks") from a resident who received it, once each."""
    query = update.callback_query
    parts = (query.data or "").split(":")
    if len(parts) != 3 or parts[2] not in REACTIONS or not parts[1].isdigit():
        await outgoing.answer(query, "Den här knappen gäller inte längre.")
        return
    db = context.bot_data.services.db
    alert_id, chat_id = int(parts[1]), update.effective_chat.id
    if not await db.run(alert_store.received, alert_id, chat_id):
        await outgoing.answer(query, "Den här knappen gäller inte längre.")
        return
    key = context.bot_data.residents.key(chat_id)
    counted = await db.run(alert_store.add_reaction, alert_id, key, REACTIONS[parts[2]], datetime.now(timezone.utc))
    await outgoing.answer(query, "Tack! Det hjälper oss att se vad som går runt." if counted else "Du har redan svarat. Tack!")


async def _say(update: Update, context: Context, text: str) -> None:
    """Plain text to the staff member's chat."""
    await outgoing.send(context.bot, update.effective_chat.id, escape(text))
