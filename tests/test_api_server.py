"""The API as deployed: `abm serve` in its own process on 127.0.0.1, while `abm run` publishes.

A separate process is the real situation: DuckDB's file locks are per process, so only this shows
that the server's open read-only handle never blocks a pipeline run, and that the next request
after the atomic swap serves the new run.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time

import duckdb
import httpx2
import pytest
from helpers import (
    CONTACTS,
    CONTACTS_KEY,
    KEYS,
    READ,
    READ_KEY,
    build_api_db,
    readme_curl_commands,
    run_settings,
)

from pipelines import project


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, timeout: float, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"not true within {timeout}s")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    inputs, built = build_api_db(tmp_path_factory.getbasetemp() / "api")  # the session's database
    tmp_path = tmp_path_factory.mktemp("served")
    db = tmp_path / "abm.duckdb"
    db.write_bytes(built.read_bytes())
    port = free_port()
    env = {**os.environ, "ABM_API__KEYS": json.dumps(KEYS)}
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
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    output: list[str] = []  # the server's stdout and stderr, line by line, as it writes them
    threading.Thread(target=lambda: output.extend(ln.decode() for ln in proc.stdout), daemon=True).start()

    def up() -> bool:
        if proc.poll() is not None:
            time.sleep(0.5)
            raise AssertionError("".join(output))
        try:
            return httpx2.get(f"{base}/health", timeout=1).status_code == 200
        except httpx2.TransportError:
            return False

    try:
        wait_until(up, timeout=30)
        yield base, db, inputs, output
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_served_over_loopback(server):
    base, _db, _inputs, _output = server
    with httpx2.Client(base_url=base, timeout=10) as c:
        assert c.get("/accounts").status_code == 401
        page = c.get("/accounts", params={"tier": 1, "limit": 5}, headers=READ).json()
        assert len(page["items"]) == 5 and all(a["tier"] == 1 for a in page["items"])
        assert c.get("/openapi.json").json()["components"]["securitySchemes"]
        docs = c.get("/docs")  # served with its assets by the app itself: works without internet
        assert docs.status_code == 200 and "https://" not in docs.text
        assert c.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


def test_a_run_published_while_serving_is_served_next(server):
    base, db, inputs, _output = server
    statuses: list[int] = []
    stop = threading.Event()

    def keep_reading() -> None:  # requests during the whole run must keep succeeding
        with httpx2.Client(base_url=base, timeout=10) as c:
            while not stop.is_set():
                statuses.append(c.get("/accounts", params={"limit": 20}, headers=READ).status_code)

    with httpx2.Client(base_url=base, timeout=10) as c:
        before = c.get("/runs/latest", headers=READ).json()["run_id"]
        reader = threading.Thread(target=keep_reading)
        reader.start()
        try:
            result = project.run(run_settings(inputs, db))  # the server holds the file open meanwhile
        finally:
            stop.set()
            reader.join(timeout=30)
        assert result.run_id != before
        latest = c.get("/runs/latest", headers=READ).json()["run_id"]
        assert latest == result.run_id  # the very next request serves the new run
        assert [r["run_id"] for r in c.get("/runs", headers=READ).json()][:2] == [result.run_id, before]
    assert statuses and set(statuses) == {200}


def test_access_log_has_one_line_per_request_and_no_secrets(server):
    """In the real server's output: time, key name, method, path, status, ms; no key, query or email."""
    base, db, _inputs, output = server
    with duckdb.connect(str(db), read_only=True) as con:
        account = con.execute(
            "SELECT m.account_id FROM matches m JOIN contacts c ON m.source = 'contacts' "
            "AND m.source_key = c.contact_id WHERE c.opt_in AND c.opted_out_at IS NULL "
            "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
        ).fetchone()[0]

    def access_lines() -> list[str]:
        return [ln for ln in list(output) if " abm.api.access " in ln]

    before = len(access_lines())
    with httpx2.Client(base_url=base, timeout=10) as c:
        contacts = c.get(f"/accounts/{account}/contacts", headers=CONTACTS)
        emails = [p["email"] for p in contacts.json()]
        assert contacts.status_code == 200 and emails
        assert c.get("/accounts", params={"q": "secret-search", "limit": 3}, headers=READ).status_code == 200
        assert c.get("/accounts", headers={"X-API-Key": "wrong-key-value"}).status_code == 401
    lines = wait_until(lambda: access_lines()[before:] if len(access_lines()) >= before + 3 else None, 10)
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ abm\.api\.access INFO"
    assert re.fullmatch(stamp + rf" GET /accounts/{account}/contacts 200 [\d.]+ms key=crm\s*", lines[0])
    assert re.fullmatch(stamp + r" GET /accounts 200 [\d.]+ms key=reader\s*", lines[1])
    assert re.fullmatch(stamp + r" GET /accounts 401 [\d.]+ms key=-\s*", lines[2])
    text = "".join(output)
    leaked = [s for s in [READ_KEY, CONTACTS_KEY, "wrong-key-value", "secret-search", *emails] if s in text]
    assert leaked == [] and "@" not in text


def test_readme_curl_examples_work(server, tmp_path):
    """README's curl lines, run as written against the live server, answer 200; the Japanese `q=`
    reaches the server intact (same answer as the value sent by httpx)."""

    base, _db, _inputs, _output = server
    commands = [c for c in readme_curl_commands() if '"$API/' in c]
    assert len(commands) >= 3
    env = {"PATH": os.environ["PATH"], "KEY": READ_KEY, "API": base}
    for command in commands:
        result = subprocess.run(
            ["bash", "-c", command.replace("curl ", "curl -sS -w '\\n%{http_code}' ", 1)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        body, _, status = result.stdout.rpartition("\n")
        assert status == "200", (command, result.stdout[-500:], result.stderr)
        if "q=" in command:
            q = re.search(r'"q=([^"]+)"', command).group(1)
            with httpx2.Client(base_url=base, timeout=10) as c:
                expected = c.get("/accounts", params={"q": q}, headers=READ).json()
            assert json.loads(body) == expected
    assert (tmp_path / "targets.csv").stat().st_size > 0
