"""Telegram for linked staff (/koppla, /ny_varning, approve button) and residents' reactions to warnings."""

from __future__ import annotations

from datetime import datetime, timezone
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.core.staff import accounts as staff_core
from bot.core.alerts import workflow
from bot.core.alerts.model import SEVERITIES
from bot.core.alerts.text import alert_text
from bot.core.residents.service import MUNICIPALITIES
from bot.storage import alerts as alert_store
from bot.storage import staff as staff_store
from bot.telegram.alert_sender import REACTION, render_alert
from bot.telegram.context import Context

DRAFT, APPROVE = "av", "aa"
REACTIONS = {"got": "got_it_too", "thx": "thanks"}


def register_staff_handlers(application: Application) -> None:
    application.add_handler(CommandHandler("koppla", link))
    application.add_handler(CommandHandler("ny_varning", new_warning))
    application.add_handler(CommandHandler("avbryt", cancel_draft))
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
    await update.effective_message.reply_text(text, do_quote=False)


async def new_warning(update: Update, context: Context) -> None:
    """Starts writing a warning (linked editors, private chat): title, text, severity, municipalities."""
    member = await _staff(update, context)
    if update.effective_chat.type != ChatType.PRIVATE or member is None or not member.can("editor"):
        await update.effective_message.reply_text("Det här kommandot är bara för kopplad personal med rollen editor.", do_quote=False)
        return
    context.chat_data.alert_draft = {"step": "title", "municipalities": []}
    await update.effective_message.reply_text("Ny varning. Skriv rubriken (högst 120 tecken). Avbryt med /avbryt.", do_quote=False)


async def cancel_draft(update: Update, context: Context) -> None:
    """Drops a warning being written."""
    if context.chat_data.alert_draft is not None:
        context.chat_data.alert_draft = None
        await update.effective_message.reply_text("Avbrutet. Ingen varning skapades.", do_quote=False)


async def draft_text(update: Update, context: Context, text: str) -> None:
    """Takes the title and then the text of a warning being written."""
    draft = context.chat_data.alert_draft
    if text.strip().lower() in ("/avbryt", "avbryt"):
        context.chat_data.alert_draft = None
        await update.effective_message.reply_text("Avbrutet. Ingen varning skapades.", do_quote=False)
        return
    if draft["step"] == "title":
        draft["title"], draft["step"] = text.strip()[:120], "text"
        await update.effective_message.reply_text("Skriv texten till invånarna (högst 1500 tecken).", do_quote=False)
    elif draft["step"] == "text":
        draft["text"], draft["step"] = text.strip()[:1500], "options"
        await _show_draft(update.effective_message, draft)


def _draft_keyboard(draft: dict) -> InlineKeyboardMarkup:
    severity = draft.get("severity", "warning")
    chosen = draft["municipalities"]
    rows = [[InlineKeyboardButton(("● " if s == severity else "") + s, callback_data=f"{DRAFT}:sev:{s}") for s in SEVERITIES]]
    rows.append([InlineKeyboardButton(("✅ " if m in chosen else "") + m, callback_data=f"{DRAFT}:mun:{m}") for m in MUNICIPALITIES])
    rows.append([InlineKeyboardButton("Skicka för godkännande", callback_data=f"{DRAFT}:submit"),
                 InlineKeyboardButton("Avbryt", callback_data=f"{DRAFT}:cancel")])
    return InlineKeyboardMarkup(rows)


async def _show_draft(message, draft: dict) -> None:
    where = ", ".join(draft["municipalities"]) or "alla tre kommunerna"
    preview = (f"<b>Förhandsvisning</b> (allvarlighet: {escape(draft.get('severity', 'warning'))}, till: {escape(where)})\n\n"
               f"<b>{escape(draft['title'])}</b>\n\n{escape(draft['text'])}")
    await message.reply_text(preview, parse_mode=ParseMode.HTML, reply_markup=_draft_keyboard(draft), do_quote=False)


async def draft_button(update: Update, context: Context) -> None:
    """Severity, municipality choice, submit or cancel for a warning being written."""
    query = update.callback_query
    draft = context.chat_data.alert_draft
    parts = (query.data or "").split(":")
    if draft is None or draft.get("step") != "options":
        await query.answer("Det finns inget utkast. Börja med /ny_varning.")
        return
    if parts[1] == "sev" and parts[2] in SEVERITIES:
        draft["severity"] = parts[2]
    elif parts[1] == "mun" and parts[2] in MUNICIPALITIES:
        chosen = draft["municipalities"]
        chosen.remove(parts[2]) if parts[2] in chosen else chosen.append(parts[2])
    elif parts[1] == "cancel":
        context.chat_data.alert_draft = None
        await query.answer("Avbrutet")
        await query.edit_message_reply_markup(None)
        return
    elif parts[1] == "submit":
        await query.answer()
        await _submit(update, context, draft)
        return
    await query.answer()
    await query.edit_message_reply_markup(_draft_keyboard(draft))


async def _submit(update: Update, context: Context, draft: dict) -> None:
    db = context.bot_data.services.db
    member = await _staff(update, context)
    try:
        alert = await db.run(workflow.create, member, title=draft["title"], text=draft["text"],
                             severity=draft.get("severity", "warning"), municipalities=tuple(draft["municipalities"]))
    except workflow.AlertError as exc:
        await update.effective_message.reply_text(f"Kunde inte skapa varningen: {exc}", do_quote=False)
        return
    context.chat_data.alert_draft = None
    await update.callback_query.edit_message_reply_markup(None)
    await update.effective_message.reply_text(f"Varning {alert.id} väntar nu på godkännande av en annan person.", do_quote=False)
    approvers = [m for m in await db.run(staff_store.list_staff) if m.can("approver") and m.telegram_user_id and m.id != member.id]
    button = InlineKeyboardMarkup([[InlineKeyboardButton("Godkänn och skicka", callback_data=f"{APPROVE}:{alert.id}")]])
    for approver in approvers:
        await context.bot.send_message(approver.telegram_user_id, f"<b>Att godkänna</b> (från {escape(member.username)})\n\n"
                                       + render_alert(alert, "sv"), parse_mode=ParseMode.HTML, reply_markup=button)


async def approve_button(update: Update, context: Context) -> None:
    """Approves a warning – only for a linked approver who did not write it."""
    query = update.callback_query
    member = await _staff(update, context)
    try:
        alert_id = int((query.data or "").split(":")[1])
    except (IndexError, ValueError):
        await query.answer()
        return
    if member is None:
        await query.answer("Bara kopplad personal kan godkänna.", show_alert=True)
        return
    try:
        alert = await context.bot_data.services.db.run(workflow.approve, member, alert_id)
    except workflow.AlertError as exc:
        await query.answer(str(exc)[:190], show_alert=True)
        return
    await query.answer("Godkänd")
    await query.edit_message_reply_markup(None)
    await update.effective_message.reply_text(f"Varning {alert.id} är godkänd av {member.username} och skickas.", do_quote=False)


async def reaction_button(update: Update, context: Context) -> None:
    """Counts a resident's reaction to a warning ("I got this too", "thanks"), once each."""
    query = update.callback_query
    parts = (query.data or "").split(":")
    if len(parts) != 3 or parts[2] not in REACTIONS or not parts[1].isdigit():
        await query.answer()
        return
    key = context.bot_data.residents.key(update.effective_chat.id)
    await context.bot_data.services.db.run(alert_store.add_reaction, int(parts[1]), key, REACTIONS[parts[2]], datetime.now(timezone.utc))
    await query.answer("Tack! Det hjälper oss att se vad som går runt.")
