"""`abm bench --splink` and `abm bench --curve`: measurements that each need a process of their own.

Side by side: abm's linker and Splink (``pipelines.bench_splink``) link the same generated records
(``pipelines.bench_records``) against the same master, each in a fresh child process of this one,
so that the peak resident memory each reports (``getrusage`` of the child) is its own and not what
the other, or the pipeline run before, left behind. Both are scored by the same rule against the
generator's truth.

Scaling curve: the whole pipeline (``pipelines.bench.run_bench``) at several scales, each in a fresh
child, printed as one table for README.

A child is ``python -m pipelines.bench_compare TASK REQUEST.json RESULT.json``.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

from abm.config.settings import Settings
from abm.errors import AbmError
from abm.memory import cpu_seconds, current_rss_mb

SOURCES = ("sales", "contacts")


# --- the children -------------------------------------------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    """CPU seconds of this process (``cpu_seconds``: user and system, every thread)."""
    return sum(cpu_seconds())


def _abm_link(req: dict) -> dict:
    """abm's linker on both sources: automatic links scored against the truth."""
    from abm.matching import link
    from pipelines.bench_records import link_inputs, link_scores, read_truth

    folder = Path(req["folder"])
    settings = Settings.model_validate_json(req["settings"])
    companies, customers, contacts = link_inputs(folder)
    truth = read_truth(folder)
    inputs_mb = current_rss_mb()
    out: dict = {"engine": "abm", "inputs_rss_mb": inputs_mb, "sources": {}}
    for source, records in zip(SOURCES, (customers, contacts), strict=True):
        t, cpu = time.perf_counter(), _cpu_s()
        res = link(companies, records, source=source, settings=settings.match)
        secs = time.perf_counter() - t
        auto = res.matches.filter(pl.col("status") == "auto").select("source_key", "company_id")
        review = float(res.matches.select((pl.col("status") == "review").mean()).item() or 0.0)
        out["sources"][source] = {
            "seconds": secs,
            "cpu": _cpu_s() - cpu,
            "rule": f"auto ≥ {settings.match.auto}",
            "review_rate": round(review, 4),
            **link_scores(auto, *truth[source]),
        }
    out["peak_rss_mb"] = _peak_mb()
    out["cpu_seconds"] = sum(s["cpu"] for s in out["sources"].values())  # both sources, like Splink's
    return out


def _splink_link(req: dict) -> dict:
    """Splink on both sources; per source every threshold's scores and the one with the best F1."""
    from pipelines.bench_splink import THRESHOLDS, splink_links, splink_missing

    missing = splink_missing()
    if missing:
        return {"engine": "splink", "missing": missing}
    from pipelines.bench_records import link_inputs, link_scores, read_truth

    folder = Path(req["folder"])
    companies, customers, contacts = link_inputs(folder)
    truth = read_truth(folder)
    inputs_mb = current_rss_mb()
    cpu = _cpu_s()
    found = splink_links(companies, {"sales": customers, "contacts": contacts}, progress=_err)
    cpu = _cpu_s() - cpu
    out: dict = {"engine": "splink", "inputs_rss_mb": inputs_mb, "sources": {}}
    for source, (best, secs) in found.items():
        by = {
            th: link_scores(best.filter(pl.col("match_probability") >= th), *truth[source])
            for th in THRESHOLDS
        }
        top = max(THRESHOLDS, key=lambda th: (by[th]["f1"], th))
        out["sources"][source] = {
            "seconds": secs,
            "rule": f"p ≥ {top} (best-F1 threshold)",
            **by[top],
            "by_threshold": {str(th): by[th] for th in THRESHOLDS},
        }
    out["peak_rss_mb"] = _peak_mb()
    out["cpu_seconds"] = cpu  # both sources together (Splink's per-source CPU is not split)
    return out


def _pipeline(req: dict) -> dict:
    """The whole pipeline at one scale (``run_bench``), figures made JSON-friendly."""
    from pipelines.bench import run_bench

    settings = Settings.model_validate_json(req["settings"])
    figures = run_bench(req["scale"], Path(req["cache"]), settings, req["seed"], progress=_err)
    return {
        "scale": req["scale"],
        "companies": figures["size"].companies,
        "seconds": figures["seconds"],
        "peak_rss_mb": figures["peak_rss_mb"],
        "steps": figures["steps"].select("step", "seconds", "peak_rss_mb").to_dicts(),
    }


TASKS: dict[str, Callable[[dict], dict]] = {"abm": _abm_link, "splink": _splink_link, "pipeline": _pipeline}


def _err(line: str) -> None:
    sys.stderr.write(f"  {line}\n")
    sys.stderr.flush()


def in_child(task: str, request: dict, progress: Callable[[str], None] = _err) -> dict:
    """Run ``task`` in a fresh Python process (same interpreter, this code first on the path) and
    return what it reports; its peak memory is its own. A child that dies says so in ``failed``."""
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
    with tempfile.TemporaryDirectory(prefix="abm-bench-") as tmp:
        req, res = Path(tmp) / "request.json", Path(tmp) / "result.json"
        req.write_text(json.dumps(request))
        t = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "pipelines.bench_compare", task, str(req), str(res)], env=env, check=False
        )
        wall = time.perf_counter() - t
        if done.returncode != 0 or not res.exists():
            return {"engine": task, "failed": f"the {task} child process exited with code {done.returncode}"}
        out = json.loads(res.read_text())
    progress(f"{task}: child process done in {wall:.1f}s")
    return out


def main(argv: list[str]) -> None:
    task, request, result = argv
    Path(result).write_text(json.dumps(TASKS[task](json.loads(Path(request).read_text()))))


# --- side by side ---------------------------------------------------------------------------------


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def side_by_side(
    folder: Path, settings: Settings, progress: Callable[[str], None] = _err, engines=("abm", "splink")
) -> dict:
    """abm and Splink on the generated data in ``folder``, one child process each, one after the
    other (never at the same time: they would share the cores). Returns the engines' reports, the
    comparison table and the load average before and after."""
    before = load_average()
    request = {"folder": str(folder), "settings": settings.model_dump_json()}
    reports = {}
    for engine in engines:
        progress(f"side by side: {engine} ...")
        reports[engine] = in_child(engine, request, progress)
    if "failed" in reports.get("abm", {}):
        raise AbmError(reports["abm"]["failed"])
    return {"reports": reports, "table": comparison_table(reports), "load": (before, load_average())}


def comparison_table(reports: dict[str, dict]) -> pl.DataFrame:
    """One row per engine and source: seconds, peak RSS of the engine's process, precision, recall,
    F1 and the linking rule; an engine that could not run has one row whose ``note`` says why."""
    rows = []
    for engine, rep in reports.items():
        if "sources" not in rep:
            rows.append({"engine": engine, "source": None, "note": rep.get("missing") or rep.get("failed")})
            continue
        for source, s in rep["sources"].items():
            rows.append(
                {
                    "engine": engine,
                    "source": source,
                    "seconds": round(s["seconds"], 1),
                    "peak_rss_mb": round(rep["peak_rss_mb"]),
                    "cpu_s": round(rep["cpu_seconds"], 1),
                    "precision": s["precision"],
                    "recall": s["recall"],
                    "f1": s["f1"],
                    "linked": s["linked"],
                    "note": s["rule"],
                }
            )
    schema = {
        "engine": pl.String, "source": pl.String, "seconds": pl.Float64, "peak_rss_mb": pl.Int64,
        "cpu_s": pl.Float64,
        "precision": pl.Float64, "recall": pl.Float64, "f1": pl.Float64, "linked": pl.Int64,
        "note": pl.String,
    }  # fmt: skip
    return pl.DataFrame(rows, schema=schema)


def verdict(table: pl.DataFrame) -> str:
    """One line: how much faster abm linked both sources than Splink, and each source's F1 side by side."""
    timed = table.drop_nulls("seconds")
    if set(timed["engine"]) != {"abm", "splink"}:
        return "no comparison: " + "; ".join(
            table.drop_nulls("note").filter(pl.col("source").is_null())["note"]
        )
    secs = {e: float(timed.filter(pl.col("engine") == e)["seconds"].sum()) for e in ("abm", "splink")}
    cpu = {e: float(timed.filter(pl.col("engine") == e)["cpu_s"][0]) for e in ("abm", "splink")}
    f1 = ", ".join(
        f"{s} F1 {timed.filter(pl.col('engine') == 'abm', pl.col('source') == s)['f1'][0]:.3f} vs "
        f"{timed.filter(pl.col('engine') == 'splink', pl.col('source') == s)['f1'][0]:.3f}"
        for s in SOURCES
    )
    ratio = secs["splink"] / secs["abm"] if secs["abm"] else float("inf")
    cpu_ratio = cpu["splink"] / cpu["abm"] if cpu["abm"] else float("inf")
    return (
        f"abm {secs['abm']:.1f}s vs Splink {secs['splink']:.1f}s wall for both sources ({ratio:.1f}× faster; "
        f"CPU {cpu['abm']:.0f}s vs {cpu['splink']:.0f}s, {cpu_ratio:.1f}×); {f1}"
    )


# --- the scaling curve ----------------------------------------------------------------------------

CURVE_STEPS = ("load", "link", "buying_power", "accounts", "assemble")


def curve(
    scales: list[str], cache: Path, settings: Settings, seed: int = 42, progress: Callable[[str], None] = _err
) -> pl.DataFrame:
    """The whole pipeline at each scale in a fresh child process: scale, companies, total seconds,
    the main steps' seconds, the rest, peak RSS (GiB) and the load average after the run."""
    rows = []
    for scale in scales:
        progress(f"curve: {scale} ...")
        rep = in_child(
            "pipeline",
            {"scale": scale, "cache": str(cache), "seed": seed, "settings": settings.model_dump_json()},
            progress,
        )
        if "failed" in rep:
            raise AbmError(f"scale {scale}: {rep['failed']}")
        steps = {s["step"]: s["seconds"] for s in rep["steps"]}
        main = {k: round(steps.get(k, 0.0), 1) for k in CURVE_STEPS}
        rows.append(
            {
                "scale": scale,
                "companies": rep["companies"],
                "total_s": round(rep["seconds"], 1),
                **{f"{k}_s": v for k, v in main.items()},
                "other_s": round(sum(steps.values()) - sum(main.values()), 1),
                "peak_rss_gib": round(rep["peak_rss_mb"] / 1024, 1),
                "load": load_average().split()[0],
            }
        )
    return pl.DataFrame(rows)


def markdown(table: pl.DataFrame) -> str:
    """``table`` as a Markdown table (for README), numbers with thousands separators."""

    def cell(v) -> str:
        if v is None:
            return ""
        if isinstance(v, int):
            return f"{v:,}"
        return str(v)

    lines = ["| " + " | ".join(table.columns) + " |", "|" + " --- |" * table.width]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.iter_rows()]
    return "\n".join(lines)


if __name__ == "__main__":
    main(sys.argv[1:])
