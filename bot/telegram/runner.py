"""Building the python-telegram-bot Application, running it, and taking webhook updates.

The process host (`bot.host`) decides when: it enters `running_bot` inside the aiohttp app's
lifecycle and hands webhook requests to `receive_update`. Nothing here knows about the web app.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import BotCommand, Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.core.residents.rate_limit import SlidingWindowLimiter
from bot.services import Services
from bot.tasks import cancel_and_wait
from bot.telegram import handlers as h
from bot.telegram.alert_sender import TelegramAlertSender
from bot.telegram.buttons import register_button_handlers, stale_button
from bot.telegram.context import BotData, ChatData
from bot.telegram.http import AiohttpRequest
from bot.telegram.pacing import PacedRateLimiter, PaceLimits
from bot.telegram.sessions import register_session_handlers, start_refresher_loop
from bot.telegram.staff_handlers import register_staff_handlers
from bot.telegram.texts import COMMANDS

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
START_RETRY_SECONDS = (1, 2, 5, 10, 30, 60)
# Updates handled at once, and HTTP connections to the Bot API for replies.
CONCURRENT_UPDATES = 64
CONNECTION_POOL = 64


def pace_limits(services: Services) -> PaceLimits:
    return PaceLimits(per_second=services.config.alerts.messages_per_second,
                      retry_seconds=services.config.telegram.retry_minutes * 60.0)


def build_application(services: Services) -> Application:
    """The bot with every handler registered; nothing is contacted until it is initialised.

    Every request its bot makes passes `PacedRateLimiter`: the one paced send path.
    """
    tg = services.config.telegram
    http = (AiohttpRequest(CONNECTION_POOL), AiohttpRequest(1, read_timeout=5.0))
    builder = (
        ApplicationBuilder()
        .token(tg.token.reveal())
        .base_url(tg.base_url)
        .context_types(ContextTypes(chat_data=ChatData, bot_data=BotData))
        .concurrent_updates(CONCURRENT_UPDATES)
        .request(http[0])
        .get_updates_request(http[1])
        .rate_limiter(PacedRateLimiter(pace_limits(services)))
    )
    if tg.mode == "webhook":
        builder = builder.updater(None)
    application = builder.build()
    data: BotData = application.bot_data
    data.services = services
    data.residents = services.residents("telegram")
    data.limiter = SlidingWindowLimiter(tg.messages_per_minute, 60.0)
    data.requests = http
    register_handlers(application)
    return application


def register_handlers(application: Application) -> None:
    register_session_handlers(application)
    register_staff_handlers(application)  # the /ny_varning conversation before the plain-text handler
    new = filters.UpdateType.MESSAGE  # an edited command is not run again
    private = filters.ChatType.PRIVATE
    addressed = private | (filters.ChatType.GROUPS & h.MentionsThisBot())  # in groups: only mentions of this bot
    commands = {
        "start": h.start, "hjalp": h.help_command, "help": h.help_command, "amnen": h.topics_command,
        "kolla": h.check_command, "varningar": h.warnings_command, "prenumerera": h.subscribe_command,
        "installningar": h.settings_command, "avsluta": h.unsubscribe_command, "glom": h.erase_command,
        "anmal": h.report_command, "tipsa": h.tip_command,
    }
    for name, callback in commands.items():
        application.add_handler(CommandHandler(name, callback, new))
    application.add_handler(MessageHandler(new & private & filters.COMMAND, h.unknown_command))
    text = filters.TEXT & ~filters.COMMAND & addressed
    application.add_handler(MessageHandler(new & text, h.text_message))
    application.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & text, h.edited_message))
    application.add_handler(MessageHandler(new & private & ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL, h.non_text_message))
    register_button_handlers(application)
    application.add_handler(CallbackQueryHandler(stale_button))  # last: every press gets an answer
    application.add_handler(ChatMemberHandler(h.chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_error_handler(h.on_error)


async def register_commands(application: Application) -> None:
    """setMyCommands in Swedish (also the default) and English."""
    for lang, commands in COMMANDS.items():
        await application.bot.set_my_commands([BotCommand(c, d) for c, d in commands], language_code=lang)
    await application.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS["sv"]])


async def start_application(application: Application, services: Services) -> None:
    tg = services.config.telegram
    await application.initialize()
    await register_commands(application)
    await application.start()
    if tg.mode == "webhook":
        await application.bot.set_webhook(
            tg.webhook_url, secret_token=tg.webhook_secret.reveal(), allowed_updates=Update.ALL_TYPES
        )
    else:
        await application.bot.delete_webhook()
        await application.updater.start_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0.0, timeout=10)
    log.info("Telegram bot @%s is running (%s)", application.bot.username, tg.mode)


async def stop_application(application: Application) -> None:
    if application.updater and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()


@asynccontextmanager
async def running_bot(services: Services) -> AsyncIterator[Application]:
    """The bot, starting in the background, with the warning outbox and session refreshers; all stop on exit.

    If Telegram cannot be reached at start, the caller goes on (the web keeps serving) and the bot keeps retrying.
    """
    application = build_application(services)
    ready = asyncio.Event()

    async def start_with_retries() -> None:
        for delay in [*START_RETRY_SECONDS, *([60] * 10_000)]:
            try:
                await start_application(application, services)
                ready.set()
                return
            except InvalidToken:
                log.error("Telegram refused the bot token; the bot stays off (web keeps running). Check telegram.token.")
                return
            except (TelegramError, OSError) as exc:
                log.warning("Telegram not reachable (%s); retrying in %ss", type(exc).__name__, delay)
                try:
                    await stop_application(application)
                except Exception:
                    pass
                await asyncio.sleep(delay)

    task = asyncio.create_task(start_with_retries(), name="telegram-start")
    sender = TelegramAlertSender(application.bot, services.db, services.config.telegram.channel_id, services.quiet.zone)
    worker = services.outbox_worker(sender)

    async def deliver_when_ready() -> None:
        await ready.wait()
        await worker.run()

    outbox = asyncio.create_task(deliver_when_ready(), name="outbox")
    refreshers = start_refresher_loop(application, ready)
    try:
        yield application
    finally:
        await cancel_and_wait(refreshers, outbox, task)
        await worker.stop()
        application.bot.rate_limiter.stop_retrying()  # replies in hand still go out, but an outage cannot hold the stop
        if ready.is_set():
            await stop_application(application)
        for request in application.bot_data.requests:  # also when the bot never got going
            await request.shutdown()


async def receive_update(application: Application | None, secret: str, given: str | None, body: bytes) -> tuple[int, dict]:
    """Queues one webhook update; (status, JSON reply). The secret-token header must match, compared in constant time."""
    if not secret or given is None or not hmac.compare_digest(given.encode(), secret.encode()):
        return 403, {"error": "forbidden"}
    if application is None or not application.running:
        return 503, {"error": "bot not running"}
    try:
        update = Update.de_json(json.loads(body), application.bot)
    except Exception:
        return 400, {"error": "not a Telegram update"}
    await application.update_queue.put(update)
    return 200, {"ok": True}
