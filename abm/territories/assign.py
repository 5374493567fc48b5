"""Quarterly territories: which rep owns each account in scope, balanced, sticky and explained.

Sales operations recalculate territories every quarter. They want balanced books (buying power and
workload per rep, weighted by capacity), few needless moves, and for every move a reason. The
assignment here is a pure function of the accounts, the reps, the pins and last quarter's owners,
so the same inputs always give the same owners:

1. **Fixed**: a pinned account goes to its pinned rep; a Tier 1 account keeps its incumbent while
   that rep is active (``keep_tier1``). Neither looks at the balance.
2. **Sticky**: any other account keeps last quarter's owner while that rep is active and still
   covers the account (area / prefectures and industries), unless keeping it would push the rep
   past ``1 + tolerance`` times its capacity share of the area; then the rep's smallest accounts
   (by buying power) are released first, so the big relationships stay.
3. **Greedy**: released, new and orphaned accounts go, largest buying power first, to the eligible
   rep whose weighted load (relative to its target) is lowest after taking it.
4. **Repair**: single accounts move until every rep is within a tight band (a third of the
   tolerance) using only free moves (accounts that change owner anyway), then, if a rep is still
   outside the tolerance (a rep joined, books shrank), kept accounts move too, the least disruptive
   first: lowest own revenue, then lowest buying power (open deals and the length of the
   relationship are not in the data). If single moves leave a rep outside the tolerance (account
   sizes too lumpy), its area is redone with stickiness capped at the target itself and repaired
   again. A rep that pins / Tier 1 or its coverage keep outside the tolerance gets a
   ``balance_note`` saying why.

Loads are vectors over the balanced metrics (summed buying-power score, account count, own
revenue) weighted by ``balance_weights``. Only the greedy step loops in Python, over the accounts
that actually need a rep (a few thousand a quarter, ≤ ~100k on a first run), with numpy arithmetic
over the handful of eligible reps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from abm.config.settings import TerritorySettings
from abm.geo import AREA_OF, AREAS, area_expr, prefecture_expr

METRICS = ("buying_power", "accounts", "revenue")
REASONS = (
    "new account",
    "rep left",
    "rebalancing",
    "pin",
    "tier change",
    "left target list",
    "area change",
)
METRIC_LABELS = {"buying_power": "購買力", "accounts": "アカウント数", "revenue": "自社売上"}
FREE_BAND = 1 / 3  # repair band for free moves, as a share of the tolerance (keeps area CVs low)
HELD_BAND = 0.9  # repair band when moving kept accounts: a margin inside the tolerance
EPS = 1e-12

# Area names as people type them -> canonical area of abm.geo.
AREA_ALIASES = {
    **{a: a for a in AREAS},
    "九州": "九州・沖縄",
    "九州沖縄": "九州・沖縄",
    "沖縄": "九州・沖縄",
    "北海道地方": "北海道",
    "東北地方": "東北",
    "関東地方": "関東",
    "首都圏": "関東",
    "中部地方": "中部",
    "東海": "中部",
    "近畿地方": "近畿",
    "関西": "近畿",
    "中国地方": "中国",
    "四国地方": "四国",
}
_SPLIT = r"[;；,，、/|\s]+"

PROBLEM_SCHEMA = {"row_number": pl.Int64, "column": pl.Utf8, "value": pl.Utf8, "reason": pl.Utf8}
REP_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "rep_id": pl.Utf8,
    "name": pl.Utf8,
    "area": pl.Utf8,
    "prefectures": pl.List(pl.Utf8),
    "industries": pl.List(pl.Utf8),
    "capacity": pl.Float64,
    "active": pl.Boolean,
}


@dataclass(frozen=True)
class Assignment:
    """The result of one quarter's assignment (all polars frames)."""

    accounts: pl.DataFrame  # account_id, territory, owner, previous_owner, reason (in scope or owned before)
    changes: pl.DataFrame  # accounts whose owner differs from last quarter's, with the reason
    balance: pl.DataFrame  # per active rep: load, share of the area, deviation from the area mean
    areas: pl.DataFrame  # per area: reps, load, CV of each metric, accounts moved


# ---------------------------------------------------------------- inputs


def prepare_reps(reps: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(usable reps, problems) from the landed ``reps`` table.

    Splits the prefecture and industry lists, canonicalises the area, defaults capacity to 1 and
    active to true, and derives the area of a rep given only prefectures (its first prefecture's).
    A rep whose area or prefectures are unknown, or with neither, or with a capacity ≤ 0 is a
    problem row and is left out, so the accounts it held are released as 'rep left'.
    """
    if reps.height == 0:
        return pl.DataFrame(schema=REP_SCHEMA), pl.DataFrame(schema=PROBLEM_SCHEMA)
    optional = {
        "area": pl.Utf8,
        "prefectures": pl.Utf8,
        "industries": pl.Utf8,
        "capacity": pl.Float64,
        "active": pl.Boolean,
    }
    frame = (
        reps.with_columns(
            _source_row(reps),
            *[pl.lit(None, dtype).alias(c) for c, dtype in optional.items() if c not in reps.columns],
        )
        .with_columns(
            pl.col("area").cast(pl.Utf8).str.normalize("NFKC").str.strip_chars().alias("area_raw"),
            _split(pl.col("prefectures")).list.eval(prefecture_expr(pl.element())).alias("pref_list"),
            _split(pl.col("industries")).alias("ind_list"),
        )
        .with_columns(
            pl.col("area_raw")
            .replace_strict(AREA_ALIASES, default=None, return_dtype=pl.Utf8)
            .alias("area_ok"),
            pl.col("pref_list")
            .list.eval(pl.element().filter(~pl.element().is_in(list(AREA_OF))))
            .list.first()
            .alias("bad_pref"),
        )
    )

    def problem(mask: pl.Expr, column: str, value: pl.Expr, reason: str) -> pl.DataFrame:
        return frame.filter(mask).select(
            pl.col("source_row").alias("row_number"),
            pl.lit(column).alias("column"),
            value.cast(pl.Utf8).alias("value"),
            pl.lit(reason).alias("reason"),
        )

    problems = pl.concat(
        [
            problem(
                pl.col("area_raw").is_not_null() & pl.col("area_ok").is_null(),
                "area",
                pl.col("area_raw"),
                f"unknown area (expected one of {', '.join(AREAS)})",
            ),
            problem(
                pl.col("bad_pref").is_not_null(), "prefectures", pl.col("bad_pref"), "unknown prefecture"
            ),
            problem(
                pl.col("area_raw").is_null() & (pl.col("pref_list").list.len() == 0),
                "area",
                pl.lit(None),
                "missing area or prefectures",
            ),
            problem(
                (pl.col("capacity") <= 0).fill_null(False),
                "capacity",
                pl.col("capacity"),
                "capacity must be positive",
            ),
        ]
    ).cast(PROBLEM_SCHEMA)  # type: ignore[arg-type]  # polars stub: Mapping key invariant, rejects dict[str, dtype]
    good = frame.filter(~pl.col("source_row").is_in(problems["row_number"].implode()))
    first_pref_area = (
        pl.col("pref_list").list.first().replace_strict(AREA_OF, default=None, return_dtype=pl.Utf8)
    )
    usable = good.select(
        pl.col("rep_id").cast(pl.Utf8),
        pl.col("name").cast(pl.Utf8),
        pl.coalesce("area_ok", first_pref_area).alias("area"),
        pl.col("pref_list").alias("prefectures"),
        pl.col("ind_list").alias("industries"),
        pl.col("capacity").cast(pl.Float64).fill_null(1.0),
        pl.col("active").cast(pl.Boolean).fill_null(True),
    ).sort("rep_id")
    return usable.cast(REP_SCHEMA), problems.sort("row_number")  # type: ignore[arg-type]  # polars stub: Mapping key invariant, rejects dict[str, dtype]


def check_pins(
    pins: pl.DataFrame, reps: pl.DataFrame, account_ids: pl.Series
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(valid pins, problems): a pin to an unknown account, an unknown rep or an inactive rep is a problem."""
    empty = pl.DataFrame(schema={"account_id": pl.Utf8, "rep_id": pl.Utf8})
    if pins.height == 0:
        return empty, pl.DataFrame(schema=PROBLEM_SCHEMA)
    frame = pins.with_columns(
        _source_row(pins), pl.col("account_id").cast(pl.Utf8), pl.col("rep_id").cast(pl.Utf8)
    )
    active = reps.filter("active")["rep_id"]
    reason = (
        pl.when(~pl.col("account_id").is_in(account_ids.implode()))
        .then(pl.lit("unknown account"))
        .when(~pl.col("rep_id").is_in(reps["rep_id"].implode()))
        .then(pl.lit("unknown rep"))
        .when(~pl.col("rep_id").is_in(active.implode()))
        .then(pl.lit("pinned rep is not active"))
    )
    frame = frame.with_columns(reason.alias("reason"))
    on_account = pl.col("reason") == "unknown account"
    problems = frame.filter(pl.col("reason").is_not_null()).select(
        pl.col("source_row").alias("row_number"),
        pl.when(on_account).then(pl.lit("account_id")).otherwise(pl.lit("rep_id")).alias("column"),
        pl.when(on_account).then("account_id").otherwise("rep_id").alias("value"),
        "reason",
    )
    return frame.filter(pl.col("reason").is_null()).select("account_id", "rep_id"), problems.cast(
        PROBLEM_SCHEMA  # type: ignore[arg-type]  # polars stub: Mapping key invariant, rejects dict[str, dtype]
    )


def _source_row(frame: pl.DataFrame) -> pl.Expr:
    if "source_row" in frame.columns:
        return pl.col("source_row").cast(pl.Int64)
    return pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias("source_row")


def _split(col: pl.Expr) -> pl.Expr:
    """'東京都;神奈川県' / '09、16' -> ['東京都', '神奈川県'] (NFKC, blanks dropped)."""
    return (
        col.cast(pl.Utf8)
        .str.normalize("NFKC")
        .fill_null("")
        .str.replace_all(_SPLIT, ";")
        .str.split(";")
        .list.eval(pl.element().str.strip_chars().filter(pl.element().str.len_chars() > 0))
    )


# ---------------------------------------------------------------- assignment


def in_scope(accounts: pl.DataFrame, settings: TerritorySettings) -> pl.Series:
    """True for the accounts that get an owner: scope tiers, plus scope segments whatever the tier."""
    return accounts.select(
        (pl.col("tier").is_in(settings.scope_tiers) | pl.col("segment").is_in(settings.scope_segments))
        .fill_null(False)
        .alias("in_scope")
    ).to_series()


def assign(
    accounts: pl.DataFrame,
    reps: pl.DataFrame,
    settings: TerritorySettings,
    previous: pl.DataFrame | None = None,
    pins: pl.DataFrame | None = None,
) -> Assignment:
    """Owners for this quarter.

    ``accounts``: account_id, name, prefecture, industry_code, segment, tier, buying_power_score,
    sales_amount. ``reps``: from ``prepare_reps``. ``previous``: last quarter's account_id, owner,
    tier, territory (``None`` on a first run). ``pins``: valid account_id → rep_id.
    """
    prev = _previous(previous)
    pins = pins if pins is not None else pl.DataFrame(schema={"account_id": pl.Utf8, "rep_id": pl.Utf8})
    active = (
        reps.filter("active")
        .sort("rep_id")
        .with_row_index("rep_idx")
        .with_columns(pl.col("rep_idx").cast(pl.Int64))
    )
    rep_idx = dict(zip(active["rep_id"], active["rep_idx"], strict=True))

    base = (
        accounts.with_columns(
            pl.col("account_id").cast(pl.Utf8),
            pl.col("tier").cast(pl.Int64),
            area_expr(pl.col("prefecture")).alias("territory"),
            pl.col("buying_power_score").cast(pl.Float64).fill_null(0.0).alias("x_buying_power"),
            pl.lit(1.0).alias("x_accounts"),
            pl.col("sales_amount").cast(pl.Float64).fill_null(0.0).clip(0).alias("x_revenue"),
            in_scope(accounts, settings),
        )
        .join(pins.rename({"rep_id": "pin"}), on="account_id", how="left")
        .with_columns((pl.col("in_scope") | pl.col("pin").is_not_null()).alias("in_scope"))
        .join(prev, on="account_id", how="left")
    )

    scope = base.filter("in_scope").with_columns(
        pl.col("pin").replace_strict(rep_idx, default=None, return_dtype=pl.Int64).alias("pin_idx"),
        pl.col("previous_owner")
        .replace_strict(rep_idx, default=None, return_dtype=pl.Int64)
        .alias("prev_idx"),
    )
    eligible = _eligibility(scope, active)
    scope = scope.join(eligible, on=["prefecture", "industry_code"], how="left", nulls_equal=True)
    keep_t1 = (
        pl.lit(settings.keep_tier1) & (pl.col("tier") == 1) & pl.col("prev_idx").is_not_null()
    ).fill_null(False)
    scope = (
        scope.with_columns(
            pl.col("eligible").list.contains(pl.col("prev_idx")).fill_null(False).alias("prev_covers"),
            pl.when(pl.col("pin_idx").is_not_null())
            .then("pin_idx")
            .when(keep_t1)
            .then("prev_idx")
            .alias("fixed_idx"),
        )
        .with_columns(
            (pl.col("fixed_idx").is_null() & pl.col("prev_covers")).alias("sticky"),
        )
        .sort(  # the greedy order: largest buying power first; account_id makes ties deterministic
            "x_buying_power", "x_revenue", "account_id", descending=[True, True, False]
        )
    )
    solver = _Solver(scope, active, settings)
    owner_idx = solver.solve()
    active = active.with_columns(pl.Series("balance_note", solver.notes, dtype=pl.Utf8))
    rep_ids = active["rep_id"].to_list()
    scope = scope.with_columns(
        pl.Series("owner_idx", owner_idx, dtype=pl.Int64),
        pl.Series("owner", [rep_ids[i] if i >= 0 else None for i in owner_idx], dtype=pl.Utf8),
    )
    rows = _with_reasons(base, scope, prev, active)
    balance = _balance(scope, active, settings)
    areas = _areas(balance, rows, scope, settings)
    changes = (
        rows.filter(pl.col("reason").is_not_null())
        .select(
            "account_id",
            "name",
            "territory",
            "tier",
            "previous_tier",
            pl.col("previous_owner").alias("from_owner"),
            pl.col("owner").alias("to_owner"),
            "reason",
        )
        .sort("territory", "account_id", nulls_last=True)
    )
    out_rows = rows.select("account_id", "territory", "owner", "previous_owner", "reason").sort("account_id")
    return Assignment(out_rows, changes, balance, areas)


def _previous(previous: pl.DataFrame | None) -> pl.DataFrame:
    schema = {
        "account_id": pl.Utf8,
        "previous_owner": pl.Utf8,
        "previous_tier": pl.Int64,
        "previous_territory": pl.Utf8,
        "previous_name": pl.Utf8,
        "seen_before": pl.Boolean,
    }
    if previous is None or previous.height == 0:
        return pl.DataFrame(schema=schema)
    return (
        previous.select(
            pl.col("account_id").cast(pl.Utf8),
            pl.col("owner").cast(pl.Utf8).alias("previous_owner"),
            pl.col("tier").cast(pl.Int64).alias("previous_tier"),
            pl.col("territory").cast(pl.Utf8).alias("previous_territory"),
            (pl.col("name") if "name" in previous.columns else pl.lit(None))
            .cast(pl.Utf8)
            .alias("previous_name"),
            pl.lit(True).alias("seen_before"),
        )
        .unique("account_id", keep="first", maintain_order=True)
        .cast(schema)  # type: ignore[arg-type]  # polars stub: Mapping key invariant, rejects dict[str, dtype]
    )


def _eligibility(scope: pl.DataFrame, active: pl.DataFrame) -> pl.DataFrame:
    """Per (prefecture, industry_code): key id and sorted indices of the active reps that may own it.

    A rep covers its listed prefectures, or else its whole area; a rep with industries covers only
    those (JSIC code prefixes). If no covering rep takes the industry, any rep covering the place does.
    """
    keys = (
        scope.select("prefecture", "industry_code")
        .unique()
        .sort("prefecture", "industry_code", nulls_last=True)
    )
    keys = keys.with_row_index("key_id").with_columns(area_expr(pl.col("prefecture")).alias("_area"))
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "prefecture": pl.Utf8,
        "industry_code": pl.Utf8,
        "key_id": pl.Int64,
        "eligible": pl.List(pl.Int64),
    }
    if active.height == 0 or keys.height == 0:
        return pl.DataFrame(schema=schema)
    pairs = (
        keys.join(active.select("rep_idx", "area", "prefectures", "industries"), how="cross")
        .with_columns(
            pl.when(pl.col("prefectures").list.len() > 0)
            .then(pl.col("prefectures").list.contains(pl.col("prefecture")))
            .otherwise(pl.col("area") == pl.col("_area"))
            .fill_null(False)
            .alias("place_ok"),
        )
        .with_row_index("_pair")
    )
    industry_hits = (
        pairs.select("_pair", "industry_code", "industries")
        .explode("industries")
        .filter(pl.col("industry_code").str.starts_with(pl.col("industries")).fill_null(False))
        .select("_pair")
        .unique()
    )
    pairs = (
        pairs.with_columns(
            (
                (pl.col("industries").list.len() == 0)
                | pl.col("_pair").is_in(industry_hits["_pair"].implode())
            ).alias("industry_ok")
        )
        .with_columns((pl.col("place_ok") & pl.col("industry_ok")).alias("both_ok"))
        .with_columns(
            pl.when(pl.col("both_ok").any().over("key_id")).then("both_ok").otherwise("place_ok").alias("ok")
        )
    )
    return (
        pairs.filter("ok")
        .group_by("prefecture", "industry_code", "key_id")
        .agg(pl.col("rep_idx").sort().alias("eligible"))
        .cast(schema)  # type: ignore[arg-type]  # polars stub: Mapping key invariant, rejects dict[str, dtype]
    )


class _Solver:
    """Fixed → sticky (released past tolerance) → greedy, with one tighter retry per area."""

    def __init__(self, scope: pl.DataFrame, active: pl.DataFrame, settings: TerritorySettings) -> None:
        self.n = scope.height
        self.n_reps = active.height
        self.tolerance = settings.tolerance
        self.weights = np.array([settings.balance_weights.get(m, 0.0) for m in METRICS])
        self.balanced = self.weights > 0
        self.x = (
            scope.select([f"x_{m}" for m in METRICS])
            .to_numpy()
            .astype(np.float64)
            .reshape(self.n, len(METRICS))
        )
        self.fixed = scope["fixed_idx"].fill_null(-1).to_numpy()
        self.prev = scope["prev_idx"].fill_null(-1).to_numpy()
        self.sticky = scope["sticky"].to_numpy()
        self.key = scope["key_id"].fill_null(-1).to_numpy()
        sets = scope.select("key_id", "eligible").drop_nulls("key_id").unique("key_id").sort("key_id")
        self.sets = {int(k): np.asarray(v, dtype=np.int64) for k, v in sets.iter_rows()}
        self.capacity = active["capacity"].to_numpy().astype(np.float64)
        areas = active["area"].to_list()
        self.area_names = sorted(set(areas))
        self.group = np.array([self.area_names.index(a) for a in areas], dtype=np.int64)
        # an account is balanced in the area of its fixed owner, else last owner, else first eligible rep
        first_of_key = np.full(max(self.sets, default=-1) + 2, -1, dtype=np.int64)
        for k, options in self.sets.items():
            first_of_key[k] = options[0] if options.size else -1
        first = first_of_key[self.key]  # key -1 (no eligible rep) reads the trailing -1
        anchor = np.where(self.fixed >= 0, self.fixed, np.where(self.sticky, self.prev, first))
        self.account_group = (
            np.where(anchor >= 0, self.group[np.maximum(anchor, 0)], -1) if self.n_reps else anchor
        )
        self.targets = self._targets()
        with np.errstate(divide="ignore"):
            self.inv_target = np.where(
                self.targets > 0, 1.0 / np.where(self.targets > 0, self.targets, 1.0), 0.0
            )
        # weight of each balanced metric per rep (0 where the rep has no target in it)
        self.active_weights = np.where(self.targets > 0, self.weights * self.balanced, 0.0)
        self.elig = np.zeros((len(first_of_key), self.n_reps), dtype=bool)  # key -1 reads the last row
        for k, options in self.sets.items():
            self.elig[k, options] = True
        # disruption of moving a kept account: lowest own revenue, then buying power, first (scope order ties)
        order = np.lexsort((np.arange(self.n), self.x[:, 0], self.x[:, 2]))
        self.disruption = np.empty(self.n, dtype=np.int64)
        self.disruption[order] = np.arange(self.n)
        self.notes: list[str | None] = [None] * self.n_reps

    def _targets(self) -> np.ndarray:
        """Per rep and metric: the area's total times the rep's capacity share of the area."""
        n_groups = len(self.area_names)
        totals = np.zeros((n_groups, len(METRICS)))
        has = self.account_group >= 0
        np.add.at(totals, self.account_group[has], self.x[has])
        cap_sum = (
            np.bincount(self.group, weights=self.capacity, minlength=n_groups) if self.n_reps else np.zeros(0)
        )
        return (
            totals[self.group] * (self.capacity / cap_sum[self.group])[:, None] if self.n_reps else totals[:0]
        )

    def solve(self) -> np.ndarray:
        if self.n_reps == 0:
            return np.full(self.n, -1, dtype=np.int64)
        factor = np.full(self.n_reps, 1.0 + self.tolerance)
        owner, load = self._balanced(factor)
        outside = self._excess(load, np.arange(self.n_reps), self.tolerance) > EPS
        if outside.any():  # single moves got stuck: redo those areas with stickiness capped at the target
            factor[np.isin(self.group, np.unique(self.group[outside]))] = 1.0
            retry, retry_load = self._balanced(factor)
            if (self._excess(retry_load, np.arange(self.n_reps), self.tolerance) > EPS).sum() < outside.sum():
                owner, load = retry, retry_load
        self.notes = self._notes(owner, load)
        return owner

    def _balanced(self, factor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One pass (fixed, sticky under ``factor`` times the target, greedy), then the repair."""
        owner, load = self._pass(factor)
        # free moves first (accounts that change owner anyway), tight band: lowers the area's CV
        self._repair(owner, load, band=self.tolerance * FREE_BAND, held=False)
        if (self._excess(load, np.arange(self.n_reps), self.tolerance * HELD_BAND) > EPS).any():
            # someone is still outside tolerance (a rep joined, books shrank): move kept accounts too
            self._repair(owner, load, band=self.tolerance * HELD_BAND, held=True)
            self._repair(owner, load, band=self.tolerance * FREE_BAND, held=False)
        return owner, load

    def _excess(self, load: np.ndarray, reps: np.ndarray, band: float) -> np.ndarray:
        """Weighted distance of each rep's relative load beyond ±band of its target (0 inside the band)."""
        rel = np.abs(load * self.inv_target[reps] - 1.0)
        return (np.maximum(rel - band, 0.0) * self.active_weights[reps]).sum(axis=-1)

    def _repair(self, owner: np.ndarray, load: np.ndarray, band: float, held: bool) -> None:
        """Move single accounts until every rep is within ±band of its target, least disruptive first.

        Each step takes the rep furthest outside the band and the best improving move that touches
        it: an account out to another eligible rep, or one in from another rep. Moves are ranked
        (1) back to last quarter's owner, (2) an account that changes owner anyway (new, orphaned,
        released), then, only when ``held``, (3) an account its owner keeps from last quarter, the
        lowest own revenue and buying power first (``disruption``) among the moves that achieve at
        least half the best improvement. Fixed accounts (pins, Tier 1) never move. The total
        excess strictly falls with every move, so this ends; moves are few (one per step), and each
        step is numpy over one rep's accounts and the reps.
        """
        reps = np.arange(self.n_reps)
        stuck = np.zeros(self.n_reps, dtype=bool)
        movable = (self.fixed < 0) & (self.key >= 0)
        for _ in range(self.n + 1):
            excess = self._excess(load, reps, band)
            excess[stuck] = 0.0
            r = int(np.argmax(excess))
            if excess[r] <= EPS:
                return
            if self._move(r, owner, load, band, held, movable):
                stuck[:] = False
            else:
                stuck[r] = True

    def _move(
        self, r: int, owner: np.ndarray, load: np.ndarray, band: float, held: bool, movable: np.ndarray
    ) -> bool:
        base_r = self._excess(load[r], np.array(r), band)
        base = self._excess(load, np.arange(self.n_reps), band)
        # out: r's accounts to any other eligible rep (candidates x the reps that may take any of them)
        out = np.flatnonzero(movable & (owner == r))
        cols = np.flatnonzero(self.elig[np.unique(self.key[out])].any(axis=0) & (np.arange(self.n_reps) != r))
        gain_out = self._excess(load[r] - self.x[out], np.full(out.size, r), band) - base_r
        to = (
            self._excess(load[cols][None, :, :] + self.x[out][:, None, :], cols[None, :], band)
            - base[cols][None, :]
        )
        delta_out = np.where(self.elig[self.key[out]][:, cols], gain_out[:, None] + to, np.inf)
        # in: other reps' accounts that r may own
        inn = np.flatnonzero(movable & (owner >= 0) & (owner != r) & self.elig[self.key, r])
        src = owner[inn]
        delta_in = (
            self._excess(load[r] + self.x[inn], np.full(inn.size, r), band)
            - base_r
            + self._excess(load[src] - self.x[inn], src, band)
            - base[src]
        )
        acc = np.r_[np.repeat(out, cols.size), inn]
        dest = np.r_[np.tile(cols, out.size), np.full(inn.size, r)]
        delta = np.r_[delta_out.ravel(), delta_in]
        ok = delta < -EPS
        if not ok.any():
            return False
        acc, dest, delta = acc[ok], dest[ok], delta[ok]
        fresh = owner[acc] != self.prev[acc]
        kind = np.where(dest == self.prev[acc], 0, np.where(fresh, 1, 2))
        if not held:
            keep = kind < 2
            if not keep.any():
                return False
            acc, dest, delta, kind = acc[keep], dest[keep], delta[keep], kind[keep]
        best_kind = kind.min()
        pick = np.flatnonzero(kind == best_kind)
        if best_kind < 2:
            choice = pick[np.argmin(delta[pick])]
        else:  # the least disruptive of the moves doing at least half the best move's good
            good = pick[delta[pick] <= 0.5 * delta[pick].min()]
            choice = good[np.argmin(self.disruption[acc[good]])]
        i, s = int(acc[choice]), int(dest[choice])
        load[owner[i]] -= self.x[i]
        load[s] += self.x[i]
        owner[i] = s
        return True

    def _notes(self, owner: np.ndarray, load: np.ndarray) -> list[str | None]:
        """Why a rep stays outside tolerance after the repair (None when inside), in words for sales ops."""
        reps = np.arange(self.n_reps)
        outside = self._excess(load, reps, self.tolerance) > EPS
        fixed_load = np.zeros_like(load)
        is_fixed = self.fixed >= 0
        np.add.at(fixed_load, self.fixed[is_fixed], self.x[is_fixed])
        reachable = np.zeros_like(
            load
        )  # what the rep could hold at most: its own fixed + every movable it covers
        movable = (self.fixed < 0) & (self.key >= 0)
        for r in np.flatnonzero(outside):
            reachable[r] = fixed_load[r] + self.x[movable & self.elig[self.key, r]].sum(axis=0)
        notes: list[str | None] = []
        limit = f"±{self.tolerance:.0%}"
        for r in reps:
            if not outside[r]:
                notes.append(None)
                continue
            rel = load[r] * self.inv_target[r] - 1.0
            metric = int(np.argmax(np.abs(rel) * self.active_weights[r]))
            label = METRIC_LABELS[METRICS[metric]]
            if rel[metric] > 0 and fixed_load[r, metric] * self.inv_target[r, metric] - 1.0 > self.tolerance:
                notes.append(f"ピン留め・Tier 1 固定のアカウントだけで{label}が許容範囲（{limit}）を超える")
            elif rel[metric] < 0 and reachable[r, metric] * self.inv_target[r, metric] < 1.0 - self.tolerance:
                notes.append(
                    f"担当できるアカウント（地域・業種）が少なく、{label}が許容範囲（{limit}）に届かない"
                )
            else:
                notes.append(
                    f"アカウントの大きさの偏りで、1件ずつの移動では{label}が許容範囲（{limit}）に収まらない"
                )
        return notes

    def _pass(self, factor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        owner = self.fixed.copy()
        load = np.zeros((self.n_reps, len(METRICS)))
        is_fixed = owner >= 0
        np.add.at(load, owner[is_fixed], self.x[is_fixed])
        # sticky accounts in rep order, each rep's largest first; keep while under the cap in every metric
        sticky = np.flatnonzero(self.sticky)
        if sticky.size:
            order = sticky[np.argsort(self.prev[sticky], kind="stable")]  # scope is already largest-first
            reps = self.prev[order]
            cum = np.cumsum(self.x[order], axis=0)
            starts = np.r_[0, np.flatnonzero(np.diff(reps)) + 1]
            offsets = np.repeat(
                cum[starts] - self.x[order][starts], np.diff(np.r_[starts, reps.size]), axis=0
            )
            held = load[reps] + cum - offsets
            cap = factor[reps, None] * self.targets[reps]
            over = ((held > cap + 1e-9) & self.balanced).any(axis=1)
            over_seen = np.cumsum(over)
            over_seen -= np.repeat(over_seen[starts] - over[starts], np.diff(np.r_[starts, reps.size]))
            kept = order[over_seen == 0]
            owner[kept] = self.prev[kept]
            np.add.at(load, self.prev[kept], self.x[kept])
        # greedy for the rest, largest first, to the eligible rep with the lowest relative load after it
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(self.targets > 0, self.weights / self.targets, 0.0)
        for i in np.flatnonzero((owner < 0) & (self.key >= 0)):
            options = self.sets[int(self.key[i])]
            if options.size == 1:
                best = options[0]
            else:
                cost = ((load[options] + self.x[i]) * scale[options]).sum(axis=1)
                best = options[int(np.argmin(cost))]
            owner[i] = best
            load[best] += self.x[i]
        return owner, load


def _with_reasons(
    base: pl.DataFrame, scope: pl.DataFrame, prev: pl.DataFrame, active: pl.DataFrame
) -> pl.DataFrame:
    """Every account in scope or owned last quarter, with its owner and, when that changed, why.

    First that applies: ``pin`` (went to its pinned rep), ``new account`` (not in last quarter's
    history), ``left target list`` (out of scope now: no scope tier, not a customer, or gone from
    the data; it loses its owner), ``tier change`` (entered the scope with another tier), ``rep left`` (the
    last owner is inactive or gone), ``area change`` (the last owner no longer covers its place or
    industry), ``rebalancing`` (released because the last owner was past the tolerance).
    """
    current = base.join(scope.select("account_id", "owner", "prev_covers"), on="account_id", how="left")
    gone = prev.filter(pl.col("previous_owner").is_not_null()).join(
        base.select("account_id"), on="account_id", how="anti"
    )
    rows = pl.concat(
        [
            current.filter(pl.col("in_scope") | pl.col("previous_owner").is_not_null()).select(
                "account_id",
                "name",
                "territory",
                "tier",
                "in_scope",
                "pin",
                "owner",
                "previous_owner",
                "previous_tier",
                "previous_territory",
                pl.col("seen_before").fill_null(False),
                "prev_covers",
            ),
            gone.select(
                "account_id",
                pl.col("previous_name").alias("name"),
                pl.col("previous_territory").alias("territory"),
                pl.lit(None, pl.Int64).alias("tier"),
                pl.lit(False).alias("in_scope"),
                pl.lit(None, pl.Utf8).alias("pin"),
                pl.lit(None, pl.Utf8).alias("owner"),
                "previous_owner",
                "previous_tier",
                "previous_territory",
                "seen_before",
                pl.lit(False).alias("prev_covers"),
            ),
        ],
        how="vertical_relaxed",
    )
    left = pl.col("previous_owner").is_not_null() & ~pl.col("previous_owner").is_in(
        active["rep_id"].implode()
    )
    reason = (
        pl.when(~pl.col("owner").ne_missing(pl.col("previous_owner")))
        .then(pl.lit(None, pl.Utf8))
        .when(pl.col("pin").is_not_null() & (pl.col("owner") == pl.col("pin")))
        .then(pl.lit("pin"))
        .when(~pl.col("seen_before"))
        .then(pl.lit("new account"))
        .when(~pl.col("in_scope"))  # not tiered, not a customer (or gone from the data): no owner
        .then(pl.lit("left target list"))
        .when(left)
        .then(pl.lit("rep left"))
        .when(pl.col("previous_owner").is_null())
        .then(
            pl.when(pl.col("tier").ne_missing(pl.col("previous_tier")))
            .then(pl.lit("tier change"))
            .otherwise(pl.lit("new account"))
        )
        .when(
            pl.col("territory").ne_missing(pl.col("previous_territory"))
            | ~pl.col("prev_covers").fill_null(False)
        )
        .then(pl.lit("area change"))
        .otherwise(pl.lit("rebalancing"))
    )
    return rows.with_columns(reason.alias("reason"))


def _balance(scope: pl.DataFrame, active: pl.DataFrame, settings: TerritorySettings) -> pl.DataFrame:
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


def _areas(
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
