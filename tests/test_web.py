"""The workspace (api.web) through httpx against a real published run: logins, CSRF, scopes, the
target list filtered by the API's own filter, downloads, and review decisions in the lasting store.

Expected answers come from the DuckDB file itself and from the API's JSON for the same filters."""

from __future__ import annotations

import io
import re
import threading
from pathlib import Path

import duckdb
import polars as pl
import pytest
from fastapi.testclient import TestClient
from helpers import sample_run

from abm.config.settings import load_settings
from abm.matching.decision_store import read_decisions, record_decisions
from api.main import create_app

REVIEWER_KEY = "web-reviewer-key-0001"
READ_KEY = "web-read-key-0002"
KEYS = [
    {"name": "marketer", "key": REVIEWER_KEY, "scopes": ["read", "read:contacts", "review"]},
    {"name": "viewer", "key": READ_KEY, "scopes": ["read"]},
]
CSRF = re.compile(r'name="csrf" value="([^"]*)"')


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    _inputs, db, values = sample_run(tmp_path_factory.mktemp("web"))
    return db, values


@pytest.fixture
def app(run, tmp_path: Path):
    _db, values = run
    store = tmp_path / "decisions.csv"
    settings = load_settings(None, **{**values, "run.decisions": store, "api.keys": KEYS})
    return create_app(settings)


def login(app, key: str) -> TestClient:
    client = TestClient(app, raise_server_exceptions=False)
    form = client.get("/w/login")
    token = CSRF.search(form.text).group(1)
    r = client.post("/w/login", data={"key": key, "csrf": token, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    return client


def csrf_of(client: TestClient, path: str = "/w/review") -> str:
    return CSRF.search(client.get(path).text).group(1)


def first_pair(client: TestClient) -> tuple[str, str]:
    m = re.search(r'class="pair" data-key="([^:"]+):([^"]+)"', client.get("/w/review").text)
    assert m, "the sample run has pairs to review"
    return m.group(1), m.group(2)


def left(client: TestClient) -> int:
    count = re.search(r'id="left">残り ([\d,]+) 件', client.get("/w/review").text)
    return int(count.group(1).replace(",", ""))


def test_pages_redirect_to_login_and_back(app):
    client = TestClient(app)
    for path in ("/", "/w/account/1", "/w/review", "/w/runs", "/w/export.csv"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/w/login?next=")
    r = client.get("/?tier=1", follow_redirects=False)
    assert r.headers["location"] == "/w/login?next=%2F%3Ftier%3D1"
    page = client.get("/w/login?next=//evil.example/x").text  # never sends anyone off-site
    assert 'name="next" value="/"' in page


def test_login_sets_a_signed_httponly_strict_cookie_that_never_holds_the_key(app):
    client = TestClient(app)
    token = CSRF.search(client.get("/w/login").text).group(1)
    r = client.post("/w/login", data={"key": REVIEWER_KEY, "csrf": token}, follow_redirects=False)
    cookie = r.headers["set-cookie"]
    assert r.status_code == 303
    assert (
        "abm_session=" in cookie
        and "HttpOnly" in cookie
        and "SameSite=strict" in cookie.replace("samesite", "SameSite")
    )
    assert REVIEWER_KEY not in cookie and REVIEWER_KEY not in r.headers.get("location", "")
    assert client.get("/").status_code == 200
    # a tampered cookie is no session
    value = client.cookies["abm_session"]
    client.cookies.clear()  # the jar holds the server's cookie under its domain: replace it, not add one
    client.cookies.set("abm_session", value[:-1] + ("0" if value[-1] != "0" else "1"))
    assert client.get("/", follow_redirects=False).status_code == 303


def test_wrong_key_and_forged_login_form_are_refused(app):
    client = TestClient(app)
    token = CSRF.search(client.get("/w/login").text).group(1)
    r = client.post("/w/login", data={"key": "not-a-key", "csrf": token}, follow_redirects=False)
    assert r.status_code == 401 and "API キーが正しくありません" in r.text
    assert "abm_session" not in r.headers.get("set-cookie", "")
    other = TestClient(app)  # a page on another site posting the form: no login cookie, no token
    r = other.post("/w/login", data={"key": REVIEWER_KEY, "csrf": token}, follow_redirects=False)
    assert r.status_code == 403 and "abm_session" not in r.headers.get("set-cookie", "")


def test_post_without_or_with_a_wrong_csrf_token_records_nothing(app):
    client = login(app, REVIEWER_KEY)
    source, key = first_pair(client)
    store = app.state.settings.run.decisions
    another_session = csrf_of(login(app, REVIEWER_KEY))
    for data in ({}, {"csrf": "0" * 64}, {"csrf": another_session}):
        pair = {"source": source, "source_key": key, "action": "not"}
        r = client.post("/w/review", data={**data, **pair}, follow_redirects=False)
        assert r.status_code == 403 and "フォームの有効期限" in r.text
    assert not store.exists()


def test_read_key_cannot_record_a_decision(app):
    client = login(app, READ_KEY)
    source, key = first_pair(client)
    page = client.get("/w/review").text
    assert 'id="no-review-scope"' in page and 'value="link"' not in page
    r = client.post(
        "/w/review",
        data={"csrf": csrf_of(client), "source": source, "source_key": key, "action": "not"},
        follow_redirects=False,
    )
    assert r.status_code == 403 and "review 権限" in r.text
    assert not app.state.settings.run.decisions.exists()


def test_review_decisions_land_in_the_store_with_who_and_when(app, run):
    db, _ = run
    client = login(app, REVIEWER_KEY)
    before = left(client)
    source, key = first_pair(client)
    r = client.post(
        "/w/review",
        data={"csrf": csrf_of(client), "source": source, "source_key": key, "action": "link", "note": "同社"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert left(client) == before - 1
    stored = read_decisions(app.state.settings.run.decisions)
    with duckdb.connect(str(db), read_only=True) as con:
        candidate, name = con.execute(
            "SELECT company_id, source_name FROM match_review WHERE source = ? AND source_key = ?",
            [source, key],
        ).fetchone()
    columns = ("source", "source_key", "company_id", "decided_by", "note", "source_name")
    assert stored.select(columns).rows() == [(source, key, candidate, "marketer", "同社", name)]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", stored["decided_at"][0])


def test_another_company_must_exist_and_the_pair_must_be_in_the_queue(app):
    client = login(app, REVIEWER_KEY)
    source, key = first_pair(client)
    token = csrf_of(client)
    r = client.post(
        "/w/review",
        data={"csrf": token, "source": source, "source_key": key, "action": "other", "company_id": "nope"},
    )
    assert r.status_code == 400 and "企業マスターにありません" in r.text
    r = client.post(
        "/w/review", data={"csrf": token, "source": "sales", "source_key": "NO-SUCH", "action": "not"}
    )
    assert r.status_code == 404
    assert not app.state.settings.run.decisions.exists()


def test_logout_ends_the_session(app):
    client = login(app, REVIEWER_KEY)
    cookie = client.cookies["abm_session"]
    r = client.post("/w/logout", data={"csrf": csrf_of(client, "/")}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/w/login"
    replay = TestClient(app)
    replay.cookies.set("abm_session", cookie)  # the old cookie, replayed: no longer a session
    assert replay.get("/", follow_redirects=False).status_code == 303


def test_target_list_filters_exactly_like_the_api(app, run):
    db, _ = run
    client = login(app, READ_KEY)
    page = client.get("/", params={"tier": "1", "prefecture": "東京都", "segment": "", "q": ""}).text
    total = int(re.search(r'id="total">([\d,]+)', page).group(1).replace(",", ""))
    api = client.get("/accounts", params={"tier": 1, "prefecture": "東京都"}, headers={"X-API-Key": READ_KEY})
    with duckdb.connect(str(db), read_only=True) as con:
        sql = "SELECT count(*) FROM accounts WHERE tier = 1 AND prefecture = '東京都'"
        (expected,) = con.execute(sql).fetchone()
    assert total == api.json()["total"] == expected > 0
    cells = re.findall(r'<td class="pref">([^<]*)</td>', page)
    tiers = re.findall(r'<td class="tier">([^<]*)</td>', page)
    assert len(cells) == len(tiers) == min(total, 50)
    assert set(cells) == {"東京都"} and set(tiers) == {"Tier 1"}
    bad = client.get("/", params={"tier": "9"})
    assert bad.status_code == 400 and "絞り込み条件「ティア」" in bad.text


def test_downloads_hold_exactly_the_filtered_rows(app, run):
    db, _ = run
    client = login(app, READ_KEY)
    params = {"tier": ["1", "2"], "prefecture": "東京都"}
    with duckdb.connect(str(db), read_only=True) as con:
        expected = sorted(
            r[0]
            for r in con.execute(
                "SELECT account_id FROM accounts WHERE tier IN (1, 2) AND prefecture = '東京都'"
            ).fetchall()
        )
    csv = client.get("/w/export.csv", params=params)
    assert csv.status_code == 200 and csv.content.startswith("\ufeff".encode())  # BOM: Excel reads UTF-8
    frame = pl.read_csv(io.BytesIO(csv.content), schema_overrides={"account_id": pl.String})
    assert sorted(frame["account_id"]) == expected
    xlsx = client.get("/w/export.xlsx", params=params)
    sheet = pl.read_excel(io.BytesIO(xlsx.content), schema_overrides={"account_id": pl.String})
    assert sorted(sheet["account_id"]) == expected and set(sheet["prefecture"]) == {"東京都"}


def test_contacts_only_with_read_contacts_and_only_with_consent(app, run):
    db, _ = run
    with duckdb.connect(str(db), read_only=True) as con:
        account_id, email = con.execute(
            """SELECT m.account_id, c.email FROM matches m JOIN contacts c ON c.contact_id = m.source_key
               WHERE m.source = 'contacts' AND m.status = 'auto' AND c.opt_in AND c.opted_out_at IS NULL
                 AND c.email IS NOT NULL
               ORDER BY m.account_id LIMIT 1"""
        ).fetchone()
    full = login(app, REVIEWER_KEY).get(f"/w/account/{account_id}")
    assert full.status_code == 200 and email in full.text and full.headers["cache-control"] == "no-store"
    limited = login(app, READ_KEY).get(f"/w/account/{account_id}").text
    assert email not in limited and 'id="contacts-withheld"' in limited


def test_every_page_is_japanese_and_loads_nothing_from_elsewhere(app):
    client = login(app, REVIEWER_KEY)
    account = re.search(r'href="(/w/account/[^"]+)"', client.get("/").text).group(1)
    for path, title in (
        ("/", "ターゲット一覧"),
        (account, "企業情報"),
        ("/w/whitespace", "ホワイトスペース"),
        ("/w/review", "名寄せレビュー"),
        ("/w/territories", "テリトリー"),
        ("/w/runs", "実行履歴"),
    ):
        r = client.get(path)
        assert r.status_code == 200 and title in r.text, path
        assert "default-src 'self'" in r.headers["content-security-policy"]
        links = re.findall(r'(?:src|href)="([^"]+)"', r.text)
        assert links and all(u.startswith(("/", "?")) for u in links), path  # no CDN, no other host
    assert client.get("/w/static/app.js").status_code == 200


def test_two_reviewers_recording_at_once_lose_nothing(tmp_path):
    store = tmp_path / "decisions.csv"

    def decide(who: int) -> None:
        for i in range(20):
            one = pl.DataFrame({"source": ["sales"], "source_key": [f"K{who}-{i}"], "company_id": [str(i)]})
            record_decisions(store, one, decided_by=f"r{who}")

    threads = [threading.Thread(target=decide, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stored = read_decisions(store)
    assert stored.height == 80 and stored["source_key"].n_unique() == 80
    assert store.read_text(encoding="utf-8").count("source,source_key") == 1  # one header


def test_the_why_column_is_the_published_why(app, run):
    db, _ = run
    client = login(app, READ_KEY)
    page = client.get("/", params={"tier": "1"}).text
    first = re.search(r'href="/w/account/([^"]+)"', page).group(1)
    cell = re.search(r'<td class="why">([^<]*)</td>', page).group(1)
    with duckdb.connect(str(db), read_only=True) as con:
        why, reason = con.execute(
            "SELECT why, tier_reason FROM accounts WHERE account_id = ?", [first]
        ).fetchone()
    assert cell == (why or reason) and cell


def test_english_pages_with_ui_language_en(run, tmp_path):
    _db, values = run
    settings = load_settings(
        None, **{**values, "run.decisions": tmp_path / "d.csv", "api.keys": KEYS, "ui.language": "en"}
    )
    client = login(create_app(settings), READ_KEY)
    page = client.get("/").text
    assert '<html lang="en">' in page and "Target list" in page and "ターゲット一覧" not in page
    bad = client.get("/", params={"tier": "9"})
    assert bad.status_code == 400 and "The filter &#39;Tier&#39; has an invalid value." in bad.text


def test_whitespace_is_non_customers_with_buying_power_and_downloads_the_same(app, run):
    db, _ = run
    client = login(app, READ_KEY)
    page = client.get("/w/whitespace").text
    total = int(re.search(r'id="total">([\d,]+)', page).group(1).replace(",", ""))
    with duckdb.connect(str(db), read_only=True) as con:
        expected = sorted(
            r[0]
            for r in con.execute("SELECT account_id FROM accounts WHERE segment IN ('B', 'B+C')").fetchall()
        )
    assert total == len(expected) > 0
    scores = [float(s) for s in re.findall(r'<td class="num">([\d.]+)</td>\s*<td class="num">', page)]
    assert scores == sorted(scores, reverse=True)  # by buying power, highest first
    link = re.search(r'id="dl-csv" href="([^"]+)"|href="([^"]+)" id="dl-csv"', page)
    href = (link.group(1) or link.group(2)).replace("&amp;", "&")
    frame = pl.read_csv(io.BytesIO(client.get(href).content), schema_overrides={"account_id": pl.String})
    assert sorted(frame["account_id"]) == expected


def test_dev_server_logs_anyone_in_read_only(run, tmp_path):
    _db, values = run
    settings = load_settings(None, **{**values, "run.decisions": tmp_path / "d.csv", "api.dev_no_keys": True})
    client = login(create_app(settings), "anything")
    page = client.get("/w/review").text
    assert 'id="who">dev<' in page and 'id="no-review-scope"' in page
