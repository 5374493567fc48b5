"""Human 名寄せ decisions: export the queue, decide, import, and every later run applies them."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from helpers import SALES_ROWS, settings_for, write_inputs

from abm.errors import InputError
from abm.matching.review import export_review, import_review
from pipelines import project

STRICT = {"match.auto": 0.99}  # exact names score below this: they wait in the review queue


def _matches(db: Path) -> dict[str, tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT source_key, status, company_id FROM matches WHERE source = 'sales'"
        ).fetchall()
    return {key: (status, company) for key, status, company in rows}


def test_decisions_are_applied_on_every_later_run(tmp_path: Path):
    inputs = write_inputs(tmp_path / "in")
    db = tmp_path / "abm.duckdb"
    settings = settings_for(inputs, db, **STRICT)
    project.run(settings)
    assert _matches(db)["C001"][0] == "review"

    sheet = tmp_path / "review.xlsx"
    assert export_review(db, sheet) >= 3
    queue = pl.read_excel(sheet, infer_schema_length=0)
    decided = queue.with_columns(
        pl.when(pl.col("source_key") == "C001")
        .then(pl.lit("link"))
        .when(pl.col("source_key") == "C002")
        .then(pl.lit("not"))
        .when(pl.col("source_key") == "C003")
        .then(pl.lit("link"))
        .alias("decision"),
        # a reviewer may link a record to another company than the one proposed
        pl.when(pl.col("source_key") == "C003")
        .then(pl.lit("100000006"))
        .otherwise("company_id")
        .alias("company_id"),
    )
    decided.write_excel(sheet)
    counts = import_review(sheet, settings.run.decisions, db, decided_by="yamada")
    assert (counts["link"], counts["not"]) == (2, 1)
    store = settings.run.decisions.read_bytes()

    project.run(settings)
    after = _matches(db)
    assert after["C001"] == ("manual", "100000001")
    assert after["C002"] == ("manual", None)  # not a match: stays unlinked, never proposed again
    assert after["C003"] == ("manual", "100000006")
    assert after["C005"][0] == "review"  # undecided rows wait
    assert settings.run.decisions.read_bytes() == store  # runs never write the store
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM match_review WHERE source_key = 'C001'").fetchone()[0] == 0


def test_bad_decision_names_the_row(tmp_path: Path):
    sheet = tmp_path / "review.csv"
    sheet.write_text(
        "source,source_key,company_id,decision\nsales,C1,1,link\nsales,C2,2,maybe\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"row 3: decision 'maybe' is not 'link' or 'not'"):
        import_review(sheet, tmp_path / "store.csv", tmp_path / "abm.duckdb")
    sheet.write_text("source,source_key,company_id,decision\nsales,C1,,link\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 2: decision 'link' needs a company_id"):
        import_review(sheet, tmp_path / "store.csv", tmp_path / "abm.duckdb")
    assert not (tmp_path / "store.csv").exists()


def _decide(db: Path, sheet: Path, rows: str) -> None:
    sheet.write_text("source,source_key,company_id,decision\n" + rows, encoding="utf-8")


def test_import_refuses_unknown_company_or_record(tmp_path: Path):
    """A link to a company the master lacks would give the customer an account with no row (its
    revenue vanishes): the import stops at the first unknown key and stores nothing."""
    inputs = write_inputs(tmp_path / "in")
    db = tmp_path / "abm.duckdb"
    settings = settings_for(inputs, db, **STRICT)
    project.run(settings)
    store, sheet = settings.run.decisions, tmp_path / "review.csv"
    _decide(db, sheet, "sales,C001,100000001,link\nsales,C003,999999999,link\n")
    with pytest.raises(InputError, match=r"row 3: company_id '999999999' is not in the company master"):
        import_review(sheet, store, db)
    _decide(db, sheet, "sales,C001,100000001,link\nsales,C999,,not\n")
    with pytest.raises(InputError, match=r"row 3: sales record 'C999' is not in"):
        import_review(sheet, store, db)
    _decide(db, sheet, "contacts,C001,100000001,link\n")  # a customer code is not a contact id
    with pytest.raises(InputError, match=r"row 2: contacts record 'C001' is not in"):
        import_review(sheet, store, db)
    assert not store.exists()
    _decide(db, sheet, "sales,C001,100000001,link\n")
    import_review(sheet, store, db)
    stored = pl.read_csv(store, infer_schema=False)
    assert stored.select("source_key", "company_id", "source_name").row(0) == (
        "C001",
        "100000001",
        "株式会社アルファ商事",  # the record's name when decided: later runs notice a reused code
    )


def _write_sales(inputs: Path, renames: dict[str, str]) -> None:
    rows = [(d, code, renames.get(code, name), amount) for d, code, name, amount in SALES_ROWS]
    frame = pl.DataFrame(rows, schema=["受注日", "取引先コード", "取引先名", "売上金額"], orient="row")
    (inputs / "sales.csv").write_bytes(frame.write_csv().encode("cp932"))


def _review_reasons(db: Path) -> dict[str, tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT source_key, company_id, reason FROM match_review WHERE source = 'sales' AND score IS NULL"
        ).fetchall()
    return {key: (company, reason) for key, company, reason in rows}


def _revenue(db: Path) -> float:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT sum(sales_amount) FROM accounts").fetchone()[0]


def test_decisions_that_no_longer_fit_are_not_applied(tmp_path: Path):
    """Company gone from the master, or the customer code now names another company: the decision is
    not applied, the record is linked afresh, the pair waits in match_review with the reason, and
    no revenue is lost (window revenue of the fixture = 1000)."""
    inputs = write_inputs(tmp_path / "in")
    db = tmp_path / "abm.duckdb"
    settings = settings_for(inputs, db, **STRICT)
    project.run(settings)
    sheet = tmp_path / "review.csv"
    _decide(db, sheet, "sales,C001,100000001,link\nsales,C003,100000006,link\nsales,C005,,not\n")
    import_review(sheet, settings.run.decisions, db)

    # 100000006 (ゼータ建設) leaves the master
    companies = pl.read_csv(inputs / "companies.csv", infer_schema=False)
    companies.filter(pl.col("企業コード") != "100000006").write_csv(inputs / "companies.csv")
    # C001 is reused for another company; C005 only changes its spelling
    _write_sales(inputs, {"C001": "株式会社ラムダ物産", "C005": "イプシロン(株)"})
    lines: list[str] = []
    project.run(settings, progress=lines.append)

    after = _matches(db)
    assert after["C003"][0] != "manual"
    assert after["C001"][0] != "manual"
    assert after["C005"] == ("manual", None)  # same company, new spelling: the decision still holds
    stale = _review_reasons(db)
    assert stale["C003"][0] == "100000006" and "企業マスタにない" in stale["C003"][1]
    assert stale["C001"][0] == "100000001" and "取引先名が判定時と大きく異なる" in stale["C001"][1]
    assert "株式会社ラムダ物産" in stale["C001"][1]
    assert "C005" not in stale
    warnings = [ln for ln in lines if "警告: sales " in ln and "への判断は適用せず" in ln]
    assert any("C001" in ln for ln in warnings) and any("C003" in ln for ln in warnings)
    assert _revenue(db) == pytest.approx(1000)


def test_a_formula_like_code_survives_the_csv_round_trip(tmp_path: Path):
    # the CSV export quotes a customer code like "=C7" (formula-safe); the import must store "=C7"
    inputs = write_inputs(tmp_path / "in")
    sales = pl.read_csv(inputs / "sales.csv", encoding="cp932", infer_schema=False)
    hostile = pl.DataFrame(
        [("2026/06/15", "=C7", "ゼータ建設株式会社", "30")], schema=sales.columns, orient="row"
    )
    (inputs / "sales.csv").write_bytes(pl.concat([sales, hostile]).write_csv().encode("cp932"))
    db = tmp_path / "abm.duckdb"
    settings = settings_for(inputs, db, **STRICT)
    project.run(settings)
    assert _matches(db)["=C7"][0] == "review"

    sheet = tmp_path / "review.csv"
    export_review(db, sheet)
    queue = pl.read_csv(sheet, infer_schema=False)
    assert "'=C7" in queue["source_key"].to_list()  # quoted in the file people open
    decided = queue.with_columns(
        pl.when(pl.col("source_key") == "'=C7").then(pl.lit("link")).alias("decision")
    )
    decided.write_csv(sheet)
    assert import_review(sheet, settings.run.decisions, db)["link"] == 1
    project.run(settings)
    assert _matches(db)["=C7"] == ("manual", "100000006")
