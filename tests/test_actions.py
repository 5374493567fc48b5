"""Next actions (issue #16 point 4) on small frames: each rule, the precedence, the texts, the weight."""

from __future__ import annotations

import polars as pl
import pytest

from abm.config.settings import TierSettings
from abm.messages import playbook
from abm.targeting.actions import apply_actions, next_action_expr, priority_score_expr, with_priority_score
from abm.targeting.tiers import assign_tiers

COLUMNS = [
    "account_id", "segment", "tier", "engagement_level", "engagement_score", "surging", "has_decision_maker"
]  # fmt: skip
# fmt: off
ROWS = [
    ("ws_surge", "B+C", 1, "high", 40.0, True, True),          # whitespace surging → inside sales now
    ("ws_surge_low", "B", 2, "low", 3.0, True, False),         # surging beats the other two rules
    ("customer_surge", "S+B+C", 1, "high", 50.0, True, True),  # surging, but not whitespace: nothing
    ("t1_low", "S+B+C", 1, "low", 1.5, False, True),           # Tier 1, low → offline follow-up
    ("t2_none", "S+B", 2, None, None, None, None),             # absent from engagement / coverage
    ("t3_low", "S+C", 3, "low", 1.0, False, True),             # Tier 3 low: not the follow-up rule
    ("t1_no_dm", "S+B+C", 1, "mid", 12.0, False, False),       # engaged, no decision maker
    ("t3_no_dm", "B", 3, "none", 0.0, False, None),            # a target without any contact
    ("untiered", "C", None, "none", 0.0, False, False),        # not a target: the playbook
    ("t1_fine", "S+B+C", 1, "high", 30.0, False, True),        # nothing beyond the playbook
]
# fmt: on
EXPECTED = {
    "ws_surge": "inside_sales_now",
    "ws_surge_low": "inside_sales_now",
    "customer_surge": None,
    "t1_low": "follow_up_offline",
    "t2_none": "follow_up_offline",
    "t3_low": None,
    "t1_no_dm": "reach_decision_maker",
    "t3_no_dm": "reach_decision_maker",
    "untiered": None,
    "t1_fine": None,
}


def frame(lang: str = "ja") -> pl.DataFrame:
    out = pl.DataFrame(ROWS, schema=COLUMNS, orient="row").with_columns(pl.col("tier").cast(pl.Int8))
    book = playbook(lang)  # type: ignore[arg-type]
    return out.with_columns(
        pl.col("segment").replace_strict(book, return_dtype=pl.Utf8).alias("approach"),
        pl.when(pl.col("tier").is_not_null()).then(pl.format("tier {}", pl.col("tier"))).alias("tier_reason"),
    )


def test_each_rule_and_the_precedence():
    got = frame().with_columns(next_action_expr().alias("a"))
    assert dict(zip(got["account_id"], got["a"], strict=True)) == EXPECTED


def test_approach_says_the_action_and_tier_reason_says_why_in_japanese():
    out = {r["account_id"]: r for r in apply_actions(frame()).iter_rows(named=True)}
    assert out["t1_low"]["approach"] == "Web以外で至急フォロー (テレセールス・訪問)"
    assert out["t1_low"]["tier_reason"] == (
        "tier 1。次のアクション「Web以外で至急フォロー (テレセールス・訪問)」: "
        "ティア1の対象なのにWeb行動が少ない（エンゲージメント 1.5）"
    )
    assert out["t2_none"]["tier_reason"].endswith("ティア2の対象なのにWeb行動がない（エンゲージメント 0.0）")
    assert out["ws_surge"]["approach"] == "インサイドセールスで即時アプローチ"
    assert "ホワイトスペース（B+C）" in out["ws_surge"]["tier_reason"]
    assert out["t3_no_dm"]["approach"] == "決裁者との接点づくり"
    assert "決裁者（経営層）" in out["t3_no_dm"]["tier_reason"]
    # no action: approach and tier_reason untouched (the playbook, the tier's own reason / NULL)
    assert out["t1_fine"]["approach"] == playbook("ja")["S+B+C"]
    assert out["t1_fine"]["tier_reason"] == "tier 1"
    assert out["untiered"]["tier_reason"] is None
    assert out["untiered"]["next_action"] is None


def test_english_on_request_and_an_untiered_action_still_says_why():
    rows = frame("en").with_columns(
        pl.when(pl.col("account_id") == "ws_surge").then(None).otherwise(pl.col("tier")).alias("tier")
    )
    rows = rows.with_columns(
        pl.when(pl.col("tier").is_null()).then(None).otherwise(pl.col("tier_reason")).alias("tier_reason")
    )
    out = {r["account_id"]: r for r in apply_actions(rows, "en").iter_rows(named=True)}
    assert out["ws_surge"]["next_action"] == "inside_sales_now"  # whitespace surging, even untiered
    reason = out["ws_surge"]["tier_reason"]
    assert reason.startswith('Next action "Inside sales: approach now": whitespace (B+C)')
    assert out["t1_no_dm"]["tier_reason"] == (
        'tier 1. Next action "Build a contact with the decision maker": a target without an opted-in '
        "decision-maker contact"
    )


def test_priority_score_is_buying_power_lifted_by_engagement_rank():
    scores = pl.DataFrame(
        {"buying_power_score": [0.5, 0.5, 0.5, None, None], "engagement_decile": [1, 10, None, 1, None]}
    )
    lifted = scores.select(priority_score_expr(0.2))["priority_score"].to_list()
    assert lifted[:4] == pytest.approx([0.7, 0.52, 0.5, 0.2]) and lifted[4] is None
    same = scores.select(priority_score_expr(0.0))["priority_score"].to_list()
    assert same[:3] == [0.5, 0.5, 0.5] and same[3] is None and same[4] is None


def test_engagement_moves_an_account_up_within_its_tier_and_weight_zero_does_not():
    accounts = pl.DataFrame(
        {
            "account_id": ["a", "b", "c"],
            "segment": ["S+B+C", "S+B+C", "S+B+C"],
            "buying_power_score": [0.9, 0.8, 0.7],
            "sales_amount": [0.0, 0.0, 0.0],
            "engagement_decile": [None, 1, 5],
        }
    )
    settings = TierSettings(tier1_capacity=1)
    plain = assign_tiers(with_priority_score(accounts, 0.0), settings)
    assert plain["account_id"].to_list() == ["a", "b", "c"] and plain["tier"].to_list()[0] == 1
    lifted = assign_tiers(with_priority_score(accounts, 0.2), settings)
    # b: 0.8 + 0.2 = 1.0 takes the one Tier 1 place; c: 0.7 + 0.12 = 0.82 stays behind a (0.9)
    assert lifted["account_id"].to_list() == ["b", "a", "c"]
    assert lifted.filter(pl.col("tier") == 1)["account_id"].to_list() == ["b"]
