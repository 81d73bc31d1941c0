"""Building the python-telegram-bot Application and running it inside the aiohttp app's lifecycle."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

from aiohttp import web
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

from bot.core.alerts.delivery import Limits, OutboxWorker
from bot.core.residents.rate_limit import SlidingWindowLimiter
from bot.core.residents.service import ResidentService
from bot.services import Services
from bot.telegram import handlers as h
from bot.telegram.alert_sender import TelegramAlertSender
from bot.telegram.buttons import button
from bot.telegram.context import BotData, ChatData
from bot.telegram.http import AiohttpRequest
from bot.telegram.pacing import PacedRateLimiter, PaceLimits
from bot.telegram.sessions import register_session_handlers, start_refresher_loop
from bot.telegram.staff_handlers import register_staff_handlers
from bot.telegram.texts import COMMANDS
from bot.web.background import cancel_and_wait
from bot.web.keys import SERVICES

log = logging.getLogger(__name__)
TELEGRAM_APP = web.AppKey("telegram_application", Application)
WEBHOOK_PATH = "/telegram/webhook"
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
    data.residents = ResidentService(services.db, services.hash_key, "telegram")
    data.limiter = SlidingWindowLimiter(tg.messages_per_minute, 60.0)
    data.extras["http"] = http
    register_handlers(application)
    return application


def register_handlers(application: Application) -> None:
    register_session_handlers(application)
    register_staff_handlers(application)
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
    application.add_handler(CallbackQueryHandler(button))
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


async def telegram_context(app: web.Application) -> AsyncIterator[None]:
    """aiohttp cleanup context: start the bot with the web app, stop it with it.

    If Telegram cannot be reached at start, the web app still serves and the bot keeps retrying.
    """
    services: Services = app[SERVICES]
    application = build_application(services)
    app[TELEGRAM_APP] = application
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
    alerts = services.config.alerts
    sender = TelegramAlertSender(application.bot, services.db, services.config.telegram.channel_id, ZoneInfo(alerts.timezone))
    # about two seconds of sending in the paced path's hands: enough to keep it busy, little to give back
    worker = OutboxWorker(services.db, sender, Limits(in_flight=max(8, int(2 * alerts.messages_per_second)),
                                                      retry_hours=alerts.retry_hours))

    async def deliver_when_ready() -> None:
        await ready.wait()
        await worker.run()

    outbox = asyncio.create_task(deliver_when_ready(), name="outbox")
    refreshers = start_refresher_loop(application, ready)
    yield
    await cancel_and_wait(refreshers, outbox, task)
    await worker.stop()
    application.bot.rate_limiter.stop_retrying()  # replies in hand still go out, but an outage cannot hold the stop
    if ready.is_set():
        await stop_application(application)
    for request in application.bot_data.extras["http"]:  # also when the bot never got going
        await request.shutdown()


async def webhook(request: web.Request) -> web.Response:
    """Receives updates from Telegram in webhook mode; the secret-token header must match."""
    services: Services = request.app[SERVICES]
    secret = services.config.telegram.webhook_secret.reveal()
    if not secret or request.headers.get("X-Telegram-Bot-Api-Secret-Token") != secret:
        return web.json_response({"error": "forbidden"}, status=403)
    application = request.app.get(TELEGRAM_APP)
    if application is None or not application.running:
        return web.json_response({"error": "bot not running"}, status=503)
    try:
        data = await request.json()
        update = Update.de_json(data, application.bot)
    except Exception:
        return web.json_response({"error": "not a Telegram update"}, status=400)
    await application.update_queue.put(update)
    return web.json_response({"ok": True})


def setup_telegram_routes(app: web.Application) -> None:
    app.router.add_post(WEBHOOK_PATH, webhook)
