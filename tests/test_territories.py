"""Territory assignment on tiny hand-made frames: every owner and reason can be read off the fixtures."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from abm.config.settings import TerritorySettings
from abm.territories.assign import assign
from abm.territories.balance import cv
from abm.territories.reps import check_pins, prepare_reps

SETTINGS = TerritorySettings()


def accounts(*rows: tuple) -> pl.DataFrame:
    """(account_id, prefecture, buying_power_score[, tier[, industry_code[, segment]]]) per account."""
    full = [(r + (3, "09", "S+B")[len(r) - 3 :]) if len(r) < 6 else r for r in rows]
    return pl.DataFrame(
        {
            "account_id": [r[0] for r in full],
            "name": [f"name {r[0]}" for r in full],
            "prefecture": [r[1] for r in full],
            "industry_code": [r[4] for r in full],
            "segment": [r[5] for r in full],
            "tier": pl.Series([r[3] for r in full], dtype=pl.Int64),
            "buying_power_score": [float(r[2]) for r in full],
            "sales_amount": [100.0] * len(full),
        }
    )


def reps(*rows: tuple, **columns: list) -> pl.DataFrame:
    """(rep_id, area) per rep; extra columns (prefectures, industries, capacity, active) by keyword."""
    raw = pl.DataFrame(
        {
            "rep_id": [r[0] for r in rows],
            "name": [f"rep {r[0]}" for r in rows],
            "area": [r[1] for r in rows],
            **columns,
        }
    )
    usable, problems = prepare_reps(raw)
    assert problems.height == 0, problems
    return usable


def previous_of(result, tiers: pl.DataFrame | None = None) -> pl.DataFrame:
    """Last quarter as account_history holds it: owner, territory and tier per account."""
    prev = result.accounts.select("account_id", "owner", "territory")
    if tiers is None:
        return prev.with_columns(pl.lit(3, pl.Int64).alias("tier"))
    return prev.join(tiers.select("account_id", "tier"), on="account_id", how="left")


def owners(result) -> dict[str, str | None]:
    return dict(result.accounts.select("account_id", "owner").iter_rows())


def reasons(result) -> dict[str, str]:
    return dict(result.changes.select("account_id", "reason").iter_rows())


# ---------------------------------------------------------------- inputs


def test_prepare_reps_reads_areas_prefectures_and_rejects_bad_rows():
    raw = pl.DataFrame(
        {
            "rep_id": ["R1", "R2", "R3", "R4", "R5", "R6"],
            "name": ["a", "b", "c", "d", "e", "f"],
            "area": ["九州", None, "火星", None, "関東", "関西"],
            "prefectures": [None, "東京、神奈川県", None, "大坂府", None, None],
            "industries": [None, "09; 16", None, None, None, None],
            "capacity": [None, 0.5, None, None, 0.0, 2.0],
            "active": [None, False, None, None, None, None],
            "source_row": [2, 3, 4, 5, 6, 7],
        }
    )
    usable, problems = prepare_reps(raw)
    assert usable["rep_id"].to_list() == ["R1", "R2", "R6"]
    r1, r2, r6 = usable.rows(named=True)
    assert (r1["area"], r1["capacity"], r1["active"]) == ("九州・沖縄", 1.0, True)
    assert (r2["area"], r2["prefectures"], r2["industries"]) == ("関東", ["東京都", "神奈川県"], ["09", "16"])
    assert not r2["active"]
    assert (r6["area"], r6["capacity"]) == ("近畿", 2.0)
    got = {
        (r["row_number"], r["column"], r["value"], r["reason"].split(" (")[0])
        for r in problems.rows(named=True)
    }
    assert got == {
        (4, "area", "火星", "unknown area"),
        (5, "prefectures", "大坂府", "unknown prefecture"),
        (6, "capacity", "0.0", "capacity must be positive"),
    }


def test_rep_without_area_or_prefectures_is_a_problem():
    raw = pl.DataFrame({"rep_id": ["R1"], "name": ["a"], "source_row": [9]})
    usable, problems = prepare_reps(raw)
    assert usable.height == 0
    assert problems.rows() == [(9, "area", None, "missing area or prefectures")]


def test_pins_to_unknown_account_unknown_or_inactive_rep_are_rejected_not_fatal():
    team = reps(("R1", "関東"), ("R2", "関東"), active=[True, False])
    pins = pl.DataFrame(
        {
            "account_id": ["T0", "T9", "T1", "T2"],
            "rep_id": ["R1", "R1", "R7", "R2"],
            "source_row": [2, 3, 4, 5],
        }
    )
    valid, problems = check_pins(pins, team, pl.Series(["T0", "T1", "T2"]))
    assert valid.rows() == [("T0", "R1")]
    assert problems.rows() == [
        (3, "account_id", "T9", "unknown account"),
        (4, "rep_id", "R7", "unknown rep"),
        (5, "rep_id", "R2", "pinned rep is not active"),
    ]


# ---------------------------------------------------------------- first quarter


def test_first_run_balances_buying_power_and_count_and_every_owner_is_new():
    frame = accounts(
        *[(f"A{i}", "東京都", s) for i, s in enumerate([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2])]
    )
    result = assign(frame, reps(("R1", "関東"), ("R2", "関東")), SETTINGS)
    balance = {
        r["rep_id"]: (r["accounts"], round(r["buying_power"], 2)) for r in result.balance.rows(named=True)
    }
    assert balance == {"R1": (4, 2.2), "R2": (4, 2.2)}
    assert set(reasons(result).values()) == {"new account"}
    area = result.areas.row(0, named=True)
    assert area["cv_accounts"] == 0 and area["cv_buying_power"] == pytest.approx(0.0)


def test_area_prefecture_and_industry_rules():
    frame = accounts(
        ("K1", "東京都", 0.9, 3, "09"),
        ("K2", "東京都", 0.8, 3, "39"),
        ("K3", "神奈川県", 0.7, 3, "091"),
        ("O1", "大阪府", 0.6, 3, "39"),
        ("O2", "京都府", 0.5, 3, "39"),
        ("H1", "北海道", 0.4, 3, "39"),
    )
    team = reps(
        ("KM", "関東"),
        ("KG", "関東"),
        ("OS", "近畿"),
        ("KY", None),
        prefectures=[None, None, "大阪府", "京都府"],
        industries=["09", None, None, None],
    )
    got = owners(assign(frame, team, SETTINGS))
    assert got["K2"] == "KG"  # the manufacturing specialist (09) never gets IT (39)
    assert {got["K1"], got["K3"]} <= {"KM", "KG"}  # 091 starts with 09: the specialist may take it
    assert (got["O1"], got["O2"]) == ("OS", "KY")  # prefecture lists
    assert got["H1"] is None  # nobody covers 北海道


def test_industry_nobody_covers_falls_back_to_the_reps_of_the_place():
    frame = accounts(("K1", "東京都", 0.9, 3, "76"))
    assert owners(assign(frame, reps(("KM", "関東"), industries=["09"]), SETTINGS)) == {"K1": "KM"}


def test_scope_is_tiers_1_to_3_plus_customers():
    frame = accounts(
        ("A", "東京都", 0.9, 3, "09", "B"),
        ("B", "東京都", 0.1, None, "09", "S"),
        ("C", "東京都", 0.5, None, "09", "C"),
        ("D", "東京都", 0.5, None, "09", "none"),
    )
    assert owners(assign(frame, reps(("R1", "関東")), SETTINGS)) == {"A": "R1", "B": "R1"}


# ---------------------------------------------------------------- following quarters


def test_owners_stick_within_tolerance_even_when_a_fresh_split_would_differ():
    team = reps(("R1", "関東"), ("R2", "関東"))
    # last quarter: R1 has 5 of 9 equal accounts, R2 4: ±11% of the mean, inside the ±15% tolerance
    frame = accounts(*[(f"T{i}", "東京都", 0.5) for i in range(9)])
    prev = pl.DataFrame(
        {
            "account_id": [f"T{i}" for i in range(9)],
            "owner": ["R1"] * 5 + ["R2"] * 4,
            "territory": "関東",
            "tier": 3,
        }
    )
    result = assign(frame, team, SETTINGS, previous=prev)
    assert result.changes.height == 0
    assert owners(result) == dict(prev.select("account_id", "owner").iter_rows())
    assert result.balance["within_tolerance"].all()


def test_rebalancing_past_tolerance_moves_the_smallest_accounts_only():
    frame = accounts(
        *[(f"T{i}", "東京都", s) for i, s in enumerate([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2])]
    )
    prev = pl.DataFrame(
        {
            "account_id": [f"T{i}" for i in range(8)],
            "owner": ["R1"] * 7 + ["R2"],
            "territory": "関東",
            "tier": 3,
        }
    )
    result = assign(frame, reps(("R1", "関東"), ("R2", "関東")), SETTINGS, previous=prev)
    moved = reasons(result)
    assert set(moved.values()) == {"rebalancing"}
    assert owners(result)["T0"] == owners(result)["T1"] == "R1"  # R1 keeps its biggest accounts
    assert result.balance["within_tolerance"].all()
    assert len(moved) <= 3


def test_a_new_rep_gets_a_share_within_tolerance():
    frame = accounts(*[(f"T{i}", "東京都", 0.5) for i in range(12)])
    prev = pl.DataFrame(
        {
            "account_id": [f"T{i}" for i in range(12)],
            "owner": ["R1", "R2"] * 6,
            "territory": "関東",
            "tier": 3,
        }
    )
    result = assign(frame, reps(("R1", "関東"), ("R2", "関東"), ("R3", "関東")), SETTINGS, previous=prev)
    assert dict(result.balance.select("rep_id", "accounts").iter_rows()) == {"R1": 4, "R2": 4, "R3": 4}
    assert set(reasons(result).values()) == {"rebalancing"}


def test_a_rep_who_left_releases_accounts_to_the_others():
    frame = accounts(*[(f"T{i}", "東京都", 0.5) for i in range(9)])
    prev = pl.DataFrame(
        {
            "account_id": [f"T{i}" for i in range(9)],
            "owner": ["R1", "R2", "R3"] * 3,
            "territory": "関東",
            "tier": 3,
        }
    )
    inactive = reps(("R1", "関東"), ("R2", "関東"), ("R3", "関東"), active=[True, True, False])
    missing = reps(("R1", "関東"), ("R2", "関東"))
    for team in (inactive, missing):
        result = assign(frame, team, SETTINGS, previous=prev)
        assert reasons(result) == {"T2": "rep left", "T5": "rep left", "T8": "rep left"}
        assert dict(
            result.balance.filter(pl.col("rep_id") != "R3").select("rep_id", "accounts").iter_rows()
        ) in ({"R1": 5, "R2": 4}, {"R1": 4, "R2": 5})
        assert "R3" not in result.balance["rep_id"].to_list()


def test_pins_win_and_then_stay():
    frame = accounts(("T0", "東京都", 0.9), ("T1", "東京都", 0.8), ("O1", "大阪府", 0.7))
    team = reps(("R1", "関東"), ("R2", "関東"), ("OS", "近畿"))
    pins = pl.DataFrame({"account_id": ["O1"], "rep_id": ["R2"]})
    first = assign(frame, team, SETTINGS, pins=pins)
    assert owners(first)["O1"] == "R2"  # a named account follows its rep across areas
    prev = previous_of(first).with_columns(
        pl.when(pl.col("account_id") == "T1").then(pl.lit("R1")).otherwise("owner").alias("owner")
    )
    second = assign(
        frame, team, SETTINGS, previous=prev, pins=pl.DataFrame({"account_id": ["T1"], "rep_id": ["R2"]})
    )
    assert reasons(second)["T1"] == "pin"
    third = assign(frame, team, SETTINGS, previous=previous_of(second), pins=pins)
    assert reasons(third) == {"O1": "pin"}  # pinned back from OS
    fourth = assign(frame, team, SETTINGS, previous=previous_of(third), pins=pins)
    assert fourth.changes.height == 0


def test_tier1_keeps_its_incumbent_whatever_the_balance():
    frame = accounts(
        *[(f"T{i}", "東京都", 0.9, 1) for i in range(4)], *[(f"S{i}", "東京都", 0.2, 3) for i in range(4)]
    )
    prev = pl.DataFrame(
        {
            "account_id": [f"T{i}" for i in range(4)] + [f"S{i}" for i in range(4)],
            "owner": ["R1"] * 8,
            "territory": "関東",
            "tier": [1] * 4 + [3] * 4,
        }
    )
    result = assign(frame, reps(("R1", "関東"), ("R2", "関東")), SETTINGS, previous=prev)
    got = owners(result)
    assert all(got[f"T{i}"] == "R1" for i in range(4))
    assert all(got[f"S{i}"] == "R2" for i in range(4))
    assert set(reasons(result).values()) == {"rebalancing"}
    loose = assign(
        frame, reps(("R1", "関東"), ("R2", "関東")), TerritorySettings(keep_tier1=False), previous=prev
    )
    assert sum(owners(loose)[f"T{i}"] == "R2" for i in range(4)) > 0


def test_tier_change_in_and_out_of_scope_new_account_and_area_change():
    prev = pl.DataFrame(
        {
            "account_id": ["IN", "OUT", "MOVED", "STAY"],
            "owner": [None, "R1", "R1", "R1"],
            "territory": ["関東", "関東", "関東", "関東"],
            "tier": [None, 3, 3, 3],
        }
    )
    frame = accounts(
        ("IN", "東京都", 0.6, 3),  # was out of scope (no tier), now Tier 3
        ("OUT", "東京都", 0.1, None, "09", "C"),  # dropped out of scope
        ("MOVED", "大阪府", 0.5, 3),  # head office moved to 近畿
        ("STAY", "東京都", 0.5, 3),
        ("NEW", "東京都", 0.4, 3),  # never seen before
    )
    result = assign(frame, reps(("R1", "関東"), ("OS", "近畿")), SETTINGS, previous=prev)
    assert reasons(result) == {
        "IN": "tier change",
        "OUT": "left target list",
        "MOVED": "area change",
        "NEW": "new account",
    }
    changes = {r["account_id"]: (r["from_owner"], r["to_owner"]) for r in result.changes.rows(named=True)}
    assert changes["OUT"] == ("R1", None)
    assert changes["MOVED"] == ("R1", "OS")


def test_same_inputs_same_owners_whatever_the_row_order():
    rng = np.random.default_rng(7)
    prefs = ["東京都", "神奈川県", "大阪府", "愛知県"]
    frame = accounts(*[(f"A{i:03d}", prefs[i % 4], round(float(rng.random()), 3)) for i in range(200)])
    team = reps(*[(f"R{i}", a) for i, a in enumerate(["関東", "関東", "関東", "近畿", "近畿", "中部"])])
    first = assign(frame, team, SETTINGS)
    again = assign(frame.sample(fraction=1.0, shuffle=True, seed=3), team.reverse(), SETTINGS)
    assert first.accounts.equals(again.accounts)
    assert first.balance.equals(again.balance)


def test_cv_is_capacity_weighted():
    assert cv(np.array([10.0, 10.0]), np.array([1.0, 1.0])) == 0.0
    assert cv(np.array([10.0, 5.0]), np.array([1.0, 0.5])) == 0.0  # a half-time rep with half the load
    assert cv(np.array([12.0, 8.0]), np.array([1.0, 1.0])) == pytest.approx(0.2)
