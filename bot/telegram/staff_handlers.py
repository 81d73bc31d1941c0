"""Telegram for linked staff (/koppla, /ny_varning, approve button) and residents' reactions to warnings."""

from __future__ import annotations

import warnings
from datetime import datetime, timezone
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.core.alerts import workflow
from bot.core.alerts.dispatch import clock_words, planned_start
from bot.core.alerts.text import SEVERITY_LABEL, refusal_text
from bot.core.region import MUNICIPALITIES
from bot.core.staff import accounts as staff_core
from bot.core.words import t
from bot.storage import alerts as alert_store
from bot.storage import staff as staff_store
from bot.storage.alert_model import SEVERITIES, Alert
from bot.telegram import outgoing
from bot.telegram.alert_sender import REACTION, render_alert
from bot.telegram.context import Context, WarningDraft

DRAFT, APPROVE = "av", "aa"
REACTIONS = {"got": "got_it_too", "thx": "thanks"}
# The /ny_varning conversation: the title, then the text, then the choices under the preview.
TITLE, TEXT, OPTIONS = range(3)
# Staff read Swedish (their accounts hold no language): every text here is `telegram.staff.*` in the
# Swedish catalogue, bot/locale/sv/LC_MESSAGES/fraudbot.po.


def register_staff_handlers(application: Application) -> None:
    new = filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler("koppla", link, new))
    application.add_handler(warning_conversation())
    application.add_handler(CallbackQueryHandler(no_draft_button, pattern=rf"^{DRAFT}:"))
    application.add_handler(CallbackQueryHandler(approve_button, pattern=rf"^{APPROVE}:"))
    application.add_handler(CallbackQueryHandler(reaction_button, pattern=rf"^{REACTION}:"))


def warning_conversation() -> ConversationHandler:
    """/ny_varning: title → text → severity and places under a live preview → submit (or /avbryt at any step)."""
    typed = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND
    cancel_word = filters.Regex(r"(?i)^\s*avbryt\s*$")
    with warnings.catch_warnings():
        # PTB notes that with per_message=False a button is tracked per chat, not per message: that
        # is what we want (one draft per staff member's chat; its preview is the only message with these buttons)
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return ConversationHandler(
            entry_points=[CommandHandler("ny_varning", new_warning, filters.UpdateType.MESSAGE)],
            states={
                TITLE: [MessageHandler(typed & ~cancel_word, take_title)],
                TEXT: [MessageHandler(typed & ~cancel_word, take_text)],
                OPTIONS: [
                    CallbackQueryHandler(choose_severity, pattern=rf"^{DRAFT}:sev:"),
                    CallbackQueryHandler(choose_municipality, pattern=rf"^{DRAFT}:mun:"),
                    CallbackQueryHandler(submit_draft, pattern=rf"^{DRAFT}:submit$"),
                    CallbackQueryHandler(cancel_button, pattern=rf"^{DRAFT}:cancel$"),
                ],
            },
            fallbacks=[CommandHandler("avbryt", cancel_draft), MessageHandler(typed & cancel_word, cancel_draft)],
            name="new_warning",
            allow_reentry=True,
        )


async def _staff(update: Update, context: Context):
    user = update.effective_user
    return await context.bot_data.services.db.write(staff_store.find_by_telegram, user.id) if user else None


async def link(update: Update, context: Context) -> None:
    """Links a staff member's Telegram account with the one-time code from their own dashboard page."""
    if update.effective_chat.type != ChatType.PRIVATE:
        return
    code = "".join(context.args or [])
    member = await context.bot_data.services.db.write(staff_core.link_telegram, code, update.effective_user.id) if code else None
    text = (t("sv", "telegram.staff.linked", username=member.username, role=member.role) if member
            else t("sv", "telegram.staff.link_failed"))
    await _say(update, context, text)


async def new_warning(update: Update, context: Context) -> int:
    """Starts writing a warning (linked editors, private chat) and asks for the title."""
    member = await _staff(update, context)
    if update.effective_chat.type != ChatType.PRIVATE or member is None or not member.can("editor"):
        await _say(update, context, t("sv", "telegram.staff.editors_only"))
        return ConversationHandler.END
    context.chat_data.warning_draft = WarningDraft()
    await _say(update, context, t("sv", "telegram.staff.ask_title", max=workflow.MAX_TITLE))
    return TITLE


def _draft(context: Context) -> WarningDraft:
    """The warning being written (set by /ny_varning; a fresh one should the chat's data have been lost)."""
    if context.chat_data.warning_draft is None:
        context.chat_data.warning_draft = WarningDraft()
    return context.chat_data.warning_draft


async def take_title(update: Update, context: Context) -> int:
    """Stores the title and asks for the text; a title longer than the rules allow is asked for again."""
    title = await _within_limit(update, context, workflow.MAX_TITLE, "telegram.staff.title_too_long")
    if title is None:
        return TITLE
    _draft(context).title = title
    await _say(update, context, t("sv", "telegram.staff.ask_text", max=workflow.MAX_TEXT))
    return TEXT


async def take_text(update: Update, context: Context) -> int:
    """Stores the text and shows the preview with the choices; a text too long is asked for again."""
    text = await _within_limit(update, context, workflow.MAX_TEXT, "telegram.staff.text_too_long")
    if text is None:
        return TEXT
    draft = _draft(context)
    draft.text = text
    await outgoing.send(context.bot, update.effective_chat.id, [draft_preview(draft)], _draft_keyboard(draft))
    return OPTIONS


async def _within_limit(update: Update, context: Context, limit: int, too_long: str) -> str | None:
    """The typed text, or None after saying (the text `too_long`) it is over the rules' limit (never cut short)."""
    text = update.effective_message.text.strip()
    if len(text) <= limit:
        return text
    await _say(update, context, t("sv", too_long, length=len(text), max=limit))
    return None


async def choose_severity(update: Update, context: Context) -> int:
    """Sets the severity and shows the preview again."""
    value = update.callback_query.data.split(":")[-1]
    if value not in SEVERITIES:
        await outgoing.answer(update.callback_query, t("sv", "telegram.staff.stale"))
        return OPTIONS
    _draft(context).severity = value
    await _show_choices(update, context)
    return OPTIONS


async def choose_municipality(update: Update, context: Context) -> int:
    """Adds or removes a municipality and shows the preview again."""
    value = update.callback_query.data.split(":")[-1]
    if value not in MUNICIPALITIES:
        await outgoing.answer(update.callback_query, t("sv", "telegram.staff.stale"))
        return OPTIONS
    chosen = _draft(context).municipalities
    chosen.remove(value) if value in chosen else chosen.append(value)
    await _show_choices(update, context)
    return OPTIONS


async def cancel_draft(update: Update, context: Context) -> int:
    """Drops the warning being written."""
    context.chat_data.warning_draft = None
    await _say(update, context, t("sv", "telegram.staff.cancelled"))
    return ConversationHandler.END


async def cancel_button(update: Update, context: Context) -> int:
    """Drops the warning being written and takes the buttons off its preview."""
    query = update.callback_query
    context.chat_data.warning_draft = None
    await outgoing.answer(query, t("sv", "telegram.staff.cancelled_short"))
    await outgoing.set_keyboard(context.bot, query.message.chat.id, query.message.message_id, None)
    return ConversationHandler.END


async def no_draft_button(update: Update, context: Context) -> None:
    """Answers a draft button pressed when no warning is being written."""
    await outgoing.answer(update.callback_query, t("sv", "telegram.staff.no_draft"))


async def _show_choices(update: Update, context: Context) -> None:
    query = update.callback_query
    draft = _draft(context)
    await outgoing.answer(query)
    await outgoing.edit(context.bot, query.message.chat.id, query.message.message_id, draft_preview(draft), _draft_keyboard(draft))


def _draft_keyboard(draft: WarningDraft) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(("● " if s == draft.severity else "") + SEVERITY_LABEL["sv"][s], callback_data=f"{DRAFT}:sev:{s}")
             for s in SEVERITIES]]
    rows.append([InlineKeyboardButton(("✅ " if m in draft.municipalities else "") + m, callback_data=f"{DRAFT}:mun:{m}")
                 for m in MUNICIPALITIES])
    rows.append([InlineKeyboardButton(t("sv", "telegram.staff.submit_button"), callback_data=f"{DRAFT}:submit"),
                 InlineKeyboardButton(t("sv", "telegram.staff.cancel_button"), callback_data=f"{DRAFT}:cancel")])
    return InlineKeyboardMarkup(rows)


def draft_preview(draft: WarningDraft) -> str:
    """The warning as residents will see it, under a line saying what is chosen now."""
    where = ", ".join(draft.municipalities) or t("sv", "telegram.staff.everywhere")
    alert = Alert(id=0, title_sv=draft.title, text_sv=draft.text, title_en=None, text_en=None, severity=draft.severity,
                  topics=(), municipalities=tuple(draft.municipalities), expires_at=None, scheduled_at=None,
                  state="draft", created_by=0, approved_by=None, created_at=datetime.now(timezone.utc), sent_at=None,
                  correction_of=None, withdrawn=False)
    heading = t("sv", "telegram.staff.preview", severity=escape(SEVERITY_LABEL["sv"][draft.severity].lower()), where=escape(where))
    return f"{heading}\n\n{render_alert(alert, 'sv')}"


async def submit_draft(update: Update, context: Context) -> int:
    """Saves the warning as awaiting approval and sends it to every linked approver but its author."""
    await outgoing.answer(update.callback_query)
    db = context.bot_data.services.db
    draft = _draft(context)
    member = await _staff(update, context)
    if member is None or not member.can("editor"):
        await _say(update, context, t("sv", "telegram.staff.editors_only_button"))
        return ConversationHandler.END
    try:
        alert = await db.write(workflow.create, member, title=draft.title, text=draft.text, severity=draft.severity,
                             municipalities=tuple(draft.municipalities))
    except workflow.AlertError as exc:
        await _say(update, context, t("sv", "telegram.staff.not_created", reason=refusal_text(exc.code, exc.problems)))
        return OPTIONS
    context.chat_data.warning_draft = None
    message = update.callback_query.message
    await outgoing.edit(context.bot, message.chat.id, message.message_id,
                        draft_preview(draft) + "\n\n" + t("sv", "telegram.staff.awaiting", id=alert.id))
    approvers = [m for m in await db.write(staff_store.list_staff) if m.can("approver") and m.telegram_user_id and m.id != member.id]
    button = InlineKeyboardMarkup([[InlineKeyboardButton(t("sv", "telegram.staff.approve_button"), callback_data=f"{APPROVE}:{alert.id}")]])
    for approver in approvers:
        assert approver.telegram_user_id is not None  # only linked approvers were listed
        await outgoing.send(context.bot, approver.telegram_user_id,
                            [t("sv", "telegram.staff.to_approve", username=escape(member.username)) + "\n\n" + render_alert(alert, "sv")], button)
    return ConversationHandler.END


async def approve_button(update: Update, context: Context) -> None:
    """Approves a warning – only for a linked approver who did not write it – and says when it goes out."""
    query = update.callback_query
    member = await _staff(update, context)
    try:
        alert_id = int((query.data or "").split(":")[1])
    except (IndexError, ValueError):
        await outgoing.answer(query, t("sv", "telegram.staff.stale"))
        return
    if member is None:
        await outgoing.answer(query, t("sv", "telegram.staff.approvers_only"), alert=True)
        return
    services = context.bot_data.services
    try:
        alert = await services.db.write(workflow.approve, member, alert_id)
    except workflow.AlertError as exc:
        await _refuse(update, context, refusal_text(exc.code, exc.problems))
        return
    await outgoing.answer(query, t("sv", "telegram.staff.approved_short"))
    quiet = services.quiet
    start = planned_start(alert, quiet)
    when = (t("sv", "telegram.staff.sends_now") if start is None
            else t("sv", "telegram.staff.sends_at", when=clock_words(start, quiet.zone)))
    message = query.message
    await outgoing.replace(context.bot, message.chat.id, message.message_id,
                           f"{message.text_html}\n\n" + t("sv", "telegram.staff.approved", id=alert.id, username=escape(member.username), when=when))


async def reaction_button(update: Update, context: Context) -> None:
    """Counts a reaction to a warning ("I got this too", "thanks") from a resident who received it, once each."""
    query = update.callback_query
    parts = (query.data or "").split(":")
    if len(parts) != 3 or parts[2] not in REACTIONS or not parts[1].isdigit():
        await outgoing.answer(query, t("sv", "telegram.staff.stale"))
        return
    db = context.bot_data.services.db
    alert_id, chat_id = int(parts[1]), update.effective_chat.id
    if not await db.write(alert_store.received, alert_id, chat_id):
        await outgoing.answer(query, t("sv", "telegram.staff.stale"))
        return
    key = context.bot_data.residents.key(chat_id)
    counted = await db.write(alert_store.add_reaction, alert_id, key, REACTIONS[parts[2]], datetime.now(timezone.utc))
    await outgoing.answer(query, t("sv", "telegram.staff.reaction_counted" if counted else "telegram.staff.reaction_again"))


async def _refuse(update: Update, context: Context, reason: str) -> None:
    """The rules' refusal in full: as the button's pop-up when it fits there, else as a message."""
    if len(reason) <= outgoing.MAX_ANSWER:
        await outgoing.answer(update.callback_query, reason, alert=True)
    else:
        await outgoing.answer(update.callback_query, t("sv", "telegram.staff.see_message"))
        await _say(update, context, reason)


async def _say(update: Update, context: Context, text: str) -> None:
    """Plain text to the staff member's chat."""
    await outgoing.send(context.bot, update.effective_chat.id, escape(text))
