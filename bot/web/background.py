"""Periodic jobs that live and die with the web app (aiohttp cleanup contexts)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)
Step = Callable[[web.Application], Awaitable[None]]


def periodic(name: str, seconds: float, step: Step, *, wait_first: bool = False):
    """A cleanup context that runs `step(app)` every `seconds` until the app stops.

    A failing step is logged and tried again next time: a job never dies for good.
    """

    async def context(app: web.Application) -> AsyncIterator[None]:
        async def loop() -> None:
            if wait_first:
                await asyncio.sleep(seconds)
            while True:
                try:
                    await step(app)
                except Exception:
                    log.exception("%s failed; will try again", name)
                await asyncio.sleep(seconds)

        task = asyncio.create_task(loop(), name=name)
        yield
        await cancel_and_wait(task)

    context.__name__ = name.replace("-", "_")
    return context


async def cancel_and_wait(*tasks: asyncio.Task) -> None:
    for task in tasks:
        task.cancel()
    for task in tasks:
        try:
            await task
        except asyncio.CancelledError:
            pass
