"""The workspace in a real browser: Playwright driving the system Chromium (no browser download) against
`abm serve`'s app on a loopback port. A marketer logs in, filters Tier 1 in 東京都, opens an account,
records a 名寄せ decision, the next `abm run` applies it; a read-only key sees no contact data."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import uvicorn
from fixtures import sample_run

from abm.config.settings import load_settings
from api.main import create_app
from pipelines import project

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")]

REVIEWER_KEY = "browser-reviewer-key-01"
READ_KEY = "browser-read-key-02"
KEYS = [
    {"name": "marketer", "key": REVIEWER_KEY, "scopes": ["read", "read:contacts", "review"]},
    {"name": "viewer", "key": READ_KEY, "scopes": ["read"]},
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, dict, Path]]:
    """A fresh published run served on loopback: (base URL, settings values, db)."""
    _inputs, db, values = sample_run(tmp_path)
    values = {**values, "api.keys": KEYS, "api.access_log": False}
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(load_settings(None, **values)),
            host="127.0.0.1",
            port=_free_port(),
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the workspace server did not start"
    yield f"http://127.0.0.1:{server.config.port}", values, db
    server.should_exit = True
    thread.join(timeout=10)


def _login(page, base: str, key: str) -> None:
    page.goto(base + "/")
    assert "/w/login" in page.url  # every page asks for the key first
    page.fill("#key", key)
    page.click("#login")
    page.wait_for_url(base + "/")


def test_marketer_filters_opens_reviews_and_sees_the_decision_applied(served):
    base, values, db = served
    with duckdb.connect(str(db), read_only=True) as con:
        (tokyo_tier1,) = con.execute(
            "SELECT count(*) FROM accounts WHERE tier = 1 AND prefecture = '東京都'"
        ).fetchone()
        account_id, email = con.execute(
            """SELECT m.account_id, c.email FROM matches m JOIN contacts c ON c.contact_id = m.source_key
               WHERE m.source = 'contacts' AND m.status = 'auto' AND c.opt_in AND c.opted_out_at IS NULL
                 AND c.email IS NOT NULL ORDER BY m.account_id LIMIT 1"""
        ).fetchone()
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(locale="ja-JP")
            _login(page, base, REVIEWER_KEY)
            assert page.inner_text("#who") == "marketer"

            # ターゲット一覧: Tier 1 in 東京都
            page.select_option("#f-tier", "1")
            page.select_option("#f-prefecture", "東京都")
            page.click("#apply")
            page.wait_for_url("**/?*tier=1*")
            assert int(page.inner_text("#total").replace(",", "")) == tokyo_tier1 > 0
            assert set(page.locator("#accounts td.pref").all_inner_texts()) == {"東京都"}
            assert set(page.locator("#accounts td.tier").all_inner_texts()) == {"Tier 1"}

            # アカウント詳細
            name = page.locator("#accounts td.name a").first.inner_text()
            page.locator("#accounts td.name a").first.click()
            page.wait_for_url("**/w/account/*")
            assert page.inner_text("#account-name") == name
            assert page.locator("#why").inner_text().strip() and page.locator("#circles li").count() == 3

            # contacts with read:contacts
            page.goto(f"{base}/w/account/{account_id}")
            assert email in page.inner_text("#contacts")

            # 名寄せレビュー: link the first pair to its candidate
            page.goto(base + "/w/review")
            left = int(page.inner_text("#left").split()[1].replace(",", ""))
            pair = page.locator("article.pair").first
            source, key = pair.get_attribute("data-key").split(":", 1)
            pair.locator("button.link-btn").click()
            page.wait_for_selector("#flash")
            assert int(page.inner_text("#left").split()[1].replace(",", "")) == left - 1
            with duckdb.connect(str(db), read_only=True) as con:
                (candidate,) = con.execute(
                    "SELECT company_id FROM match_review WHERE source = ? AND source_key = ?", [source, key]
                ).fetchone()

            # the next run applies it; the server follows the new file on the next request
            project.run(load_settings(None, **values))
            with duckdb.connect(str(db), read_only=True) as con:
                status, company, linked_account = con.execute(
                    "SELECT status, company_id, account_id FROM matches WHERE source = ? AND source_key = ?",
                    [source, key],
                ).fetchone()
            assert (status, company) == ("manual", candidate)
            page.goto(f"{base}/w/account/{linked_account}")
            row = page.locator(f'#records tr[data-key="{source}:{key}"]')
            assert row.locator("td.status").inner_text() == "手動 (レビュー済)"
            page.goto(base + "/w/review")
            assert int(page.inner_text("#left").split()[1].replace(",", "")) == left - 1

            # a read-only key: no contact data, no review buttons
            viewer = browser.new_context(locale="ja-JP").new_page()
            _login(viewer, base, READ_KEY)
            viewer.goto(f"{base}/w/account/{account_id}")
            assert email not in viewer.content()
            assert viewer.is_visible("#contacts-withheld")
            viewer.goto(base + "/w/review")
            assert viewer.is_visible("#no-review-scope") and viewer.locator("button.link-btn").count() == 0
        finally:
            browser.close()
