"""Asyncio helpers every layer may use; imports nothing of `bot`."""

from __future__ import annotations

import asyncio


async def cancel_and_wait(*tasks: asyncio.Task) -> None:
    """Cancel the tasks and wait until each has finished unwinding."""
    for task in tasks:
        task.cancel()
    for task in tasks:
        try:
            await task
        except asyncio.CancelledError:
            pass
