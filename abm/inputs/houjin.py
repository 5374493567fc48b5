"""The 法人番号公表サイト 全件データ (National Tax Agency corporate-number file) read as the master.

The NTA publishes every corporation (~5.5M) as a HEADERLESS CSV of 30 fixed columns (リソース定義書),
one file per prefecture or one national file, Shift-JIS or Unicode (UTF-8) edition, downloaded as
a zip. Users drop it in the input folder as it comes: ``companies.zip``, a folder ``companies/`` of
prefecture files (.csv or .zip), or ``companies.csv``; this module turns it into the companies
input contract (all text, canonical names, ``_row``) so validation and rejects work unchanged.

Rows with 最新履歴 = 0 (history, in the 差分 files and Web-API exports) are folded into their
company: their names that differ from the current name become ``former_names``. Closed companies
(閉鎖年月日 set, or 処理区分 21 閉鎖 / 71 吸収合併 / 81 商号抹消) are flagged ``closed``; a merged-away
company carries its 承継先法人番号. 検索対象除外 = 1 rows are real corporations and land as usual.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

import polars as pl

from abm.errors import InputError
from abm.inputs.corporate_number import is_valid
from abm.inputs.readers import ROW, InputFile

COLUMNS = (
    "sequence_number",  # 1 一連番号
    "corporate_number",  # 2 法人番号
    "process",  # 3 処理区分
    "correct",  # 4 訂正区分
    "update_date",  # 5 更新年月日
    "change_date",  # 6 変更年月日
    "name",  # 7 商号又は名称
    "name_image_id",  # 8
    "kind",  # 9 法人種別
    "prefecture_name",  # 10 都道府県
    "city_name",  # 11 市区町村
    "street_number",  # 12 丁目番地等
    "address_image_id",  # 13
    "prefecture_code",  # 14
    "city_code",  # 15
    "post_code",  # 16 郵便番号
    "address_outside",  # 17 国外所在地
    "address_outside_image_id",  # 18
    "close_date",  # 19 登記記録の閉鎖等年月日
    "close_cause",  # 20 閉鎖等の事由
    "successor_corporate_number",  # 21 承継先法人番号
    "change_cause",  # 22 変更事由の詳細
    "assignment_date",  # 23 法人番号指定年月日
    "latest",  # 24 最新履歴 (1 latest, 0 past)
    "en_name",  # 25
    "en_prefecture_name",  # 26
    "en_city_name",  # 27
    "en_address_outside",  # 28
    "furigana",  # 29 フリガナ
    "hihyoji",  # 30 検索対象除外
)
USED = (
    "sequence_number",
    "corporate_number",
    "process",
    "name",
    "kind",
    "prefecture_name",
    "city_name",
    "street_number",
    "post_code",
    "address_outside",
    "close_date",
    "successor_corporate_number",
    "latest",
    "en_name",
    "furigana",
)
KINDS = {
    "101": "国の機関",
    "201": "地方公共団体",
    "301": "株式会社",
    "302": "有限会社",
    "303": "合名会社",
    "304": "合資会社",
    "305": "合同会社",
    "399": "その他の設立登記法人",
    "401": "外国会社等",
    "499": "その他",
}
CLOSING_PROCESSES = ("21", "71", "81")  # 登記記録の閉鎖等, 吸収合併, 商号の登記の抹消
ROW_STRIDE = 10**9  # _row = part index × stride + line: unique across files, and reversible
_CHUNK = 1 << 22
_PEEK = 1 << 20

Opener = Callable[[], AbstractContextManager[IO[bytes]]]


class Hasher(Protocol):
    def update(self, data: bytes, /) -> None: ...

    def hexdigest(self) -> str: ...


@dataclass(frozen=True)
class Master:
    """A houjin master read into the companies contract, plus what the load step reports."""

    raw: pl.DataFrame  # canonical companies columns (text) and _row
    info: InputFile
    parts: tuple[str, ...]  # file name of each part, indexed by _row // ROW_STRIDE
    history_rows: int  # 最新履歴 = 0 rows folded into their company's former_names


def locate(input_dir: Path, companies_format: str) -> Path | None:
    """The houjin master in ``input_dir`` (companies.zip, folder companies/, or a houjin companies.csv).

    None when the master is an ordinary table (the usual readers take it). ``companies_format``
    "houjin" insists, "table" never looks, "auto" detects the headerless 30-column layout.
    """
    if companies_format == "table":
        return None
    folder, archive, text = input_dir / "companies", input_dir / "companies.zip", input_dir / "companies.csv"
    found = [p for p in (folder, archive) if p.exists()]
    if text.is_file() and (companies_format == "houjin" or looks_like_houjin(text)):
        found.append(text)
    if len(found) > 1:
        files = ", ".join(p.name for p in found)
        raise InputError.keyed("error.input.several_masters", folder=input_dir, files=files)
    if not found and companies_format == "houjin":
        raise InputError.keyed("error.input.no_houjin_master", folder=input_dir)
    return found[0] if found else None


def looks_like_houjin(path: Path) -> bool:
    """True when the first line is 30 fields with a valid 13-digit 法人番号 second (no header)."""
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    line = head.split(b"\n", 1)[0].rstrip(b"\r")
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = line.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return False
    fields = next(csv.reader([text]), [])
    return len(fields) == len(COLUMNS) and fields[0].strip().isdigit() and is_valid(fields[1].strip())


def read_master(path: Path) -> Master:
    """Read a houjin file, zip or folder into the companies contract (see the module docstring)."""
    frames, names, encodings, digest = [], [], set(), hashlib.sha256()
    with tempfile.TemporaryDirectory(prefix="abm-houjin-") as tmp:
        for index, (name, opener) in enumerate(_parts(path)):
            target = Path(tmp) / f"part-{index}.csv"
            with opener() as stream:
                utf8, encoding = _as_utf8_file(stream, name, target, digest)
            frames.append(_read_part(utf8, name, index))
            names.append(name)
            encodings.add(encoding)
            target.unlink(missing_ok=True)  # the frame holds the text now; free the disk
    if not frames:
        raise InputError.keyed("error.input.no_houjin_csv", path=path)
    table = pl.concat(frames, rechunk=False)
    raw, history_rows = to_companies(table)
    info = InputFile("companies", path, digest.hexdigest(), f"houjin {'+'.join(sorted(encodings))}")
    return Master(raw, info, tuple(names), history_rows)


def to_companies(table: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Houjin columns (text, ``USED`` plus _row) → companies contract columns; history folded.

    Pure. The current row of a number is its 最新履歴 = 1 row, else its newest history row; other
    history rows are folded (counted, their names kept as former names), never silently dropped.
    """
    seq = pl.col("sequence_number").cast(pl.Int64, strict=False).fill_null(-1)
    is_history = (pl.col("latest").str.strip_chars() == "0").fill_null(False)
    past = table.filter(is_history)  # none in the 全件データ: the window below runs on history only
    if past.height:
        numbers = table.filter(~is_history)["corporate_number"].implode()
        orphans = past.filter(~pl.col("corporate_number").is_in(numbers).fill_null(False))
        newest = pl.col(ROW) == pl.col(ROW).sort_by(seq, ROW).last().over("corporate_number")
        promoted = orphans.filter(pl.col("corporate_number").is_null() | newest)[ROW].implode()
        is_current = ~is_history | pl.col(ROW).is_in(promoted)
    else:
        is_current = pl.lit(True)
    table = table.with_columns(is_current.alias("_current"), seq.alias("_seq"))
    current = table.filter("_current")
    history = table.filter(~pl.col("_current"))
    former = (
        history.join(current.select("corporate_number", pl.col("name").alias("_now")), on="corporate_number")
        .filter(pl.col("name").is_not_null() & (pl.col("name") != pl.col("_now")))
        .sort("_seq", ROW)
        .group_by("corporate_number", maintain_order=True)
        .agg(pl.col("name").unique(maintain_order=True).str.join(";").alias("former_names"))
    )
    blank = pl.lit(None, pl.Utf8)
    closed = pl.col("close_date").fill_null("").str.strip_chars().ne("") | pl.col(
        "process"
    ).str.strip_chars().is_in(CLOSING_PROCESSES)
    out = current.join(former, on="corporate_number", how="left", maintain_order="left").select(
        ROW,
        pl.col("corporate_number").alias("company_id"),
        "name",
        "corporate_number",
        pl.col("furigana").alias("name_kana"),
        pl.col("en_name").alias("name_en"),
        pl.col("prefecture_name").alias("prefecture"),
        pl.col("city_name").alias("city"),
        pl.coalesce(
            pl.concat_str(["prefecture_name", "city_name", "street_number"], ignore_nulls=True).replace(
                "", None
            ),
            pl.col("address_outside"),
        ).alias("address"),
        pl.col("post_code").alias("postal_code"),
        *(blank.alias(c) for c in ("phone", "domain", "industry_code", "industry_name")),
        *(blank.alias(c) for c in ("employees", "revenue", "capital", "founded_year", "listed")),
        pl.col("kind")
        .replace_strict(KINDS, default=pl.col("kind"), return_dtype=pl.Utf8)
        .alias("legal_form"),
        "former_names",
        pl.when(closed).then(pl.lit("true")).otherwise(pl.lit("false")).alias("closed"),
        pl.col("close_date").alias("closed_on"),
        "successor_corporate_number",
    )
    return out, history.height


def relocate(
    master: Master, landed: pl.DataFrame, rejects: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Landed ``source_row`` and rejects' (source_file, row_number) back from the global _row to
    the part file and its line (one file: unchanged, its lines are its rows)."""
    line = pl.col("row_number") % ROW_STRIDE
    landed = landed.with_columns(pl.col("source_row") % ROW_STRIDE)
    container = master.info.path.name
    if master.parts == (container,):
        return landed, rejects
    part = (pl.col("row_number") // ROW_STRIDE).replace_strict(
        dict(enumerate(master.parts)), return_dtype=pl.Utf8
    )
    return landed, rejects.with_columns((pl.lit(f"{container}/") + part).alias("source_file"), line)


def _parts(path: Path) -> Iterator[tuple[str, Opener]]:
    """(name, opener) of each CSV of the master: the file itself, a zip's members, a folder's files."""
    if path.is_dir():
        for child in sorted(path.iterdir()):
            if child.suffix.lower() == ".zip":
                for name, opener in _zip_members(child):
                    yield f"{child.name}/{name}", opener
            elif child.suffix.lower() == ".csv":
                yield child.name, _file_opener(child)
    elif path.suffix.lower() == ".zip":
        yield from _zip_members(path)
    else:
        yield path.name, _file_opener(path)


def _file_opener(path: Path) -> Opener:
    @contextmanager
    def opener() -> Iterator[IO[bytes]]:
        with path.open("rb") as fh:
            yield fh

    return opener


def _zip_members(path: Path) -> Iterator[tuple[str, Opener]]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InputError.keyed("error.input.bad_zip", path=path) from None
    with archive:
        names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
        for name in sorted(names):

            @contextmanager
            def opener(name: str = name) -> Iterator[IO[bytes]]:
                with archive.open(name) as fh:
                    yield fh

            yield name, opener


def _as_utf8_file(stream: IO[bytes], where: str, out: Path, digest: Hasher) -> tuple[Path, str]:
    """A UTF-8 file of the part's text, streamed in chunks (never the whole file in memory).

    The NTA ships exactly two editions, Shift-JIS and Unicode (UTF-8), so the first megabyte
    decides; a bad byte further on still stops the load with the file named. A plain UTF-8 file
    on disk is read where it is.
    """
    head = stream.read(_PEEK)
    encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else _guess(head)
    on_disk = isinstance(stream, io.BufferedReader) and Path(stream.name).is_file()
    if encoding == "utf-8" and on_disk:
        digest.update(head)
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
        return Path(stream.name), encoding
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with out.open("wb") as fh:
            chunk = head
            while chunk:
                digest.update(chunk)
                fh.write(decoder.decode(chunk).encode("utf-8") if encoding != "utf-8" else chunk)
                chunk = stream.read(_CHUNK)
            fh.write(decoder.decode(b"", final=True).encode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError.keyed(
            "error.input.bad_text", path=where, encoding=encoding, reason=exc.reason, byte=exc.start
        ) from None
    return out, encoding


def _guess(head: bytes) -> str:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "cp932"


def _read_part(path: Path, name: str, index: int) -> pl.DataFrame:
    """One part's used columns as text, with _row = index × ROW_STRIDE + line number (no header).

    All 30 columns are parsed (a projection would hide a line with too many fields), and a line
    that stops before column 30 (検索対象除外, always 0 or 1 in the NTA files) is a broken file too.
    """
    try:
        frame = pl.read_csv(
            path, has_header=False, schema=dict.fromkeys(COLUMNS, pl.Utf8), truncate_ragged_lines=False
        )
    except Exception as exc:  # polars raises many kinds; the user needs one line
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError.keyed("error.input.houjin_layout", path=name, detail=detail[:200]) from None
    short = frame["hihyoji"].is_null().arg_true()
    if len(short):
        raise InputError.keyed("error.input.houjin_short", path=name, row=short[0] + 1, rows=len(short))
    frame = frame.select(USED).with_row_index(ROW, offset=1)
    return frame.with_columns(pl.col(ROW).cast(pl.Int64) + index * ROW_STRIDE)
