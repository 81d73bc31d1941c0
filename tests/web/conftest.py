"""Fixtures for the web tests: the real app over a fresh database, and staff who can log in."""

from __future__ import annotations

import contextlib
import dataclasses
import re

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.core.staff.accounts import change_password, create_staff
from bot.host import create_app
from tests.helpers import make_services

PASSWORD = "ett långt lösenord"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@contextlib.asynccontextmanager
async def running_app(tmp_path, *, sms=None, **web_settings):
    """A test client for the whole app over a fresh database, with `web.*` settings (and `sms`) changed."""
    services = make_services(tmp_path)
    if web_settings:
        services.config = dataclasses.replace(services.config, web=dataclasses.replace(services.config.web, **web_settings))
    if sms is not None:
        services.config = dataclasses.replace(services.config, sms=sms)
    client = TestClient(TestServer(create_app(services, telegram=False)))
    await client.start_server()
    client.services = services
    try:
        yield client
    finally:
        await client.close()
        services.close()


@pytest.fixture
async def app_client(tmp_path):
    """A test client for the whole app (public pages, API, dashboard) and its services."""
    async with running_app(tmp_path) as client:
        yield client


def add_staff(services, username: str, role: str, *, must_change: bool = False) -> str:
    """A staff member with the password PASSWORD (or a one-time password when `must_change`)."""
    db = services.db.db
    member, one_time = create_staff(db, username, role, actor="test")
    if must_change:
        return one_time
    change_password(db, member, PASSWORD)
    return PASSWORD


def csrf_from(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


async def login(client, username: str, password: str = PASSWORD):
    """Log in through the form, like a browser; returns the final response."""
    page = await client.get("/staff/login")
    token = csrf_from(await page.text())
    return await client.post("/staff/login", data={"username": username, "password": password, "csrf_token": token})


async def session_csrf(client) -> str:
    """The CSRF token of the logged-in session, read from a dashboard page."""
    page = await client.get("/staff/losenord")
    return csrf_from(await page.text())
