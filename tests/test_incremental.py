"""Incremental re-runs: a re-run that reuses the last run's cache publishes exactly what a full run
publishes on the same inputs, reuses only what is still valid, and survives a damaged cache.

Inputs A are generated; inputs B are A plus one month of sales lines, 1% new contacts and one contact
whose company name changed (abm.sample.grow). Run A, then B incrementally (cache from A) into one file
and B with ``full=True`` into a copy of A's file (same history), and compare every published table and
view: only run ids, clocks and the run's own bookkeeping (link statistics, what was reused) may differ.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
from helpers import digest, run_settings, settings_for

from abm.sample import generate
from abm.sample.grow import next_month
from pipelines import project
from pipelines.runner import Step

BOOKKEEPING = frozenset({"link_summary", "reused"})
CHUNK_ROWS = 400  # sales (3,000 lines) and activities land in several chunks, so chunks can be reused


def _settings(inputs: Path, db: Path, **extra):
    return run_settings(inputs, db, **{"inputs.chunk_rows": CHUNK_ROWS, **extra})


def _last_run(db: Path, column: str) -> dict:
    """A JSON column of the file's latest `runs` row (reused, link_summary, input_files)."""
    with duckdb.connect(str(db), read_only=True) as con:
        return json.loads(
            con.execute(f"SELECT {column} FROM runs ORDER BY finished_at DESC LIMIT 1").fetchall()[0][0]
        )


def _last_reused(db: Path) -> dict:
    return _last_run(db, "reused")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("incremental")
    a, b = root / "a", root / "b"
    generate(a, companies=1500, customers=150, contacts=500, sales_lines=3000, seed=7, fmt="csv")
    next_month(a, b, seed=1)
    inc, full = root / "inc" / "abm.duckdb", root / "full" / "abm.duckdb"
    project.run(_settings(a, inc))
    (root / "after_a").mkdir()
    shutil.copytree(inc.parent, root / "after_a", dirs_exist_ok=True)  # A's file and cache, for other tests
    full.parent.mkdir()
    shutil.copy(inc, full)  # same history as the incremental file, no cache
    lines: list[str] = []
    project.run(_settings(b, inc), progress=lines.append)
    project.run(_settings(b, full), full=True)
    (root / "inc_progress.txt").write_text("\n".join(lines), encoding="utf-8")
    return {"root": root, "a": a, "b": b, "inc": inc, "full": full}


def _from_a(runs: dict[str, Path], name: str) -> Path:
    """A fresh copy of A's published file and cache; returns the db path."""
    folder = runs["root"] / name
    shutil.copytree(runs["root"] / "after_a", folder)
    return folder / "abm.duckdb"


def test_incremental_rerun_publishes_what_a_full_run_publishes(runs):
    inc, full = digest(runs["inc"], BOOKKEEPING), digest(runs["full"], BOOKKEEPING)
    assert sorted(inc) == sorted(full)
    assert inc["matches"]["rows"] > 600 and inc["accounts"]["rows"] > 0
    moved = sorted(name for name in full if inc[name] != full[name])
    assert not moved, f"incremental differs from full in {moved}"


def test_incremental_rerun_reuses_unchanged_links_and_says_so(runs):
    reused = _last_reused(runs["inc"])
    assert reused["link_sales"] == {"reused": 150, "linked": 0}  # customers unchanged, only lines added
    assert reused["link_contacts"]["linked"] == 6  # 5 new contacts + the changed one
    assert reused["link_contacts"]["reused"] >= 490
    assert reused["master_index"] == "reused"
    assert reused["input_companies"] == "reused" and "input_sales" not in reused  # a month was appended
    progress = (runs["root"] / "inc_progress.txt").read_text(encoding="utf-8")
    assert "contacts: 照合結果" in progress and "件を再利用（変更なし）" in progress  # said in Japanese
    assert _last_reused(runs["full"]) == {}  # --full reads no cache


def test_a_rerun_reuses_the_exact_key_links_of_unchanged_activity_companies(runs):
    """The exact pass (法人番号, domain, a name one master company holds) is part of a record's cached
    link: a re-run on unchanged activity companies runs neither it nor the model, and still counts
    the exact-key links a full run counts."""
    full, inc = (_last_run(runs[db], "link_summary")["activities"] for db in ("full", "inc"))
    assert full["exact_key"] > 0 and inc["exact_key"] == full["exact_key"]
    assert _last_reused(runs["inc"])["link_activities"] == {"reused": full["records"], "linked": 0}
    progress = (runs["root"] / "inc_progress.txt").read_text(encoding="utf-8")
    assert "activities: 照合結果" in progress and "法人番号・ドメイン・社名だけで決定" not in progress


def test_a_rerun_validates_only_the_chunks_that_changed(runs):
    """A month appended to the sales file leaves its earlier chunks as they were: they land what the
    last run validated; the unchanged activities file is reused chunk by chunk too."""
    reused = _last_reused(runs["inc"])
    inputs = _last_run(runs["full"], "input_files")
    sales_read, activities_read = inputs["sales"]["read"], inputs["activities"]["read"]
    sales_chunks = -(-sales_read // CHUNK_ROWS)
    assert reused["chunks_sales"]["reused"] == 3_000 // CHUNK_ROWS  # every full chunk of A's 3,000 lines
    assert reused["chunks_sales"]["reused"] + reused["chunks_sales"]["validated"] == sales_chunks
    assert reused["chunks_activities"] == {"reused": -(-activities_read // CHUNK_ROWS), "validated": 0}
    progress = (runs["root"] / "inc_progress.txt").read_text(encoding="utf-8")
    assert f"検証済みのチャンク {sales_chunks:,} 個のうち {3_000 // CHUNK_ROWS:,} 個を再利用" in progress


def test_a_changed_match_threshold_relinks_but_keeps_the_master_index(runs):
    db = _from_a(runs, "margin")
    project.run(_settings(runs["b"], db, **{"match.margin": 0.2}))
    reused = _last_reused(db)
    assert "link_sales" not in reused and "link_contacts" not in reused
    assert reused["master_index"] == "reused"  # thresholds do not change the index or the model


def test_a_changed_master_invalidates_links_and_index(runs):
    b2 = runs["root"] / "b_master"
    shutil.copytree(runs["b"], b2)
    companies = pl.read_csv(b2 / "companies.csv", infer_schema=False)
    name = companies.columns[1]
    companies = companies.with_columns(
        pl.when(pl.int_range(pl.len()) == 3).then(pl.col(name) + "ホールディングス").otherwise(pl.col(name))
    )
    companies.write_csv(b2 / "companies.csv")
    db = _from_a(runs, "master")
    project.run(_settings(b2, db))
    reused = _last_reused(db)
    assert not {"input_companies", "master_index", "link_sales", "link_contacts"} & set(reused), reused


def test_a_damaged_cache_is_ignored_with_a_warning(runs):
    db = _from_a(runs, "damaged")
    cache = db.with_name(db.name + ".cache")
    entry = next(cache.glob("link_contacts-*"))
    (entry / "matches.parquet").write_bytes(b"not parquet")
    (next(cache.glob("chunks_sales-*")) / "landed-1.parquet").write_bytes(b"not parquet")
    lines: list[str] = []
    project.run(_settings(runs["b"], db), progress=lines.append)
    assert any(line.startswith("警告: 実行キャッシュ: link_contacts が読めません") for line in lines)
    assert any(line.startswith("警告: 実行キャッシュ: チャンク chunks_sales-") for line in lines)
    reused = _last_reused(db)
    assert "link_contacts" not in reused and reused["link_sales"]["reused"] == 150
    assert reused["chunks_sales"]["reused"] == 3_000 // CHUNK_ROWS - 1  # the damaged one validated again
    published, full = digest(db, BOOKKEEPING), digest(runs["full"], BOOKKEEPING)
    assert all(published[name] == full[name] for name in ("matches", "sales", "rejects"))
    (cache / "manifest.json").write_text("{ garbage", encoding="utf-8")
    lines.clear()
    project.run(_settings(runs["b"], db), progress=lines.append)
    assert any("manifest.json が読めません" in line for line in lines)
    assert _last_reused(db) == {}
    assert json.loads((cache / "manifest.json").read_text(encoding="utf-8"))  # rewritten whole


def test_a_failed_run_leaves_the_previous_cache_usable(runs, monkeypatch):
    db = _from_a(runs, "failed")
    cache = db.with_name(db.name + ".cache")
    before = (cache / "manifest.json").read_text(encoding="utf-8")

    def boom(_ctx):
        raise RuntimeError("killed")

    # load and link stage new cache entries (the inputs changed), then the run dies
    monkeypatch.setattr(project, "STEPS", (*project.STEPS[:2], Step("boom", boom)))
    with pytest.raises(RuntimeError):
        project.run(_settings(runs["b"], db))
    assert (cache / "manifest.json").read_text(encoding="utf-8") == before
    assert not list(cache.glob("staging-*"))


def test_an_unchanged_training_set_reuses_the_buying_power_model(tmp_path: Path):
    inputs = tmp_path / "in"
    generate(inputs, companies=1500, customers=150, contacts=300, sales_lines=3000, seed=11, fmt="csv")
    again, full = tmp_path / "again" / "abm.duckdb", tmp_path / "full" / "abm.duckdb"
    lookalike = {"buying_power.min_positives": 10}  # the small sample has ~30 A-class customers
    project.run(settings_for(inputs, again, **lookalike))  # the lookalike (default method) is trained
    full.parent.mkdir()
    shutil.copy(again, full)
    project.run(settings_for(inputs, again, **lookalike))
    project.run(settings_for(inputs, full, **lookalike), full=True)
    reused = _last_reused(again)
    assert reused["lookalike"] == "reused", reused
    with duckdb.connect(str(again), read_only=True) as con:
        assert con.execute("SELECT method FROM model_report").fetchall() == [("lookalike",)]
    assert digest(again, BOOKKEEPING) == digest(full, BOOKKEEPING)
