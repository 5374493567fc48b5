"""The run report: written by every run, self-contained (no http(s) resource), every section there,
and its numbers are the database's."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from abm.published.reader import reading
from abm.report import collect, render, report_path, write_report
from abm.report.page import SECTIONS
from abm.report.svg import venn


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def page(tiny_db: Path) -> tuple[str, _Collect]:
    html = report_path(tiny_db).read_text(encoding="utf-8")  # written by the run itself
    parsed = _Collect()
    parsed.feed(html)
    return html, parsed


def test_every_run_writes_the_report_beside_the_database(tiny_db):
    assert report_path(tiny_db) == tiny_db.with_name("abm-report.html")
    assert report_path(tiny_db).stat().st_size > 5_000


def test_report_has_every_section_and_svg_charts(page):
    _, parsed = page
    ids = [a.get("id") for t, a in parsed.tags if t == "section"]
    assert ids == list(SECTIONS)
    kinds = [t for t, _ in parsed.tags]
    assert kinds.count("svg") >= 6 and "polyline" in kinds and kinds.count("circle") == 3


def test_report_needs_no_network(page):
    html, parsed = page
    assert not re.search(r"https?://", html)
    assert not [a for t, a in parsed.tags if t in ("script", "link", "img", "iframe")]


def test_report_numbers_match_the_tables(page, tiny_con):
    _, parsed = page
    regions = {a["data-segment"]: a for t, a in parsed.tags if t == "text" and "data-segment" in a}
    assert set(regions) == {"S+B+C", "S+B", "B+C", "B", "S+C", "S", "C", "none"}
    text = " ".join(parsed.text)
    for segment, accounts in tiny_con.execute("SELECT segment, accounts FROM segments").fetchall():
        assert f"{segment}: {accounts:,}" in text or f"none（輪の外）: {accounts:,}" in text
    for decile, revenue in tiny_con.execute("SELECT decile, revenue FROM deciles").fetchall():
        assert f"¥{revenue:,.0f}" in text, decile
    rejected = tiny_con.execute("SELECT count(DISTINCT (source_file, row_number)) FROM rejects").fetchone()[0]
    assert rejected > 0
    for source, n in tiny_con.execute("SELECT source, count(*) FROM matches GROUP BY source").fetchall():
        assert re.search(rf"{source}\s+(\S+\s+){{4}}{n}\b", text), source


def test_report_carries_no_personal_data(page, tiny_con):
    html, _ = page
    for (email,) in tiny_con.execute("SELECT email FROM contacts").fetchall():
        assert email not in html
    bad = tiny_con.execute("SELECT value FROM rejects WHERE \"column\" = 'email'").fetchall()
    assert bad and not [v for (v,) in bad if v and v in html]  # e.g. the malformed 'taro@'


def test_abm_report_writes_where_asked(tiny_db, tmp_path):
    out = write_report(tiny_db, tmp_path / "sub" / "r.html")
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")


def test_report_is_japanese_by_default(page):
    html, parsed = page
    headings = [t for t in parsed.text if t.strip()]
    assert '<html lang="ja">' in html and "abm 実行レポート" in html
    for heading in ("三つの輪", "デシル分析", "名寄せの品質", "セグメント別ティア", "アカウント数"):
        assert heading in headings, heading
    assert "Three circles" not in html and "Rejected input rows" not in html
    assert 'title="segment"' in html  # the column code stays at hand for BI analysts


def test_report_in_english_for_a_run_in_english(tiny_db, tmp_path):
    with reading(tiny_db) as session:
        data = collect(session)
    html = render(replace(data, run={**data.run, "language": "en"}))
    assert '<html lang="en">' in html and "abm run report" in html and "Three circles" in html
    assert "三つの輪</h2>" not in html and "none (outside)" in html and ">Accounts</th>" in html


def test_venn_draws_every_region_even_when_empty():
    svg = venn({"S": (3, "¥390")}, (1, ""))
    assert svg.count("<circle") == 3 and "S: 3" in svg and "S+B+C: 0" in svg


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium not installed")
def test_report_renders_in_headless_chromium(tiny_db, tmp_path):
    shot = tmp_path / "report.png"
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'p'}",
            f"--screenshot={shot}",
            "--window-size=1280,2400",
            report_path(tiny_db).as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
