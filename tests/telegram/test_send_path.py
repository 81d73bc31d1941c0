"""No code path calls the Bot API's send methods except through the one paced path."""

from __future__ import annotations

import re
from pathlib import Path

from bot.telegram.pacing import PacedRateLimiter
from bot.telegram.runner import build_application
from tests.fakes import TEST_TOKEN
from tests.helpers import make_services

BOT = Path(__file__).resolve().parents[2] / "bot"
OUTGOING = BOT / "telegram" / "outgoing.py"
# Bot API calls that post, change or delete a message (python-telegram-bot's Bot methods and the
# Message/CallbackQuery shortcuts that make them), and answering a button. `outgoing.<name>(` is
# the allowed way; our own functions are named differently (send_test, send_due_refreshers).
SEND_CALL = re.compile(
    r"(?<!outgoing)\.(send_(?:message|photo|document|poll|audio|video|video_note|media_group|sticker|location"
    r"|contact|dice|voice|animation|venue|invoice|game|paid_media)|reply_\w+|edit_(?:message_\w+|text|caption"
    r"|media|reply_markup|live_location)|copy_messages?|forward_messages?|delete_messages?|stop_poll"
    r"|do_api_request|_post|_do_post|answer)\("
)


def python_files():
    # bot/sms never talks to Telegram: its names (reply_to, send) are its own gateway's paced path
    return sorted(p for p in BOT.rglob("*.py") if p != OUTGOING and p.relative_to(BOT).parts[0] != "sms")


def test_only_outgoing_calls_send_methods():
    offenders = []
    for path in python_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if SEND_CALL.search(code):
                offenders.append(f"{path.relative_to(BOT.parent)}:{number}: {line.strip()}")
    assert offenders == [], "send through bot.telegram.outgoing instead:\n" + "\n".join(offenders)


def test_outgoing_names_a_pace_for_every_request():
    source = OUTGOING.read_text(encoding="utf-8")
    calls = re.findall(r"await bot\.\w+\((?:[^()]|\([^()]*\))*\)", source, flags=re.S)
    assert len(calls) == 4  # send_message, edit_message_text, edit_message_reply_markup, delete_message
    assert all("rate_limit_args=pace" in call for call in calls), calls


def test_no_bot_is_built_without_the_paced_path():
    for path in python_files() + [OUTGOING]:
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"\b(Ext)?Bot\(", source), f"{path}: builds a Bot of its own"
        if "ApplicationBuilder()" in source:
            assert path.name == "runner.py" and ".rate_limiter(PacedRateLimiter(" in source, path


def test_the_applications_bot_uses_the_paced_limiter(tmp_path):
    services = make_services(tmp_path, FRAUDBOT_TELEGRAM_TOKEN=TEST_TOKEN)
    try:
        application = build_application(services)
        assert isinstance(application.bot.rate_limiter, PacedRateLimiter)
        assert application.bot.rate_limiter.limits.per_second == services.config.alerts.messages_per_second
    finally:
        services.close()


def test_the_pattern_catches_what_it_should():
    for line in ("await update.effective_message.reply_text(text)", "await context.bot.send_message(1, 'x')",
                 "await query.edit_message_reply_markup(None)", "await query.answer()", "await bot.send_poll(1, 'q', o)"):
        assert SEND_CALL.search(line), line
    for line in ("await outgoing.send(bot, 1, 'x')", "await outgoing.answer(query)", "workflow.send_test(db, m, 1)",
                 "await send_due_refreshers(bot, guided)"):
        assert not SEND_CALL.search(line), line
