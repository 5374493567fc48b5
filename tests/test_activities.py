"""The activities input: MA tools' exports read by header aliases, the one-identifier row rule, and
attribution of each row to a contact and account (contact_id → email → 名寄せ of company fields → none).

Real files throughout: MA exports written as the tools write them (UTF-8 CSV, a Shift_JIS CSV), and a
real run into a DuckDB file on the tiny hand-made inputs plus an activities file.
"""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from helpers import CN, run_settings, write_inputs

from abm.config.settings import load_settings
from abm.inputs.readers import read_input
from abm.inputs.schema import ACTIVITIES, INPUTS
from abm.inputs.validate import NO_IDENTIFIER, validate
from pipelines import attribute as attribute_step
from pipelines import project
from pipelines.context import RunContext


def _load(path: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    raw, _info = read_input(path, ACTIVITIES)
    return validate(raw, ACTIVITIES, path.name)


def test_marketo_activity_export_maps_by_its_english_headers(tmp_path: Path) -> None:
    path = tmp_path / "activities.csv"
    path.write_text(
        "Lead ID,Activity Date,Activity Type Name,Primary Attribute Value,Email Address,Company Name,"
        "Campaign Name\n"
        "1001,2026-09-12T10:15:00Z,Visit Web Page,https://example.jp/pricing,Taro@Alpha-Shoji.co.jp,"
        "株式会社アルファ商事,ABM Webinar\n"
        "1002,2026/09/13 09:00,Fill Out Form,/contact,,Beta Kogyo,\n",
        encoding="utf-8",
    )
    landed, rejects = _load(path)
    assert rejects.height == 0
    row = landed.row(0, named=True)
    assert row["contact_id"] == "1001"
    assert row["date"] == date(2026, 9, 12)
    assert row["activity_type"] == "Visit Web Page"
    assert row["url"] == "https://example.jp/pricing"
    assert row["email"] == "taro@alpha-shoji.co.jp"  # landed folded, so attribution ignores case
    assert row["campaign"] == "ABM Webinar"
    assert landed["source_file"].to_list() == ["activities.csv", "activities.csv"]
    assert landed["source_row"].to_list() == [2, 3]


def test_satori_export_in_shift_jis_maps_by_its_japanese_headers(tmp_path: Path) -> None:
    path = tmp_path / "activities.csv"
    text = (
        "アクション日時,アクション,メールアドレス,会社名,アクセスURL,スコア\r\n"
        "2026/09/01 13:05,資料ダウンロード,hanako@delta-denki.com,デルタ電機株式会社,/whitepaper,3\r\n"
        "2026/09/02 10:00,Webページ閲覧,,ベータ工業(株),/,1\r\n"
    )
    path.write_bytes(text.encode("cp932"))
    landed, rejects = _load(path)
    assert rejects.height == 0
    assert landed["activity_type"].to_list() == ["資料ダウンロード", "Webページ閲覧"]
    assert landed["points"].to_list() == [3.0, 1.0]
    assert landed["company_name"].to_list() == ["デルタ電機株式会社", "ベータ工業(株)"]
    assert landed["url"].to_list() == ["/whitepaper", "/"]


def test_hubspot_and_pardot_headers(tmp_path: Path) -> None:
    hubspot = tmp_path / "hubspot.csv"
    hubspot.write_text(
        "Record ID,Activity date,Activity type,Email,Company name,Company Domain Name\n"
        "501,2026-08-01 09:00,Form submission,a@b.co.jp,ABC,https://www.abc.co.jp/\n",
        encoding="utf-8",
    )
    landed, _ = _load(hubspot)
    assert landed.select("contact_id", "activity_type", "domain").row(0) == (
        "501",
        "Form submission",
        "abc.co.jp",
    )
    pardot = tmp_path / "pardot.csv"
    pardot.write_text(
        "Prospect ID,Created Date,Type Name,Email,Company,Details,Score\n"
        "77,2026-07-30,Form,x@y.co.jp,XYZ,Contact Us,10\n",
        encoding="utf-8",
    )
    landed, _ = _load(pardot)
    assert landed.select("contact_id", "activity_type", "url", "points").row(0) == (
        "77",
        "Form",
        "Contact Us",
        10.0,
    )


def test_a_row_must_identify_someone_or_some_company(tmp_path: Path) -> None:
    path = tmp_path / "activities.csv"
    path.write_text(
        "日時,アクション,コンタクトID,メールアドレス,会社名,法人番号,ドメイン\n"
        "2026/09/01,Webページ閲覧,,,,,\n"  # row 2: nothing identifying
        "2026/09/01,Webページ閲覧,,taro@,,,\n"  # row 3: its only identifier is malformed
        "2026/09/01,Webページ閲覧,,,,1234567890123,\n"  # row 4: 法人番号 with a wrong check digit
        "2026/09/01,Webページ閲覧,,,,,abc.co.jp\n"  # row 5: a domain is enough
        "2026/13/01,Webページ閲覧,L1,,,,\n"  # row 6: bad date
        ",Webページ閲覧,L1,,,,\n"  # row 7: no date
        "2026/09/01,,L1,,,,\n",  # row 8: no type
        encoding="utf-8",
    )
    landed, rejects = _load(path)
    assert landed["source_row"].to_list() == [5]
    rows = rejects.filter(pl.col("severity") == "row")
    reasons = {(r, c, why) for r, c, why in rows.select("row_number", "column", "reason").iter_rows()}
    ids = "contact_id/email/company_name/corporate_number/domain"
    assert {(2, ids, NO_IDENTIFIER), (3, ids, NO_IDENTIFIER), (4, ids, NO_IDENTIFIER)} <= reasons
    assert (6, "date", "unparseable date") in reasons
    assert (7, "date", "missing required value") in reasons
    assert (8, "activity_type", "missing required value") in reasons
    assert set(rows["row_number"]) == {2, 3, 4, 6, 7, 8}
    assert (rejects["source_file"] == "activities.csv").all()


ACTIVITY_ROWS = [
    # 日時, アクション, コンタクトID, メールアドレス, 会社名, 法人番号, ドメイン
    ("2026/09/01", "資料ダウンロード", "L1", "", "", "", ""),  # 2: contact by id
    ("2026/09/02", "Webページ閲覧", "", "HANAKO@Delta-Denki.COM", "", "", ""),  # 3: by email, other case
    ("2026/09/03", "問い合わせ", "", "", "ベータ工業(株)", "", "beta-kogyo.co.jp"),  # 4: company, 名寄せ
    ("2026/09/04", "ウェビナー参加", "", "", "", CN["alpha"], ""),  # 5: company by 法人番号 alone
    ("2026/09/05", "Webページ閲覧", "", "", "オメガ株式会社", "", ""),  # 6: off-master company we know
    ("2026/09/06", "Webページ閲覧", "", "", "株式会社まったく未知の商会", "", ""),  # 7: unknown company
    ("2026/09/07", "Webページ閲覧", "", "someone123@gmail.com", "", "", ""),  # 8: free mail only
    ("2026/09/08", "Webページ閲覧", "L99", "", "", "", ""),  # 9: unknown contact id only
    ("2026/09/09", "Webページ閲覧", "", "", "", "", ""),  # 10: rejected, nothing identifying
    ("2026/09/31", "Webページ閲覧", "L1", "", "", "", ""),  # 11: rejected, bad date
    (
        "2026/09/10",
        "メールクリック",
        "L404",
        "taro@alpha-shoji.co.jp",
        "",
        "",
        "",
    ),  # 12: id unknown, email known
]


@pytest.fixture(scope="module")
def attributed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(run with activities, run of the same inputs without them)."""
    root = tmp_path_factory.mktemp("activities")
    dbs = []
    for name, with_activities in (("with", True), ("without", False)):
        inputs = write_inputs(root / name / "inputs")
        if with_activities:
            frame = pl.DataFrame(
                ACTIVITY_ROWS,
                schema=[
                    "日時",
                    "アクション",
                    "コンタクトID",
                    "メールアドレス",
                    "会社名",
                    "法人番号",
                    "ドメイン",
                ],
                orient="row",
            )
            (inputs / "activities.csv").write_bytes(frame.write_csv().encode("cp932"))
        db = root / name / "abm.duckdb"
        project.run(run_settings(inputs, db))
        dbs.append(db)
    return dbs[0], dbs[1]


def _rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_attribution_order_contact_id_email_company_none(attributed: tuple[Path, Path]) -> None:
    db, _ = attributed
    got = {
        row: (contact, account, how)
        for row, contact, account, how in _rows(
            db, "SELECT row_number, contact_id, account_id, attributed_by FROM activities ORDER BY row_number"
        )
    }
    omega = _rows(db, "SELECT account_id FROM matches WHERE source = 'sales' AND source_key = 'C009'")[0][0]
    assert omega.startswith("X-")
    assert got == {
        2: ("L1", "100000001", "contact_id"),
        3: ("L2", "100000004", "email"),
        4: (None, "100000002", "company"),
        5: (None, "100000001", "company"),
        6: (None, omega, "company"),  # joins the off-master account of our own customer
        7: (None, None, None),
        8: (None, None, None),
        9: ("L99", None, None),
        12: ("L1", "100000001", "email"),  # an unknown id does not hide a known email
    }


def test_published_activities_are_the_landed_rows_in_file_order_plus_the_account(
    attributed: tuple[Path, Path],
) -> None:
    """The published table keeps the file's row order and the landed columns, source_row named as in
    `rejects`, then the account."""
    db, _ = attributed
    columns = [name for (name,) in _rows(db, "SELECT column_name FROM (DESCRIBE activities)")]
    landed = [c.name for c in INPUTS["activities"].columns]
    assert columns == ["row_number", "source_file", *landed, "account_id", "attributed_by"]
    stored = [row for (row,) in _rows(db, "SELECT row_number FROM activities")]  # no ORDER BY
    assert stored == sorted(stored) and len(stored) == 9


def test_attribution_in_batches_publishes_the_same_rows(
    attributed: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The landed rows are attributed a rowid range at a time (one UPDATE of all 100M `xl` rows spilled
    18 GB); ranges of 2 rows over the 9 landed ones must leave no row out, none attributed twice, and
    the rows in file order as stored (no ORDER BY in the query)."""
    db, _ = attributed
    monkeypatch.setattr(attribute_step, "BATCH_ROWS", 2)
    batched = tmp_path / "abm.duckdb"
    project.run(run_settings(db.parent / "inputs", batched))
    every_row = "SELECT * FROM activities"
    assert _rows(batched, every_row) == _rows(db, every_row)
    stored = [row[0] for row in _rows(batched, every_row)]
    assert stored == sorted(stored)
    assert len(_rows(batched, "SELECT * FROM activities WHERE attributed_by IS NOT NULL")) == 6


def test_activity_companies_are_a_third_name_matching_source(attributed: tuple[Path, Path]) -> None:
    db, _ = attributed
    records = _rows(
        db,
        "SELECT source_name, status, account_id FROM matches WHERE source = 'activities' "
        "ORDER BY source_name",
    )
    names = {name: (status, account) for name, status, account in records}
    assert names["ベータ工業(株)"] == ("auto", "100000002")
    assert names["株式会社まったく未知の商会"][1] is None  # no account of its own
    assert len(records) == 4  # rows 4-7: a free-mail address or an unknown contact id is no company


def test_activities_change_no_account_and_no_other_record(attributed: tuple[Path, Path]) -> None:
    with_db, without_db = attributed
    for sql in (
        "SELECT account_id, name, segment, tier FROM accounts ORDER BY account_id",
        "SELECT source, source_key, company_id, account_id FROM matches WHERE source <> 'activities' "
        "ORDER BY ALL",
    ):
        assert _rows(with_db, sql) == _rows(without_db, sql)
    assert _rows(without_db, "SELECT count(*) FROM activities") == [(0,)]  # published, empty


def test_rejects_and_run_facts(attributed: tuple[Path, Path]) -> None:
    db, _ = attributed
    rejected = _rows(
        db, "SELECT row_number, reason FROM rejects WHERE source_file = 'activities.csv' ORDER BY 1"
    )
    assert rejected == [(10, NO_IDENTIFIER), (11, "unparseable date")]
    files = json.loads(_rows(db, "SELECT input_files FROM runs")[0][0])
    facts = files["activities"]
    assert (facts["read"], facts["loaded"], facts["rejected"]) == (11, 9, 2)
    assert facts["unattributed"] == 3
    assert facts["attributed_by_company"] == 3
    assert facts["attributed_by_email"] == 2
    assert facts["attributed_by_contact_id"] == 1


def test_an_activity_company_record_takes_each_field_from_its_first_row_that_has_it(tmp_path: Path) -> None:
    """One 名寄せ record per company key, whose fields are the first non-empty value in file order:
    a re-run on the same files links the same record (DuckDB's bare first() takes whichever row a
    thread reaches first, empty or not)."""
    con = duckdb.connect(str(tmp_path / "records.duckdb"))
    ctx = RunContext(con, load_settings(None), "test", time.time())
    ctx.execute("CREATE SCHEMA work")
    rows = pl.DataFrame(
        {  # one company (its 法人番号's key) in three rows, stored out of file order
            "source_file": ["b.csv", "a.csv", "a.csv"],
            "source_row": [2, 9, 3],
            "company_name": ["アルファ商事", "アルファ商事株式会社", None],
            "corporate_number": [CN["alpha"]] * 3,
            "email_domain": ["alpha.example", "alpha-shoji.co.jp", None],
            "source_key": ["Acn"] * 3,
        }
    )
    ctx.write("work.activity_rows", rows)
    record = ctx.sql_rows("activity_records").row(0, named=True)
    assert (record["name"], record["corporate_number"], record["email_domain"]) == (
        "アルファ商事株式会社",  # a.csv row 3 has no name: a.csv row 9 is the first that has one
        CN["alpha"],
        "alpha-shoji.co.jp",
    )
