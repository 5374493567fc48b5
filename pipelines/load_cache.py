"""Loading an input in a re-run: a file whose content, name, column mapping and schema are unchanged
lands the rows (and rejects) the last run landed, read back from the run cache instead of parsed again.
A chunked input (sales, activities: a re-run usually finds a month appended) is reused a chunk at a
time: every chunk whose raw rows are the last run's lands what the last run validated (``validated_chunks``).

Key: the file's SHA-256 (the content hash the run records in ``runs.input_files`` anyway; measured at
~0.4 GB/s on the 2-core box, ~2.5 s per GB, hardware SHA being faster there than blake2), its name (rejects
name it), size and mtime (recorded, informative), the input's column mapping and sheet settings, and the
input's schema (its column specs). Validation reads nothing else, so the landed rows are the same.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl

from abm.inputs.readers import InputFile, Table, read_input, sha256
from abm.inputs.schema import InputSpec
from abm.inputs.validate import validate
from pipelines.context import RunContext
from pipelines.run_cache import RunCache, fingerprint, frame_fingerprint

# (rows read, landed rows, rejects) of one frame of an input: a whole file or one chunk of it
Part = tuple[int, pl.DataFrame, pl.DataFrame]
CHUNKS_FORMAT = 1  # the chunk entries' layout: another one is a miss


def _read(folder: Path) -> tuple[pl.DataFrame, pl.DataFrame, dict]:
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    return pl.read_parquet(folder / "landed.parquet"), pl.read_parquet(folder / "rejects.parquet"), meta


def _write(folder: Path, landed: pl.DataFrame, rejected: pl.DataFrame, meta: dict) -> None:
    landed.write_parquet(folder / "landed.parquet")
    rejected.write_parquet(folder / "rejects.parquet")
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def load_input(
    ctx: RunContext, spec: InputSpec, path: Path, tables: list[Table]
) -> tuple[pl.DataFrame, pl.DataFrame, InputFile, int]:
    """(landed, rejects, what was read, rows read) of one input file, from the cache when unchanged."""
    digest = sha256(path)
    stat = path.stat()
    key = fingerprint(
        "input",
        spec.name,
        path.name,
        digest,
        ctx.settings.columns.get(spec.name),
        ctx.settings.inputs.sheets.get(spec.name),
        repr(spec),
    )
    name = f"input_{spec.name}"
    cached = ctx.cache.load(name, key, _read)
    if cached is not None:
        landed, rejected, meta = cached
        ctx.cache.note(name, "reused")
        ctx.say("run.load.reused_file", file=path.name, digest=digest[:12])
        return landed, rejected, InputFile(spec.name, path, digest, meta["encoding"]), meta["read"]
    raw, info = read_input(path, spec, ctx.settings.columns.get(spec.name), tables=tables, digest=digest)
    landed, rejected = validate(raw, spec, info.path.name)
    meta = {"encoding": info.encoding, "read": raw.height, "size": stat.st_size, "mtime": stat.st_mtime}
    ctx.cache.put(name, key, lambda folder: _write(folder, landed, rejected, meta))
    return landed, rejected, info, raw.height


def validated_chunks(
    ctx: RunContext, frames: Iterator[pl.DataFrame], spec: InputSpec, info: InputFile
) -> Iterator[Part]:
    """Each raw chunk of a chunked input validated, or, when the chunk at that place holds the same raw
    rows as in the last run, what the last run validated; every chunk is staged for the next run.

    Key: the input, the file's name (rejects name it), its column mapping, the input's schema and the
    chunk size; per chunk, the fingerprint of its raw frame (every column in order, the file's row
    numbers included). Validation is row by row and reads nothing else, so the result is the same;
    appending to a file leaves every earlier chunk as it was. Runs in ``read_ahead``'s worker thread."""
    name = f"chunks_{spec.name}"
    key = fingerprint(
        "input_chunks",
        CHUNKS_FORMAT,
        spec.name,
        info.path.name,
        ctx.settings.columns.get(spec.name),
        repr(spec),
        ctx.settings.inputs.chunk_rows,
    )
    before = _previous_chunks(ctx.cache, name, key)
    stage = ctx.cache.stage(name, key)
    chunks: list[dict] = []
    reused = 0
    # the chunks are staged by a thread of their own, so the validating thread does not wait on the
    # writes (a full national run with 20M chunked rows still loads ~10-20 s longer: both cores are busy)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="abm-stage") as writer:
        staged = []
        for i, raw in enumerate(frames):
            fp = frame_fingerprint(raw)
            was = before[1][i] if before is not None and i < len(before[1]) else None
            part = _read_chunk(ctx.cache, before[0], i, raw.height) if was == fp and before else None
            if part is None:
                good, bad = validate(raw, spec, info.path.name)
                part = (raw.height, good, bad)
                if stage is not None:
                    staged.append(writer.submit(_write_chunk, stage, i, good, bad))
            else:
                reused += 1
                if stage is not None and before is not None:
                    staged.append(writer.submit(_link_chunk, before[0], stage, i))
            chunks.append({"fingerprint": fp, "rows": raw.height})
            del raw
            yield part
            del part
        for done in staged:
            done.result()  # a failed write fails the run (its staging is discarded)
    if stage is not None:
        (stage / "chunks.json").write_text(json.dumps(chunks), encoding="utf-8")
    if reused:
        ctx.cache.note(name, {"reused": reused, "validated": len(chunks) - reused})
        ctx.say("run.load.reused_chunks", file=info.path.name, reused=reused, chunks=len(chunks))


def _previous_chunks(cache: RunCache, name: str, key: str) -> tuple[Path, list[str]] | None:
    """(folder, each chunk's raw fingerprint) of the last run's chunks under ``key``, else None."""

    def read(folder: Path) -> tuple[Path, list[str]]:
        chunks = json.loads((folder / "chunks.json").read_text(encoding="utf-8"))
        return folder, [str(c["fingerprint"]) for c in chunks]

    return cache.load(name, key, read)


def _read_chunk(cache: RunCache, folder: Path, i: int, rows: int) -> Part | None:
    """Chunk ``i`` as the last run validated it; a damaged file is a miss with a warning."""
    try:
        return (
            rows,
            pl.read_parquet(folder / f"landed-{i}.parquet"),
            pl.read_parquet(folder / f"rejects-{i}.parquet"),
        )
    except Exception as exc:  # any damage: validate this chunk again
        cache.warn(
            "run.cache.chunk_unreadable",
            chunk=f"{folder.name}/{i}",
            why=f"{type(exc).__name__}: {str(exc)[:120]}",
        )
        return None


def _write_chunk(stage: Path, i: int, landed: pl.DataFrame, rejected: pl.DataFrame) -> None:
    """Chunk ``i`` for the next run, written for speed (it is read whole, once): lz4 without column
    statistics took half the time of polars' default zstd (0.93 vs 1.69 s per 2M sales lines, 50% larger)."""
    for kind, frame in (("landed", landed), ("rejects", rejected)):
        frame.write_parquet(stage / f"{kind}-{i}.parquet", compression="lz4", statistics=False)


def _link_chunk(before: Path, stage: Path, i: int) -> None:
    """The last run's chunk ``i`` into this run's entry as hard links (no copy), else as copies."""
    for kind in ("landed", "rejects"):
        src, dst = before / f"{kind}-{i}.parquet", stage / f"{kind}-{i}.parquet"
        try:
            os.link(src, dst)
        except OSError:
            shutil.copyfile(src, dst)
