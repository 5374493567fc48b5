"""Territory balance: each rep's load and deviation from the area mean, and per-area figures."""

from __future__ import annotations

import numpy as np
import polars as pl

from abm.config.settings import TerritorySettings
from abm.territories.solver import METRICS


def balance(scope: pl.DataFrame, active: pl.DataFrame, settings: TerritorySettings) -> pl.DataFrame:
    """Per active rep: accounts, buying power, revenue, share of the area and deviation from its mean."""
    owned = (
        scope.filter(pl.col("owner").is_not_null())
        .group_by("owner")
        .agg(
            pl.len().alias("accounts"),
            pl.col("x_buying_power").sum().alias("buying_power"),
            pl.col("x_revenue").sum().alias("revenue"),
        )
    )
    frame = (
        active.select("rep_id", "name", "area", "capacity", "balance_note")
        .join(owned, left_on="rep_id", right_on="owner", how="left")
        .with_columns(
            pl.col("accounts").fill_null(0).cast(pl.Int64),
            pl.col("buying_power").fill_null(0.0),
            pl.col("revenue").fill_null(0.0),
        )
    )
    out = [pl.col(c) for c in ("rep_id", "name", "area", "capacity", "accounts", "buying_power", "revenue")]
    for metric in METRICS:
        share = pl.col(metric) / pl.col(metric).sum().over("area")
        mean = pl.col(metric).sum().over("area") / pl.col("capacity").sum().over("area")
        out += [
            share.fill_nan(None).alias(f"{metric}_share"),
            (pl.col(metric) / pl.col("capacity") / mean - 1).fill_nan(None).alias(f"{metric}_deviation"),
        ]
    frame = frame.select(*out, "balance_note")
    balanced = [m for m in METRICS if settings.balance_weights.get(m, 0) > 0]
    within = pl.all_horizontal(
        [pl.col(f"{m}_deviation").abs().fill_null(0) <= settings.tolerance + 1e-9 for m in balanced]
    )
    generic = f"1件ずつの移動では許容範囲（±{settings.tolerance:.0%}）に収まらない"
    note = pl.when(within).then(None).otherwise(pl.coalesce("balance_note", pl.lit(generic)))
    return (
        frame.with_columns(within.alias("within_tolerance"), note.alias("balance_note"))
        .select(pl.exclude("balance_note"), "balance_note")
        .sort("area", "rep_id")
    )


def cv(load: np.ndarray, capacity: np.ndarray) -> float:
    """Coefficient of variation of load per unit of capacity, capacity-weighted (0 for one rep)."""
    if load.size == 0 or capacity.sum() <= 0:
        return 0.0
    per_unit = load / capacity
    mean = load.sum() / capacity.sum()
    if mean == 0:
        return 0.0
    return float(np.sqrt((capacity * (per_unit - mean) ** 2).sum() / capacity.sum()) / mean)


def areas(
    balance: pl.DataFrame, rows: pl.DataFrame, scope: pl.DataFrame, settings: TerritorySettings
) -> pl.DataFrame:
    """Per area: reps, load, the CV of each metric across its reps, and what moved since last quarter."""
    figures = []
    for (area,), reps in balance.group_by("area", maintain_order=True):
        cap = reps["capacity"].to_numpy()
        figures.append(
            {
                "area": area,
                "reps": reps.height,
                "accounts": int(reps["accounts"].sum()),
                "buying_power": float(reps["buying_power"].sum()),
                "revenue": float(reps["revenue"].sum()),
                **{f"cv_{m}": cv(reps[m].to_numpy().astype(np.float64), cap) for m in METRICS},
                "reps_outside_tolerance": int((~reps["within_tolerance"]).sum()),
            }
        )
    schema = {
        "area": pl.Utf8,
        "reps": pl.Int64,
        "accounts": pl.Int64,
        "buying_power": pl.Float64,
        "revenue": pl.Float64,
        **{f"cv_{m}": pl.Float64 for m in METRICS},
        "reps_outside_tolerance": pl.Int64,
    }
    per_area = pl.DataFrame(figures, schema=schema, orient="row")
    moves = (
        rows.filter(pl.col("territory").is_not_null())
        .group_by("territory")
        .agg(
            pl.col("previous_owner").is_not_null().sum().alias("previously_owned"),
            (
                pl.col("reason").is_not_null()
                & pl.col("previous_owner").is_not_null()
                & pl.col("owner").is_not_null()
            )
            .sum()
            .alias("moved"),
            (pl.col("reason") == "rebalancing").sum().alias("rebalanced"),
            (pl.col("reason") == "new account").sum().alias("new_accounts"),
        )
    )
    unassigned = (
        scope.filter(pl.col("owner").is_null() & pl.col("territory").is_not_null())
        .group_by("territory")
        .len("unassigned")
    )
    return (
        per_area.join(moves, left_on="area", right_on="territory", how="full", coalesce=True)
        .join(unassigned, left_on="area", right_on="territory", how="left")
        .with_columns(
            pl.col(
                "reps", "accounts", "previously_owned", "moved", "rebalanced", "new_accounts", "unassigned"
            )
            .fill_null(0)
            .cast(pl.Int64),
            (pl.col("moved") / pl.col("previously_owned")).fill_nan(None).alias("moved_share"),
        )
        .sort("area")
    )
