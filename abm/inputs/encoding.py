"""Text files as users' tools write them: which encoding, which separator, and a UTF-8 view of them.

CSV/TSV/TXT may be UTF-8, UTF-8 with BOM, CP932 (Shift_JIS as Japanese Excel writes it), EUC-JP or
UTF-16 with BOM (Excel's "Unicode テキスト", tab-separated); the encoding and the separator are
detected, never asked for. Non-UTF-8 text is transcoded in chunks to a temporary file, so a
national-scale file never sits in memory twice.
"""

from __future__ import annotations

import codecs
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from abm.errors import InputError

CHUNK = 1 << 22  # bytes read at a time: hashing, detecting and transcoding never hold a whole file


# Python codec per encoding we report. EUC-JP is decoded as EUC-JIS-2004, a superset that also
# holds the NEC row-13 characters (①, ㈱) Japanese EUC files carry.
_CODECS = {
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "utf-16": "utf-16",
    "euc-jp": "euc_jis_2004",
    "cp932": "cp932",
}


def detect_encoding(path: Path) -> str:
    """utf-8-sig / utf-16 by their BOM, else utf-8, euc-jp or cp932: the first that decodes the whole
    file (read in chunks). EUC-JP goes before CP932 because CP932 text almost never decodes as
    EUC-JP (its common lead bytes 0x81-0x9F are invalid there) while EUC-JP often decodes as CP932
    half-width katakana garbage."""
    with path.open("rb") as fh:
        head = fh.read(3)
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        candidates: tuple[str, ...] = ("utf-16",)
    elif head == codecs.BOM_UTF8:
        candidates = ("utf-8-sig",)
    else:
        candidates = ("utf-8", "euc-jp", "cp932")
    for enc in candidates:
        decoder = codecs.getincrementaldecoder(_CODECS[enc])()
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return enc
        except UnicodeDecodeError:
            continue
    raise InputError.keyed("error.input.encoding", path=path)


@contextmanager
def utf8_file(path: Path, encoding: str) -> Iterator[Path]:
    """The file itself when UTF-8, else a UTF-8 temp copy transcoded chunk by chunk."""
    if encoding == "utf-8":
        yield path
        return
    with tempfile.NamedTemporaryFile(suffix=".csv") as tmp:
        decoder = codecs.getincrementaldecoder(_CODECS[encoding])()
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                tmp.write(decoder.decode(chunk).encode("utf-8"))
            tmp.write(decoder.decode(b"", final=True).encode("utf-8"))
        tmp.flush()
        yield Path(tmp.name)


def first_line(path: Path, encoding: str) -> str:
    decoder = codecs.getincrementaldecoder(_CODECS[encoding])(errors="replace")
    text = ""
    with path.open("rb") as fh:
        while "\n" not in text and (chunk := fh.read(1 << 16)):
            text += decoder.decode(chunk)
    return text.split("\n", 1)[0].rstrip("\r")


def separator(path: Path, first_line: str) -> str:
    """Tab for .tsv, and for any text file whose header has tabs but no comma (Excel's Unicode text)."""
    if path.suffix.lower() == ".tsv" or ("\t" in first_line and "," not in first_line):
        return "\t"
    return ","
