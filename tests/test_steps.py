"""The run's steps own their tables: declarations that hold, a runner that checks them, one output
per SQL file, and README's step table generated from the declarations."""

from __future__ import annotations

import re
import time
from importlib import resources
from pathlib import Path

import duckdb
import polars as pl
import pytest

from abm.config.settings import load_settings
from abm.messages import MESSAGES
from pipelines.context import RunContext, StepError
from pipelines.runner import Step, run_steps
from pipelines.steps import STEPS, step_table

SQL = Path(str(resources.files("pipelines").joinpath("sql")))
CREATE = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TABLE|VIEW)\s+([\w.]+)", re.I | re.M)


def _ctx(tmp_path: Path) -> RunContext:
    con = duckdb.connect(str(tmp_path / "steps.duckdb"))  # a real file, as a run builds one
    ctx = RunContext(con, load_settings(None), "test", time.time())
    ctx.execute("CREATE SCHEMA work")
    return ctx


def _ctx_with_big_table(tmp_path: Path) -> tuple[RunContext, str]:
    """A run's context whose file holds a 2M-row table ``big``, and its configured memory limit as DuckDB
    states it."""
    ctx = _ctx(tmp_path)
    ctx.execute(f"SET memory_limit = '{ctx.settings.duckdb.memory_limit}'")
    ctx.execute("CREATE TABLE big AS SELECT range AS n, md5(range::VARCHAR) AS h FROM range(2000000)")
    return ctx, ctx.scalar("SELECT current_setting('memory_limit')")


def test_steps_start_and_whole_table_reads_end_without_duckdbs_cached_blocks(tmp_path: Path) -> None:
    """A step works on frames: DuckDB's cache of the blocks it read or wrote would hold the data twice."""

    def cached_mb(ctx: RunContext) -> float:
        return ctx.scalar("SELECT sum(memory_usage_bytes) / 2^20 FROM duckdb_memory()")

    ctx, limit = _ctx_with_big_table(tmp_path)
    assert cached_mb(ctx) > 20  # the written blocks stay cached
    seen: list[float] = []
    run_steps(ctx, [Step("look", lambda c: seen.append(cached_mb(c)) or 0)])
    assert seen[0] < 5
    ctx.scalar("SELECT count(DISTINCT h) FROM big")  # read back: cached again
    assert cached_mb(ctx) > 20
    assert ctx.read_table("big", ("n",)).height == 2_000_000
    assert cached_mb(ctx) < 5
    assert ctx.scalar("SELECT current_setting('memory_limit')") == limit  # the configured limit is back


def test_releasing_the_cache_while_memory_is_pinned_is_a_no_op(tmp_path: Path) -> None:
    """Blocks a query still holds (here a sorted result half read on another cursor) cannot be evicted:
    DuckDB refuses the low limit, and the run goes on with the configured one."""
    ctx, limit = _ctx_with_big_table(tmp_path)
    pending = ctx.con.cursor().execute("SELECT * FROM big ORDER BY h")
    assert len(pending.fetchmany(10)) == 10
    ctx.release_cache()
    assert ctx.scalar("SELECT current_setting('memory_limit')") == limit
    assert len(pending.fetchmany(10)) == 10  # the pending query was not disturbed


def test_every_declared_read_is_written_by_an_earlier_step() -> None:
    written: set[str] = set()
    for step in STEPS:
        unmet = [t for t in step.reads if t not in written]
        assert not unmet, f"step {step.name} reads {unmet} before any step writes them"
        written |= set(step.writes) | set(step.may_write)
    names = [s.name for s in STEPS]
    assert len(names) == len(set(names))


def test_runner_stops_before_a_step_whose_input_is_missing(tmp_path: Path) -> None:
    ran: list[str] = []
    step = Step("score", lambda ctx: ran.append("score") or 0, reads=("work.account_base",))
    with pytest.raises(StepError, match=r"step 'score' needs table work\.account_base"):
        run_steps(_ctx(tmp_path), [step])
    assert ran == []  # the step itself never started


def test_runner_names_the_step_that_did_not_write_its_output(tmp_path: Path) -> None:
    def writes_one(ctx: RunContext) -> int:
        return ctx.write("work.account_base", pl.DataFrame({"account_id": ["A"]}))

    ctx = _ctx(tmp_path)
    good = Step("base", writes_one, writes=("work.account_base",))
    bad = Step("flags", lambda ctx: 0, writes=("work.account_flags",))
    with pytest.raises(StepError, match=r"step 'flags' declares it writes table work\.account_flags"):
        run_steps(ctx, [good, bad])
    assert ctx.missing(("work.account_base", "work.account_flags", "accounts")) == [
        "work.account_flags",
        "accounts",
    ]


def test_every_step_says_what_it_does_in_japanese_by_default_and_in_english_on_request(
    tmp_path: Path,
) -> None:
    for step in STEPS:
        assert f"step.{step.name}" in MESSAGES, f"step {step.name} has no description in abm/messages/run.py"
    for language, unit in (("ja", "行"), ("en", "rows")):
        lines: list[str] = []
        ctx = RunContext(
            duckdb.connect(), load_settings(None, **{"ui.language": language}), "t", time.time(), lines.append
        )
        flags = next(s for s in STEPS if s.name == "flags")
        run_steps(ctx, [Step("flags", lambda c: 1234)])
        assert len(lines) == 1 and lines[0].startswith("flags ")
        assert f"1,234 {unit}" in lines[0] and lines[0].endswith(flags.description(language))
    assert "三つの輪" in flags.description() and "three circle" in flags.description("en")


def test_each_sql_file_creates_one_table_or_view() -> None:
    # views*.sql are the BI contract's (several views, one file per contract), not a step's table
    for path in sorted(SQL.glob("*.sql")):
        if path.name.startswith("views"):
            continue
        created = CREATE.findall(path.read_text(encoding="utf-8"))
        assert len(created) <= 1, f"{path.name} creates {created}: one output per SQL file"


def test_readme_step_table_comes_from_the_declarations() -> None:
    table = step_table()
    for step in STEPS:
        assert f"| {step.name} | {step.description('en')} |" in table
    assert "(`reps`)" in table  # optional tables are marked as such
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert table in readme, "README's step table is stale: run `abm dev docs`"


def test_published_priority_and_name_norm_are_the_one_definition(tiny_con: duckdb.DuckDBPyConnection) -> None:
    from abm.matching.normalize import normalize_name

    accounts = tiny_con.sql(
        "SELECT account_id, name, name_norm, tier, buying_power_score, sales_amount, priority FROM accounts"
    ).pl()
    assert sorted(accounts["priority"]) == list(range(1, accounts.height + 1))  # a rank, no gaps or ties
    expected = accounts.sort(
        [pl.col("tier"), pl.col("buying_power_score"), pl.col("sales_amount"), pl.col("account_id")],
        descending=[False, True, True, False],
        nulls_last=True,
    )["account_id"]
    assert accounts.sort("priority")["account_id"].to_list() == expected.to_list()
    assert accounts.filter(pl.col("tier").is_not_null())["priority"].max() == accounts["tier"].count()
    targets = dict(tiny_con.execute("SELECT account_id, priority FROM v_target_accounts").fetchall())
    published = dict(accounts.select("account_id", "priority").iter_rows())
    assert targets and all(published[a] == p for a, p in targets.items())
    folded = accounts.select(normalize_name(pl.col("name")).alias("n"))["n"]
    assert accounts["name_norm"].to_list() == folded.to_list()
    assert accounts["name_norm"].drop_nulls().len() > 0
