"""Speed of the message check: p50/p99 per pasted message, ordinary and hostile.

    python benchmarks/check_speed.py [--repeat 5]

The check runs on every pasted message, so it is measured on the tuned messages
(tests/data/messages.yaml – the held-out sets stay unread) and on hostile texts of Telegram's
4,096-character limit (HTML, emoji, right-to-left text, lone surrogates, thousands of dots, a link
after every word). Beside each figure: the share taken by the link detector alone, and the cost of
the part every check must pay anyway (folding and language detection) as the floor, run in the same
process.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.checking import check_message, find_links  # noqa: E402
from bot.core.content.text import fold  # noqa: E402
from bot.core.knowledge.loader import load_knowledge  # noqa: E402
from bot.core.matching.language import detect_language  # noqa: E402

LIMIT = 4096


def hostile() -> dict[str, str]:
    return {
        "html": ("<a href='https://evil.top/x'>Klicka</a><script>alert(1)</script>" * 80)[:LIMIT],
        "emoji": ("🙂🎉❤️ Hej mamma! " * 400)[:LIMIT],
        "rtl": ("مرحبا، ادفع الآن https://pay-now.top/x \u202eשלום עולם\u202c " * 80)[:LIMIT],
        "surrogates": ("\ud800 Betala \udfff www.a.se " * 300)[:LIMIT],
        "dots": ("a." * LIMIT)[:LIMIT],
        "links": ("betala https://x-y-z.top/a?b=c " * 200)[:LIMIT],
        "one word": "x" * LIMIT,
        "scam words": ("Swisha 5 000 kr omedelbart, logga in med BankID, skicka koden, rösta på min dotter! " * 60)[:LIMIT],
    }


def timed(fn, texts: list[str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        for text in texts:
            started = time.perf_counter()
            fn(text)
            times.append((time.perf_counter() - started) * 1000)
    return times


def row(name: str, times: list[float], links: list[float], floor: list[float]) -> str:
    p50, p99 = statistics.median(times), sorted(times)[int(len(times) * 0.99) - 1]
    share = sum(links) / max(sum(times), 1e-9)
    ratio = sum(times) / max(sum(floor), 1e-9)
    return f"  {name:22} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   links {share:5.0%}   × floor {ratio:6.1f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    signals = load_knowledge(ROOT / "knowledge").signals
    check_message("warm up https://a.se", signals)  # the link detector builds its TLD table once
    messages = [m["text"] for m in yaml.safe_load((ROOT / "tests/data/messages.yaml").read_text(encoding="utf-8"))]

    def check(text: str) -> None:
        check_message(text, signals)

    def floor(text: str) -> None:
        detect_language(text)
        fold(text)

    print(f"message check, {len(signals.signals)} signals, {len(messages)} tuned messages × {args.repeat}")
    print(row("tuned messages", timed(check, messages, args.repeat), timed(find_links, messages, args.repeat),
              timed(floor, messages, args.repeat)))
    for name, text in hostile().items():
        print(row(f"hostile: {name}", timed(check, [text], args.repeat * 4), timed(find_links, [text], args.repeat * 4),
                  timed(floor, [text], args.repeat * 4)))


if __name__ == "__main__":
    main()
