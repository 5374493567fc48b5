"""The HTTP API through httpx (FastAPI's TestClient) against a database built by a real `abm run`.

Expected answers come from querying the same DuckDB file directly: the API must return exactly
what the published tables hold, filtered and sorted as asked.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient
from helpers import CONTACTS, CONTACTS_KEY, READ, READ_KEY, build_api_db, make_app

from abm.config.settings import load_settings
from abm.errors import ConfigError
from abm.matching.review import export_review
from abm.published.export import export_targets
from abm.published.reader import PublishedFile
from api.main import create_app
from api.queries import normalise_query


@pytest.fixture(scope="session")
def api_data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return build_api_db(tmp_path_factory.getbasetemp() / "api")


@pytest.fixture(scope="session")
def api_db(api_data) -> Path:
    return api_data[1]


@pytest.fixture(scope="module")
def client(api_db):
    with TestClient(make_app(api_db), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def con(api_db):
    c = duckdb.connect(str(api_db), read_only=True)
    yield c
    c.close()


def ids(con, sql: str, params=None) -> list[str]:
    return [r[0] for r in con.execute(sql, params or {}).fetchall()]


def account_with_contacts(con) -> str:
    return con.execute(
        "SELECT company_id FROM matches WHERE source = 'contacts' AND status IN ('auto', 'manual') "
        "AND company_id IS NOT NULL GROUP BY company_id ORDER BY count(*) DESC, company_id LIMIT 1"
    ).fetchone()[0]


# --- keys and scopes ------------------------------------------------------------------------------


def test_health_needs_no_key(client, con):
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["run_id"] == con.execute("SELECT max(run_id) FROM runs").fetchone()[0]


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong"}, {"X-API-Key": READ_KEY + "x"}])
def test_missing_or_wrong_key_is_401(client, headers):
    for path in ("/accounts", "/runs", "/segments", "/exports/targets.csv"):
        r = client.get(path, headers=headers)
        assert r.status_code == 401, path
        assert r.json() == {"status": 401, "message": "missing or unknown API key (header X-API-Key)"}


def test_contacts_need_their_scope(client, con):
    account = account_with_contacts(con)
    r = client.get(f"/accounts/{account}/contacts", headers=READ)
    assert r.status_code == 403
    assert "read:contacts" in r.json()["message"]

    withheld = client.get(f"/accounts/{account}", headers=READ).json()
    assert withheld["contacts"] is None and withheld["contacts_withheld"] is True
    assert "@" not in json.dumps(withheld)  # no email anywhere in the answer

    allowed = client.get(f"/accounts/{account}", headers=CONTACTS).json()
    expected = ids(
        con,
        "SELECT c.email FROM contacts c JOIN matches m ON m.source = 'contacts' "
        "AND m.source_key = c.contact_id AND m.status IN ('auto', 'manual') "
        "WHERE m.company_id = $a AND c.opt_in AND (c.opted_out_at IS NULL OR c.opted_out_at > "
        "greatest((SELECT as_of FROM runs ORDER BY finished_at DESC LIMIT 1), current_date)) "
        "ORDER BY c.contact_id",
        {"a": account},
    )
    assert [c["email"] for c in allowed["contacts"]] == expected and expected  # consenting people only
    assert allowed["contacts_withheld"] is False
    listed = client.get(f"/accounts/{account}/contacts", headers=CONTACTS).json()
    assert [c["email"] for c in listed] == expected


def test_refuses_to_start_without_keys(api_db):
    with pytest.raises(ConfigError, match="no API keys"):
        create_app(load_settings(None, **{"run.db": api_db}))
    dev = TestClient(create_app(load_settings(None, **{"run.db": api_db, "api.dev_no_keys": True})))
    assert dev.get("/segments").status_code == 200  # dev: anyone reads ...
    some = dev.get("/accounts?limit=1").json()["items"][0]["account_id"]
    assert dev.get(f"/accounts/{some}/contacts").status_code == 403  # ... but never contacts


def test_keys_from_environment(api_db, monkeypatch):
    monkeypatch.setenv("ABM_API__KEYS", json.dumps([{"name": "env", "key": "from-env", "scopes": ["read"]}]))
    c = TestClient(create_app(load_settings(None, **{"run.db": api_db})))
    assert c.get("/segments", headers={"X-API-Key": "from-env"}).status_code == 200
    assert c.get("/segments", headers=READ).status_code == 401


# --- parameters and errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("tier=9", "tier"),
        ("limit=1001", "limit"),
        ("limit=0", "limit"),
        ("sort=revenue;drop", "sort"),
        ("min_score=2", "min_score"),
        ("segment=X", "segment"),
        ("nonsense=1", "nonsense"),
        ("offset=-1", "offset"),
    ],
)
def test_bad_parameters_are_422_with_the_parameter_named(client, query, parameter):
    r = client.get(f"/accounts?{query}", headers=READ)
    assert r.status_code == 422
    body = r.json()
    assert body["status"] == 422 and parameter in body["message"]


def test_unknown_account_is_404_json(client):
    r = client.get("/accounts/no-such-account", headers=READ)
    assert r.status_code == 404 and "no-such-account" in r.json()["message"]


def test_database_missing_is_503(tmp_path):
    c = TestClient(make_app(tmp_path / "none.duckdb"))
    assert c.get("/health").json()["database"] == "missing"
    r = c.get("/accounts", headers=READ)
    assert r.status_code == 503 and "abm run" in r.json()["message"]
    assert str(tmp_path) not in r.text  # the file's name, not the server's folders


# --- accounts -------------------------------------------------------------------------------------


def test_filters_and_sort_match_the_table(client, con):
    r = client.get("/accounts?tier=1&tier=2&sort=-buying_power_score&limit=1000", headers=READ).json()
    expected = ids(
        con,
        "SELECT account_id FROM accounts WHERE tier IN (1, 2) "
        "ORDER BY buying_power_score DESC NULLS LAST, account_id",
    )
    assert [a["account_id"] for a in r["items"]] == expected and r["total"] == len(expected) > 0

    pref = con.execute(
        "SELECT prefecture FROM accounts WHERE segment = 'B' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]
    r = client.get(
        "/accounts",
        params={
            "segment": ["B", "B+C"],
            "prefecture": pref,
            "min_score": 0.5,
            "sort": "account_id",
            "limit": 1000,
        },
        headers=READ,
    ).json()
    expected = ids(
        con,
        "SELECT account_id FROM accounts WHERE segment IN ('B', 'B+C') AND prefecture = $p "
        "AND buying_power_score >= 0.5 ORDER BY account_id",
        {"p": pref},
    )
    assert [a["account_id"] for a in r["items"]] == expected and expected

    r = client.get("/accounts?abc_class=A&revenue_decile=1&limit=1000", headers=READ).json()
    assert {a["account_id"] for a in r["items"]} == set(
        ids(con, "SELECT account_id FROM accounts WHERE abc_class = 'A' AND revenue_decile = 1")
    )
    assert all(a["abc_class"] == "A" and a["revenue_decile"] == 1 for a in r["items"])


def test_default_order_is_priority_and_pages_tile_the_list(client, con):
    pages, offset = [], 0
    while offset is not None:
        body = client.get(f"/accounts?tier=3&limit=10&offset={offset}", headers=READ).json()
        pages += [a["account_id"] for a in body["items"]]
        offset = body["next_offset"]
    expected = ids(
        con,
        "SELECT account_id FROM accounts WHERE tier = 3 "
        "ORDER BY priority_score DESC NULLS LAST, sales_amount DESC, account_id",  # PRIORITY within a tier
    )
    assert pages == expected and len(expected) > 10


def test_name_search_normalises_like_the_matcher(client, con):
    account, name = con.execute(
        "SELECT account_id, name FROM accounts WHERE name LIKE '株式会社%' AND in_master "
        "ORDER BY account_id LIMIT 1"
    ).fetchone()
    core = name.removeprefix("株式会社")
    # what a user types: the legal form abbreviated, half-width kana / full-width latin, a branch suffix
    typed = "㈱" + "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in core) + " 東京支店"
    body = client.get("/accounts", params={"q": typed, "limit": 1000}, headers=READ).json()
    assert account in [a["account_id"] for a in body["items"]]
    assert body["total"] < con.execute("SELECT count(*) FROM accounts").fetchone()[0]  # it did filter

    cn = con.execute(
        "SELECT account_id, corporate_number FROM accounts WHERE corporate_number IS NOT NULL "
        "ORDER BY account_id LIMIT 1"
    ).fetchone()
    found = client.get("/accounts", params={"q": cn[1]}, headers=READ).json()
    assert cn[0] in [a["account_id"] for a in found["items"]]


def test_account_detail(client, con):
    account = account_with_contacts(con)
    body = client.get(f"/accounts/{account}", headers=READ).json()
    row = con.execute(
        "SELECT name, tier, segment, closed FROM accounts WHERE account_id = $a", {"a": account}
    ).fetchone()
    got = body["account"]
    assert (got["name"], got["tier"], got["segment"], got["closed"]) == row
    sales_total = con.execute(
        "SELECT coalesce(sum(s.amount), 0) FROM sales s JOIN matches m ON m.source = 'sales' "
        "AND m.source_key = s.customer_code AND m.status IN ('auto', 'manual') WHERE m.company_id = $a",
        {"a": account},
    ).fetchone()[0]
    assert sum(p["amount"] for p in body["sales_by_period"]) == pytest.approx(sales_total)
    assert all(p["period"].startswith("FY") for p in body["sales_by_period"])
    assert {r["source"] for r in body["linked_records"]} >= {"contacts"}
    assert all(r["status"] in ("auto", "manual") for r in body["linked_records"])
    assert [h["run_id"] for h in body["history"]] == ids(
        con, "SELECT run_id FROM account_history WHERE account_id = $a ORDER BY as_of, run_id", {"a": account}
    )


def test_detail_of_an_account_outside_the_master(client, con):
    account = con.execute(
        "SELECT account_id FROM accounts WHERE NOT in_master AND customer_codes > 0 "
        "ORDER BY account_id LIMIT 1"
    ).fetchone()[0]
    body = client.get(f"/accounts/{account}", headers=READ).json()
    codes = ids(
        con,
        "SELECT source_key FROM matches WHERE source = 'sales' AND account_id = $a ORDER BY source_key",
        {"a": account},
    )
    assert (
        sorted(r["source_key"] for r in body["linked_records"] if r["source"] == "sales") == codes and codes
    )
    total = con.execute(
        "SELECT sum(amount) FROM sales WHERE list_contains($codes, customer_code)", {"codes": codes}
    ).fetchone()[0]
    assert sum(p["amount"] for p in body["sales_by_period"]) == pytest.approx(total)


def test_summaries(client, con):
    segments = client.get("/segments", headers=READ).json()
    assert [s["segment"] for s in segments] == ids(con, "SELECT segment FROM segments")
    deciles = client.get("/deciles", headers=READ).json()
    assert [d["decile"] for d in deciles] == list(range(1, 11))
    assert deciles[-1]["cumulative_share"] == pytest.approx(1.0)
    pareto = client.get("/pareto?limit=5&offset=5", headers=READ).json()
    assert [p["rank"] for p in pareto["items"]] == [6, 7, 8, 9, 10]
    assert pareto["total"] == con.execute("SELECT count(*) FROM pareto").fetchone()[0]
    runs = client.get("/runs", headers=READ).json()
    latest = client.get("/runs/latest", headers=READ).json()
    assert runs[0]["run_id"] == latest["run_id"]
    assert latest["input_files"]["sales"]["loaded"] > 0


def test_territories_served_when_present(client, con):
    present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    for path, table in (("/territories", "territory_balance"), ("/territories/changes", "territory_changes")):
        r = client.get(path, headers=READ)
        if table in present:
            assert r.status_code == 200
            assert len(r.json()) == con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        else:
            assert r.status_code == 404 and table in r.json()["message"]


def test_export_csv_honours_filters(client, con):
    total = client.get("/accounts?segment=B&limit=1", headers=READ).json()["total"]
    plain = client.get("/exports/targets.csv?segment=B&sort=account_id", headers=READ)
    assert plain.status_code == 200 and plain.headers["content-type"].startswith("text/csv")
    lines = plain.content.decode("utf-8").splitlines()
    assert lines[0].startswith("account_id,") and len(lines) == total + 1
    assert [ln.split(",")[0] for ln in lines[1:]] == ids(
        con, "SELECT account_id FROM accounts WHERE segment = 'B' ORDER BY account_id"
    )
    excel = client.get("/exports/targets.csv?segment=B&sort=account_id&excel=true", headers=READ).content
    assert excel.startswith(b"\xef\xbb\xbf") and b"\r\n" in excel
    assert excel.decode("utf-8-sig").splitlines() == lines


# --- logs -------------------------------------------------------------------------------------------


def test_no_personal_data_or_keys_in_logs(client, con, caplog):
    account = account_with_contacts(con)
    people = con.execute(
        "SELECT c.person_name, c.email, c.phone FROM contacts c JOIN matches m ON m.source = 'contacts' "
        "AND m.source_key = c.contact_id WHERE m.company_id = $a",
        {"a": account},
    ).fetchall()
    secrets = {v for row in people for v in row if v} | {READ_KEY, CONTACTS_KEY}
    assert any("@" in s for s in secrets)
    with caplog.at_level(logging.DEBUG):
        assert client.get(f"/accounts/{account}", headers=CONTACTS).status_code == 200
        assert client.get(f"/accounts/{account}/contacts", headers=CONTACTS).status_code == 200
        client.get(f"/accounts/{account}/contacts", headers=READ)  # a 403
        client.get("/accounts", params={"q": "x" * 101}, headers=CONTACTS)  # a 422
        client.get("/exports/targets.csv", headers=CONTACTS)
    assert f"/accounts/{account}" in caplog.text and "key=crm" in caplog.text  # the access log ran
    leaked = [s for s in secrets if s in caplog.text]
    assert leaked == []


# --- fresh data -------------------------------------------------------------------------------------


def publish_copy(source: Path, target: Path, run_id: str) -> None:
    """Publish like `abm run` does: write a new file beside the target and os.replace it over."""
    building = target.with_name(target.name + ".building")
    shutil.copy(source, building)
    c = duckdb.connect(str(building))
    c.execute(
        "UPDATE runs SET run_id = $r, finished_at = now()::TIMESTAMP + INTERVAL 1 DAY "
        "WHERE finished_at = (SELECT max(finished_at) FROM runs)",
        {"r": run_id},
    )
    c.execute(  # a run folds the name it publishes (accounts.name_norm), as the search reads it
        "UPDATE accounts SET name = $r, name_norm = $n "
        "WHERE account_id = (SELECT min(account_id) FROM accounts)",
        {"r": run_id, "n": normalise_query(run_id)},
    )
    c.execute("CHECKPOINT")
    c.close()
    os.replace(building, target)


def test_next_request_after_publish_sees_the_new_run(api_db, tmp_path):
    served = tmp_path / "abm.duckdb"
    publish_copy(api_db, served, "run-one")
    c = TestClient(make_app(served))
    first = min(ids(duckdb.connect(str(served), read_only=True), "SELECT account_id FROM accounts"))
    assert c.get("/runs/latest", headers=READ).json()["run_id"] == "run-one"
    publish_copy(api_db, served, "run-two")
    assert c.get("/runs/latest", headers=READ).json()["run_id"] == "run-two"
    detail = c.get(f"/accounts/{first}", headers=READ).json()
    assert detail["run_id"] == "run-two" and detail["account"]["name"] == "run-two"
    assert c.get("/accounts?q=run-two", headers=READ).json()["total"] == 1  # name index rebuilt too


def test_a_request_keeps_one_run_while_a_new_one_is_published(api_db, tmp_path):
    served = tmp_path / "abm.duckdb"
    publish_copy(api_db, served, "old")
    db = PublishedFile(served)
    with db.session() as during:
        publish_copy(api_db, served, "new")
        with db.session() as after:
            assert after.run_id == "new"
        # the request that started before the publish still reads its own run, consistently
        assert (
            during.cur.execute("SELECT max(run_id) FILTER (WHERE run_id = 'old') FROM runs").fetchone()[0]
            == "old"
        )
        old_handle = during.handle
    assert old_handle.retired  # closed once its last request finished
    with pytest.raises(Exception):  # noqa: B017 - any DuckDB "connection closed" error
        old_handle.con.execute("SELECT 1")
    db.close()


def test_file_and_in_memory_accounts_agree(api_db, client):
    query = "/accounts?segment=B&segment=S%2BB%2BC&min_score=0.3&sort=-revenue&limit=50&offset=10"
    with TestClient(make_app(api_db, **{"api.accounts_in_memory": False})) as from_file:
        assert from_file.get(query, headers=READ).json() == client.get(query, headers=READ).json()


# --- consent (APPI) ---------------------------------------------------------------------------------


def test_contacts_without_consent_are_counted_never_shown(tiny_db, tiny_con, tmp_path):
    """tests/helpers.py: L3 (ベータ工業) opted out on 2026-01-01, before as-of; L4 (イプシロン) never
    opted in; L1 (アルファ商事) consents. Their personal data never leaves, in no answer or export."""
    withheld_emails = ("jiro@beta-kogyo.co.jp", "saburo@gmail.com")
    with TestClient(make_app(tiny_db)) as c:
        for account in ("100000002", "100000005"):
            detail = c.get(f"/accounts/{account}", headers=CONTACTS)
            body = detail.json()
            assert detail.status_code == 200 and body["contacts"] == []
            assert body["contacts_withheld_no_consent"] == 1
            assert detail.headers["cache-control"] == "no-store"
            # and they keep not counting toward the C circle
            assert body["account"]["has_contacts"] is False and "C" not in body["account"]["segment"]
            listed = c.get(f"/accounts/{account}/contacts", headers=CONTACTS)
            assert listed.json() == [] and listed.headers["x-contacts-withheld-no-consent"] == "1"
            assert listed.headers["cache-control"] == "no-store"
            assert not any(e in detail.text + listed.text for e in withheld_emails)
        alpha = c.get("/accounts/100000001", headers=CONTACTS).json()
        assert [p["email"] for p in alpha["contacts"]] == ["taro@alpha-shoji.co.jp"]
        assert alpha["contacts_withheld_no_consent"] == 0 and alpha["account"]["has_contacts"] is True
        exported = c.get("/exports/targets.csv", headers=CONTACTS).text
    target_file, review_file = tmp_path / "t.csv", tmp_path / "r.csv"
    export_targets(tiny_db, target_file)
    export_review(tiny_db, review_file)
    for text in (exported, target_file.read_text("utf-8"), review_file.read_text("utf-8")):
        assert "@" not in text  # no export carries contact personal data at all
    flags = dict(
        tiny_con.execute(
            "SELECT account_id, has_contacts FROM accounts WHERE account_id IN ('100000002', '100000005')"
        ).fetchall()
    )
    assert flags == {"100000002": False, "100000005": False}


# --- hardening (issue #13) ---------------------------------------------------------------------------


def test_corrupt_database_is_503_with_a_clear_message(tmp_path):
    db = tmp_path / "abm.duckdb"
    db.write_bytes(b"not a duckdb file " * 1000)
    c = TestClient(make_app(db), raise_server_exceptions=False)
    for path, headers in (("/health", {}), ("/accounts", READ)):
        r = c.get(path, headers=headers)
        assert r.status_code == 503, path
        assert r.json()["message"] == (
            "database abm.duckdb cannot be read (corrupt or not a DuckDB file): "
            "publish it again with `abm run`"
        )
        assert str(tmp_path) not in r.text  # the server's path stays on the server


def test_runs_show_file_names_never_server_paths(client, con, api_data):
    inputs, _db = api_data
    stored = con.execute("SELECT input_files FROM runs ORDER BY finished_at DESC LIMIT 1").fetchone()[0]
    assert str(inputs) in stored  # the database keeps the full path for the operator ...
    answers = (client.get("/runs", headers=READ).json()[0], client.get("/runs/latest", headers=READ).json())
    for body in answers:
        files = {name: f["file"] for name, f in body["input_files"].items()}
        assert files and all("/" not in f and "\\" not in f for f in files.values())  # ... the API does not
        assert files["sales"] == Path(json.loads(stored)["sales"]["file"]).name
        assert str(inputs) not in json.dumps(body)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("/accounts?owner=a&owner=b", "owner"),
        ("/accounts?limit=1&limit=2", "limit"),
        ("/accounts?sort=name&sort=tier", "sort"),
        ("/exports/targets.csv?excel=true&excel=false", "excel"),
        ("/pareto?limit=1&limit=2", "limit"),
    ],
)
def test_a_repeated_single_value_parameter_is_422(client, query, parameter):
    r = client.get(query, headers=READ)
    assert r.status_code == 422
    message = f"invalid parameter 'query.{parameter}': given more than once; it takes one value"
    assert r.json()["message"] == message


def test_list_filters_may_repeat(client):
    assert client.get("/accounts?tier=1&tier=2&segment=B&segment=S%2BB", headers=READ).status_code == 200


def test_access_log_to_a_file_or_off(api_db, tmp_path):
    log_file = tmp_path / "logs" / "access.log"
    with TestClient(make_app(api_db, **{"api.access_log_file": log_file})) as c:
        assert c.get("/pareto?limit=0", headers=READ).status_code == 422
        assert c.get("/segments", headers=READ).status_code == 200
    lines = log_file.read_text("utf-8").splitlines()
    assert len(lines) == 2 and all(ln.split()[1:3] == ["abm.api.access", "INFO"] for ln in lines)
    assert lines[-2].split()[3:6] == ["GET", "/pareto", "422"] and lines[-2].endswith("key=reader")
    assert lines[-1].split()[3:6] == ["GET", "/segments", "200"] and "limit" not in "".join(lines)

    quiet = tmp_path / "quiet.log"
    with TestClient(make_app(api_db, **{"api.access_log": False, "api.access_log_file": quiet})) as c:
        assert c.get("/segments", headers=READ).status_code == 200
    assert not quiet.exists() or quiet.read_text("utf-8") == ""
