"""Next actions in a real run of the generated sample (with activities and titled contacts): the
published columns, v_next_actions, the engagement weight's effect on the order (and none at 0), the
API filters through httpx, and the report's engagement and coverage sections.

Expected answers come from querying the same DuckDB file directly.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient
from helpers import READ, make_app, sample_run

from abm.published.reader import reading
from abm.report import collect, render

# The order before engagement existed, written out: tier, buying power, own revenue, account_id.
BEFORE = (
    "ORDER BY tier NULLS LAST, buying_power_score DESC NULLS LAST, sales_amount DESC NULLS LAST, account_id"
)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_run(tmp_path_factory.mktemp("actions"))[1]


@pytest.fixture(scope="module")
def con(db):
    c = duckdb.connect(str(db), read_only=True)
    yield c
    c.close()


def one(con, sql: str, params=None):
    return con.execute(sql, params or []).fetchone()[0]


def test_the_sample_exercises_every_rule(con):
    counts = dict(con.execute("SELECT next_action, count(*) FROM accounts GROUP BY ALL").fetchall())
    assert {"follow_up_offline", "reach_decision_maker"} <= set(counts)
    assert one(con, "SELECT count(*) FROM accounts WHERE engagement_level = 'high'") > 0
    # the rules hold on every published row (the first that applies wins)
    wrong = one(
        con,
        """SELECT count(*) FROM accounts WHERE next_action IS DISTINCT FROM CASE
            WHEN segment IN ('B', 'B+C') AND surging THEN 'inside_sales_now'
            WHEN tier IN (1, 2) AND engagement_level IN ('low', 'none') THEN 'follow_up_offline'
            WHEN tier IS NOT NULL AND contains(roles_missing, 'decision_maker') THEN 'reach_decision_maker'
            END""",
    )
    assert wrong == 0
    # approach says the action, tier_reason why
    row = con.execute(
        "SELECT approach, tier_reason FROM accounts WHERE next_action = 'follow_up_offline' LIMIT 1"
    ).fetchone()
    assert row[0] == "Web以外で至急フォロー (テレセールス・訪問)" and "次のアクション" in row[1]


def test_v_next_actions_lists_actions_and_tier_1_2_per_owner_in_priority_order(con):
    expected = one(con, "SELECT count(*) FROM accounts WHERE next_action IS NOT NULL OR tier IN (1, 2)")
    assert one(con, "SELECT count(*) FROM v_next_actions") == expected > 0
    rows = con.execute("SELECT owner, owner_rank, priority FROM v_next_actions").fetchall()
    for (o1, r1, p1), (o2, r2, p2) in pairwise(rows):
        if o1 == o2:
            assert r2 == r1 + 1 and p2 > p1
    # no reps file in this sample: nobody owns an account, and every action is still listed
    assert one(con, "SELECT count(*) FROM v_next_actions WHERE owner IS NOT NULL") == 0
    listed = con.execute(
        "SELECT action, reason FROM v_next_actions v JOIN accounts a USING (account_id) "
        "WHERE v.action <> a.approach OR v.reason IS DISTINCT FROM a.tier_reason"
    ).fetchall()
    assert listed == []


def test_engagement_moves_targets_up_and_weight_zero_keeps_the_old_order(con, tmp_path):
    lifted = [r[0] for r in con.execute(f"SELECT account_id FROM accounts {BEFORE}").fetchall()]
    published = [r[0] for r in con.execute("SELECT account_id FROM accounts ORDER BY priority").fetchall()]
    assert published != lifted  # the default weight (0.2) reorders within tiers
    zero = sample_run(tmp_path, **{"engagement.priority_weight": 0.0})[1]
    with duckdb.connect(str(zero), read_only=True) as c:
        before = [r[0] for r in c.execute(f"SELECT account_id FROM accounts {BEFORE}").fetchall()]
        now = [r[0] for r in c.execute("SELECT account_id FROM accounts ORDER BY priority").fetchall()]
        assert (
            one(c, "SELECT count(*) FROM accounts WHERE priority_score IS DISTINCT FROM buying_power_score")
            == 0
        )
    assert now == before


@pytest.mark.parametrize(
    ("query", "where", "params"),
    [
        ("engagement=high", "engagement_level = 'high'", []),
        ("engagement=low&engagement=none", "engagement_level IN ('low', 'none')", []),
        ("surging=true", "surging", []),
        ("surging=false", "NOT surging", []),
        ("missing_role=decision_maker", "contains(roles_missing, 'decision_maker')", []),
        (
            "missing_role=technical&missing_role=finance",
            "contains(roles_missing, 'technical') OR contains(roles_missing, 'finance')",
            [],
        ),
        ("next_action=follow_up_offline&tier=1", "next_action = 'follow_up_offline' AND tier = 1", []),
    ],
)
def test_account_filters_through_httpx(db, con, query, where, params):
    expected = [
        r[0]
        for r in con.execute(
            f"SELECT account_id FROM accounts WHERE {where} ORDER BY priority LIMIT 1000"
        ).fetchall()
    ]
    total = one(con, f"SELECT count(*) FROM accounts WHERE {where}")
    with TestClient(make_app(db)) as client:
        got = client.get(f"/accounts?{query}&limit=1000", headers=READ)
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["total"] == total
    assert [a["account_id"] for a in body["items"]] == expected


def test_unknown_filter_values_are_a_clear_422(db):
    with TestClient(make_app(db), raise_server_exceptions=False) as client:
        assert client.get("/accounts?missing_role=ceo", headers=READ).status_code == 422
        assert client.get("/accounts?engagement=hot", headers=READ).status_code == 422


def test_report_has_engagement_and_coverage_with_the_files_numbers(db, con):
    with reading(db) as session:
        html = render(collect(session))
    text = re.sub(r"<[^>]+>", " ", html)
    assert '<section id="engagement">' in html and '<section id="coverage">' in html
    assert "セグメント別エンゲージメント" in html and "購買委員会のカバレッジ不足" in html
    for segment, engaged in con.execute(
        "SELECT segment, count(*) FILTER (WHERE engagement_score > 0) FROM accounts GROUP BY segment"
    ).fetchall():
        assert re.search(rf"\b{re.escape(segment)}\s+[\d,]+\s+{engaged:,}\s", text), segment
    for tier, accounts, missing_dm in con.execute(
        "SELECT tier, count(*), count(*) FILTER (WHERE contains(roles_missing, 'decision_maker')) "
        "FROM accounts WHERE tier IS NOT NULL GROUP BY tier"
    ).fetchall():
        assert re.search(rf"\b{tier}\s+{accounts:,}\s+[\d,]+\s+{missing_dm:,}\s", text), tier
