"""Reading real files (CP932, UTF-8 BOM, TSV, Parquet, Excel) and validating every reject reason."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from helpers import settings_for, write_inputs

from abm.errors import InputError
from abm.inputs import validate as v
from abm.inputs.encoding import detect_encoding
from abm.inputs.readers import ROW, find_input, read_input
from abm.inputs.schema import COMPANIES, CONTACTS, SALES

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


def test_bad_optional_values_land_as_null_with_a_value_reject(tmp_path: Path):
    """設立 written as an era, a typo in 従業員数: the company lands; only the unreadable value is NULL."""
    landed, rejects = _validate_file(
        tmp_path,
        [
            ("企業コード", "商号", "従業員数", "設立", "上場区分"),
            ("1", "アルファ", "many", "昭和30年", "東証プライム"),
            ("2", "ベータ", "10", "H2", "たぶん"),
            ("3", "ガンマ", "5", "1955年4月", ""),
            ("4", "デルタ", "5", "平成32年", ""),
        ],
        COMPANIES,
        "companies.csv",
    )
    assert landed.select("company_id", "employees", "founded_year", "listed").rows() == [
        ("1", None, 1955, True),
        ("2", 10, 1990, None),
        ("3", 5, 1955, None),
        ("4", 5, None, None),
    ]
    assert rejects.select("row_number", "column", "value", "reason", "severity").rows() == [
        (2, "employees", "many", v.BAD_NUMBER, v.VALUE_LEVEL),
        (3, "listed", "たぶん", v.BAD_BOOL, v.VALUE_LEVEL),
        (5, "founded_year", "平成32年", v.BAD_NUMBER, v.VALUE_LEVEL),
    ]


@pytest.mark.parametrize("unknown", ["不明", "-", "n/a", "非公開"])
def test_unknown_in_a_required_amount_is_a_reject(tmp_path: Path, unknown: str):
    landed, rejects = _validate_file(
        tmp_path,
        [("受注日", "取引先コード", "取引先名", "売上金額"), ("2026/04/01", "C1", "アルファ", unknown)],
        SALES,
        "sales.csv",
    )
    assert landed.height == 0
    assert rejects.select("column", "value", "reason", "severity").rows() == [
        ("amount", unknown, v.BAD_AMOUNT, v.ROW_LEVEL)
    ]


def test_european_and_split_amounts_are_rejects(tmp_path: Path):
    landed, rejects = _validate_file(
        tmp_path,
        [
            ("受注日", "取引先コード", "取引先名", "売上金額"),
            ("2026/04/01", "C1", "アルファ", "1.234,56"),
            ("2026/04/01", "C1", "アルファ", "12円34"),
            ("2026/04/01", "C1", "アルファ", "1,234.5"),
        ],
        SALES,
        "sales.csv",
    )
    assert landed["amount"].to_list() == [1234.5]
    assert rejects.select("row_number", "reason").rows() == [(2, v.BAD_AMOUNT), (3, v.BAD_AMOUNT)]


def test_full_width_key_is_a_duplicate_and_lands_normalised(tmp_path: Path):
    landed, rejects = _validate_file(
        tmp_path,
        [("企業コード", "商号"), ("１００", "アルファ"), (" 100 ", "アルファ２")],
        COMPANIES,
        "companies.csv",
    )
    assert landed["company_id"].to_list() == ["100"]
    assert rejects.select("row_number", "column", "value", "reason").rows() == [
        (3, "company_id", " 100 ", v.DUPLICATE)
    ]


def _sales_text(sep: str = ",") -> str:
    return _sales_frame().write_csv(separator=sep)


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        # Excel's 「Unicode テキスト」: UTF-16 LE with BOM, tab-separated, CRLF
        ("sales.txt", lambda: _sales_text("\t").replace("\n", "\r\n").encode("utf-16"), "utf-16"),
        ("sales.csv", lambda: _sales_text("\t").encode("utf-16"), "utf-16"),  # same, renamed .csv
        ("sales.csv", lambda: _sales_text().encode("utf-16-be").join([b"\xfe\xff", b""]), "utf-16"),
        ("sales.csv", lambda: _sales_text().encode("euc_jis_2004"), "euc-jp"),
        ("sales.tsv", lambda: _sales_text("\t").encode("euc_jis_2004"), "euc-jp"),
    ],
)
def test_utf16_and_euc_jp_text_is_detected(tmp_path: Path, name: str, data, expected: str):
    path = tmp_path / name
    path.write_bytes(data())
    df, info = read_input(path, SALES)
    assert info.encoding == expected
    assert df["customer_name"].to_list() == ["株式会社アルファ商事", "㈱ベータ"]
    assert df["amount"].to_list() == ["1,200", "△300"]
    assert df[ROW].to_list() == [2, 3]


def test_euc_jp_with_nec_special_characters(tmp_path: Path):
    """EUC-JP files from Japanese systems carry ① and ㈱ (NEC row 13); they must not fall to CP932 garbage."""
    path = tmp_path / "sales.csv"
    text = "受注日,取引先コード,取引先名,売上金額\n2026/04/01,C1,㈱アルファ①号店,100\n"
    path.write_bytes(text.encode("euc_jis_2004"))
    df, info = read_input(path, SALES)
    assert (info.encoding, df["customer_name"].to_list()) == ("euc-jp", ["㈱アルファ①号店"])
    path.write_bytes(text.replace("㈱", "株式会社").replace("①", "一").encode("euc_jp"))  # plain EUC-JP
    df, info = read_input(path, SALES)
    assert (info.encoding, df["customer_name"].to_list()) == ("euc-jp", ["株式会社アルファ一号店"])


def _workbook(path: Path, sheets: dict[str, list[tuple | None]]) -> None:
    """Write sheets cell by cell; None is a blank row (so row numbers are known exactly)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(path)
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            if row is not None:
                sheet.write_row(r, 0, row)
    book.close()


CONTACT_HEADER = ("コンタクトID", "会社名", "メールアドレス", "オプトイン")


def test_every_xlsx_sheet_is_read_with_its_own_row_numbers(tmp_path: Path):
    path = tmp_path / "contacts.xlsx"
    _workbook(
        path,
        {
            "名刺": [
                CONTACT_HEADER,
                ("L1", "アルファ", "a@alpha.co.jp", "はい"),
                None,  # a blank row: later rows keep the sheet's numbers
                ("L2", "アルファ", "bad@", "はい"),
            ],
            "空": [],  # an empty sheet has nothing to lose
            "展示会": [
                None,
                (
                    "イベント名: 2026 展示会",
                ),  # a title above the header? no: first non-blank row is the header
            ],
        },
    )
    with pytest.raises(
        InputError, match=r"sheets '名刺' and '展示会' have different headers.*\[inputs\.sheets\]"
    ):
        read_input(path, CONTACTS)
    _workbook(
        path,
        {
            "名刺": [
                CONTACT_HEADER,
                ("L1", "アルファ", "a@alpha.co.jp", "はい"),
                None,
                ("L2", "アルファ", "bad@", "はい"),
            ],
            "空": [],
            "展示会": [
                None,
                None,
                CONTACT_HEADER,
                None,
                ("L3", "ベータ", "", "はい"),
                ("L1", "x", "b@x.jp", "1"),
            ],
        },
    )
    raw, info = read_input(path, CONTACTS)
    landed, rejects = v.validate(raw, CONTACTS, path.name)
    assert info.encoding == "xlsx"
    assert landed["contact_id"].to_list() == ["L1"]
    assert rejects.select("source_file", "row_number", "column", "reason").rows() == [
        ("contacts.xlsx#名刺", 4, "email", v.BAD_EMAIL),
        ("contacts.xlsx#展示会", 5, "email", v.MISSING),
        ("contacts.xlsx#展示会", 6, "contact_id", v.DUPLICATE),  # keys are unique across sheets
    ]
    one, _ = read_input(path, CONTACTS, sheet="展示会")
    assert one["contact_id"].to_list() == ["L3", "L1"]
    with pytest.raises(InputError, match=r"no sheet 'メモ' \(sheets: 名刺, 空, 展示会\)"):
        read_input(path, CONTACTS, sheet="メモ")


def test_ragged_lines_are_rejects_with_their_row_numbers(tmp_path: Path):
    path = tmp_path / "sales.csv"
    path.write_text(
        "受注日,取引先コード,取引先名,売上金額\n"
        "2026/04/01,C1,アルファ,100\n"
        "2026/04/01,C2,ベータ,1,200\n"  # unquoted thousands separator: 5 fields
        '2026/04/02,C3,"ガンマ, 本社\n経理部",300\n'  # quoted comma and newline: fine
        "2026/04/03,C4,デルタ\n"  # 3 fields
        "2026/04/04,C5,イプシロン,400\n",
        encoding="utf-8",
    )
    raw, _ = read_input(path, SALES)
    landed, rejects = v.validate(raw, SALES, path.name)
    assert landed.select("source_row", "customer_code").rows() == [(2, "C1"), (4, "C3"), (6, "C5")]
    assert landed["customer_name"][1] == "ガンマ, 本社\n経理部"
    assert rejects.select("row_number", "column", "value", "reason", "severity").rows() == [
        (3, "(row)", "5 fields", v.RAGGED, v.ROW_LEVEL),
        (5, "(row)", "3 fields", v.RAGGED, v.ROW_LEVEL),
    ]


def test_duplicate_headers_are_an_error_naming_both(tmp_path: Path):
    path = tmp_path / "sales.csv"
    path.write_text("受注日,取引先コード,取引先名,売上金額,売上金額\n2026/04/01,C1,A,1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"headers '売上金額' and '売上金額' both mean column 'amount'"):
        read_input(path, SALES)
    path.write_text("受注日,取引先コード,取引先名,金額,売上金額\n2026/04/01,C1,A,1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"headers '金額' and '売上金額' both mean column 'amount'"):
        read_input(path, SALES)
    # an unknown header twice is harmless: neither is used
    path.write_text(
        "受注日,取引先コード,取引先名,売上金額,備考,備考\n2026/04/01,C1,A,1,x,y\n", encoding="utf-8"
    )
    assert read_input(path, SALES)[0]["amount"].to_list() == ["1"]


def test_a_header_named_like_the_readers_row_column_is_harmless(tmp_path: Path):
    path = tmp_path / "sales.csv"
    path.write_text("_row,受注日,取引先コード,取引先名,売上金額\n99,2026/04/01,C1,A,1\n", encoding="utf-8")
    raw, _ = read_input(path, SALES, {"_row": "product"})
    landed, rejects = v.validate(raw, SALES, path.name)
    assert rejects.height == 0
    assert landed.select("source_row", "product").rows() == [(2, "99")]


def test_missing_columns_of_every_file_in_one_message_with_the_config_to_paste(tmp_path: Path):

    from pipelines import project

    inputs = write_inputs(tmp_path / "in")
    sales = pl.read_csv(inputs / "sales.csv", encoding="cp932", infer_schema=False)
    (inputs / "sales.csv").write_bytes(sales.drop("売上金額", "取引先名").write_csv().encode("cp932"))
    contacts = pl.read_excel(inputs / "contacts.xlsx", infer_schema_length=0)
    contacts.drop("メールアドレス").write_excel(inputs / "contacts.xlsx", worksheet="名刺")
    with pytest.raises(InputError) as caught:
        project.run(settings_for(inputs, tmp_path / "abm.duckdb"))
    message = str(caught.value)
    assert "sales.csv: 'customer_name' (accepted headers: customer_name, 取引先名" in message
    assert "sales.csv: 'amount' (accepted headers: amount, 売上金額" in message
    assert "contacts.xlsx#名刺: 'email' (accepted headers: email, メールアドレス" in message
    toml = message.split("(abm.toml):\n", 1)[1]
    assert toml == (
        '[columns.sales]\n"<your header>" = "customer_name"\n"<your header>" = "amount"\n'
        '[columns.contacts]\n"<your header>" = "email"'
    )
    assert not (tmp_path / "abm.duckdb").exists()


def test_config_names_the_sheet_to_read(tmp_path: Path):

    from abm.errors import ConfigError
    from pipelines import project

    inputs = write_inputs(tmp_path / "in")
    contacts = pl.read_excel(inputs / "contacts.xlsx", infer_schema_length=0)
    _workbook(
        inputs / "contacts.xlsx",
        {"メモ": [("担当", "備考")], "名刺": [tuple(contacts.columns), *contacts.rows()]},
    )
    with pytest.raises(InputError, match="sheets 'メモ' and '名刺' have different headers"):
        project.run(settings_for(inputs, tmp_path / "abm.duckdb"))
    with pytest.raises(ConfigError, match=r"\[inputs.sheets\] contact: unknown input"):
        project.run(settings_for(inputs, tmp_path / "abm.duckdb", **{"inputs.sheets": {"contact": "名刺"}}))
    db = tmp_path / "abm.duckdb"
    project.run(settings_for(inputs, db, **{"inputs.sheets": {"contacts": "名刺"}}))
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        assert con.sql("SELECT count(*) FROM contacts").fetchall() == [(5,)]
        files = con.sql(
            "SELECT DISTINCT source_file FROM rejects WHERE source_file LIKE 'contacts%'"
        ).fetchall()
        assert files == [("contacts.xlsx#名刺",)]
