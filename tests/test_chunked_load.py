"""Chunked loading (sales, activities): the load step, reading a few rows at a time into a real DuckDB
file, lands exactly the rows and rejects (row numbers included) that reading the whole file would."""

from __future__ import annotations

import csv
import io
import threading
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest
from helpers import settings_for, write_inputs
from polars.testing import assert_frame_equal

from abm.config.settings import load_settings
from abm.errors import InputError
from abm.inputs import chunks
from abm.inputs.chunks import read_input_chunks, record_chunks
from abm.inputs.readers import list_tables, read_input
from abm.inputs.schema import CONTACTS, SALES
from abm.inputs.validate import validate
from pipelines.context import RunContext
from pipelines.load import chunked, load, read_ahead
from pipelines.project import connect_for_build

HEADER = ["受注日", "取引先コード", "取引先名", "売上金額", "法人番号"]
CHUNK_ROWS = 7


def _rows(n: int = 150) -> list[list[str]]:
    """Sales lines with bad rows of every kind spread over the file (so over many chunks)."""
    rows = []
    for i in range(n):
        row = [
            f"2026/04/{1 + i % 28:02d}",
            f"C{i % 17:03d}",
            f"株式会社テスト{i % 17}",
            f"{(i + 1) * 1000:,}",
            "",
        ]
        if i % 11 == 3:
            row[0] = "2026/13/45"  # unparseable date: the row is rejected
        if i % 13 == 5:
            row[3] = "12円34"  # unparseable amount: rejected
        if i % 17 == 7:
            row[1] = ""  # missing required value: rejected
        if i % 19 == 2:
            row[4] = "1234567890123"  # bad check digit, optional column: lands with it empty
        if i % 23 == 9:
            row[2] = "株式会社\nテスト改行"  # a quoted line break: one record over two lines
        if i % 7 == 1:
            row[2] = '株式会社"ABC", 東京'  # separators and quotes inside quotes
        if i % 29 == 4:
            row.append("余分")  # a ragged line: rejected for its field count
        rows.append(row)
    return rows


def _text(sep: str, newline: str) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator=newline)
    writer.writerow(HEADER)
    for i, row in enumerate(_rows()):
        writer.writerow(row)
        if i % 31 == 6:
            buf.write(newline)  # a blank line: a row of missing values
    return buf.getvalue()


def _write_sales(folder: Path, kind: str) -> Path:
    for old in folder.glob("sales.*"):
        old.unlink()
    if kind == "parquet":
        path = folder / "sales.parquet"
        frame = pl.DataFrame([r[:5] for r in _rows()], schema=HEADER, orient="row")
        frame.write_parquet(path, row_group_size=13)  # batches and row groups do not line up
        return path
    suffix, sep, newline, encoding = {
        "utf-8": (".csv", ",", "\n", "utf-8"),
        "cp932": (".csv", ",", "\r\n", "cp932"),  # Shift_JIS as Japanese Excel writes it
        "utf-16": (".tsv", "\t", "\r\n", "utf-16"),  # Excel's Unicode text
    }[kind]
    path = folder / f"sales{suffix}"
    path.write_bytes(_text(sep, newline).encode(encoding))
    return path


def _load(inputs: Path, db: Path, chunk_rows: int) -> tuple[pl.DataFrame, pl.DataFrame, dict]:
    """Run the load step into a real DuckDB file; (sales, its rejects in table order, its counts)."""
    settings = settings_for(inputs, db, **{"inputs.chunk_rows": chunk_rows})
    with duckdb.connect(str(db)) as con:
        ctx = RunContext(con, settings, "test", time.time())
        load(ctx)
        sales = ctx.read_table("sales")
        rejects = ctx.query("SELECT * EXCLUDE (rowid) FROM (SELECT rowid, * FROM rejects) ORDER BY rowid")
        return sales, rejects, ctx.input_rows["sales"]


@pytest.mark.parametrize("kind", ["utf-8", "cp932", "utf-16", "parquet"])
def test_chunked_load_lands_what_a_whole_read_lands(tmp_path: Path, kind: str, monkeypatch):
    # blocks of 64 bytes: record and quote boundaries fall inside blocks, the open quote carries over
    monkeypatch.setattr(chunks, "CHUNK", 64)
    inputs = write_inputs(tmp_path / "in")
    path = _write_sales(inputs, kind)
    raw, _ = read_input(path, SALES)
    whole_landed, whole_rejects = validate(raw, SALES, path.name)
    frames, _ = read_input_chunks(path, SALES, list_tables(path), CHUNK_ROWS)
    assert [f.height for f in frames][:-1] == [CHUNK_ROWS] * (-(-raw.height // CHUNK_ROWS) - 1)

    sales, rejects, counts = _load(inputs, tmp_path / "chunked.duckdb", CHUNK_ROWS)

    assert_frame_equal(sales, whole_landed)
    mine = rejects.filter(pl.col("source_file") == path.name)
    assert_frame_equal(mine, whole_rejects)
    # the bad rows really were spread over many chunks, and every kind of problem was met
    assert mine["row_number"].unique().len() > 20
    assert (mine["row_number"] // CHUNK_ROWS).n_unique() > 10
    reasons = set(mine["reason"])
    assert {"unparseable date", "unparseable amount", "missing required value"} <= reasons
    assert "invalid corporate number" in reasons
    if kind != "parquet":
        assert "wrong number of fields" in reasons
    assert sales.height + counts["rejected"] == raw.height == counts["read"]
    assert counts["values_nulled"] == whole_rejects.filter(pl.col("severity") == "value").height
    # nothing lost: every row of the file either landed or is a row-level reject, with its own number
    landed_rows = set(sales["source_row"])
    rejected_rows = set(mine.filter(pl.col("severity") == "row")["row_number"])
    assert landed_rows.isdisjoint(rejected_rows)
    assert landed_rows | rejected_rows == set(range(2, raw.height + 2))


def test_one_chunk_and_many_chunks_give_the_same_tables(tmp_path: Path):
    inputs = write_inputs(tmp_path / "in")
    _write_sales(inputs, "cp932")
    many = _load(inputs, tmp_path / "many.duckdb", 3)
    one = _load(inputs, tmp_path / "one.duckdb", 1_000_000)
    assert_frame_equal(many[0], one[0])
    assert_frame_equal(many[1], one[1])
    assert many[2] == one[2]


def test_record_chunks_cut_only_between_records(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(chunks, "CHUNK", 5)
    path = tmp_path / "t.csv"
    path.write_bytes(b'h\n"a\nb",1\n\nc\n"""d""\ne"\nf')
    pieces = list(record_chunks(path, [1, 2, 1, 9]))
    assert pieces == [b"h\n", b'"a\nb",1\n\n', b"c\n", b'"""d""\ne"\nf']


def test_a_file_where_no_row_passes_names_its_first_problem(tmp_path: Path):
    inputs = write_inputs(tmp_path / "in")
    bad = "受注日,取引先コード,取引先名,売上金額\n" + "".join(
        f"いつか,C{i},株式会社{i},100\n" for i in range(20)
    )
    (inputs / "sales.csv").write_bytes(bad.encode("cp932"))
    with pytest.raises(
        InputError, match=r"sales\.csv: no row passed validation \(20 rows rejected; first: row 2"
    ):
        _load(inputs, tmp_path / "t.duckdb", 3)


def test_a_header_only_file_lands_an_empty_table(tmp_path: Path):
    path = tmp_path / "sales.csv"
    path.write_text("受注日,取引先コード,取引先名,売上金額\n", encoding="utf-8")
    frames, _ = read_input_chunks(path, SALES, list_tables(path), 5)
    (frame,) = list(frames)
    landed, rejects = validate(frame, SALES, path.name)
    assert landed.height == 0 and rejects.height == 0
    assert landed.columns == validate(read_input(path, SALES)[0], SALES, path.name)[0].columns


def test_only_keyless_text_and_parquet_inputs_are_chunked():
    assert chunked(SALES, Path("sales.csv")) and chunked(SALES, Path("sales.parquet"))
    assert not chunked(SALES, Path("sales.xlsx"))  # Excel caps a sheet at 1M rows: read whole
    assert not chunked(CONTACTS, Path("contacts.csv"))  # a unique key needs every row at once


def _part(i: int) -> tuple[int, pl.DataFrame, pl.DataFrame]:
    return i, pl.DataFrame({"x": [i]}), pl.DataFrame()


def test_read_ahead_keeps_the_order_and_raises_where_the_bad_chunk_is():
    def parts():
        yield from (_part(i) for i in range(3))
        raise InputError("sales.csv: row 22: unreadable")

    landed = []
    with pytest.raises(InputError, match="row 22"):
        for n, good, _ in read_ahead(parts()):
            landed.append((n, good["x"].item()))
    assert landed == [(0, 0), (1, 1), (2, 2)]  # every chunk before the bad one landed, in order


def test_read_ahead_prepares_the_next_chunk_while_this_one_lands():
    second_started = threading.Event()

    def parts():
        yield _part(0)
        second_started.set()  # reached only once the second chunk is being read and validated
        yield _part(1)

    ahead = read_ahead(parts())
    first = next(ahead)
    assert second_started.wait(timeout=10)  # while the caller still holds the first chunk
    assert [first[0], *(p[0] for p in ahead)] == [0, 1]


def test_the_build_file_does_not_merge_the_chunks_row_groups_at_a_checkpoint(tmp_path: Path):
    # Each appended chunk leaves a partly filled row group; DuckDB's checkpoint vacuum would merge them,
    # re-compressing the table inside whatever statement triggers the checkpoint (~10 s per 10M rows at
    # national scale). The build connection turns that off; a plain connection shows what it avoids.
    def row_groups(con: duckdb.DuckDBPyConnection) -> int:
        for i in range(3):  # 130,000 rows each: one full row group (122,880) and one partial
            con.register("_chunk", pl.DataFrame({"x": range(i * 130_000, (i + 1) * 130_000)}))
            con.execute("CREATE TABLE t AS FROM _chunk" if i == 0 else "INSERT INTO t FROM _chunk")
            con.unregister("_chunk")
        con.execute("CHECKPOINT")
        assert con.execute("SELECT count(*), sum(x) FROM t").fetchone() == (390_000, 390_000 * 389_999 // 2)
        return con.execute("SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('t')").fetchone()[0]

    with duckdb.connect(str(tmp_path / "plain.duckdb")) as plain:
        assert row_groups(plain) < 6
    with connect_for_build(tmp_path / "build.duckdb", load_settings(None)) as build:
        assert row_groups(build) == 6
