"""Run the ordered steps, timing each, reporting progress and naming the step that failed."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from abm.memory import PeakRss
from pipelines.context import RunContext


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[RunContext], int]  # returns the step's main output row count
    description: str


@dataclass(frozen=True)
class StepTiming:
    step: str
    seconds: float
    rows: int
    peak_rss_mb: float


def run_steps(ctx: RunContext, steps: Sequence[Step]) -> list[StepTiming]:
    timings: list[StepTiming] = []
    for step in steps:
        ctx.step = step.name
        t0 = time.perf_counter()
        with PeakRss() as peak:
            rows = step.run(ctx)
        timing = StepTiming(step.name, time.perf_counter() - t0, rows, peak.mb)
        timings.append(timing)
        ctx.facts.setdefault("step_timings", []).append(timing)
        figures = f"{rows:>12,} rows  {timing.seconds:7.2f}s  {peak.mb:7,.0f} MiB"
        ctx.progress(f"{step.name:<13} {figures}  {step.description}")
    return timings
