"""Read an input a chunk of rows at a time, so a file of any length never sits whole in memory.

Sales histories and activity logs grow without bound (50M lines, 100M rows). Their rules are
row by row (no unique key), so each chunk can be validated and landed on its own: the load step
reads a chunk, validates it with the same code as a whole file (``abm.inputs.validate``) and
appends the landed rows and the rejects to DuckDB. Row numbers stay the file's own across chunks.

Text files are cut after whole records: a newline ends a record only when the quotes before it
are balanced, the same rule the whole-file reader uses to count fields, so a quoted value holding
a line break never splits. Non-UTF-8 text is first transcoded to a temporary file in chunks
(``abm.inputs.encoding.utf8_file``). Parquet is read in record batches. An .xlsx is read whole
(Excel stops at 1,048,576 rows anyway).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain, repeat
from pathlib import Path

import numpy as np
import polars as pl

from abm.errors import InputError
from abm.inputs.encoding import CHUNK, first_line, separator, utf8_file
from abm.inputs.readers import (
    FIELDS,
    ROW,
    InputFile,
    Table,
    canonical,
    complete,
    complete_maps,
    input_file,
    parquet_frame,
    read_table,
    text_records,
    unreadable,
)
from abm.inputs.schema import InputSpec

_NEWLINE, _QUOTE = ord("\n"), ord('"')


def _record_ends(buf: bytearray, start: int, open_quote: bool) -> tuple[np.ndarray, bool]:
    """Offsets just past each newline of ``buf[start:]`` that ends a record (quotes balanced before
    it), and whether a quote is still open at the end of ``buf``. Vectorised: no loop over lines."""
    data = np.frombuffer(buf, np.uint8, offset=start)
    newlines = np.flatnonzero(data == _NEWLINE)
    quotes = np.flatnonzero(data == _QUOTE)
    inside = (np.searchsorted(quotes, newlines) + open_quote) % 2 == 1
    return newlines[~inside] + start + 1, (len(quotes) + open_quote) % 2 == 1


def record_chunks(path: Path, sizes: Iterable[int]) -> Iterator[bytes]:
    """The bytes of a UTF-8 text file cut after whole records: the first piece holds ``sizes[0]``
    records, the next ``sizes[1]``..., the last whatever remains (an empty file gives nothing)."""
    wanted = iter(sizes)
    want = next(wanted)
    buf = bytearray()
    ends = np.empty(0, np.int64)
    open_quote = False
    with path.open("rb") as fh:
        while True:
            block = fh.read(CHUNK)
            scanned = len(buf)
            buf += block
            found, open_quote = _record_ends(buf, scanned, open_quote)
            ends = np.concatenate([ends, found])
            while len(ends) >= want:
                cut = int(ends[want - 1])
                yield bytes(buf[:cut])
                del buf[:cut]
                ends = ends[want:] - cut
                want = next(wanted)
            if not block:
                break
    if buf:
        yield bytes(buf)


def _text_chunks(table: Table, rows: int) -> Iterator[pl.DataFrame]:
    width = len(table.header)
    with utf8_file(table.path, table.encoding) as path:
        sep = separator(table.path, first_line(path, "utf-8"))
        pieces = record_chunks(path, chain([1], repeat(rows)))
        next(pieces, None)  # the header record
        first_row = 2
        for piece in pieces:
            frame = text_records(piece, sep, width, first_row, table.path)
            first_row += frame.height
            del piece  # one chunk alive at a time: drop it before the next is read
            yield frame
            del frame


def _parquet_chunks(table: Table, rows: int) -> Iterator[pl.DataFrame]:
    """Slices read by polars, as the whole-file reader does (same types, so the same text); a slice
    reads only the row groups it needs."""
    total = pl.scan_parquet(table.path).select(pl.len()).collect().item()
    for offset in range(0, total, rows):
        frame = parquet_frame(pl.scan_parquet(table.path).slice(offset, rows).collect(), first_row=2 + offset)
        yield frame
        del frame  # one chunk alive at a time: drop it before the next is read


def table_chunks(table: Table, rows: int) -> Iterator[pl.DataFrame]:
    """``read_table``'s frame of one table, ``rows`` rows at a time (an .xlsx sheet in one piece)."""
    if table.encoding == "xlsx":
        yield read_table(table)
        return
    chunks = _parquet_chunks(table, rows) if table.encoding == "parquet" else _text_chunks(table, rows)
    try:
        yield from chunks
    except InputError:
        raise
    except Exception as exc:  # polars / pyarrow raise many kinds; the user needs one line
        raise unreadable(table.path, exc) from None


def read_input_chunks(
    path: Path,
    spec: InputSpec,
    tables: list[Table],
    rows: int,
    extra_columns: dict[str, str] | None = None,
) -> tuple[Iterator[pl.DataFrame], InputFile]:
    """``read_input`` a chunk of at most ``rows`` rows at a time: canonical all-text frames, in
    file order, with the file's own row numbers. Always at least one frame (empty for a file with
    a header only), so the landed table exists with its columns."""
    maps = complete_maps(tables, spec, extra_columns)

    def frames() -> Iterator[pl.DataFrame]:
        empty = True
        for table, cmap in zip(tables, maps, strict=True):
            for chunk in table_chunks(table, rows):
                empty = False
                frame = complete(canonical(chunk, cmap), spec)
                del chunk
                yield frame
                del frame
        if empty:
            yield complete(pl.DataFrame(schema={ROW: pl.Int64, FIELDS: pl.Int64}), spec)

    return frames(), input_file(path, spec, tables)
