"""Typed keys for what the web app shares between views."""

from aiohttp import web

from bot.services import Services

SERVICES = web.AppKey("services", Services)
