"""Read one input file into an all-text polars frame with canonical column names.

Everything is read as text so that validation sees exactly what the user wrote and can quote it
in ``rejects``. CSV/TSV/TXT may be UTF-8, UTF-8 with BOM, CP932 (Shift_JIS as Japanese Excel writes
it), EUC-JP or UTF-16 with BOM (Excel's "Unicode テキスト", tab-separated); the encoding and the
separator are detected (``abm.inputs.encoding``), never asked for. Non-UTF-8 text is transcoded in
chunks to a temporary file, so a national-scale file never sits in memory twice. Every sheet of an
.xlsx is read (sheets with the same header are appended) unless the config names one.

Each row keeps its spreadsheet row number (header = row 1, first data row = 2; an .xlsx keeps the
sheet's own numbers, blank rows included) in ``ROW``. The reader's own columns start with a NUL
character, so no header of a user's file can collide with them.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from abm.errors import InputError
from abm.inputs.encoding import CHUNK, detect_encoding, first_line, separator, utf8_file
from abm.inputs.schema import FILE_SUFFIXES, InputSpec, alias_map, header_key
from abm.messages import LANGUAGES, Lang, text

ROW = "\x00row"  # spreadsheet row number
SOURCE = "\x00source"  # file name, with '#sheet' for .xlsx (only present for .xlsx)
FIELDS = "\x00fields"  # field count of a ragged text line, null when the line is fine
WHOLE_ROW = "(row)"  # the `column` of a problem that concerns the whole row (a ragged line)
_UNIT = "\x1f"  # a separator no text line contains: reads whole physical lines


@dataclass(frozen=True)
class InputFile:
    kind: str  # companies, sales, ...
    path: Path
    sha256: str
    encoding: str  # utf-8, utf-8-sig, cp932, euc-jp, utf-16, parquet, xlsx


@dataclass(frozen=True)
class Table:
    """One readable table of an input file: a text file, a Parquet file or one sheet of an .xlsx."""

    path: Path
    header: tuple[str, ...]
    encoding: str
    sheet: str | None = None
    header_row: int = 1  # spreadsheet row of the header (an .xlsx sheet may start lower)

    @property
    def label(self) -> str:
        """How rejects and messages name it: ``contacts.xlsx#名刺`` for a sheet."""
        return f"{self.path.name}#{self.sheet}" if self.sheet is not None else self.path.name


def find_input(input_dir: Path, spec: InputSpec) -> Path | None:
    """The one file named ``<spec.name>.<csv|tsv|txt|parquet|xlsx>`` in ``input_dir``."""
    if not input_dir.is_dir():
        raise InputError.keyed("error.input.no_folder", folder=input_dir)
    found = [
        input_dir / f"{spec.name}{s}" for s in FILE_SUFFIXES if (input_dir / f"{spec.name}{s}").is_file()
    ]
    if len(found) > 1:
        files = ", ".join(p.name for p in found)
        raise InputError.keyed("error.input.several_files", folder=input_dir, name=spec.name, files=files)
    if not found and not spec.optional:
        expected = ", ".join(f"{spec.name}{s}" for s in FILE_SUFFIXES)
        raise InputError.keyed("error.input.no_file", folder=input_dir, name=spec.name, expected=expected)
    return found[0] if found else None


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _xlsx_rows(path: Path, sheet: str, n_rows: int | None = None) -> pl.DataFrame:
    """Cells of one sheet as text, row i of the frame = spreadsheet row i + 1 (blank rows kept)."""
    import fastexcel

    reader = fastexcel.read_excel(path)
    return reader.load_sheet(sheet, header_row=None, skip_rows=0, n_rows=n_rows, dtypes="string").to_polars()


def _xlsx_header(rows: pl.DataFrame) -> tuple[int, tuple[str, ...]] | None:
    """(spreadsheet row, cells) of the first non-blank row, None for an empty sheet."""
    filled = rows.select(pl.any_horizontal(pl.all().is_not_null())).to_series() if rows.width else None
    if filled is None or not filled.any():
        return None
    at = int(filled.arg_true()[0])
    cells = ["" if c is None else str(c) for c in rows.row(at)]
    while cells and cells[-1] == "":
        cells.pop()
    return at + 1, tuple(cells)


def list_tables(path: Path, sheet: str | None = None) -> list[Table]:
    """The tables of ``path`` with their headers, reading as little as possible (the header pass).

    An .xlsx gives one table per non-empty sheet, or only ``sheet`` when named.
    """
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".tsv", ".txt"):
            encoding = detect_encoding(path)
            line = first_line(path, encoding)
            header = next(csv.reader([line], delimiter=separator(path, line)), [])
            return [Table(path, tuple(header), encoding)]
        if suffix == ".parquet":
            return [Table(path, tuple(pl.read_parquet_schema(path)), "parquet")]
        if suffix == ".xlsx":
            import fastexcel

            names = fastexcel.read_excel(path).sheet_names
            if sheet is not None and sheet not in names:
                raise InputError.keyed(
                    "error.input.no_sheet", path=path, sheet=sheet, sheets=", ".join(names)
                )
            tables = []
            for name in [sheet] if sheet is not None else names:
                head = _xlsx_rows(path, name, n_rows=1000)
                if head.height == 1000 and _xlsx_header(head) is None:  # a long blank top: read it all
                    head = _xlsx_rows(path, name)
                found = _xlsx_header(head)
                if found is not None:
                    tables.append(Table(path, found[1], "xlsx", name, found[0]))
            return tables
    except InputError:
        raise
    except Exception as exc:  # polars / fastexcel raise many kinds; the user needs one line
        raise unreadable(path, exc) from None
    raise InputError.keyed(
        "error.input.file_type", path=path, suffix=suffix, suffixes=", ".join(FILE_SUFFIXES)
    )


def unreadable(path: Path, exc: Exception) -> InputError:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return InputError.keyed("error.input.unreadable", path=path, detail=detail[:200])


def _field_counts(path: Path | bytes, sep: str) -> pl.Series:
    """Fields per record (header included), quote-aware, vectorised over physical lines; null for a
    blank line (it becomes a blank row, rejected for its missing values, not for its field count).

    A record continues over lines while a quote is open; separators inside quotes do not count.
    The regex that drops quoted text runs only on lines holding a quote, and records are grouped
    only when some record spans lines: a plain file costs one extra read of its lines.
    """
    lines = pl.read_csv(
        path,
        has_header=False,
        separator=_UNIT,
        quote_char=None,
        infer_schema=False,
        truncate_ragged_lines=True,
        new_columns=["line"],
    )["line"].fill_null("")
    seps = lines.str.count_matches(sep, literal=True)
    quotes = lines.str.count_matches('"', literal=True)
    if quotes.sum() == 0:
        return pl.select(pl.when(lines != "").then(seps + 1)).to_series()
    inside = ((quotes.cum_sum() - quotes) % 2) == 1  # the line starts inside a quoted field
    quoted = (quotes > 0) | inside
    at = quoted.arg_true()
    part = lines.gather(at)
    part = pl.select(pl.when(inside.gather(at)).then(pl.lit('"') + part).otherwise(part)).to_series()
    exact = part.str.replace_all(r'"[^"]*("|$)', "").str.count_matches(sep, literal=True)
    seps = seps.scatter(at, exact)
    if not inside.any():
        return pl.select(pl.when(lines != "").then(seps + 1)).to_series()
    per_record = pl.DataFrame({"record": (~inside).cum_sum(), "seps": seps, "blank": lines == ""})
    per_record = per_record.group_by("record", maintain_order=True).agg(
        pl.col("seps").sum() + 1, pl.col("blank").all()
    )
    return per_record.select(pl.when(~pl.col("blank")).then(pl.col("seps"))).to_series()


def _read_text(table: Table) -> pl.DataFrame:
    with utf8_file(table.path, table.encoding) as path:
        sep = separator(table.path, first_line(path, "utf-8"))
        counts = _field_counts(path, sep)
        df = _csv_cells(path, sep, len(table.header), skip_rows=1)
    return text_frame(df, counts[1:], len(table.header), first_row=2, path=table.path)


def _csv_cells(data: Path | bytes, sep: str, width: int, skip_rows: int = 0) -> pl.DataFrame:
    """The cells of a text file (or of a chunk of its records) as text columns ``c0..cN``."""
    return pl.read_csv(
        data,
        has_header=False,
        skip_rows=skip_rows,
        separator=sep,
        infer_schema=False,
        truncate_ragged_lines=True,
        schema={f"c{i}": pl.Utf8 for i in range(width)},
        missing_columns="insert",
        extra_columns="ignore",  # a ragged first line (of the file or a chunk) is a reject, not an error
    )


def text_records(data: bytes, sep: str, width: int, first_row: int, path: Path) -> pl.DataFrame:
    """``read_table``'s frame for a chunk of whole records of a UTF-8 text file (no header), whose
    first record is spreadsheet row ``first_row``: the same parse as the whole file, so a chunked
    read lands exactly the rows and rejects a whole read would."""
    return text_frame(_csv_cells(data, sep, width), _field_counts(data, sep), width, first_row, path)


def text_frame(df: pl.DataFrame, counts: pl.Series, width: int, first_row: int, path: Path) -> pl.DataFrame:
    """The parsed cells plus ``FIELDS`` (a ragged record's field count) and ``ROW``; an error when
    the parse and the record count disagree (an open quote)."""
    if counts.len() != df.height:
        raise InputError.keyed("error.input.open_quote", path=path, read=df.height, counted=counts.len())
    n = pl.col(FIELDS)
    ragged = counts.alias(FIELDS).to_frame().select(pl.when(n.is_not_null() & (n != width)).then(n))
    rows = pl.int_range(first_row, first_row + df.height, dtype=pl.Int64).alias(ROW)
    return pl.concat([df, ragged], how="horizontal").with_columns(rows)


def _read_sheet(table: Table) -> pl.DataFrame:
    rows = _xlsx_rows(table.path, table.sheet or "")
    width = len(table.header)
    cells, beyond = rows.columns[:width], rows.columns[width:]
    # Cells right of the header have no column to land in: like a ragged text line, the row is a reject.
    extra = pl.sum_horizontal(pl.col(beyond).is_not_null()) if beyond else pl.lit(0)
    rows = rows.select(
        *[pl.col(c).alias(f"c{i}") for i, c in enumerate(cells)],
        pl.when(extra > 0).then(width + extra).cast(pl.Int64).alias(FIELDS),
        pl.int_range(1, pl.len() + 1).alias(ROW),
    ).slice(table.header_row)
    blank = pl.all_horizontal(pl.exclude(ROW, FIELDS).is_null()) & pl.col(FIELDS).is_null()
    return rows.filter(~blank).with_columns(pl.lit(table.label).alias(SOURCE))


def read_table(table: Table) -> pl.DataFrame:
    """All-text frame of one table: columns ``c0..cN`` by header position, plus ``ROW`` (and
    ``FIELDS`` for text files, ``SOURCE`` for sheets)."""
    try:
        if table.encoding == "parquet":
            return parquet_frame(pl.read_parquet(table.path), first_row=2)
        if table.encoding == "xlsx":
            return _read_sheet(table)
        return _read_text(table)
    except InputError:
        raise
    except Exception as exc:  # polars / fastexcel raise many kinds; the user needs one line
        raise unreadable(table.path, exc) from None


def parquet_frame(df: pl.DataFrame, first_row: int) -> pl.DataFrame:
    """``read_table``'s frame of Parquet rows (a whole file or a batch), the first being row ``first_row``."""
    df = df.select(pl.all().cast(pl.Utf8)).rename({c: f"c{i}" for i, c in enumerate(df.columns)})
    return df.with_columns(pl.int_range(first_row, first_row + df.height, dtype=pl.Int64).alias(ROW))


def read_raw(path: Path) -> tuple[pl.DataFrame, str]:
    """All-text frame with the file's own headers (repeated ones suffixed ``_2``), and its format."""
    tables = list_tables(path)
    frames = []
    for table in tables:
        names = _unique_names(table.header)
        df = read_table(table)
        frames.append(df.rename({f"c{i}": n for i, n in enumerate(names)}))
    df = (
        pl.concat(frames, how="diagonal_relaxed")
        if frames
        else pl.DataFrame({ROW: []}, schema={ROW: pl.Int64})
    )
    return df, tables[0].encoding if tables else "xlsx"


def _unique_names(header: tuple[str, ...]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in header:
        seen[h] = seen.get(h, 0) + 1
        out.append(h if seen[h] == 1 else f"{h}_{seen[h]}")
    return out


@dataclass(frozen=True)
class ColumnMap:
    """Which header position feeds which canonical column, and which required ones are missing."""

    positions: dict[int, str]
    missing: list[str]


def resolve_columns(table: Table, spec: InputSpec, extra: dict[str, str] | None = None) -> ColumnMap:
    """Map the table's headers to canonical columns (aliases, then the config's ``[columns.<input>]``).

    Two headers feeding one canonical column (the same header twice, or two aliases) is an error
    naming both: silently keeping one would lose the other's values.
    """
    lookup = alias_map(spec)
    for header, target in (extra or {}).items():
        if target not in spec.by_name:
            raise InputError.keyed(
                "error.input.unknown_column", input=spec.name, header=header, target=target,
                known=", ".join(spec.by_name),
            )  # fmt: skip
        lookup[header_key(header)] = target
    positions: dict[int, str] = {}
    first: dict[str, str] = {}
    for i, header in enumerate(table.header):
        canonical = lookup.get(header_key(header))
        if canonical is None:
            continue
        if canonical in first:
            raise InputError.keyed(
                "error.input.same_column", file=table.label, first=first[canonical], second=header,
                column=canonical,
            )  # fmt: skip
        first[canonical] = header
        positions[i] = canonical
    return ColumnMap(positions, [c for c in spec.required if c not in first])


def check_tables(
    tables: list[Table], spec: InputSpec, extra: dict[str, str] | None = None
) -> list[ColumnMap]:
    """Column maps of an input's tables; an error when its sheets disagree or a column is missing."""
    maps = [resolve_columns(t, spec, extra) for t in tables]
    for table, cmap in zip(tables[1:], maps[1:], strict=True):
        if sorted(cmap.positions.values()) != sorted(maps[0].positions.values()):
            raise InputError.keyed(
                "error.input.sheets_differ", path=table.path, first=tables[0].sheet, second=table.sheet,
                input=spec.name,
            )  # fmt: skip
    return maps


def complete_maps(
    tables: list[Table], spec: InputSpec, extra: dict[str, str] | None = None
) -> list[ColumnMap]:
    """``check_tables``, and an error with the config to paste when a required column is missing."""
    maps = check_tables(tables, spec, extra)
    if maps and maps[0].missing:
        raise missing_columns({spec.name: (tables[0].label, maps[0].missing)})
    return maps


def missing_columns(missing: dict[str, tuple[str, list[str]]]) -> InputError:
    """One error for every missing required column of every input, with the config to paste, in every
    language.

    ``missing``: input name -> (file label, missing canonical columns).
    """
    return InputError.in_languages({lang: _missing_message(missing, lang) for lang in LANGUAGES})


def _missing_message(missing: dict[str, tuple[str, list[str]]], lang: Lang) -> str:
    from abm.inputs.schema import INPUTS

    summary = "; ".join(
        text("error.input.missing_column", lang, file=label, column=c)
        for label, cols in missing.values()
        for c in cols
    )
    tables = ", ".join(f"[columns.{name}]" for name in missing)
    # the first line alone says what is wrong and where (the CLI's one error line); the rest details it
    lines = [text("error.input.missing_columns", lang, summary=summary, tables=tables)]
    for name, (label, columns) in missing.items():
        spec = INPUTS[name]
        for c in columns:
            headers = ", ".join((spec.by_name[c].name, *spec.by_name[c].aliases))
            lines.append(text("error.input.accepted_headers", lang, file=label, column=c, headers=headers))
    lines.append(text("error.input.map_headers", lang))
    yours = text("error.input.your_header", lang)
    for name, (_, columns) in missing.items():
        lines.append(f"[columns.{name}]")
        lines += [f'"{yours}" = "{c}"' for c in columns]
    return "\n".join(lines)


def read_input(
    path: Path,
    spec: InputSpec,
    extra_columns: dict[str, str] | None = None,
    sheet: str | None = None,
    tables: list[Table] | None = None,
    digest: str | None = None,
) -> tuple[pl.DataFrame, InputFile]:
    """Canonical all-text frame of one input file (every sheet, or ``sheet``), and what was read.

    ``tables``: the header pass's result, if already done (saves detecting the encoding twice);
    ``digest``: the file's SHA-256, if already computed (saves reading a large file once more)."""
    tables = list_tables(path, sheet) if tables is None else tables
    maps = complete_maps(tables, spec, extra_columns)
    frames = [canonical(read_table(table), cmap) for table, cmap in zip(tables, maps, strict=True)]
    if frames:
        df = pl.concat(frames, how="diagonal_relaxed")
    else:  # an .xlsx with only empty sheets
        df = pl.DataFrame(schema={ROW: pl.Int64, SOURCE: pl.Utf8})
    return complete(df, spec), input_file(path, spec, tables, digest)


def canonical(df: pl.DataFrame, cmap: ColumnMap) -> pl.DataFrame:
    """A table's frame with its columns renamed to the canonical ones (unmapped columns dropped)."""
    internal = [c for c in (ROW, SOURCE, FIELDS) if c in df.columns]
    return df.select(*internal, *[pl.col(f"c{i}").alias(c) for i, c in cmap.positions.items()])


def complete(df: pl.DataFrame, spec: InputSpec) -> pl.DataFrame:
    """Every canonical column of ``spec`` present: the file's absent optional ones as null text."""
    absent = [c.name for c in spec.columns if c.name not in df.columns]
    return df.with_columns(pl.lit(None, pl.Utf8).alias(c) for c in absent)


def input_file(path: Path, spec: InputSpec, tables: list[Table], digest: str | None = None) -> InputFile:
    """What was read: the input, its path, content hash and format."""
    encoding = tables[0].encoding if tables else "xlsx"
    return InputFile(spec.name, path, digest or sha256(path), encoding)
