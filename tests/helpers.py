"""Test helpers shared by the web and Telegram tests."""

from __future__ import annotations

import socket
from pathlib import Path

from bot.config import load_config
from bot.services import build_services


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_services(tmp_path: Path, knowledge: Path | None = None, **env: str):
    """Real services over a fresh SQLite file in `tmp_path`."""
    environ = {"FRAUDBOT_DB": str(tmp_path / "fraudbot.db"), **env}
    config = load_config(None, environ)
    if knowledge is not None:
        import dataclasses

        config = dataclasses.replace(config, knowledge=dataclasses.replace(config.knowledge, path=knowledge))
    return build_services(config)
