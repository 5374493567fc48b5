"""Human 名寄せ decisions: export the queue, decide, import, and every later run applies them."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from conftest import settings_for
from fixtures import write_inputs

from abm import project
from abm.errors import InputError
from abm.review import export_review, import_review

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
    counts = import_review(sheet, settings.run.decisions, decided_by="yamada")
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
        import_review(sheet, tmp_path / "store.csv")
    sheet.write_text("source,source_key,company_id,decision\nsales,C1,,link\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 2: decision 'link' needs a company_id"):
        import_review(sheet, tmp_path / "store.csv")
    assert not (tmp_path / "store.csv").exists()
