"""Read one input file into an all-text polars frame with canonical column names.

Everything is read as text so that validation sees exactly what the user wrote and can quote it
in ``rejects``. CSV/TSV may be UTF-8, UTF-8 with BOM or CP932 (Shift_JIS as Japanese Excel writes
it); the encoding is detected, never asked for. Each row keeps its spreadsheet row number
(header = row 1, first data row = 2) in ``_row``.
"""

from __future__ import annotations

import codecs
import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from abm.errors import InputError
from abm.schema import FILE_SUFFIXES, InputSpec, alias_map, header_key

ROW = "_row"
_CHUNK = 1 << 22


@dataclass(frozen=True)
class InputFile:
    kind: str  # companies, sales, ...
    path: Path
    sha256: str
    encoding: str  # utf-8, utf-8-sig, cp932, parquet, xlsx


def find_input(input_dir: Path, spec: InputSpec) -> Path | None:
    """The one file named ``<spec.name>.<csv|tsv|parquet|xlsx>`` in ``input_dir``."""
    if not input_dir.is_dir():
        raise InputError(f"input folder {input_dir} not found")
    found = [
        input_dir / f"{spec.name}{s}" for s in FILE_SUFFIXES if (input_dir / f"{spec.name}{s}").is_file()
    ]
    if len(found) > 1:
        raise InputError(
            f"{input_dir}: more than one {spec.name} file ({', '.join(p.name for p in found)}); keep one"
        )
    if not found and not spec.optional:
        raise InputError(
            f"{input_dir}: no {spec.name} file (expected {spec.name}.csv, .tsv, .parquet or .xlsx)"
        )
    return found[0] if found else None


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def detect_encoding(path: Path) -> str:
    """utf-8-sig, utf-8 or cp932: the first that decodes the whole file (read in chunks)."""
    with path.open("rb") as fh:
        head = fh.read(3)
    candidates = ("utf-8-sig",) if head == codecs.BOM_UTF8 else ("utf-8", "cp932")
    for enc in candidates:
        decoder = codecs.getincrementaldecoder(enc)()
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(_CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return enc
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path}: not readable as UTF-8 or CP932 (Shift_JIS) text")


def _read_text(path: Path, encoding: str) -> pl.DataFrame:
    sep = "\t" if path.suffix.lower() == ".tsv" else ","
    opts = dict(separator=sep, infer_schema=False, truncate_ragged_lines=False)
    if encoding == "utf-8":
        return pl.read_csv(path, **opts)
    # Transcode to a UTF-8 temp file in chunks so national-scale CP932 files never sit in memory twice.
    with tempfile.NamedTemporaryFile(suffix=".csv") as tmp:
        decoder = codecs.getincrementaldecoder(encoding)()
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                tmp.write(decoder.decode(chunk).encode("utf-8"))
            tmp.write(decoder.decode(b"", final=True).encode("utf-8"))
        tmp.flush()
        return pl.read_csv(tmp.name, **opts)


def read_raw(path: Path) -> tuple[pl.DataFrame, str]:
    """All-text frame with the file's own headers, and the encoding / format it was read as."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".tsv"):
            encoding = detect_encoding(path)
            df = _read_text(path, encoding)
        elif suffix == ".parquet":
            encoding = "parquet"
            df = pl.read_parquet(path)
            df = df.with_columns(pl.all().cast(pl.Utf8))
        elif suffix == ".xlsx":
            encoding = "xlsx"
            df = pl.read_excel(path, infer_schema_length=0)
        else:
            raise InputError(f"{path}: unsupported file type '{suffix}' (use .csv, .tsv, .parquet or .xlsx)")
    except InputError:
        raise
    except Exception as exc:  # polars / fastexcel raise many kinds; the user needs one line
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{path}: cannot be read ({detail[:200]})") from None
    return df.with_row_index(ROW, offset=2), encoding


def map_columns(
    df: pl.DataFrame, spec: InputSpec, path: Path, extra: dict[str, str] | None = None
) -> pl.DataFrame:
    """Rename headers to canonical names; drop unknown columns; fail clearly on missing required ones."""
    lookup = alias_map(spec)
    for header, canonical in (extra or {}).items():
        if canonical not in spec.by_name:
            raise InputError(
                f"config [columns.{spec.name}]: '{header}' maps to unknown column '{canonical}' "
                f"(known: {', '.join(spec.by_name)})"
            )
        lookup[header_key(header)] = canonical
    renames: dict[str, str] = {}
    for header in df.columns:
        if header == ROW:
            continue
        canonical = lookup.get(header_key(header))
        if canonical and canonical not in renames.values():
            renames[header] = canonical
    missing = [c for c in spec.required if c not in renames.values()]
    if missing:
        col = spec.by_name[missing[0]]
        accepted = ", ".join((col.name, *col.aliases))
        raise InputError(
            f"{path}: missing required column '{col.name}' (accepted headers: {accepted}; "
            f"or map yours in [columns.{spec.name}] of the config)"
        )
    out = df.select(ROW, *[pl.col(h).alias(c) for h, c in renames.items()])
    absent = [c.name for c in spec.columns if c.name not in out.columns]
    return out.with_columns(pl.lit(None, pl.Utf8).alias(c) for c in absent)


def read_input(
    path: Path, spec: InputSpec, extra_columns: dict[str, str] | None = None
) -> tuple[pl.DataFrame, InputFile]:
    df, encoding = read_raw(path)
    df = map_columns(df, spec, path, extra_columns)
    return df, InputFile(spec.name, path, sha256(path), encoding)
