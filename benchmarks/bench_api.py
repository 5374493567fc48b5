"""Load benchmark of the HTTP API on loopback: p50 / p99 latency and requests/s.

    python benchmarks/bench_api.py --companies 1000000 --requests 2000 --seconds 60

Builds (once, cached under --cache) sample inputs with ``abm.sample.generate(fmt="parquet")`` and a
database with a real ``pipelines.project.run`` (buying power by the transparent rule: the API's speed does
not depend on how scores were made), starts ``abm serve`` on 127.0.0.1 in its own process, then
per scenario sends at most --requests requests or runs for at most --seconds, whichever comes first,
from one keep-alive client (latency) and then from --clients concurrent clients (throughput).
Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from abm.config.settings import BuyingPowerSettings, load_settings
from abm.sample import generate
from pipelines import project

KEY = "bench-key"


def build(cache: Path, companies: int, seed: int) -> Path:
    """Inputs proportional to a national master (5M companies: 100k customers, 1M contacts, 10M lines)."""
    f = companies / 5_000_000
    inputs = cache / f"inputs-{companies}-seed{seed}"
    db = cache / f"api-{companies}-seed{seed}.duckdb"
    if not (inputs / ".complete").exists():
        t0 = time.perf_counter()
        generate(
            inputs,
            companies=companies,
            customers=max(1, int(100_000 * f)),
            contacts=int(1_000_000 * f),
            sales_lines=int(10_000_000 * f),
            seed=seed,
            fmt="parquet",
            progress=print,
        )
        (inputs / ".complete").write_text(f"{time.perf_counter() - t0:.0f}s\n")
    if not db.exists():
        values = {"run.input_dir": inputs, "run.db": db, "run.decisions": cache / "no-decisions.csv"}
        if "method" in BuyingPowerSettings.model_fields:
            values["buying_power.method"] = "rule"
        result = project.run(load_settings(None, **values), progress=print)
        print(f"built {db} in {result.seconds:.0f}s")
    return db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "ABM_API__KEYS": json.dumps([{"name": "bench", "key": KEY, "scopes": ["read"]}])}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from abm.cli.main import app; app()",
            "serve",
            "--db",
            str(db),
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx2.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start within 60 s")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(base: str, urls: list[str], requests: int, seconds: float, clients: int) -> dict:
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    budget = iter(range(requests))

    def worker(seed: int) -> None:
        rnd = random.Random(seed)
        with httpx2.Client(base_url=base, headers={"X-API-Key": KEY}, timeout=30) as c:
            while time.monotonic() < deadline:
                with lock:
                    if next(budget, None) is None:
                        return
                t0 = time.perf_counter()
                r = c.get(rnd.choice(urls))
                took = time.perf_counter() - t0
                if r.status_code != 200:
                    raise SystemExit(f"{r.status_code} {r.text[:200]}")
                with lock:
                    latencies.append(took)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {
        "n": len(latencies),
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "rps": len(latencies) / wall,
    }


def scenarios(db: Path) -> dict[str, list[str]]:
    """Realistic pulls: filtered pages of 100, name searches, account details."""
    with duckdb.connect(str(db), read_only=True) as con:
        ids = [
            r[0]
            for r in con.execute(
                "SELECT account_id FROM accounts USING SAMPLE 500 ROWS (reservoir, 1)"
            ).fetchall()
        ]
        prefs = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT prefecture FROM accounts WHERE prefecture IS NOT NULL"
            ).fetchall()
        ]
        areas = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT territory FROM accounts WHERE territory IS NOT NULL"
            ).fetchall()
        ]
    pages = []
    for p in prefs[:20]:
        pages.append(f"/accounts?prefecture={p}&segment=B&segment=B%2BC&limit=100")
        pages.append(f"/accounts?prefecture={p}&min_score=0.5&sort=-sales_amount&limit=100")
    for a in areas:
        pages.append(f"/accounts?territory={a}&tier=2&tier=3&limit=100")
        pages.append(f"/accounts?territory={a}&buying_power_decile=1&limit=100&offset=100")
    pages += [
        "/accounts?tier=1&limit=100",
        "/accounts?segment=S%2BB%2BC&limit=100",
        "/accounts?abc_class=A&limit=100",
    ]
    return {
        "filtered page of 100": pages,
        "name search page of 100": [
            f"/accounts?q={q}&limit=100" for q in ("工業", "商事", "建設", "電機", "ホールディングス")
        ],
        "account detail": [f"/accounts/{i}" for i in ids],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--companies", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--cache", type=Path, default=Path("bench_cache/api"))
    ap.add_argument("--requests", type=int, default=2000, help="At most this many requests per measurement.")
    ap.add_argument("--seconds", type=float, default=60, help="At most this long per measurement.")
    ap.add_argument("--clients", type=int, default=4, help="Concurrent clients for the throughput figure.")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    db = build(args.cache, args.companies, args.seed)
    with duckdb.connect(str(db), read_only=True) as con:
        n = con.execute("SELECT count(*) FROM accounts").fetchone()[0]
    port = free_port()
    proc = start_server(db, port)
    base = f"http://127.0.0.1:{port}"
    try:
        httpx2.get(f"{base}/accounts?q=warmup&limit=1", headers={"X-API-Key": KEY}, timeout=120)  # name index
        print(
            f"\n{n:,} accounts ({args.companies:,} master companies), server on {base}, "
            f"{os.cpu_count()} cores"
        )
        print("| scenario | clients | requests | p50 ms | p99 ms | req/s |")
        print("| --- | --- | --- | --- | --- | --- |")
        for name, urls in scenarios(db).items():
            for clients in (1, args.clients):
                m = measure(base, urls, args.requests, args.seconds, clients)
                row = (name, clients, m["n"], f"{m['p50_ms']:.1f}", f"{m['p99_ms']:.1f}", f"{m['rps']:.0f}")
                print("| " + " | ".join(str(v) for v in row) + " |")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
