"""Workspace pages on loopback: p50 / p99 latency of each page (one logged-in browser-like client).

    python benchmarks/bench_web.py --companies 1000000 --requests 30

Reuses bench_api's cached database (same --cache / --companies / --seed) and its ``abm serve``
process; logs in like a browser (login form + CSRF token, then the session cookie) and times
each page after one warm-up request. Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

import duckdb
import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_api import KEY, build, free_port, percentile, start_server


def pages(db: Path, rnd: random.Random) -> dict[str, list[str]]:
    """Each workspace page, with realistic parameters drawn from the database."""
    with duckdb.connect(str(db), read_only=True) as con:
        prefs = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT prefecture FROM accounts WHERE prefecture IS NOT NULL"
            ).fetchall()
        ]
        ids = [
            r[0] for r in con.execute("SELECT account_id FROM accounts WHERE in_sales LIMIT 200").fetchall()
        ]
    return {
        "ターゲット一覧 (Tier 1 + prefecture)": [
            f"/?tier=1&prefecture={rnd.choice(prefs)}" for _ in range(50)
        ],
        "ターゲット一覧 (all, page 3, by score)": ["/?sort=-buying_power_score&page=3"],
        "アカウント詳細": [f"/w/account/{rnd.choice(ids)}" for _ in range(50)],
        "ホワイトスペース": ["/w/whitespace"],
        "名寄せレビュー": ["/w/review"],
        "テリトリー": ["/w/territories"],
        "実行履歴": ["/w/runs"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--companies", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--cache", type=Path, default=Path("bench_cache/api"))
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    db = build(args.cache, args.companies, args.seed)
    port = free_port()
    proc = start_server(db, port)
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx2.Client(base_url=base, timeout=120) as client:
            form = client.get("/w/login").text
            token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
            client.post("/w/login", data={"key": KEY, "csrf": token, "next": "/"})
            time.sleep(5)  # let the background warm-up of the new run finish
            print(f"| page ({args.companies:,} companies) | p50 ms | p99 ms |\n| --- | --- | --- |")
            for name, urls in pages(db, random.Random(args.seed)).items():
                client.get(urls[0]).raise_for_status()  # warm-up
                times = []
                for i in range(args.requests):
                    t0 = time.perf_counter()
                    client.get(urls[i % len(urls)]).raise_for_status()
                    times.append((time.perf_counter() - t0) * 1000)
                print(f"| {name} | {percentile(times, 50):.1f} | {percentile(times, 99):.1f} |", flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
