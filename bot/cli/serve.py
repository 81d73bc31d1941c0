"""`fraudbot serve`: the web app, the public API, (with a token) the Telegram bot and (with a gateway) SMS in one process."""

from __future__ import annotations

import asyncio
import dataclasses
import signal
import sys
from pathlib import Path

import click
from aiohttp import web

from bot.cli.common import config_option, get_config
from bot.config import Config
from bot.core.knowledge.loader import KnowledgeError
from bot.core.staff.accounts import ensure_first_admin
from bot.logging_setup import setup_logging
from bot.services import build_services


@click.command()
@config_option
@click.option("--host", help="Address to listen on (default: web.host, 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port to listen on (default: web.port, 8080).")
def serve(config_path: Path | None, host: str | None, port: int | None) -> None:
    """Run the service: web chat, API and, when set up, the Telegram bot and SMS.

    Works with no settings file at all: the database is fraudbot.db in the working directory.
    """
    config = get_config(config_path)
    setup_logging(config.log_level)
    # --host/--port win over the settings everywhere, also in web.base_url when public_url is unset
    config = dataclasses.replace(config, web=dataclasses.replace(config.web, host=host or config.web.host, port=port or config.web.port))
    try:
        asyncio.run(run_service(config, config.web.host, config.web.port))
    except KnowledgeError as exc:
        click.echo(f"Cannot start: {exc}", err=True)
        sys.exit(2)
    except OSError as exc:
        click.echo(f"Cannot start: {exc}", err=True)
        sys.exit(2)


async def run_service(config: Config, host: str, port: int) -> None:
    services = await asyncio.to_thread(build_services, config)
    first_admin_password = await services.db.write(ensure_first_admin)
    from bot.host import create_app  # imported here so `fraudbot --help` stays quick

    app = create_app(services)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        _announce(config, host, port, len(services.store.kb.topics))
        if first_admin_password:
            click.echo(f"First start: created the staff account 'admin' with the one-time password {first_admin_password}")
            click.echo("  (shown only now; log in at /staff and choose a new password)")
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        click.echo("Stopping …")
    finally:
        await runner.cleanup()
        services.close()


def _announce(config: Config, host: str, port: int, topics: int) -> None:
    base = f"http://{host}:{port}"
    click.echo(f"Bedrägerikollen is running ({topics} topics, database {config.storage.path}, settings: {config.source})")
    click.echo(f"  Web:             {base}/ for residents, {base}/staff for staff")
    click.echo(f"  API:             POST {base}/api/ask, POST {base}/api/check, GET {base}/healthz")
    if config.telegram.enabled:
        click.echo(f"  Telegram:        on ({config.telegram.mode}, Bot API at {config.telegram.base_url})")
    else:
        click.echo("  Telegram:        off – set FRAUDBOT_TELEGRAM_TOKEN (or telegram.token in the settings) to turn it on")
    if config.sms.enabled:  # the webhook's secret stays out of the terminal and the journal
        click.echo(f"  SMS:             on ({config.sms.provider}, number {config.sms.number}, webhook /sms/incoming/<sms.webhook_secret>)")
    else:
        click.echo("  SMS:             off – set sms.provider (see the README's SMS section) to turn it on")
    click.echo("Press Ctrl+C to stop.")
