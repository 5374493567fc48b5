"""A quarter where one rep leaves and one joins, on generated books (the sales-ops benchmark scenario).

Books are generated with numpy (lognormal buying power, tiers from it, four 関東 prefectures), the
first quarter is assigned, then 10% of the accounts drop out of the target list, one rep leaves and
a new one joins. Every rep must end within tolerance with few unforced moves.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from abm.config.settings import TerritorySettings
from abm.territories.assign import assign
from abm.territories.reps import prepare_reps

SETTINGS = TerritorySettings()
REPS = [f"R{i:02d}" for i in range(12)]


def books(n: int, seed: int, sigma: float) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    bp = rng.lognormal(0, sigma, n)
    bp = bp / bp.max()
    tier = np.where(bp > np.quantile(bp, 0.97), 1, np.where(bp > np.quantile(bp, 0.7), 2, 3))
    return pl.DataFrame(
        {
            "account_id": [f"A{i:06d}" for i in range(n)],
            "name": [f"会社{i}" for i in range(n)],
            "prefecture": rng.choice(["東京都", "神奈川県", "埼玉県", "千葉県"], n),
            "industry_code": rng.choice(["09", "39", "44", "50"], n),
            "segment": "S+B",
            "tier": tier,
            "buying_power_score": bp,
            "sales_amount": rng.lognormal(10, 1, n),
        }
    )


def team(ids: list[str]) -> pl.DataFrame:
    usable, problems = prepare_reps(pl.DataFrame({"rep_id": ids, "name": ids, "area": "関東"}))
    assert problems.height == 0
    return usable


def swap_quarter(n: int, seed: int, sigma: float):
    """(first quarter, second quarter) with churn, R07 leaving and R99 joining."""
    frame = books(n, seed, sigma)
    q1 = assign(frame, team(REPS), SETTINGS)
    prev = q1.accounts.select("account_id", "owner", "territory").join(
        frame.select("account_id", "tier"), on="account_id"
    )
    dropped = pl.Series(np.random.default_rng(seed + 100).random(n) < 0.1)
    q2_frame = frame.with_columns(
        pl.when(dropped).then(None).otherwise(pl.col("tier")).alias("tier"), pl.lit("B").alias("segment")
    )
    q2 = assign(q2_frame, team([r for r in REPS if r != "R07"] + ["R99"]), SETTINGS, previous=prev)
    return q1, q2


@pytest.mark.parametrize("seed", [0, 1])
def test_one_rep_leaves_one_joins_every_rep_within_tolerance_cv_and_moves_small(seed):
    q1, q2 = swap_quarter(4000, seed, sigma=1.0)
    balance = q2.balance
    assert "R99" in balance["rep_id"].to_list() and "R07" not in balance["rep_id"].to_list()
    assert balance["within_tolerance"].all(), balance
    assert (balance["buying_power_deviation"].abs() <= SETTINGS.tolerance).all()
    assert (balance["accounts_deviation"].abs() <= SETTINGS.tolerance).all()
    assert balance["balance_note"].is_null().all()
    area = q2.areas.row(0, named=True)
    assert area["cv_buying_power"] <= 0.05 and area["cv_accounts"] <= 0.05
    reasons = dict(q2.changes.group_by("reason").len().iter_rows())
    leaver_book = q1.accounts.filter(pl.col("owner") == "R07").height
    assert 0 < reasons["rep left"] <= leaver_book  # forced: R07's accounts still in scope
    unforced = area["moved"] - reasons["rep left"]
    assert unforced <= 0.10 * area["previously_owned"]
    assert set(reasons) <= {"rep left", "left target list", "rebalancing"}
    # the joiner gets a real book, not leftovers
    assert balance.filter(pl.col("rep_id") == "R99")["accounts"].item() > 0.8 * leaver_book


def test_lumpy_books_are_repaired_with_few_moves_not_a_reshuffle():
    """Heavy-tailed buying power: the old retry re-split the area (604 of 3,000 accounts moved)."""
    _, q2 = swap_quarter(3000, 0, sigma=1.5)
    assert q2.balance["within_tolerance"].all(), q2.balance
    area = q2.areas.row(0, named=True)
    assert area["rebalanced"] <= 0.01 * area["previously_owned"]


def test_out_of_scope_is_left_target_list_and_a_tier_move_in_scope_keeps_the_owner():
    frame = books(400, 3, sigma=1.0)
    q1 = assign(frame, team(REPS[:3]), SETTINGS)
    prev = q1.accounts.select("account_id", "owner", "territory").join(
        frame.select("account_id", "tier"), on="account_id"
    )
    ids = frame["account_id"]
    q2_frame = frame.with_columns(
        pl.when(pl.col("account_id") == ids[0])
        .then(None)  # not tiered any more and not a customer: leaves the list
        .when(pl.col("account_id") == ids[1])
        .then(pl.when(pl.col("tier") == 3).then(2).otherwise(3))  # still in scope, another tier
        .otherwise(pl.col("tier"))
        .alias("tier"),
        pl.lit("B").alias("segment"),
    )
    q2 = assign(q2_frame, team(REPS[:3]), SETTINGS, previous=prev)
    got = dict(q2.changes.select("account_id", "reason").iter_rows())
    assert got[ids[0]] == "left target list"
    assert ids[1] not in got  # a tier change inside the scope keeps its owner: no change row
    row = q2.changes.filter(pl.col("account_id") == ids[0]).row(0, named=True)
    assert row["to_owner"] is None and row["from_owner"] is not None


def test_pins_that_make_balance_impossible_are_named_on_the_rep():
    frame = books(200, 4, sigma=1.0)
    biggest = frame.sort("buying_power_score", descending=True)["account_id"].head(40)
    pins = pl.DataFrame({"account_id": biggest, "rep_id": "R00"})
    result = assign(frame, team(REPS[:4]), SETTINGS, pins=pins)
    r00 = result.balance.filter(pl.col("rep_id") == "R00").row(0, named=True)
    assert not r00["within_tolerance"]
    assert "ピン留め" in r00["balance_note"] and "購買力" in r00["balance_note"]
    others = result.balance.filter(pl.col("rep_id") != "R00")
    assert others["balance_note"].is_null().all() or not others["within_tolerance"].all()
    assert result.areas["reps_outside_tolerance"].item() >= 1
