"""The 法人番号公表サイト 全件データ as the master: the exact downloaded layout (headerless, 30 columns,
Shift-JIS or UTF-8; file, zip, folder), history folded into former names, and closed / merged
companies end to end through `abm run`."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest
from helpers import settings_for

from abm.errors import InputError
from abm.inputs import houjin
from abm.inputs.readers import ROW
from abm.inputs.schema import COMPANIES
from abm.inputs.validate import BAD_CORPORATE_NUMBER, validate
from abm.sample.houjin import corporate_numbers, houjin_frame, write_houjin
from pipelines import project

CN = dict(zip("ABCDEFG", corporate_numbers(np.arange(101, 108, dtype=np.int64) * 1_000_003), strict=True))

# A live customer, B closed customer (liquidated), C merged into D, E closed with contacts only,
# F live non-customer (whitespace), G renamed (history rows carry its former names).
ROWS = pl.DataFrame(
    {
        "corporate_number": [CN[k] for k in "ABCDEFG"],
        "process": ["01", "21", "71", "01", "21", "01", "11"],
        "name": [
            "株式会社アルファ",
            "株式会社ベータ",
            "株式会社ガンマ",
            "株式会社デルタ",
            "株式会社イプシロン",
            "株式会社ゼータ",
            "エータ株式会社",
        ],
        "kind": ["301", "302", "301", "305", "301", "301", "999"],
        "prefecture_name": ["東京都", "大阪府", "愛知県", "東京都", "福岡県", "北海道", None],
        "city_name": ["千代田区", "北区", "名古屋市中区", "港区", "福岡市博多区", "札幌市中央区", None],
        "street_number": [
            "丸の内1丁目1-1",
            "梅田1丁目",
            "栄3丁目",
            "芝公園4丁目",
            "博多駅前2丁目",
            "北1条西2丁目",
            None,
        ],
        "address_outside": [None, None, None, None, None, None, "Singapore 018989"],
        "post_code": ["1000005", "5300001", "4600008", "1050011", "8120011", "0600001", None],
        "close_date": [None, "2025-03-31", "2025-10-01", None, "2024-12-31", None, None],
        "close_cause": [None, "01", "11", None, "01", None, None],
        "successor_corporate_number": [None, None, CN["D"], None, None, None, None],
        "en_name": ["Alpha Co., Ltd.", None, None, None, None, None, None],
        "furigana": ["アルファ", "ベータ", "ガンマ", "デルタ", "イプシロン", "ゼータ", "エータ"],
        "hihyoji": ["0", "0", "0", "0", "0", "1", "0"],
    }
)
HISTORY = pl.DataFrame(  # 差分-style past rows of G (最新履歴 = 0), written after the current rows
    {
        "sequence_number": ["8", "9"],
        "corporate_number": [CN["G"], CN["G"]],
        "process": ["01", "11"],
        "name": ["有限会社エータ商会", "エータ商事株式会社"],
        "latest": ["0", "0"],
    }
)


def slice_frame(history: bool = True) -> pl.DataFrame:
    rows = houjin_frame(ROWS)
    return pl.concat([rows, houjin_frame(HISTORY)]) if history else rows


def landed(path: Path) -> tuple[pl.DataFrame, pl.DataFrame, houjin.Master]:
    master = houjin.read_master(path)
    good, bad = validate(master.raw, COMPANIES, path.name)
    good, bad = houjin.relocate(master, good, bad)
    return good.sort("company_id"), bad, master


def test_mapping_closed_merged_and_former_names(tmp_path):
    good, bad, master = landed(write_houjin(slice_frame(), tmp_path / "companies.csv", "cp932"))
    assert bad.height == 0 and master.history_rows == 2 and good.height == 7
    by = {r["company_id"]: r for r in good.iter_rows(named=True)}
    a = by[CN["A"]]
    assert (a["name"], a["corporate_number"], a["name_kana"], a["name_en"]) == (
        "株式会社アルファ",
        CN["A"],
        "アルファ",
        "Alpha Co., Ltd.",
    )
    assert (a["prefecture"], a["city"], a["postal_code"]) == ("東京都", "千代田区", "1000005")
    assert a["address"] == "東京都千代田区丸の内1丁目1-1" and a["legal_form"] == "株式会社"
    assert by[CN["B"]]["legal_form"] == "有限会社" and by[CN["D"]]["legal_form"] == "合同会社"
    assert by[CN["G"]]["legal_form"] == "999"  # an unknown code is kept as given, not lost
    assert by[CN["G"]]["address"] == "Singapore 018989"  # 国外所在地 when there is no domestic address
    assert [k for k in "ABCDEFG" if by[CN[k]]["closed"]] == ["B", "C", "E"]
    assert str(by[CN["B"]]["closed_on"]) == "2025-03-31" and by[CN["A"]]["closed_on"] is None
    assert by[CN["C"]]["successor_corporate_number"] == CN["D"]
    assert by[CN["G"]]["former_names"] == "有限会社エータ商会;エータ商事株式会社"
    assert by[CN["A"]]["former_names"] is None
    assert by[CN["F"]]["name"] == "株式会社ゼータ"  # 検索対象除外 = 1 is still a real corporation


def test_history_only_number_lands_its_newest_row():
    table = houjin_frame(HISTORY).with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    out, folded = houjin.to_companies(table.select(ROW, *houjin.USED))
    assert folded == 1 and out["name"].to_list() == ["エータ商事株式会社"]
    assert out["former_names"].to_list() == ["有限会社エータ商会"]


@pytest.mark.parametrize("encoding", ["cp932", "utf-8"])
def test_file_zip_and_folder_read_alike(tmp_path, encoding):
    frame = slice_frame()
    single, _, _ = landed(write_houjin(frame, tmp_path / "companies.csv", encoding))
    zipped, _, master = landed(
        write_houjin(frame, tmp_path / "companies.zip", encoding, zip_as="00_zenkoku_all_20261031.csv")
    )
    assert master.info.encoding == f"houjin {encoding}" and master.parts == ("00_zenkoku_all_20261031.csv",)
    folder = tmp_path / "companies"
    folder.mkdir()
    write_houjin(frame.head(3), folder / "13_tokyo_all_20261031.csv", encoding)
    write_houjin(frame.slice(3), folder / "27_osaka_all_20261031.zip", encoding, zip_as="27_osaka.csv")
    parts, _, master = landed(folder)
    assert master.parts == ("13_tokyo_all_20261031.csv", "27_osaka_all_20261031.zip/27_osaka.csv")
    keep = [c for c in single.columns if c != "source_row"]
    assert single.select(keep).equals(zipped.select(keep)) and single.select(keep).equals(parts.select(keep))
    # each landed row says its line in its own file
    assert dict(zip(parts["company_id"], parts["source_row"], strict=True))[CN["E"]] == 2


def test_rejects_name_the_member_file_and_its_line(tmp_path):
    bad = ROWS.head(2).with_columns(pl.lit(None, pl.Utf8).alias("name"))
    bad = bad.with_columns(
        pl.when(pl.int_range(2) == 1).then(pl.lit(CN["F"])).alias("successor_corporate_number")
    )
    bad = bad.with_columns(
        pl.when(pl.int_range(2) == 1)
        .then(pl.lit("1234567890123"))
        .otherwise("corporate_number")
        .alias("corporate_number")
    )
    folder = tmp_path / "companies"
    folder.mkdir()
    write_houjin(houjin_frame(ROWS.slice(2)), folder / "01_hokkaido_all_20261031.csv", "utf-8")
    write_houjin(houjin_frame(bad), folder / "02_aomori.zip", "cp932", zip_as="02_aomori_all_20261031.csv")
    good, rejects, _ = landed(folder)
    assert good.height == 5
    got = set(rejects.select("source_file", "row_number", "column", "reason").iter_rows())
    member = "companies/02_aomori.zip/02_aomori_all_20261031.csv"
    assert (member, 1, "name", "missing required value") in got
    assert (member, 2, "corporate_number", BAD_CORPORATE_NUMBER) in got


def test_detection_and_format_setting(tmp_path):
    csv = write_houjin(slice_frame(), tmp_path / "companies.csv", "utf-8")
    assert houjin.looks_like_houjin(csv) and houjin.locate(tmp_path, "auto") == csv
    assert houjin.locate(tmp_path, "table") is None
    headered = tmp_path / "other" / "companies.csv"
    headered.parent.mkdir()
    headered.write_text(f"法人番号,商号\n{CN['A']},株式会社アルファ\n", encoding="utf-8")
    assert not houjin.looks_like_houjin(headered) and houjin.locate(headered.parent, "auto") is None
    with pytest.raises(InputError, match=r"no companies\.csv, companies\.zip or companies/ folder"):
        houjin.locate(tmp_path / "empty_dir_does_not_matter", "houjin")
    (tmp_path / "companies.zip").write_bytes(b"not a zip")
    with pytest.raises(InputError, match="more than one company master"):
        houjin.locate(tmp_path, "auto")
    with pytest.raises(InputError, match="not a readable zip"):
        houjin.read_master(tmp_path / "companies.zip")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('"99","{cn}","01"' + ",0" * 28, r"companies\.csv: cannot be read as the 法人番号 30-column CSV"),
        ('"99","{cn}","01"', r"companies\.csv: row 10 has fewer than 30 columns"),
    ],
)
def test_ragged_file_is_one_clear_error(tmp_path, line, message):
    path = tmp_path / "companies.csv"
    write_houjin(slice_frame(), path, "utf-8")
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line.format(cn=CN["A"]) + "\n")
    with pytest.raises(InputError, match=message):
        houjin.read_master(path)


def _inputs(folder: Path) -> Path:
    folder.mkdir(parents=True)
    write_houjin(slice_frame(), folder / "companies.zip", "cp932", zip_as="00_zenkoku_all_20261031.csv")
    # size from a second file (the 全件データ has none); B and E are the biggest, but closed
    sizes = {"A": 500, "B": 5000, "C": 50, "D": 100, "E": 9000, "F": 800, "G": 10}
    pl.DataFrame(
        {
            "法人番号": [CN[k] for k in sizes],
            "従業員数": [str(v) for v in sizes.values()],
            "売上高": [str(v * 10**6) for v in sizes.values()],
            "資本金": [str(v * 10**4) for v in sizes.values()],
        }
    ).write_csv(folder / "companies_enrich.csv")
    sales = pl.DataFrame(
        {
            "受注日": ["2026-04-01", "2026-05-01", "2026-06-01", "2026-09-30"],
            "取引先コード": ["S1", "S2", "S3", "S1"],
            "取引先名": ["アルファ", "ベータ", "ガンマ", "アルファ"],
            "売上金額": ["1000", "500", "300", "0"],
            "法人番号": [CN["A"], CN["B"], CN["C"], CN["A"]],
        }
    )
    (folder / "sales.csv").write_bytes(sales.write_csv().encode("cp932"))
    pl.DataFrame(
        {
            "コンタクトID": ["K1", "K2"],
            "会社名": ["株式会社アルファ", "株式会社イプシロン"],
            "メールアドレス": ["a@alpha.co.jp", "e@epsilon.co.jp"],
            "オプトイン": ["1", "1"],
            "法人番号": [CN["A"], CN["E"]],
        }
    ).write_csv(folder / "contacts.csv")
    return folder


@pytest.fixture(scope="module")
def houjin_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("houjin")
    db = root / "abm.duckdb"
    project.run(
        settings_for(
            _inputs(root / "in"),
            db,
            **{"buying_power.method": "rule", "buying_power.threshold_decile": 5},
        )
    )
    return db


def _accounts(db: Path) -> dict[str, dict]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        frame = con.sql("SELECT * FROM accounts").pl()
    finally:
        con.close()
    return {k: frame.filter(pl.col("account_id") == CN[k]).row(0, named=True) for k in CN}


def test_run_closed_companies_are_no_prospects(houjin_db):
    acc = _accounts(houjin_db)
    assert [k for k, a in acc.items() if a["closed"]] == ["B", "C", "E"]
    assert str(acc["B"]["closed_on"]) == "2025-03-31"
    # the biggest companies are closed: not ranked (deciles are over live companies), outside B
    # and C, never whitespace, never tiered
    assert acc["B"]["buying_power_score"] is None and acc["E"]["buying_power_decile"] is None
    assert [acc[k]["buying_power_decile"] for k in "FADG"] == [1, 3, 6, 8]
    assert not acc["B"]["has_buying_power"] and not acc["E"]["has_buying_power"]
    assert acc["E"]["contact_count"] == 1 and not acc["E"]["has_contacts"]
    assert (acc["E"]["segment"], acc["E"]["tier"], acc["E"]["whitespace"]) == ("none", None, False)
    # a closed customer's sales still count: S, in the Pareto analysis
    assert (acc["B"]["segment"], acc["B"]["sales_amount"], acc["B"]["abc_class"] is not None) == (
        "S",
        500,
        True,
    )
    # live companies are unaffected
    assert acc["A"]["segment"] == "S+B+C" and acc["A"]["tier"] == 1
    assert (acc["F"]["segment"], acc["F"]["whitespace"]) == ("B", True)
    con = duckdb.connect(str(houjin_db), read_only=True)
    try:
        leaked = con.sql(
            "SELECT count(*) FROM accounts WHERE closed AND segment IN ('B', 'B+C', 'C')"
        ).fetchall()[0]
        former = con.execute(f"SELECT former_names FROM companies WHERE company_id = '{CN['G']}'").fetchall()[
            0
        ]
    finally:
        con.close()
    assert leaked == (0,) and former == ("有限会社エータ商会;エータ商事株式会社",)


def test_run_merged_company_hands_its_records_to_the_successor(houjin_db):
    acc = _accounts(houjin_db)
    assert acc["D"]["sales_amount"] == 300 and acc["D"]["in_sales"] and not acc["D"]["closed"]
    assert acc["C"]["sales_amount"] == 0 and acc["C"]["segment"] == "none"
    con = duckdb.connect(str(houjin_db), read_only=True)
    try:
        row = con.execute(
            "SELECT company_id, account_id, evidence FROM matches "
            "WHERE source = 'sales' AND source_key = 'S3'"
        ).fetchall()[0]
        runs = con.sql("SELECT * FROM runs").pl()
    finally:
        con.close()
    assert row is not None and row[0] == CN["C"] and row[1] == CN["D"]
    assert f"合併により承継: {CN['D']}" in row[2]
    assert "houjin cp932" in runs.write_json()


def test_zip_round_trip_is_a_real_zip(tmp_path):
    path = write_houjin(slice_frame(), tmp_path / "x.zip", "utf-8", zip_as="00_zenkoku_all_20261031.csv")
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["00_zenkoku_all_20261031.csv"]
        first = archive.read("00_zenkoku_all_20261031.csv").decode("utf-8").splitlines()[0]
    fields = next(csv.reader([first]))
    assert len(fields) == 30 and fields[1] == CN["A"] and fields[24] == "Alpha Co., Ltd."  # quoted comma
