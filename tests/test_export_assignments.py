"""abm export --kind assignments: every owned account once, owners as CRM users, domains, changes.

Two real quarterly runs of the tiny inputs into one database, with a reps file that carries the new
email / CRM user id columns; between the runs a rep leaves, a rep joins, and the later as-of moves
sales lines into the window (segments and tiers change).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from fastapi.testclient import TestClient
from helpers import CONTACT_ROWS, READ, make_app, settings_for, write_inputs
from typer.testing import CliRunner

from abm.cli.main import app
from abm.errors import AbmError
from abm.matching.keys import is_free_mail
from abm.matching.settings import FREE_MAIL_DOMAINS
from abm.published.export import contact_domains, export_accounts, headers, run_free_mail
from abm.published.reader import reading
from pipelines import project

# rep id, name, area, active, email, CRM user id (R5 has no CRM id; R6's email is malformed)
REPS = [
    ("R1", "山田 太郎", "関東", "1", "yamada@example.co.jp", "0055g00000ABCDE"),
    ("R2", "佐藤 花子", "関西", "1", "sato@example.co.jp", "0055g00000FGHIJ"),
    ("R4", "高橋 次郎", "九州・沖縄", "1", "takahashi@example.co.jp", "0055g00000KLMNO"),
    ("R5", "田中 三郎", "中部", "1", "tanaka@example.co.jp", ""),
    ("R6", "伊藤 四郎", "北海道", "1", "ito@", "0055g00000PQRST"),
]
HEADERS = ["担当者コード", "担当者名", "エリア", "在籍", "メールアドレス", "SalesforceユーザーID"]
# corporate mail outnumbered by free mail at ガンマ精機 (no master domain); the free mail never wins
EXTRA_CONTACTS = [
    ("G1", "有限会社ガンマ精機", "kato@gamma-seiki.co.jp", "1", ""),
    ("G2", "有限会社ガンマ精機", "g2@gmail.com", "1", ""),
    ("G3", "有限会社ガンマ精機", "g3@gmail.com", "1", ""),
    ("G4", "有限会社ガンマ精機", "g4@yahoo.co.jp", "1", ""),
    ("Z1", "ゼータ建設株式会社", "z1@zeta-kensetsu.co.jp", "1", "2026/01/01"),  # opted out: no domain
]


def write_reps(folder: Path, rows: list[tuple]) -> None:
    pl.DataFrame(rows, schema=HEADERS, orient="row").write_csv(folder / "reps.csv")


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("assignments")
    inputs = write_inputs(root / "in")
    pl.DataFrame(
        CONTACT_ROWS + EXTRA_CONTACTS,
        schema=["コンタクトID", "会社名", "メールアドレス", "オプトイン", "配信停止日"],
        orient="row",
    ).write_excel(inputs / "contacts.xlsx")
    db = root / "abm.duckdb"
    # quarter 1: R6 not hired yet; quarter 2: R4 (九州・沖縄) leaves, R6 (北海道) joins
    write_reps(inputs, REPS[:4])
    project.run(settings_for(inputs, db, **{"run.as_of": date(2026, 6, 30)}))
    first = query(db, "SELECT run_id FROM runs")[0][0]
    write_reps(inputs, [(*r[:3], "0", *r[4:]) if r[0] == "R4" else r for r in REPS])
    project.run(settings_for(inputs, db, **{"run.as_of": date(2026, 9, 30)}))
    return {"db": db, "root": root, "first": first}


def read_csv(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_every_owned_account_appears_once_tiered_or_not(runs, tmp_path):
    db = runs["db"]
    owned = dict(query(db, "SELECT account_id, owner FROM accounts WHERE owner IS NOT NULL"))
    untiered = {
        a for (a,) in query(db, "SELECT account_id FROM accounts WHERE owner IS NOT NULL AND tier IS NULL")
    }
    assert untiered, "the fixture must own an account without a tier"
    out = tmp_path / "assignments.csv"
    n = export_accounts(db, out, kind="assignments", crm="salesforce")
    rows = read_csv(out)
    ids = [r["ABM Account ID"] for r in rows]
    assert n == len(rows) == len(owned) and sorted(ids) == sorted(owned)  # once each, none missing
    assert {r["ABM Account ID"]: r["担当者コード"] for r in rows} == owned
    assert list(rows[0]) == list(headers("salesforce").values())


def test_owner_is_the_crm_user_id_for_salesforce_and_the_email_for_hubspot(runs, tmp_path):
    db = runs["db"]
    reps = {r[0]: r for r in REPS}
    sf, hs = tmp_path / "sf.csv", tmp_path / "hs.xlsx"
    export_accounts(db, sf, kind="assignments", crm="salesforce")
    export_accounts(db, hs, kind="assignments", crm="hubspot")
    for row in read_csv(sf):
        rep = reps[row["担当者コード"]]
        assert row["Account Owner ID"] == rep[5]  # empty for R5, who has no CRM user id
        assert row["担当者名"] == rep[1]
    hubspot = pl.read_excel(hs)
    assert hubspot.height > 0
    for rep_id, owner in hubspot.select("担当者コード", "Company owner").iter_rows():
        expected = reps[rep_id][4]
        assert owner == (expected if "@" in expected and not expected.endswith("@") else None)
    # R6's malformed email is a value-level reject, and R6 still owns the 北海道 account
    bad_email = "SELECT severity FROM rejects WHERE source_file = 'reps.csv' AND \"column\" = 'email'"
    assert query(db, bad_email) == [("value",)]
    assert query(db, "SELECT owner FROM accounts WHERE account_id = '100000005'") == [("R6",)]


def test_domain_is_never_free_mail_and_comes_from_contacts_when_the_master_has_none(runs, tmp_path):
    db = runs["db"]
    out = tmp_path / "hs.csv"
    export_accounts(db, out, kind="assignments", crm="hubspot")
    targets = tmp_path / "targets.csv"
    export_accounts(db, targets, kind="targets", crm="hubspot")
    domains = {r["ABM Account ID"]: r["Company Domain Name"] for r in read_csv(out) + read_csv(targets)}
    free = set(FREE_MAIL_DOMAINS)
    assert not {d for d in domains.values() if d} & free
    assert domains["100000003"] == "gamma-seiki.co.jp"  # 1 corporate vs 3 free-mail contacts
    assert domains["100000001"] == "alpha-shoji.co.jp"  # the master's
    with reading(db) as s:
        found = dict(contact_domains(s.cur, date(2026, 9, 30)).iter_rows())
    assert "100000006" not in found  # ゼータ's only contact opted out: it lends no domain
    assert not set(found.values()) & free
    # the run's own free-mail list is read back, and leaves the connection usable for the next query
    with reading(db) as s:
        assert run_free_mail(s.cur) == FREE_MAIL_DOMAINS and s.cur.sql("SELECT 1").fetchall() == [(1,)]
    # a configured free-mail domain is never used either
    with reading(db) as s:
        found = dict(contact_domains(s.cur, date(2026, 9, 30), ["gamma-seiki.co.jp"]).iter_rows())
    assert found.get("100000003") == "gmail.com"


def test_changed_since_lists_exactly_the_changed_accounts_with_old_and_new(runs, tmp_path):
    db = runs["db"]
    first = runs["first"]
    # what changed, straight from the history of both runs (absent = segment none, no tier or owner)
    expected = {
        a
        for (a,) in query(
            db,
            f"""
            WITH old AS (FROM account_history WHERE run_id = '{first}'),
                 new AS (FROM account_history WHERE run_id <> '{first}')
            SELECT coalesce(new.account_id, old.account_id) FROM old FULL JOIN new USING (account_id)
            WHERE old.owner IS DISTINCT FROM new.owner OR old.tier IS DISTINCT FROM new.tier
               OR coalesce(old.segment, 'none') <> coalesce(new.segment, 'none')""",
        )
    }
    assert {"100000004", "100000005"} <= expected  # R4 left (デルタ), R6 joined (イプシロン)
    assert "100000001" not in expected  # アルファ kept R1, tier and segment
    out = tmp_path / "changed.csv"
    for since in ("last", first):
        n = export_accounts(db, out, kind="assignments", changed_since=since)
        rows = read_csv(out)
        assert n == len(rows) and sorted(r["ABM Account ID"] for r in rows) == sorted(expected)
    by_id = {r["ABM Account ID"]: r for r in rows}
    delta = by_id["100000004"]  # kept its tier and segment: only the owner changed
    assert (delta["前回の担当者コード"], delta["担当者コード"], delta["変更項目"]) == ("R4", "", "owner")
    assert "R4 → なし" in delta["変更理由"] and delta["前回の担当者名"] == "高橋 次郎"
    assert delta["比較した実行ID"] == first
    epsilon = by_id["100000005"]
    assert (epsilon["前回の担当者コード"], epsilon["担当者コード"]) == ("", "R6")
    for row in rows:  # a tier or segment change says from → to
        if "segment" in row["変更項目"]:
            assert f"セグメント {row['前回のセグメント'] or 'none'} → {row['セグメント']}" in row["変更理由"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"changed_since": "20990101T000000-xxxxxx"}, "no such earlier run"),
        ({"kind": "everything"}, "--kind"),
    ],
)
def test_bad_export_options_are_one_line_errors(runs, tmp_path, kwargs, message):
    kwargs.setdefault("kind", "assignments")
    with pytest.raises(AbmError, match=message):
        export_accounts(runs["db"], tmp_path / "x.csv", **kwargs)


def test_assignments_without_reps_say_so(tiny_db, tmp_path):
    with pytest.raises(AbmError, match="no reps file"):
        export_accounts(tiny_db, tmp_path / "x.csv", kind="assignments")


def test_cli_and_api_give_the_same_assignment_file(runs, tmp_path):
    db = runs["db"]
    out = tmp_path / "cli.csv"
    result = CliRunner().invoke(
        app,
        ["export", "--db", str(db), "--out", str(out), "--kind", "assignments", "--changed-since", "last"],
    )
    assert result.exit_code == 0, result.output
    assert "変わったアカウント" in result.output  # cli.export.wrote.changed, in the run's language
    with TestClient(make_app(db)) as client:
        r = client.get(
            "/exports/targets.csv?crm=salesforce&kind=assignments&changed_since=last&excel=true", headers=READ
        )
        assert r.status_code == 200
        assert r.content.replace(b"\r\n", b"\n") == out.read_bytes()
        # the account filters choose the accounts; kind alone gives Salesforce's headers
        r = client.get("/exports/targets.csv?kind=assignments&territory=関東", headers=READ)
        rows = list(csv.DictReader(io.StringIO(r.text)))
        owned = query(db, "SELECT account_id FROM accounts WHERE owner IS NOT NULL AND territory = '関東'")
        assert r.status_code == 200 and sorted(r["ABM Account ID"] for r in rows) == sorted(
            a for (a,) in owned
        )
        assert {r["テリトリー"] for r in rows} == {"関東"} and "Account Owner ID" in rows[0]
        unknown = client.get(
            "/exports/targets.csv?crm=hubspot&changed_since=20990101T000000-xxxxxx", headers=READ
        )
        assert unknown.status_code == 404 and "no such earlier run" in unknown.json()["message"]


def test_changed_targets_are_the_changes_among_accounts_tiered_then_or_now(runs, tmp_path):
    db = runs["db"]
    out = tmp_path / "targets-changed.csv"
    all_changes = tmp_path / "all.csv"
    export_accounts(db, out, kind="targets", changed_since="last")
    export_accounts(db, all_changes, kind="assignments", changed_since="last")
    every = read_csv(all_changes)
    expected = sorted(r["ABM Account ID"] for r in every if r["ティア"] or r["前回のティア"])
    assert expected and len(expected) < len(every)  # デルタ kept tier 1: in both; イプシロン has no tier
    assert sorted(r["ABM Account ID"] for r in read_csv(out)) == expected


def test_free_mail_rule_covers_hosts_addresses_and_case():
    values = [
        "Taro@Gmail.com",
        "mail.yahoo.co.jp",
        "x@docomo.ne.jp",
        "a@alpha-shoji.co.jp",
        "delta-denki.com",
        None,
    ]
    free = pl.DataFrame({"d": values}).select(is_free_mail(pl.col("d"), FREE_MAIL_DOMAINS)).to_series()
    assert free.to_list() == [True, True, True, False, False, None]
