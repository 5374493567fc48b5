"""Tiers on tiny frames: eligibility by segment, priority order, capacities, and readable reasons."""

from __future__ import annotations

import random

import polars as pl

from abm.config.settings import TierSettings
from abm.messages import Lang
from abm.targeting.actions import with_priority_score
from abm.targeting.tiers import assign_tiers

# account_id, segment, buying_power_score, sales_amount (priority = score, then own revenue, then id)
ACCOUNTS = [
    ("a1", "S+B+C", 0.95, 5_000_000.0),
    ("a2", "B+C", 0.90, 0.0),
    ("a3", "S+B", 0.90, 1_200_000.0),  # same score as a2, more own revenue: ahead of a2
    ("a4", "B", 0.99, 0.0),  # best score, but B is not eligible for Tier 1
    ("a5", "S+C", 0.40, 800_000.0),  # Tier 3 only
    ("a6", "S", 0.30, 900_000.0),  # never tiered by default
    ("a7", "C", 0.10, 0.0),
    ("a8", "none", 0.05, 0.0),
    ("a9", "B", 0.85, 0.0),
    ("x1", "S+C", None, 50_000.0),  # off-master: no score
]


def tiers(settings: TierSettings, lang: Lang = "en") -> dict[str, tuple[int | None, str | None]]:
    frame = pl.DataFrame(
        ACCOUNTS, schema=["account_id", "segment", "buying_power_score", "sales_amount"], orient="row"
    )
    out = assign_tiers(with_priority_score(frame, 0.0), settings, lang)
    return {r["account_id"]: (r["tier"], r["tier_reason"]) for r in out.iter_rows(named=True)}


def test_default_rules_with_room_for_everyone():
    got = tiers(TierSettings())
    assert {k: v[0] for k, v in got.items()} == {
        "a1": 1, "a2": 1, "a3": 1,  # S+B+C, S+B, B+C → Tier 1
        "a4": 2, "a9": 2,  # B → Tier 2
        "a5": 3, "x1": 3,  # S+C → Tier 3
        "a6": None, "a7": None, "a8": None,  # S, C, none → not tiered
    }  # fmt: skip
    assert all(reason is None for tier, reason in got.values() if tier is None)


def test_capacities_are_filled_by_priority_and_overflow_moves_down():
    got = tiers(TierSettings(tier1_capacity=2, tier2_capacity=2, tier3_capacity=2))
    tier = {k: v[0] for k, v in got.items()}
    # Tier 1 eligible by priority: a1 (0.95), a3 (0.90, ¥1.2M), a2 (0.90, ¥0) → a2 overflows to Tier 2
    assert (tier["a1"], tier["a3"], tier["a2"]) == (1, 1, 2)
    # Tier 2 eligible by priority: a4 (0.99), a2 (0.90), a9 (0.85) → a9 overflows to Tier 3
    assert (tier["a4"], tier["a9"]) == (2, 3)
    # Tier 3 eligible by priority: a9 (0.85), a5 (0.40), x1 (no score) → x1 left out
    assert (tier["a5"], tier["x1"]) == (3, None)
    assert sum(1 for t in tier.values() if t == 1) == 2 and sum(1 for t in tier.values() if t == 2) == 2


def test_zero_capacity_and_custom_segments():
    got = tiers(TierSettings(tier1_capacity=0, tier2_segments=["S"], tier3_segments=[]))
    tier = {k: v[0] for k, v in got.items()}
    assert tier == {k: None for k in tier} | {"a6": 2}


def test_tier_reason_reads_well_in_english_on_request():
    got = tiers(TierSettings(tier1_capacity=2), "en")
    assert got["a1"][1] == (
        "Tier 1 (1:1 account plan): S+B+C account, #1 by priority of 2 places "
        "(buying power 0.95, own revenue ¥5,000,000)"
    )
    assert got["a4"][1].startswith("Tier 2 (1:few): B account, #1 by priority of 500 places")
    assert got["x1"][1] == (
        "Tier 3 (1:many): S+C account, #2 by priority (buying power n/a, own revenue ¥50,000)"
    )


def test_tier_reason_is_japanese_by_default():
    frame = pl.DataFrame(
        ACCOUNTS, schema=["account_id", "segment", "buying_power_score", "sales_amount"], orient="row"
    )
    # no language given: Japanese
    out = assign_tiers(with_priority_score(frame, 0.0), TierSettings(tier1_capacity=2))
    got = dict(zip(out["account_id"], out["tier_reason"], strict=True))
    assert got["a1"] == (
        "ティア1（1:1 アカウントプラン）: S+B+C のアカウント、優先順位 1 位（2 枠中）、"
        "購買力 0.95、自社売上 ¥5,000,000"
    )
    assert got["x1"] == "ティア3（1:many）: S+C のアカウント、優先順位 2 位、購買力 なし、自社売上 ¥50,000"


def test_priority_order_breaks_many_ties_like_one_sort_on_every_key():
    """Most accounts tie on priority_score and have no revenue: the order is still score, then revenue
    (both descending, missing last), then account_id — checked against Python's sort of the same keys."""
    rng = random.Random(7)
    rows = [
        (
            f"{rng.choice('ABX')}{i:05d}",
            "S+B+C",
            rng.choice([None, 0.1, 0.5, 0.5, 0.9]),
            rng.choice([None, 0.0, 0.0, 1_000.0, 5_000.0]),
        )
        for i in rng.sample(range(100_000), 3_000)
    ]
    frame = pl.DataFrame(
        rows, schema=["account_id", "segment", "buying_power_score", "sales_amount"], orient="row"
    )
    out = assign_tiers(with_priority_score(frame, 0.0), TierSettings(tier1_capacity=0, tier2_capacity=0))

    def key(row: tuple) -> tuple:
        account_id, _, score, sales = row
        return (score is None, -(score or 0.0), sales is None, -(sales or 0.0), account_id)

    assert out["account_id"].to_list() == [r[0] for r in sorted(rows, key=key)]
    assert out["priority"].to_list() == list(range(1, len(rows) + 1))
