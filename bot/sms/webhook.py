"""The SMS channel in the web app: 46elks' incoming-SMS webhook, and the sender started with the app.

46elks POSTs each incoming SMS (form fields from, to, message, id, created) to the number's
`sms_url`, here https://<site>/sms/incoming/<sms.webhook_secret>. The secret in the path is the
webhook's only protection (46elks signs nothing), compared in constant time; a wrong one is a 404,
as if the address did not exist. The webhook answers 200 at once and the reply goes out through the
paced sender: 46elks retries a webhook that does not answer 2xx, and a resident's retry must not
become a second answer, so recent message ids are remembered.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from bot.config import SmsConfig
from bot.services import Services
from bot.sms.gateway import Elks46Gateway
from bot.sms.inbound import SmsConversation
from bot.sms.sender import Pacer, ReplySender, SmsOutbox
from bot.tasks import cancel_and_wait

log = logging.getLogger(__name__)
SEEN_IDS = 1000  # incoming message ids remembered against the gateway's retries


class SmsChannel:
    """What the webhook and the sender share while the app runs."""

    def __init__(self, services: Services, conversation: SmsConversation, replies: ReplySender | None = None,
                 outbox: SmsOutbox | None = None):
        self.services = services
        self.conversation = conversation
        self.replies = replies
        self.outbox = outbox
        self.seen: OrderedDict[str, None] = OrderedDict()
        self.tasks: set[asyncio.Task] = set()

    def first_time(self, message_id: str) -> bool:
        if not message_id:
            return True
        if message_id in self.seen:
            return False
        self.seen[message_id] = None
        while len(self.seen) > SEEN_IDS:
            self.seen.popitem(last=False)
        return True

    async def answer(self, phone: str, text: str) -> None:
        try:
            reply = await self.conversation.reply_to(phone, text)
            if reply and self.replies is not None:  # replies start with the app; none before
                await self.replies.send(phone, reply)
        except Exception:  # never the number or the text in the log
            log.exception("answering an incoming SMS failed")

    async def flush(self) -> None:
        """Wait for every reply under way (for shutdown and tests)."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)


SMS_CHANNEL = web.AppKey("sms_channel", SmsChannel)


async def incoming_sms(request: web.Request) -> web.Response:
    """Takes an incoming SMS from the gateway and answers it in the background."""
    config: SmsConfig = request.app[SMS_CHANNEL].services.config.sms
    if not hmac.compare_digest(request.match_info["secret"].encode(), config.webhook_secret.reveal().encode()):
        raise web.HTTPNotFound()
    form = await request.post()
    phone, text = form.get("from"), form.get("message")
    if not isinstance(phone, str) or not isinstance(text, str) or not phone.startswith("+"):
        raise web.HTTPBadRequest(text="expected the form fields from (E.164) and message")
    channel = request.app[SMS_CHANNEL]
    if channel.first_time(str(form.get("id") or "")):
        task = asyncio.create_task(channel.answer(phone, text))
        channel.tasks.add(task)
        task.add_done_callback(channel.tasks.discard)
    return web.Response(status=204)  # an empty 2xx: 46elks would send a body back as an SMS


async def sms_context(app: web.Application) -> AsyncIterator[None]:
    """Opens the gateway, starts the SMS outbox worker, and stops both with the app."""
    channel = app[SMS_CHANNEL]
    services = channel.services
    config = services.config.sms
    session = aiohttp.ClientSession()
    gateway = Elks46Gateway(session, base_url=config.base_url, user=config.api_user,
                            password=config.api_password.reveal(), sender=config.number)
    pacer = Pacer(config.rate_per_second)
    outbox = SmsOutbox(services.db, gateway, pacer, retry_hours=services.config.alerts.retry_hours)
    channel.replies, channel.outbox = ReplySender(services.db, gateway, pacer), outbox
    worker = asyncio.create_task(outbox.run(), name="sms-outbox")
    try:
        yield
    finally:
        await cancel_and_wait(worker)
        await channel.flush()
        await outbox.drain()
        await session.close()


def setup_sms(app: web.Application, services: Services) -> None:
    """With `sms.provider` set: the incoming-SMS webhook and the SMS sender (the process host calls this)."""
    if not services.config.sms.enabled:
        return
    app[SMS_CHANNEL] = SmsChannel(services, SmsConversation(services))  # the sending parts come with sms_context
    app.router.add_post("/sms/incoming/{secret}", incoming_sms)
    app.cleanup_ctx.append(sms_context)
