"""Run the ordered steps, timing each, reporting progress and naming the step that failed.

Each step declares the tables it reads and writes. Before a step runs, the runner checks that
what it reads exists; after, that what it writes exists: a step that forgot a table (or a step
moved before the one that writes its input) fails at once, naming the step and the table,
instead of a later SQL error far from the cause.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from abm.memory import PeakRss, cpu_seconds
from abm.messages import DEFAULT_LANGUAGE, MESSAGES, Lang, text
from pipelines.context import RunContext, StepError


@dataclass(frozen=True)
class Step:
    """One job of a run. Table names are ``name`` (published, schema main) or ``work.name``."""

    name: str
    run: Callable[[RunContext], int]  # returns the step's main output row count
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    may_read: tuple[str, ...] = ()  # read when present (optional inputs, the previous run's tables)
    may_write: tuple[str, ...] = ()  # written only in some runs (a reps file given, a previous file)

    def description(self, lang: Lang = DEFAULT_LANGUAGE) -> str:
        """What the step does, in one sentence: the catalogue's ``step.<name>`` (every step of a run has
        one, tests/test_steps.py checks it), else the name (a step a test adds)."""
        key = f"step.{self.name}"
        return text(key, lang) if key in MESSAGES else self.name


@dataclass(frozen=True)
class StepTiming:
    step: str
    seconds: float
    rows: int
    peak_rss_mb: float
    user_s: float  # CPU seconds in the step, every thread's (abm.memory.cpu_seconds)
    system_s: float


def run_steps(ctx: RunContext, steps: Sequence[Step]) -> list[StepTiming]:
    timings: list[StepTiming] = []
    for step in steps:
        ctx.step = step.name
        _require(ctx, step, step.reads, "needs", "which no earlier step wrote")
        ctx.release_cache()  # each step starts without the blocks earlier steps left cached
        t0, (user0, system0) = time.perf_counter(), cpu_seconds()
        with PeakRss() as peak:
            rows = step.run(ctx)
        _require(ctx, step, step.writes, "declares it writes", "but did not write it")
        user, system = cpu_seconds()
        seconds = time.perf_counter() - t0
        timing = StepTiming(step.name, seconds, rows, peak.mb, user - user0, system - system0)
        timings.append(timing)
        ctx.facts.setdefault("step_timings", []).append(timing)
        what = step.description(ctx.settings.ui.language)
        ctx.say("run.step", "", step=step.name, rows=rows, seconds=timing.seconds, mib=peak.mb, what=what)
    return timings


def _require(ctx: RunContext, step: Step, tables: tuple[str, ...], verb: str, why: str) -> None:
    missing = ctx.missing(tables)
    if missing:
        raise StepError(f"step '{step.name}' {verb} table {', '.join(missing)}, {why}")
