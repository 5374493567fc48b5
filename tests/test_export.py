"""abm export: the target list with CRM import headers, CSV with BOM for Excel, or XLSX."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import duckdb
import polars as pl
import pytest
from fastapi.testclient import TestClient
from helpers import CONTACT_ROWS, READ, SALES_ROWS, make_app, settings_for, write_inputs

from abm.errors import AbmError
from abm.matching.review import export_review
from abm.messages import labels, playbook
from abm.published.csv_safety import formula_safe, formula_safe_frame, restore_text
from abm.published.export import export_targets, headers
from pipelines import project


def test_csv_has_bom_salesforce_headers_and_every_target(tiny_db, tiny_con, tmp_path):
    out = tmp_path / "targets.csv"
    n = export_targets(tiny_db, out, crm="salesforce")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel opens Japanese correctly
    frame = pl.read_csv(out, infer_schema=False)
    assert frame.columns == list(headers("salesforce").values())
    assert frame.columns[:3] == ["Account Name", "法人番号", "Billing State/Province"]
    targets = tiny_con.execute("SELECT account_id FROM v_target_accounts ORDER BY priority").fetchall()
    assert n == frame.height == len(targets) > 0
    assert frame["ABM Account ID"].to_list() == [t[0] for t in targets]
    assert set(frame["Billing Country"]) == {"Japan"}


def test_xlsx_with_hubspot_headers_and_a_tier_filter(tiny_db, tiny_con, tmp_path):
    out = tmp_path / "targets.xlsx"
    n = export_targets(tiny_db, out, tiers=[1], crm="hubspot")
    frame = pl.read_excel(out)
    assert frame.columns[0] == "Company name" and "Company Domain Name" in frame.columns
    tier1 = tiny_con.execute("SELECT count(*) FROM accounts WHERE tier = 1").fetchone()[0]
    assert n == frame.height == tier1
    assert set(frame["ティア"].cast(pl.Int64)) <= {1}


def test_headers_and_texts_are_japanese_by_default(tiny_db, tmp_path):
    out = tmp_path / "targets.csv"
    export_targets(tiny_db, out)
    frame = pl.read_csv(out, infer_schema=False)
    assert {"ティア", "ティアの理由", "アプローチ", "購買力の理由"} <= set(frame.columns)
    assert all(r.startswith("ティア") for r in frame["ティアの理由"])
    # the segment's playbook, or the next action's text (abm.targeting.actions) when one is set
    assert set(frame["アプローチ"]) <= set(playbook("ja").values()) | set(labels("action.do", "ja").values())
    assert "Web以外で至急フォロー (テレセールス・訪問)" in set(frame["アプローチ"])  # no activities: Tier 1/2


def test_a_run_in_english_exports_english_headers_tier_reason_and_approach(tmp_path):
    inputs = write_inputs(tmp_path / "in")
    db = tmp_path / "abm.duckdb"
    project.run(settings_for(inputs, db, **{"ui.language": "en"}))
    out = tmp_path / "targets.csv"
    export_targets(db, out)
    frame = pl.read_csv(out, infer_schema=False)
    assert frame.columns == list(headers("salesforce", "en").values())
    assert {"Tier", "Tier reason", "Approach", "Why (buying power)", "Account Name"} <= set(frame.columns)
    assert all(re.match(r"Tier [123] \(", r) for r in frame["Tier reason"])
    assert "Follow up now off the web (telesales, visits)" in set(frame["Approach"])  # a Tier 1/2 action
    assert set(frame["Approach"]) <= set(playbook("en").values()) | set(labels("action.do", "en").values())
    con = duckdb.connect(str(db), read_only=True)
    try:
        approaches = dict(con.execute("SELECT segment, approach FROM segments").fetchall())
    finally:
        con.close()
    assert approaches["none"] == "Not targeted" and approaches["B"].startswith("Outbound")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"out": "t.txt"}, ".csv or .xlsx"), ({"crm": "sap"}, "--crm"), ({"tiers": [4]}, "--tier")],
)
def test_bad_options_are_one_line_errors(tiny_db, tmp_path, kwargs, message):
    out = tmp_path / kwargs.pop("out", "t.csv")
    with pytest.raises(AbmError, match=message):
        export_targets(tiny_db, out, **kwargs)


# --- formula injection (issue #13) -----------------------------------------------------------------

HOSTILE = [
    "=1+1",
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    '=HYPERLINK("http://x.example","株式会社ワナ")',
    "=株式会社アルファ商事",  # close to a master company: lands in the review queue
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    """A real run whose sales lines and web-form contacts carry formula-like company names."""
    root = tmp_path_factory.mktemp("hostile")
    inputs = write_inputs(root / "in")
    sales = SALES_ROWS + [
        ("2026/08/01", f"H{i}", name, "-500" if i == 0 else "100") for i, name in enumerate(HOSTILE)
    ]
    frame = pl.DataFrame(sales, schema=["受注日", "取引先コード", "取引先名", "売上金額"], orient="row")
    (inputs / "sales.csv").write_bytes(frame.write_csv().encode("cp932"))
    hostile = [(f"W{i}", name, f"web@hack{i}-corp.jp", "1", "") for i, name in enumerate(HOSTILE)]
    contacts = CONTACT_ROWS + hostile
    pl.DataFrame(
        contacts,
        schema=["コンタクトID", "会社名", "メールアドレス", "オプトイン", "配信停止日"],
        orient="row",
    ).write_excel(inputs / "contacts.xlsx")
    db = root / "abm.duckdb"
    project.run(settings_for(inputs, db, **{"match.auto": 0.99}))  # exact names wait for review
    return db


def csv_cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def assert_formula_safe(rows: list[list[str]], must_show: list[str]) -> None:
    """No cell starts like a formula (plain signed numbers aside), and the hostile names are there,
    quoted, so the check is not vacuous."""
    cells = [c for row in rows for c in row]
    bad = [c for c in cells if c.startswith(FORMULA_START) and not re.fullmatch(r"[+-]?\d+(\.\d+)?", c)]
    assert bad == []
    for name in must_show:
        assert "'" + name in cells, name


def test_all_three_csv_outputs_are_formula_safe(hostile_db, tmp_path):
    with duckdb.connect(str(hostile_db), read_only=True) as con:
        names = {r[0] for r in con.execute("SELECT name FROM accounts").fetchall()}
        targets = {r[0] for r in con.execute("SELECT name FROM v_target_accounts").fetchall()}
        review = {r[0] for r in con.execute("SELECT source_name FROM match_review").fetchall()}
    # raw in the database: off-master accounts named by what the web form said
    assert "=1+1" in names and len(targets & set(HOSTILE)) >= 4 and "=株式会社アルファ商事" in review

    out = tmp_path / "targets.csv"
    export_targets(hostile_db, out)
    assert_formula_safe(csv_cells(out.read_text("utf-8")), sorted(targets & set(HOSTILE)))

    sheet = tmp_path / "review.csv"
    export_review(hostile_db, sheet)
    assert_formula_safe(csv_cells(sheet.read_text("utf-8")), sorted(review & set(HOSTILE)))

    with TestClient(make_app(hostile_db)) as client:
        for excel in ("false", "true"):
            r = client.get(f"/exports/targets.csv?excel={excel}&sort=account_id", headers=READ)
            assert r.status_code == 200
            rows = csv_cells(r.content.decode("utf-8"))
            assert_formula_safe(rows, sorted(names & set(HOSTILE)))
            # numbers stay numbers: the account of '=1+1' returned 500 yen (its only line is -500)
            header = rows[0]
            row = next(r for r in rows if r[header.index("name")] == "'=1+1")
            assert float(row[header.index("sales_amount")]) == -500.0
            assert row[header.index("sales_amount")].startswith("-")


def sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_xlsx_outputs_hold_text_never_formulas(hostile_db, tmp_path):
    out, sheet = tmp_path / "targets.xlsx", tmp_path / "review.xlsx"
    export_targets(hostile_db, out)
    export_review(hostile_db, sheet)
    for path, column in ((out, "Account Name"), (sheet, "source_name")):
        assert "<f>" not in sheet_xml(path)  # no formula cell anywhere
        values = set(pl.read_excel(path, infer_schema_length=0)[column].to_list())
        assert values & set(HOSTILE)  # the exact text, stored as text


def test_formula_safe_rule_and_its_inverse():
    texts = ["=1+1", "+81 3", "-2+3", "@x", "\tx", "\rx", "＝1", "-500", "+1.5", "-", "a=b", "'=x", None]
    safe = pl.select(formula_safe(pl.Series(texts))).to_series().to_list()
    expected = ["'=1+1", "'+81 3", "'-2+3", "'@x", "'\tx", "'\rx", "'＝1", "-500", "+1.5", "'-", "a=b"]
    assert safe == [*expected, "''=x", None]
    assert pl.select(restore_text(pl.Series(safe))).to_series().to_list() == texts
    numbers = pl.DataFrame({"amount": [-500, 3], "name": ["-x", "y"]})
    assert formula_safe_frame(numbers).to_dict(as_series=False) == {"amount": [-500, 3], "name": ["'-x", "y"]}
