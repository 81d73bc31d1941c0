"""Browser tests: the real service (`fraudbot serve`) on a free port, driven by Debian's Chromium.

Skipped with a clear reason when /usr/bin/chromium or Playwright is missing (`.ci/run` installs
Chromium). Screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
START_TIMEOUT = 30.0


@pytest.fixture(scope="session")
def live_folder(tmp_path_factory) -> Path:
    """The live server's folder: its database `fraudbot.db` and its output `serve.log`."""
    return tmp_path_factory.mktemp("live")


@contextlib.contextmanager
def running_serve(folder: Path, *args: str):
    """`fraudbot serve` (with extra `args`) on a free port over `folder`/fraudbot.db: its base URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRAUDBOT_")}
    env["FRAUDBOT_DB"] = str(folder / "fraudbot.db")
    log = open(folder / "serve.log", "wb")  # noqa: SIM115 - open while the server runs, closed after it
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port), *args],
        cwd=Path(__file__).resolve().parents[2], env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"fraudbot serve did not start: {(folder / 'serve.log').read_text(errors='replace')}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="session")
def live_server(live_folder) -> str:
    """Base URL of a running `fraudbot serve` over a fresh database (no Telegram)."""
    with running_serve(live_folder) as base:
        yield base


@pytest.fixture
def chromium():
    """A headless Chromium browser (Playwright, sync API).

    Function-scoped on purpose: sync Playwright keeps an event loop running in this thread while it
    is open, which would break the asyncio tests that run after the browser tests.
    """
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need Playwright (pip install playwright)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
