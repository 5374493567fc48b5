"""Reading real files (CP932, UTF-8 BOM, TSV, Parquet, Excel) and validating every reject reason."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from abm import validate as v
from abm.errors import InputError
from abm.readers import ROW, detect_encoding, find_input, read_input
from abm.schema import COMPANIES, CONTACTS, SALES

SALES_ROWS = [
    ("2026/04/01", "C001", "株式会社アルファ商事", "1,200"),
    ("令和8年4月2日", "C002", "㈱ベータ", "△300"),
]


def _sales_frame(rows=SALES_ROWS) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["受注日", "取引先コード", "取引先名", "売上金額"], orient="row")


@pytest.mark.parametrize(
    ("suffix", "encoding", "expected"),
    [
        (".csv", "cp932", "cp932"),
        (".csv", "utf-8-sig", "utf-8-sig"),
        (".csv", "utf-8", "utf-8"),
        (".tsv", "cp932", "cp932"),
    ],
)
def test_text_files_are_read_in_any_japanese_encoding(
    tmp_path: Path, suffix: str, encoding: str, expected: str
):
    path = tmp_path / f"sales{suffix}"
    sep = "\t" if suffix == ".tsv" else ","
    path.write_bytes(_sales_frame().write_csv(separator=sep).encode(encoding))
    df, info = read_input(path, SALES)
    assert info.encoding == expected
    assert df["customer_name"].to_list() == ["株式会社アルファ商事", "㈱ベータ"]
    assert df["amount"].to_list() == ["1,200", "△300"]
    assert df[ROW].to_list() == [2, 3]  # spreadsheet rows: header is row 1


def test_excel_and_parquet_read_as_text(tmp_path: Path):
    frame = _sales_frame()
    frame.write_excel(tmp_path / "sales.xlsx")
    frame.write_parquet(tmp_path / "sales.parquet")
    for name in ("sales.xlsx", "sales.parquet"):
        df, _ = read_input(tmp_path / name, SALES)
        assert df["date"].to_list() == ["2026/04/01", "令和8年4月2日"]
        assert df.schema["amount"] == pl.Utf8


def test_non_japanese_bytes_fail_with_one_clear_line(tmp_path: Path):
    path = tmp_path / "sales.csv"
    path.write_bytes(b"\x81\xff\xfe\x00garbage")
    with pytest.raises(InputError, match=r"sales\.csv: not readable as UTF-8, UTF-16, EUC-JP or CP932"):
        detect_encoding(path)


def test_missing_required_column_names_file_and_column(tmp_path: Path):
    path = tmp_path / "sales.csv"
    _sales_frame().drop("売上金額").write_csv(path)
    with pytest.raises(InputError, match=r"sales\.csv: 'amount' \(accepted headers: amount, 売上金額"):
        read_input(path, SALES)


def test_config_maps_unusual_headers(tmp_path: Path):
    path = tmp_path / "sales.csv"
    _sales_frame().rename({"取引先名": "得意先名称"}).write_csv(path)
    df, _ = read_input(path, SALES, {"得意先名称": "customer_name"})
    assert df["customer_name"][0] == "株式会社アルファ商事"


def test_missing_and_ambiguous_files(tmp_path: Path):
    with pytest.raises(InputError, match="no companies file"):
        find_input(tmp_path, COMPANIES)
    (tmp_path / "companies.csv").write_text("a\n")
    (tmp_path / "companies.xlsx").write_text("a\n")
    with pytest.raises(InputError, match="more than one companies file"):
        find_input(tmp_path, COMPANIES)


def _validate_file(tmp_path: Path, rows, spec, name, encoding="utf-8"):
    path = tmp_path / name
    header = [c for c in rows[0]]
    df = pl.DataFrame(rows[1:], schema=header, orient="row")
    if name.endswith(".xlsx"):
        df.write_excel(path)
    else:
        path.write_bytes(df.write_csv().encode(encoding))
    raw, _ = read_input(path, spec)
    return v.validate(raw, spec, path.name)


def test_every_reject_reason_from_real_files(tmp_path: Path):
    landed, rejects = _validate_file(
        tmp_path,
        [
            ("受注日", "取引先コード", "取引先名", "売上金額", "法人番号"),
            ("2026/04/01", "C1", "アルファ", "100", "7000012050002"),  # good
            ("2026/13/45", "C1", "アルファ", "100", ""),  # unparseable date
            ("2026/04/01", "C1", "アルファ", "abc", ""),  # unparseable amount
            ("2026/04/01", "", "アルファ", "100", ""),  # missing required value
            ("2026/04/01", "C1", "アルファ", "100", "7000012050003"),  # wrong check digit
        ],
        SALES,
        "sales.csv",
        encoding="cp932",
    )
    assert landed["source_row"].to_list() == [2, 6]  # a bad optional value lands as null
    assert landed["corporate_number"].to_list() == ["7000012050002", None]
    reasons = dict(zip(rejects["row_number"], rejects["reason"], strict=True))
    assert reasons == {3: v.BAD_DATE, 4: v.BAD_AMOUNT, 5: v.MISSING, 6: v.BAD_CORPORATE_NUMBER}
    severity = dict(zip(rejects["row_number"], rejects["severity"], strict=True))
    assert severity == {3: "row", 4: "row", 5: "row", 6: "value"}
    assert set(rejects["source_file"]) == {"sales.csv"}
    assert rejects.filter(pl.col("row_number") == 4)["value"].to_list() == ["abc"]

    landed, rejects = _validate_file(
        tmp_path,
        [
            ("コンタクトID", "会社名", "メールアドレス", "オプトイン"),
            ("L1", "アルファ", "a@alpha.co.jp", "はい"),
            ("L1", "アルファ", "b@alpha.co.jp", "1"),  # duplicate key
            ("L2", "アルファ", "taro@", "1"),  # malformed email
            ("L3", "アルファ", "c@alpha.co.jp", "maybe"),  # unparseable opt-in
        ],
        CONTACTS,
        "contacts.xlsx",
    )
    assert landed["contact_id"].to_list() == ["L1"]
    assert landed["email"].to_list() == ["a@alpha.co.jp"]
    assert rejects.select("row_number", "column", "reason").rows() == [
        (3, "contact_id", v.DUPLICATE),
        (4, "email", v.BAD_EMAIL),
        (5, "opt_in", v.BAD_OPT_IN),
    ]


def test_a_row_with_several_problems_is_one_rejected_row_with_each_reason(tmp_path: Path):
    landed, rejects = _validate_file(
        tmp_path,
        [
            ("受注日", "取引先コード", "取引先名", "売上金額"),
            ("TBD", "C1", "", "1-2"),
        ],
        SALES,
        "sales.csv",
    )
    assert landed.height == 0
    assert sorted(rejects["reason"]) == sorted([v.BAD_DATE, v.MISSING, v.BAD_AMOUNT])
    assert rejects["row_number"].n_unique() == 1


def test_duplicate_after_a_bad_first_row_lands(tmp_path: Path):
    """The first GOOD row with a key lands, even when an earlier row with that key was rejected."""
    landed, rejects = _validate_file(
        tmp_path,
        [
            ("企業コード", "商号", "従業員数"),
            ("1", "", "9"),  # rejected: missing required name
            ("1", "アルファ", "10"),  # lands
            ("1", "アルファ", "11"),  # duplicate
        ],
        COMPANIES,
        "companies.csv",
    )
    assert landed["employees"].to_list() == [10]
    assert rejects.select("row_number", "reason").rows() == [(2, v.MISSING), (4, v.DUPLICATE)]


def test_master_values_are_typed_and_cleaned(tmp_path: Path):
    landed, rejects = _validate_file(
        tmp_path,
        [
            ("企業コード", "商号", "都道府県", "従業員数", "資本金", "上場区分", "ドメイン", "法人番号"),
            (
                "1",
                "アルファ",
                "東京",
                "1,200",
                "￥10,000,000",
                "東証プライム",
                "https://www.alpha.co.jp/about",
                "7-000012-050002",
            ),
            ("2", "ベータ", "大阪府", "不明", "", "非上場", "", ""),
        ],
        COMPANIES,
        "companies.csv",
    )
    assert rejects.height == 0
    assert landed.select(
        "prefecture", "employees", "capital", "listed", "domain", "corporate_number"
    ).rows() == [
        ("東京都", 1200, 10_000_000.0, True, "alpha.co.jp", "7000012050002"),
        ("大阪府", None, None, False, None, None),
    ]
