"""Export the 名寄せ review queue for people to decide, and import their decisions.

The exported sheet has one row per borderline pair and an empty `decision` column: `link`
(the record is this company; change `company_id` to link it to another one) or `not` (not a
match). Blank rows stay undecided. Imported decisions go to the decisions store.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from abm.errors import InputError
from abm.inputs.readers import ROW, read_raw
from abm.matching.decision_store import record_decisions
from abm.published.csv_safety import restore_text, write_safe_csv
from abm.published.reader import reading
from abm.published.xlsx import write_xlsx

LINK_WORDS = {"link", "yes", "y", "match", "same", "同一", "はい", "○"}
NOT_WORDS = {"not", "no", "n", "not a match", "different", "別", "いいえ", "×"}


def export_review(db: Path, out_file: Path) -> int:
    with reading(db) as session:
        queue = session.frame("SELECT * FROM match_review ORDER BY source, score DESC, source_key")
    queue = queue.with_columns(pl.lit(None, pl.Utf8).alias("decision"), pl.lit(None, pl.Utf8).alias("note"))
    out_file.parent.mkdir(parents=True, exist_ok=True)
    if out_file.suffix.lower() == ".xlsx":
        write_xlsx(queue, out_file, sheet="review")
    elif out_file.suffix.lower() == ".csv":
        write_safe_csv(queue, out_file, bom=True)  # BOM: Excel opens UTF-8; names cannot run as formulas
    else:
        raise InputError.keyed("error.review.suffix", path=out_file)
    return queue.height


def import_review(in_file: Path, store: Path, db: Path, decided_by: str = "") -> dict[str, int]:
    """Record the sheet's decisions in ``store`` after checking them against the published ``db``:
    a record or company the run does not know would silently drop that customer's revenue, so one
    unknown key stops the import and nothing is stored."""
    if not in_file.exists():
        raise InputError.keyed("error.review.not_found", path=in_file)
    df, kind = read_raw(in_file)
    if kind != "xlsx":  # a CSV sheet comes back with the quotes formula_safe put before =, +, -, @
        df = df.with_columns(restore_text(pl.col(c)) for c in df.columns if df.schema[c] == pl.String)
    for needed in ("source", "source_key", "company_id", "decision"):
        if needed not in df.columns:
            raise InputError.keyed("error.review.missing_column", path=in_file, column=needed)
    word = pl.col("decision").str.strip_chars().str.to_lowercase()
    df = df.with_columns(
        pl.when(word.is_in(LINK_WORDS))
        .then(pl.lit("link"))
        .when(word.is_in(NOT_WORDS))
        .then(pl.lit("not"))
        .when(word.is_null() | (word == ""))
        .then(pl.lit("blank"))
        .alias("_decision")
    )
    bad = df.filter(pl.col("_decision").is_null())
    if bad.height:
        raise InputError.keyed(
            "error.review.bad_decision", path=in_file, row=bad[ROW][0], decision=bad["decision"][0]
        )
    no_target = df.filter(
        (pl.col("_decision") == "link") & pl.col("company_id").str.strip_chars().fill_null("").eq("")
    )
    if no_target.height:
        raise InputError.keyed("error.review.no_company", path=in_file, row=no_target[ROW][0])
    decided = df.filter(pl.col("_decision") != "blank").select(
        ROW,
        pl.col("source").str.strip_chars(),
        pl.col("source_key").str.strip_chars(),
        pl.when(pl.col("_decision") == "link")
        .then(pl.col("company_id").str.strip_chars())
        .alias("company_id"),
        (pl.col("note") if "note" in df.columns else pl.lit(None, pl.Utf8)).alias("note"),
    )
    if decided.height:
        decided = _known_to_the_run(decided, in_file, db)
        record_decisions(store, decided.drop(ROW), decided_by)
    counts = df["_decision"].value_counts()
    return {k: int(counts.filter(pl.col("_decision") == k)["count"].sum()) for k in ("link", "not", "blank")}


def _known_to_the_run(decided: pl.DataFrame, in_file: Path, db: Path) -> pl.DataFrame:
    """The decisions with the record's current name (``source_name``), once every record is one the
    published run linked (``matches``) and every linked company is in its master (``companies``)."""
    with reading(db) as session:
        con = session.cur
        con.register("_decided", decided.rename({ROW: "_row"}))  # SQL-friendly name for the row number
        unknown_record = con.sql(
            """SELECT d.* FROM _decided d
               ANTI JOIN matches m ON m.source = d.source AND m.source_key = d.source_key
               ORDER BY d._row LIMIT 1"""
        ).pl()
        unknown_company = con.sql(
            """SELECT d.* FROM _decided d
               ANTI JOIN companies c ON c.company_id = d.company_id
               WHERE d.company_id IS NOT NULL
               ORDER BY d._row LIMIT 1"""
        ).pl()
        named = con.sql(
            """SELECT d.*, m.source_name FROM _decided d
               JOIN matches m ON m.source = d.source AND m.source_key = d.source_key
               ORDER BY d._row"""
        ).pl()
    if unknown_record.height:
        r = unknown_record.row(0, named=True)
        raise InputError.keyed(
            "error.review.unknown_record",
            path=in_file,
            row=r["_row"],
            source=r["source"],
            key=r["source_key"],
            db=db,
        )
    if unknown_company.height:
        r = unknown_company.row(0, named=True)
        raise InputError.keyed(
            "error.review.unknown_company", path=in_file, row=r["_row"], company=r["company_id"], db=db
        )
    return named.rename({"_row": ROW})
