"""How a guided session copes with a room answering at once: votes and state polls on real SQLite.

    python benchmarks/session_votes.py [--people 60] [--rounds 5]

Every person votes at the same moment (asyncio.gather), as when the facilitator says "svara nu";
then the screen's and phones' once-a-second state read is timed on its own.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.sessions.loader import load_scenarios  # noqa: E402
from bot.core.sessions.service import SessionService  # noqa: E402
from bot.storage.db import AsyncDatabase, open_database  # noqa: E402


async def run(people: int, rounds: int) -> None:
    scenarios = load_scenarios(ROOT / "scenarios")
    with tempfile.TemporaryDirectory() as folder:
        db = AsyncDatabase(open_database(Path(folder) / "bench.db"))
        service = SessionService(db, scenarios, "benchmark-key")
        totals, latencies, reads = [], [], []
        for _ in range(rounds):
            state = await service.start("parcel-fee-sms", "web", "lead")
            await service.advance(state.code, "web", "lead")

            async def vote(person: int, code: str = state.code) -> None:
                started = time.perf_counter()
                await service.vote(code, "web", f"phone-{person}", 0, person % 3)
                latencies.append(time.perf_counter() - started)

            started = time.perf_counter()
            await asyncio.gather(*(vote(p) for p in range(people)))
            totals.append(time.perf_counter() - started)
            for _ in range(people):
                t = time.perf_counter()
                await service.get(state.code)
                reads.append(time.perf_counter() - t)
        db.close()
    latencies.sort()
    print(f"{people} people voting at once, {rounds} rounds:")
    print(f"  whole room answered in   median {statistics.median(totals) * 1000:.0f} ms, worst {max(totals) * 1000:.0f} ms")
    print(f"  one vote                 p50 {latencies[len(latencies) // 2] * 1000:.1f} ms, p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms")
    print(f"  state read (1 s poll)    p50 {statistics.median(reads) * 1000:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(run(args.people, args.rounds))


if __name__ == "__main__":
    main()
