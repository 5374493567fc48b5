"""The run cache: what a re-run may reuse from the last published run, keyed by fingerprints.

A quarterly re-run usually changes a month of sales and a few contacts; the master, the 名寄せ model
and most links are what the last run computed. Like sqlmesh's snapshot fingerprints, every cached
entry is stored under a fingerprint of everything its content depends on (input content hashes, the
settings that matter, the cache layout version and abm's version), and reused only when the run
computes the same fingerprint: nothing is compared by date or trusted because it is "probably" the same.

Layout, beside the published file: ``<db>.cache/manifest.json`` names each entry's fingerprint and
folder (``<db>.cache/<entry>-<fingerprint>/``, Parquet files or a pickled model). Entries a run makes
are written to ``<db>.cache/staging-<run id>/`` and moved into place only after the run published
(``commit``): a failed run leaves the previous cache as it was, and runs are already serialised by the
publish lock. A cache that cannot be read (damaged manifest or file) is ignored with a warning.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import polars as pl

from abm.messages import DEFAULT_LANGUAGE, Lang, text

LAYOUT = 1  # bump when what an entry holds changes: every old entry then misses
MANIFEST = "manifest.json"


def fingerprint(*parts: Any) -> str:
    """A short content hash of JSON-able parts, with the cache layout and abm's version mixed in."""
    text = json.dumps([LAYOUT, version("abm"), pl.__version__, *parts], sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def frame_fingerprint(df: pl.DataFrame) -> str:
    """Fingerprint of a frame's schema and rows, in order (row order matters: it numbers the master)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr(df.schema).encode())
    digest.update(df.hash_rows(seed=0).to_numpy().tobytes())
    return digest.hexdigest()


def record_fingerprints(df: pl.DataFrame, key: str) -> pl.Series:
    """One hash per row over every column but ``key``: a record whose hash is unchanged is unchanged."""
    return df.drop(key).hash_rows(seed=0).alias("record_fp")


def folder_for(db: Path) -> Path:
    return db.with_name(db.name + ".cache")


@dataclass
class RunCache:
    """The cache of one run: read what the manifest names, stage what this run makes, commit after publish.

    ``reused`` records what this run took from the cache (written to ``runs.reused``)."""

    folder: Path | None  # None: a run without a published file to keep a cache beside (steps in tests)
    run_id: str = ""
    progress: Callable[[str], None] = lambda _m: None
    enabled: bool = True
    lang: Lang = DEFAULT_LANGUAGE
    entries: dict[str, dict[str, str]] = field(default_factory=dict)  # manifest: name -> key, dir
    keep: dict[str, dict[str, str]] = field(default_factory=dict)  # entries the next manifest keeps
    reused: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def open(
        cls,
        db: Path,
        run_id: str,
        progress: Callable[[str], None],
        enabled: bool = True,
        lang: Lang = DEFAULT_LANGUAGE,
    ) -> RunCache:
        """The cache beside ``db``; ``enabled=False`` (``--full``) reads nothing but still writes.
        ``progress`` hears its warnings in ``lang``."""
        folder = folder_for(db)
        cache = cls(folder, run_id, progress, enabled, lang=lang)
        for stale in folder.glob("staging-*"):  # left by killed runs; we hold the publish lock
            shutil.rmtree(stale, ignore_errors=True)
        manifest = folder / MANIFEST
        if enabled and manifest.exists():
            try:
                data = json.loads(manifest.read_text(encoding="utf-8"))
                cache.entries = {
                    str(k): {"key": str(v["key"]), "dir": str(v["dir"])} for k, v in data.items()
                }
            except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
                cache.warn("run.cache.manifest_unreadable", path=manifest, why=type(exc).__name__)
        return cache

    @classmethod
    def off(cls) -> RunCache:
        """No cache: nothing read, nothing written."""
        return cls(None, enabled=False)

    @property
    def root(self) -> Path:
        assert self.folder is not None, "an off cache has no folder"
        return self.folder

    @property
    def staging(self) -> Path:
        return self.root / f"staging-{self.run_id}"

    def warn(self, message: str, **fields: Any) -> None:
        """A warning from the catalogue (``run.cache.*``) in the run's language: what could not be
        used or kept, and that the run goes on without it."""
        self.progress(text(message, self.lang, **fields))

    def get(self, name: str, key: str) -> Path | None:
        """The folder of entry ``name`` when it was made under ``key``, else None."""
        entry = self.entries.get(name)
        if not self.enabled or entry is None or entry["key"] != key:
            return None
        path = self.root / entry["dir"]
        if not path.is_dir():
            self.warn("run.cache.entry_missing", entry=name, path=path)
            return None
        return path

    def load(self, name: str, key: str, read: Callable[[Path], Any]) -> Any | None:
        """``read(folder)`` of entry ``name`` under ``key`` (kept for the next run), else None; a
        damaged entry is a miss with a warning, never a failed run."""
        path = self.get(name, key)
        if path is None:
            return None
        try:
            value = read(path)
        except Exception as exc:  # any damage (truncated Parquet, bad pickle): recompute instead
            self.warn("run.cache.entry_unreadable", entry=name, why=f"{type(exc).__name__}: {str(exc)[:120]}")
            return None
        self.keep[name] = self.entries[name]
        return value

    def put(self, name: str, key: str, write: Callable[[Path], None]) -> None:
        """Stage entry ``name`` under ``key``: ``write(folder)`` fills a new folder. A write that fails
        (a full disk) drops only this entry, with a warning: the run itself does not depend on its
        cache, the next run recomputes that part."""
        path = self.stage(name, key)
        if path is None:
            return
        try:
            write(path)
        except OSError as exc:
            self.keep.pop(name, None)
            shutil.rmtree(path, ignore_errors=True)
            self.warn(
                "run.cache.entry_not_written", entry=name, why=f"{type(exc).__name__}: {str(exc)[:120]}"
            )

    def stage(self, name: str, key: str) -> Path | None:
        """A new, empty staging folder for entry ``name`` under ``key``, for an entry filled piece by
        piece while the run goes on (``put`` fills one in one go); None when there is no cache folder.
        Like every staged entry it is kept only if the run publishes."""
        if self.folder is None:
            return None
        path = self.staging / f"{name}-{key}"
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        self.keep[name] = {"key": key, "dir": f"{self.staging.name}/{path.name}"}
        return path

    def note(self, name: str, what: Any) -> None:
        """Record that this run reused ``what`` for ``name`` (published in ``runs.reused``)."""
        self.reused[name] = what

    def commit(self) -> None:
        """After the publish: staged entries into place, the manifest swapped atomically, the rest removed."""
        if self.folder is None:
            return
        manifest: dict[str, dict[str, str]] = {}
        for name, entry in self.keep.items():
            src = self.folder / entry["dir"]
            if entry["dir"].startswith(self.staging.name + "/"):
                dst = self.folder / src.name
                shutil.rmtree(dst, ignore_errors=True)
                os.replace(src, dst)
                entry = {"key": entry["key"], "dir": dst.name}
            manifest[name] = entry
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f"{MANIFEST}.{self.run_id}"
        tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.folder / MANIFEST)
        used = {entry["dir"] for entry in manifest.values()} | {MANIFEST}
        for path in self.folder.iterdir():
            if path.name not in used:
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)

    def discard(self) -> None:
        """A failed run: its staged entries go, the previous cache stays usable."""
        if self.folder is None:
            return
        shutil.rmtree(self.staging, ignore_errors=True)
