"""`fraudbot serve` starts with no settings file at all and says what it serves."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

from tests.helpers import free_port


def test_serve_starts_without_config_and_stops_on_sigterm(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRAUDBOT_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as resp:
                    body = json.loads(resp.read())
                    break
            except OSError:
                time.sleep(0.1)
        assert body and body["status"] == "ok"
        assert (tmp_path / "fraudbot.db").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0, out
    assert f"http://127.0.0.1:{port}" in out
    assert "Telegram:        off" in out and "FRAUDBOT_TELEGRAM_TOKEN" in out
    assert "SMS:             off" in out


def test_serve_reports_bad_settings_before_starting(tmp_path):
    (tmp_path / "c.yaml").write_text("web:\n  port: 0\n")
    proc = subprocess.run([sys.executable, "-m", "bot", "serve", "--config", "c.yaml"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "web.port" in proc.stderr
