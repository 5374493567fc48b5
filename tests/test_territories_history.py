"""Three real quarterly runs into one database: history, stickiness, a rep leaving, bad pins, the CLI."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from helpers import settings_for, write_inputs
from typer.testing import CliRunner

from abm.cli.main import app
from abm.messages import labels, text
from abm.report import write_report
from pipelines import project

# 関東 has two reps, 九州・沖縄 two (R3 leaves before the third quarter), 近畿 one; nobody covers 東北.
REPS = [
    ("R1", "山田 太郎", "関東", "1"),
    ("R2", "佐藤 花子", "関東", "1"),
    ("R3", "鈴木 一郎", "九州", "1"),
    ("R4", "高橋 次郎", "九州・沖縄", "1"),
    ("R5", "田中 三郎", "関西", "1"),
]
QUARTERS = [date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30)]


def write_reps(folder: Path, leaving: str | None = None) -> None:
    rows = [(r, n, a, "0" if r == leaving else act) for r, n, a, act in REPS]
    pl.DataFrame(rows, schema=["担当者コード", "担当者名", "エリア", "在籍"], orient="row").write_csv(
        folder / "reps.csv"
    )


@pytest.fixture(scope="module")
def quarters(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("territories")
    inputs = write_inputs(root / "in")
    db = root / "abm.duckdb"
    # named account アルファ (東京) pinned to R2; two bad pins become rejects, not crashes
    pl.DataFrame(
        {"アカウントID": ["100000001", "999999999", "100000002"], "担当者コード": ["R2", "R1", "R9"]}
    ).write_csv(inputs / "pins.csv")
    owners = []
    for number, as_of in enumerate(QUARTERS):
        write_reps(inputs, leaving="R3" if number == 2 else None)
        project.run(settings_for(inputs, db, **{"run.as_of": as_of}))
        with duckdb.connect(str(db), read_only=True) as con:
            owners.append(
                dict(con.execute("SELECT account_id, owner FROM accounts WHERE owner IS NOT NULL").fetchall())
            )
    return {"db": db, "owners": owners}


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_history_keeps_every_quarter_across_the_atomic_swaps(quarters):
    db = quarters["db"]
    assert query(db, "SELECT quarter, count(*) FROM runs GROUP BY quarter ORDER BY min(as_of)") == [
        ("FY2025Q4", 1),
        ("FY2026Q1", 1),
        ("FY2026Q2", 1),
    ]
    columns = {
        r[0]
        for r in query(db, "SELECT column_name FROM duckdb_columns() WHERE table_name = 'account_history'")
    }
    assert {
        "run_id",
        "quarter",
        "account_id",
        "segment",
        "tier",
        "buying_power_score",
        "territory",
        "owner",
    } <= columns
    per_run = query(
        db,
        "SELECT quarter, count(DISTINCT run_id), count(owner) FROM account_history GROUP BY quarter "
        "ORDER BY quarter",
    )
    assert [(q, n) for q, n, _ in per_run] == [("FY2025Q4", 1), ("FY2026Q1", 1), ("FY2026Q2", 1)]
    assert all(owned > 0 for _, _, owned in per_run)
    # the per-area balance figures are kept per run too
    assert query(db, "SELECT count(DISTINCT run_id) FROM territory_areas") == [(3,)]


def test_owners_stick_and_the_pin_holds(quarters):
    first, second, third = quarters["owners"]
    assert first["100000001"] == second["100000001"] == third["100000001"] == "R2"  # pinned
    kept = {a: o for a, o in second.items() if o != "R3"}
    assert {a: third.get(a) for a in kept} == kept  # nobody else moved in a quiet quarter


def test_a_rep_leaving_hands_over_with_the_reason(quarters):
    db, second, third = quarters["db"], quarters["owners"][1], quarters["owners"][2]
    # デルタ電機 (福岡) was the first 九州 rep's; R3 left, so R4 has it now
    assert (second["100000004"], third["100000004"]) == ("R3", "R4")
    changes = query(
        db,
        "SELECT account_id, from_owner, from_owner_name, to_owner, reason, quarter, previous_quarter "
        "FROM territory_changes",
    )
    assert ("100000004", "R3", "鈴木 一郎", "R4", "rep left", "FY2026Q2", "FY2026Q1") in changes
    assert {r[4] for r in changes} <= {"rep left", "new account", "tier change", "left target list"}
    balance = dict(query(db, "SELECT rep_id, accounts FROM territory_balance"))
    assert "R3" not in balance and balance["R4"] >= 1


def test_bad_pins_are_rejects_with_a_reason(quarters):
    rejects = query(
        quarters["db"],
        'SELECT source_file, row_number, "column", value, reason FROM rejects '
        "WHERE source_file = 'pins.csv' ORDER BY row_number",
    )
    assert rejects == [
        ("pins.csv", 3, "account_id", "999999999", "unknown account"),
        ("pins.csv", 4, "rep_id", "R9", "unknown rep"),
    ]


def test_cli_prints_balance_and_changes(quarters):
    result = CliRunner().invoke(app, ["territories", "--db", str(quarters["db"])])
    assert result.exit_code == 0, result.output
    assert text("cli.territories.balance", "ja", quarter="FY2026Q2") in result.output
    assert "rep left: 1" in result.output
    assert "高橋 次郎" in result.output


def test_cli_without_reps_says_what_to_do(tiny_db):
    result = CliRunner().invoke(app, ["territories", "--db", str(tiny_db)])
    assert result.exit_code == 2
    assert "担当者ファイル" in result.output


def test_report_lists_territory_changes_by_reason_without_names(quarters, tmp_path):
    html = write_report(quarters["db"], tmp_path / "report.html").read_text(encoding="utf-8")
    section = html[html.index('<section id="territory_changes">') :]
    section = section[: section.index("</section>")]
    counts = dict(query(quarters["db"], "SELECT reason, count(*) FROM territory_changes GROUP BY reason"))
    assert counts["rep left"] >= 1
    for reason, n in counts.items():
        assert f'<td>{labels("reason")[reason]}</td><td>{reason}</td><td class="n">{n:,}</td>' in section
    assert "<td>R3</td><td>R4</td><td>担当者の退職・異動</td>" in section  # デルタ電機 handed over
    for _, name, _, _ in REPS:
        assert name not in section  # rep codes only, no person's name


def test_a_rep_left_outside_tolerance_is_named_in_progress_and_balance_note(tmp_path):
    """Two 関東 reps and one 関東 account in the tiny data: the second rep cannot get a share."""
    inputs = write_inputs(tmp_path / "in")
    (inputs / "reps.csv").write_text(
        "担当者コード,担当者名,エリア\nR1,山田 太郎,関東\nR2,佐藤 花子,関東\nR5,田中 三郎,近畿\n",
        encoding="utf-8",
    )
    db = tmp_path / "abm.duckdb"
    lines: list[str] = []
    project.run(settings_for(inputs, db), progress=lines.append)
    notes = dict(query(db, "SELECT rep_id, balance_note FROM territory_balance WHERE NOT within_tolerance"))
    assert set(notes) == {"R1", "R2"} and all("許容範囲（±15%）" in n for n in notes.values())
    said = [line for line in lines if "±15% の範囲外" in line]
    assert len(said) == 2 and "関東 R2" in said[1] and notes["R2"] in said[1]
    assert query(db, "SELECT reps_outside_tolerance FROM territory_areas WHERE area = '関東'") == [(2,)]
