"""Engagement score (issue #16 part 2): types, points, decay, zeroing, cap, deciles, levels, surging,
and the step in real runs (two runs into one DuckDB file keep both runs' engagement_history)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest
from helpers import settings_for, write_inputs

from abm.config.settings import Settings, load_settings
from abm.engagement.activity_types import CODES, type_codes
from abm.engagement.score import ACTIVITY_SUMS, engagement_frames, level, surging, with_levels
from abm.engagement.score_settings import EngagementSettings
from abm.engagement.zeroing import competitor_accounts, contact_zeroing
from abm.errors import ConfigError
from abm.matching.settings import FREE_MAIL_DOMAINS
from abm.messages import labels
from pipelines import project
from pipelines.context import RunContext
from pipelines.engagement import activity_sums

AS_OF = date(2026, 9, 30)
NO_ZEROING = pl.DataFrame(schema={"contact_id": pl.String, "zeroed_reason": pl.String})
NO_COMPETITORS = pl.Series([], dtype=pl.String)


def activity(
    contact: str | None, account: str, days_ago: int, kind: str, points: float | None = None
) -> dict:
    """One attributed activity row; ``contact`` None = attributed to the company only."""
    return {
        "contact_id": contact,
        "account_id": account,
        "attributed_by": "contact_id" if contact else "company",
        "date": AS_OF - timedelta(days=days_ago),
        "activity_type": kind,
        "points": points,
    }


ACTIVITY_SCHEMA = {
    "contact_id": pl.String,
    "account_id": pl.String,
    "attributed_by": pl.String,
    "date": pl.Date,
    "activity_type": pl.String,
    "points": pl.Float64,
}


def frames(rows: list[dict], zeroed=NO_ZEROING, competitors=NO_COMPETITORS, **settings):
    """(contact_engagement, account_engagement) of ``rows`` through the step's own path: the SQL pass
    (engagement_sums.sql) on a DuckDB `activities` table, then the polars scoring."""
    config = Settings(engagement=EngagementSettings(**settings))
    con = duckdb.connect()
    try:
        con.execute("CREATE SCHEMA work")
        con.register("_rows", pl.DataFrame(rows, schema=ACTIVITY_SCHEMA))
        con.execute("CREATE TABLE activities AS SELECT * FROM _rows")
        sums = activity_sums(RunContext(con, config, "test", 0.0, as_of=AS_OF))
    finally:
        con.close()
    return engagement_frames(sums, zeroed, competitors, config.engagement)


# --- types and points -----------------------------------------------------------------------------


def test_activity_type_aliases_from_japanese_english_and_ma_tools():
    values = pl.Series(
        [
            "資料ＤＬ",  # full width
            "ホワイトペーパー",
            "Fill Out Form",  # Marketo
            "Form submission",  # HubSpot
            "Visit Webpage",  # Marketo
            "Click Email",
            "Email Open",
            "ウェビナー参加",
            "お問い合わせ",
            "展示会来場",
            "商談",
            "謎の行動",
        ]
    )
    codes = dict(type_codes(values).iter_rows())
    assert codes == {
        "資料ＤＬ": "download",
        "ホワイトペーパー": "download",
        "Fill Out Form": "form",
        "Form submission": "form",
        "Visit Webpage": "page_view",
        "Click Email": "email_click",
        "Email Open": "email_open",
        "ウェビナー参加": "webinar",
        "お問い合わせ": "inquiry",
        "展示会来場": "event",
        "商談": "meeting",
        "謎の行動": "other",  # unknown: counted as other, never dropped
    }
    mine = dict(
        type_codes(pl.Series(["製品ページ閲覧", "商談"]), {"製品ページ 閲覧": "page_view"}).iter_rows()
    )
    assert mine == {"製品ページ閲覧": "page_view", "商談": "meeting"}


def test_default_points_and_the_points_column_wins():
    rows = [
        activity("a", "A", 0, "資料DL"),
        activity("b", "B", 0, "ウェビナー"),
        activity("c", "C", 0, "問い合わせ"),
        activity("d", "D", 0, "問い合わせ", points=7.0),  # the MA tool's own score wins
        activity("e", "E", 0, "what is this"),
    ]
    contacts, _ = frames(rows)
    got = dict(contacts.select("contact_id", "raw_points").iter_rows())
    assert got == {"a": 3.0, "b": 5.0, "c": 10.0, "d": 7.0, "e": 1.0}
    contacts, _ = frames(rows, points={"download": 4})
    assert dict(contacts.select("contact_id", "raw_points").iter_rows())["a"] == 4.0


def test_points_config_rejects_an_unknown_type():
    with pytest.raises(ConfigError, match=r"engagement\.points"):
        load_settings(None, **{"engagement.points": {"dowload": 3}})
    with pytest.raises(ConfigError, match="engagement"):
        load_settings(None, **{"engagement.level_high_max_decile": 6, "engagement.level_mid_max_decile": 6})


# --- decay ----------------------------------------------------------------------------------------


def test_a_93_day_old_inquiry_counts_half_at_half_life_93():
    contacts, accounts = frames([activity("a", "A", 93, "問い合わせ")], half_life_days=93)
    row = contacts.row(0, named=True)
    assert row["raw_points"] == 10.0
    assert row["engagement_score"] == pytest.approx(5.0)
    assert accounts["engagement_score"].item() == pytest.approx(5.0)


def test_default_half_life_is_minus_20_percent_per_30_days():
    contacts, _ = frames([activity("a", "A", 0, "inquiry"), activity("b", "B", 30, "inquiry")])
    scores = dict(contacts.select("contact_id", "engagement_score").iter_rows())
    assert scores["a"] == 10.0
    assert scores["b"] == pytest.approx(8.0, abs=0.01)


def test_activities_after_as_of_and_unattributed_rows_are_not_counted():
    rows = [activity("a", "A", 0, "inquiry"), activity("a", "A", -1, "inquiry")]
    rows.append({**activity("b", "B", 0, "inquiry"), "account_id": None})
    contacts, accounts = frames(rows)
    assert contacts.select("contact_id", "activities").rows() == [("a", 1)]
    assert accounts["account_id"].to_list() == ["A"]


# --- zeroing --------------------------------------------------------------------------------------


def _contacts(**columns) -> pl.DataFrame:
    base = {"title": None, "department": None, "company_name": None, "consented": True}
    rows = [{**base, **row} for row in columns["rows"]]
    return pl.DataFrame(
        rows,
        schema={
            **{c: pl.String for c in ("contact_id", "email")},
            **dict.fromkeys(("title", "department", "company_name"), pl.String),
            "consented": pl.Boolean,
        },
    )


def test_opted_out_contacts_are_zeroed_but_kept():
    zeroed = contact_zeroing(
        _contacts(rows=[{"contact_id": "a", "email": "a@x.co.jp", "consented": False}]), FREE_MAIL_DOMAINS
    )
    contacts, accounts = frames([activity("a", "A", 0, "inquiry")], zeroed=zeroed)
    row = contacts.row(0, named=True)
    assert (row["zeroed_reason"], row["engagement_score"], row["raw_points"]) == ("opted_out", 0.0, 10.0)
    acc = accounts.row(0, named=True)
    assert (acc["engagement_score"], acc["engagement_level"], acc["recent_points"]) == (0.0, "none", 0.0)


def test_students_need_free_mail_and_a_student_word():
    rows = [
        {"contact_id": "s1", "email": "hanako@gmail.com", "title": "学生"},
        {
            "contact_id": "s2",
            "email": "taro@yahoo.co.jp",
            "company_name": "東京大学大学院",
            "title": "修士課程",
        },
        {"contact_id": "s3", "email": "ken@gmail.com", "department": "Graduate Student"},
        {"contact_id": "k1", "email": "prof@gmail.com", "company_name": "東京大学", "title": "教授"},
        {"contact_id": "k2", "email": "intern@alpha.co.jp", "title": "学生インターン"},  # company address
        {"contact_id": "k3", "email": "staff@gmail.com", "department": "学生課"},  # university staff
    ]
    zeroed = contact_zeroing(_contacts(rows=rows), FREE_MAIL_DOMAINS)
    assert dict(zeroed.iter_rows()) == {"s1": "student", "s2": "student", "s3": "student"}
    contacts, _ = frames([activity(r["contact_id"], "U", 0, "download") for r in rows], zeroed=zeroed)
    scores = dict(contacts.select("contact_id", "engagement_score").iter_rows())
    assert scores == {"k1": 3.0, "k2": 3.0, "k3": 3.0, "s1": 0.0, "s2": 0.0, "s3": 0.0}


def test_competitors_by_corporate_number_or_normalised_name():
    accounts = pl.DataFrame(
        {
            "account_id": ["A", "B", "C"],
            "corporate_number": ["7000012050002", None, "1010001000006"],
            "name": ["株式会社アルファ商事", "ベータ工業株式会社", "ガンマ精機"],
        }
    )
    found = competitor_accounts(accounts, ["7000-0120-50002", "ﾍﾞｰﾀ工業(株)"])
    assert found.to_list() == ["A", "B"]
    rows = [
        activity("a", "A", 0, "inquiry"),
        activity(None, "B", 0, "inquiry"),
        activity("c", "C", 0, "inquiry"),
    ]
    contacts, acc = frames(rows, competitors=found)
    assert contacts.select("contact_id", "zeroed_reason").rows() == [("a", "competitor"), ("c", None)]
    assert dict(acc.select("account_id", "engagement_score").iter_rows()) == {"A": 0.0, "B": 0.0, "C": 10.0}


def test_opted_out_is_reported_before_competitor():
    zeroed = pl.DataFrame({"contact_id": ["a", "b"], "zeroed_reason": ["opted_out", "student"]})
    rows = [activity("a", "A", 0, "inquiry"), activity("b", "A", 0, "inquiry")]
    contacts, _ = frames(rows, zeroed=zeroed, competitors=pl.Series(["A"]))
    assert contacts["zeroed_reason"].to_list() == ["opted_out", "competitor"]


# --- account: cap, company-level rows, deciles, levels ----------------------------------------------


def test_each_contact_is_capped_and_company_rows_are_added():
    rows = [activity("busy", "A", 0, "inquiry")] * 5  # 50 points from one person
    rows += [activity("other", "A", 0, "inquiry"), activity(None, "A", 0, "webinar")]
    contacts, accounts = frames(rows, contact_cap=30)
    assert dict(contacts.select("contact_id", "engagement_score").iter_rows()) == {
        "busy": 50.0,
        "other": 10.0,
    }
    row = accounts.row(0, named=True)
    assert row["engagement_score"] == 30.0 + 10.0 + 5.0
    assert row["engaged_contacts"] == 2
    assert row["last_activity_date"] == AS_OF


def test_deciles_and_levels_at_their_edges():
    accounts = pl.DataFrame(
        {
            "account_id": [f"A{i:02d}" for i in range(1, 12)],
            "engagement_score": [float(s) for s in range(10, 0, -1)] + [0.0],
            "recent_points": [0.0] * 11,
            "previous_points": [0.0] * 11,
        }
    )
    out = with_levels(accounts, EngagementSettings())
    assert out["engagement_decile"].to_list() == [*range(1, 11), None]
    assert out["engagement_level"].to_list() == ["high"] * 3 + ["mid"] * 3 + ["low"] * 4 + ["none"]
    custom = EngagementSettings(level_high_max_decile=1, level_mid_max_decile=2)
    decile = pl.Series([1, 2, 3, None], dtype=pl.Int32)
    got = pl.select(level(pl.lit(decile), custom)).to_series().to_list()
    assert got == ["high", "mid", "low", "none"]


def test_surging_on_and_off_at_the_edges():
    s = EngagementSettings(surge_ratio=2.0, surge_min_points=10.0)
    recent = [20.0, 19.5, 10.0, 9.5, 0.0]
    previous = [30.0, 30.0, 0.0, 0.0, 0.0]  # 30 in 90 days = 10 per 30 days; twice that = 20
    got = pl.select(surging(pl.lit(pl.Series(recent)), pl.lit(pl.Series(previous)), s)).to_series()
    assert got.to_list() == [True, False, True, False, False]


def test_surging_windows_from_activity_dates():
    # previous window: ages 30..119; recent: ages 0..29
    base = [
        activity(None, "A", 30, "inquiry"),
        activity(None, "A", 119, "inquiry"),
        activity(None, "A", 120, "inquiry"),
    ]
    _, quiet = frames([*base, activity(None, "A", 29, "inquiry")])
    assert quiet.select("recent_points", "previous_points", "surging").row(0) == (10.0, 20.0, False)
    _, hot = frames(
        [*base, activity(None, "A", 29, "inquiry"), activity(None, "A", 0, "download")]
        + [activity(None, "A", 1, "資料DL")] * 2
    )
    assert hot.select("recent_points", "previous_points", "surging").row(0) == (19.0, 20.0, True)


def test_no_activities_gives_empty_typed_frames():
    empty = pl.DataFrame(schema=ACTIVITY_SUMS)
    contacts, accounts = engagement_frames(empty, NO_ZEROING, NO_COMPETITORS, EngagementSettings())
    assert contacts.height == accounts.height == 0
    assert accounts.schema["engagement_decile"] == pl.Int32


# --- the step in real runs ------------------------------------------------------------------------


def test_a_run_without_activities_publishes_empty_tables(tiny_con):
    for table in ("contact_engagement", "account_engagement", "engagement_history"):
        assert tiny_con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


# An activities file for the tiny inputs (as-of 2026-09-30): L1 inquiries today and 93 days ago, L2
# (デルタ電機, a competitor below) a webinar, L3 (opted out) a download, and a trade-show visit known only
# by its company, attributed to ガンマ精機 through 名寄せ.
ACTIVITY_ROWS = [
    ("L1", "2026-09-30", "お問い合わせ", ""),
    ("L1", "2026-06-29", "問い合わせ", ""),
    ("L2", "2026-09-25", "ウェビナー参加", ""),
    ("L3", "2026-09-29", "資料DL", ""),
    ("", "2026-09-28", "展示会来場", "有限会社ガンマ精機"),
]


def test_two_runs_score_and_append_engagement_history(tmp_path: Path):
    inputs = write_inputs(tmp_path / "in")
    header = ["contact_id", "date", "activity_type", "company_name"]
    pl.DataFrame(ACTIVITY_ROWS, schema=header, orient="row").write_csv(inputs / "activities.csv")
    db = tmp_path / "abm.duckdb"
    competitor = {"engagement.competitors": ["デルタ電機(株)"]}
    first = project.run(settings_for(inputs, db, **competitor))
    con = duckdb.connect(str(db), read_only=True)
    try:
        contacts = dict(con.execute("SELECT contact_id, zeroed_reason FROM contact_engagement").fetchall())
        scores = dict(con.execute("SELECT account_id, engagement_score FROM account_engagement").fetchall())
    finally:
        con.close()
    assert contacts == {"L1": None, "L2": "competitor", "L3": "opted_out"}
    assert scores["100000001"] == pytest.approx(10 + 5)  # today's inquiry + a 93-day-old one at half
    assert scores["100000003"] == pytest.approx(3 * 0.5 ** (2 / 93))  # the company-level 展示会
    assert scores["100000004"] == 0.0  # a competitor

    second = project.run(settings_for(inputs, db, **competitor, **{"run.as_of": "2026-12-31"}))
    con = duckdb.connect(str(db), read_only=True)
    try:
        history = con.execute(
            "SELECT run_id, as_of, account_id, engagement_score FROM engagement_history "
            "ORDER BY as_of, account_id"
        ).fetchall()
    finally:
        con.close()
    runs = [r[0] for r in history]
    assert runs == [first.run_id] * 2 + [second.run_id] * 2  # the accounts scoring above 0, per run
    assert [str(r[1]) for r in history] == ["2026-09-30"] * 2 + ["2026-12-31"] * 2
    assert history[2][3] < history[0][3]  # 92 days later the same activities count less


def test_every_code_has_a_label_in_both_languages():
    for lang in ("ja", "en"):
        assert set(labels("activity", lang)) == set(CODES)
        assert set(labels("engagement_level", lang)) == {"high", "mid", "low", "none"}
        assert set(labels("zeroed", lang)) == {"opted_out", "competitor", "student"}
