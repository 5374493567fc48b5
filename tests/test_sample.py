"""Tests of the seeded sample-data generator (abm.sample)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from abm.inputs.schema import ACTIVITIES, COMPANIES, CONTACTS, SALES, alias_map, header_key
from abm.sample import SampleSummary, generate
from abm.sample import lexicon as lex
from abm.sample.dirty import VARIANTS

END = date(2026, 9, 30)
SMALL = dict(companies=1_000, customers=150, contacts=600, sales_lines=2_500, seed=7)
MEDIUM = dict(companies=5_000, customers=2_000, contacts=3_000, sales_lines=30_000, seed=42)


@pytest.fixture(scope="module")
def medium(tmp_path_factory) -> SampleSummary:
    return generate(tmp_path_factory.mktemp("medium"), **MEDIUM)


@pytest.fixture(scope="module")
def medium_csv(tmp_path_factory) -> SampleSummary:
    return generate(tmp_path_factory.mktemp("medium_csv"), fmt="csv", **MEDIUM)


def read(summary: SampleSummary, name: str) -> pl.DataFrame:
    path = summary.files[name]
    if path.suffix == ".parquet":
        df = pl.read_parquet(path)
        return df.with_columns(pl.all().cast(pl.String))
    if path.suffix == ".xlsx":
        return pl.read_excel(path, infer_schema_length=0)
    data = path.read_bytes().decode("cp932" if summary.fmt == "sample" else "utf-8")
    return pl.read_csv(data.encode("utf-8"), infer_schema=False)


def check_digit_ok(cn: str) -> bool:
    if not re.fullmatch(r"\d{13}", cn):
        return False
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(cn[1:]), start=1))
    return int(cn[0]) == 9 - total % 9


def parse_date(s: str | None) -> date | None:
    if s is None:
        return None
    for f in ("%Y/%m/%d", "%Y-%m-%d", "%Y%m%d"):
        try:
            return datetime.strptime(s, f).date()
        except ValueError:
            pass
    m = re.fullmatch(r"(令和|平成)(元|\d{1,2})年(\d{1,2})月(\d{1,2})日", s)
    if m:
        y = 1 if m[2] == "元" else int(m[2])
        try:
            return date(y + (2018 if m[1] == "令和" else 1988), int(m[3]), int(m[4]))
        except ValueError:
            return None
    return None


def parse_amount(s: str | None) -> int | None:
    if s is None:
        return None
    t = unicodedata.normalize("NFKC", s).replace(",", "")
    return int(t) if re.fullmatch(r"-?\d+", t) else None


def valid_email(s: str) -> bool:
    return re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", s) is not None


def find_bad_rows(summary: SampleSummary) -> dict[tuple[str, int], str]:
    """Recompute every bad row from the files alone, independently of the generator."""
    out: dict[tuple[str, int], str] = {}
    co = read(summary, "companies")
    seen: set[str] = set()
    for i, (cid, name, cn) in enumerate(co.select("企業コード", "商号", "法人番号").iter_rows(), start=2):
        f = summary.files["companies"].name
        if not cid or not name:
            out[f, i] = "missing required value"
        elif cid in seen:
            out[f, i] = "duplicate key"
        elif cn and not check_digit_ok(cn):
            out[f, i] = "invalid corporate number"
        seen.add(cid)
    sa = read(summary, "sales")
    f = summary.files["sales"].name
    for i, (d, code, name, amount, cn) in enumerate(
        sa.select("受注日", "取引先コード", "取引先名", "売上金額", "法人番号").iter_rows(), start=2
    ):
        if not (d and code and name and amount):
            out[f, i] = "missing required value"
        elif parse_date(d) is None:
            out[f, i] = "unparseable date"
        elif parse_amount(amount) is None:
            out[f, i] = "unparseable amount"
        elif cn and not check_digit_ok(cn):
            out[f, i] = "invalid corporate number"
    ct = read(summary, "contacts")
    f = summary.files["contacts"].name
    seen = set()
    for i, (cid, name, email, opt, out_at) in enumerate(
        ct.select("コンタクトID", "会社名", "メールアドレス", "オプトイン", "配信停止日").iter_rows(), start=2
    ):
        if not (cid and name and email and opt):
            out[f, i] = "missing required value"
        elif cid in seen:
            out[f, i] = "duplicate key"
        elif not valid_email(email):
            out[f, i] = "malformed email"
        elif out_at and parse_date(out_at) is None:
            out[f, i] = "unparseable date"
        seen.add(cid)
    ac = read(summary, "activities")
    f = summary.files["activities"].name
    ids = ("コンタクトID", "メールアドレス", "会社名", "法人番号", "ドメイン")
    for i, (d, kind, *who) in enumerate(ac.select("アクション日時", "アクション", *ids).iter_rows(), start=2):
        if not (d and kind):
            out[f, i] = "missing required value"
        elif parse_date(d.split(" ")[0]) is None:
            out[f, i] = "unparseable date"
        elif not any(who):
            out[f, i] = "no identifying value"
    return out


def all_files(summary: SampleSummary) -> dict[str, bytes]:
    return {
        p.relative_to(summary.out_dir).as_posix(): p.read_bytes()
        for p in sorted(summary.out_dir.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", **SMALL)
    b = generate(tmp_path / "b", **SMALL)
    c = generate(tmp_path / "c", **{**SMALL, "seed": 8})
    fa, fb, fc = all_files(a), all_files(b), all_files(c)
    assert set(fa) == {
        "companies.parquet",
        "sales.csv",
        "contacts.xlsx",
        "truth/companies.csv",
        "truth/customers.csv",
        "truth/contacts.csv",
        "truth/engagement.csv",
        "truth/bad_rows.csv",
        "activities.csv",
    }
    assert fa == fb
    for name in ("companies.parquet", "sales.csv", "contacts.xlsx", "truth/companies.csv"):
        assert fa[name] != fc[name], name


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_other_formats_deterministic(tmp_path: Path, fmt: str) -> None:
    a = generate(tmp_path / "a", fmt=fmt, **SMALL)
    b = generate(tmp_path / "b", fmt=fmt, **SMALL)
    ext = "parquet" if fmt == "parquet" else "csv"
    assert {p.name for p in a.files.values() if p.parent == a.out_dir} == {
        f"{n}.{ext}" for n in ("companies", "sales", "contacts", "activities")
    }
    assert all_files(a) == all_files(b)
    if fmt == "csv":
        a.files["sales"].read_bytes().decode("utf-8")


def test_pareto_top20_share(medium: SampleSummary) -> None:
    sales = read(medium, "sales")
    rows = [
        (code, parse_date(d), parse_amount(a))
        for d, code, a in sales.select("受注日", "取引先コード", "売上金額").iter_rows()
    ]
    rev: dict[str, int] = {}
    returns = 0
    for code, d, a in rows:
        if code and d and a is not None:
            returns += a < 0
            if date(2025, 10, 1) <= d <= END:
                rev[code] = rev.get(code, 0) + a
    v = np.sort(np.array([x for x in rev.values() if x > 0]))[::-1]
    share = v[: int(np.ceil(0.2 * len(v)))].sum() / v.sum()
    assert 0.70 <= share <= 0.85
    assert abs(share - medium.top20_share) < 0.01
    assert 0.01 <= returns / len(rows) <= 0.03
    dates = [d for _, d, _ in rows if d]
    assert min(dates) >= date(2024, 10, 1) and max(dates) <= END


def test_sales_value_formats(medium: SampleSummary) -> None:
    sales = read(medium, "sales")
    d = sales["受注日"].drop_nulls()
    assert d.str.contains(r"^\d{4}/\d{2}/\d{2}$").mean() > 0.6
    for pattern in (r"^\d{4}-\d{2}-\d{2}$", r"^\d{8}$", r"^令和\d+年\d+月\d+日$"):
        assert d.str.contains(pattern).sum() > 0, pattern
    a = sales["売上金額"].drop_nulls()
    assert a.str.contains(r"^-?\d+$").mean() > 0.7
    assert a.str.contains(r"^-?\d{1,3}(,\d{3})+$").sum() > 0
    assert a.str.contains("[０-９]").sum() > 0
    cn_share = sales["法人番号"].is_not_null().mean()
    assert 0.1 < cn_share < 0.5


def test_variant_mix(medium: SampleSummary) -> None:
    cu = pl.read_csv(medium.files["truth_customers"], infer_schema=False)
    ct = pl.read_csv(medium.files["truth_contacts"], infer_schema=False)
    present = set(cu["variant"]) | set(ct["variant"])
    assert present == set(VARIANTS)
    cu_share = cu["variant"].value_counts(normalize=True)
    ct_share = ct["variant"].value_counts(normalize=True)

    def share(df: pl.DataFrame, kind: str) -> float:
        return float(df.filter(pl.col("variant") == kind)["proportion"].sum())

    assert 0.25 <= share(cu_share, "exact") <= 0.45
    assert 0.25 <= share(ct_share, "exact") <= 0.45
    assert share(ct_share, "english") > 2 * share(cu_share, "english")
    assert share(cu_share, "branch") > share(ct_share, "branch")
    assert share(cu_share, "abbr_paren") + share(cu_share, "abbr_maru") > 0.15
    # customers: ~10% off-master (no company_id), every one has an entity; a few entities have several codes
    assert 0.05 < cu["company_id"].is_null().mean() < 0.15
    assert cu["entity_id"].null_count() == 0
    multi = cu.group_by("entity_id").len().filter(pl.col("len") > 1)
    assert 0.02 < len(multi) / cu["entity_id"].n_unique() < 0.1
    assert 0.08 < ct["company_id"].is_null().mean() < 0.22


def test_variant_names_match_master(medium: SampleSummary) -> None:
    """exact rows carry the master 商号 verbatim; other variants differ from it."""
    co = read(medium, "companies").select("企業コード", "商号").unique("企業コード", keep="first")
    ct = read(medium, "contacts").unique("コンタクトID", keep="first")
    truth = pl.read_csv(medium.files["truth_contacts"], infer_schema=False)
    j = (
        truth.join(ct, left_on="contact_id", right_on="コンタクトID")
        .join(co, left_on="company_id", right_on="企業コード")
        .filter(pl.col("会社名").is_not_null())
    )
    exact = j.filter(pl.col("variant") == "exact")
    assert len(exact) > 100 and (exact["会社名"] == exact["商号"]).all()
    other = j.filter(pl.col("variant") != "exact")
    assert (other["会社名"] != other["商号"]).mean() > 0.99
    half = j.filter(pl.col("variant") == "kana_half")["会社名"]
    assert half.str.contains("[ｦ-ﾟ]").all()
    fw = j.filter(pl.col("variant") == "fullwidth")["会社名"]
    assert fw.str.contains("[Ａ-Ｚａ-ｚ０-９]").all()


def test_corporate_numbers(medium: SampleSummary) -> None:
    co = read(medium, "companies")
    bad = pl.read_csv(medium.files["truth_bad_rows"])
    bad_cn_rows = set(
        bad.filter(
            (pl.col("file") == "companies.parquet") & (pl.col("reason") == "invalid corporate number")
        )["row"]
    )
    cns = co.with_row_index("row", offset=2).filter(pl.col("法人番号").is_not_null())
    ok = [check_digit_ok(cn) for cn in cns["法人番号"]]
    assert sum(ok) > 0
    assert {r for r, good in zip(cns["row"], ok, strict=True) if not good} == bad_cn_rows
    assert 0.92 < co["法人番号"].is_not_null().mean() < 0.98
    bad_rows = set(bad.filter(pl.col("file") == "companies.parquet")["row"])
    clean = cns.filter(pl.col("row").is_in(list(bad_rows)).not_())["法人番号"]
    assert clean.is_unique().all() and len(clean) > 0.9 * len(co)
    assert co["企業コード"].drop_nulls().str.contains(r"^\d{9}$").all()


def test_bad_rows_truth_matches_files(medium: SampleSummary, medium_csv: SampleSummary) -> None:
    for s in (medium, medium_csv):
        truth = pl.read_csv(s.files["truth_bad_rows"])
        listed = {(f, r): reason for f, r, reason in truth.iter_rows()}
        assert find_bad_rows(s) == listed
        reasons = set(truth["reason"])
        assert reasons == {
            "missing required value",
            "unparseable date",
            "unparseable amount",
            "duplicate key",
            "invalid corporate number",
            "malformed email",
            "no identifying value",
        }
        for name in ("companies", "sales", "contacts", "activities"):
            share = sum(f == s.files[name].name for f, _ in listed) / s.rows[name]
            assert 0.001 < share < 0.004, name
    # rows are numbered the same in every format
    a = pl.read_csv(medium.files["truth_bad_rows"]).select("row", "reason")
    b = pl.read_csv(medium_csv.files["truth_bad_rows"]).select("row", "reason")
    assert a.equals(b)


def test_sales_cp932_crlf(medium: SampleSummary) -> None:
    raw = medium.files["sales"].read_bytes()
    text = raw.decode("cp932")
    assert text.startswith("受注日,取引先コード,取引先名,売上金額")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert raw.count(b"\r\n") == medium.rows["sales"] + 1
    assert raw.count(b"\n") == raw.count(b"\r\n")


def test_contacts_xlsx_readable(medium: SampleSummary) -> None:
    df = pl.read_excel(medium.files["contacts"])
    assert df.columns == [
        "コンタクトID",
        "会社名",
        "メールアドレス",
        "オプトイン",
        "氏名",
        "部署",
        "役職",
        "電話番号",
        "配信停止日",
        "都道府県",
        "会社住所",
    ]
    assert len(df) == medium.rows["contacts"]
    opt = df["オプトイン"].cast(pl.String)
    for value in ("1", "はい", "TRUE", "いいえ"):
        assert (opt == value).sum() > 0, value
    assert opt.str.contains(r"^\d{4}[/-]\d{2}[/-]\d{2}$").sum() > 0
    assert 0.05 < df["配信停止日"].is_not_null().mean() < 0.12
    emails = df["メールアドレス"].drop_nulls()
    free = emails.str.extract(r"@(.+)$").is_in(lex.FREE_MAIL).mean()
    assert 0.08 < free < 0.25


def test_headers_map_through_aliases(medium: SampleSummary, medium_csv: SampleSummary) -> None:
    for s in (medium, medium_csv):
        specs = (
            ("companies", COMPANIES),
            ("sales", SALES),
            ("contacts", CONTACTS),
            ("activities", ACTIVITIES),
        )
        for name, spec in specs:
            df = read(s, name)
            amap = alias_map(spec)
            mapped = [amap.get(header_key(h)) for h in df.columns]
            assert None not in mapped, (name, df.columns)
            assert len(set(mapped)) == len(mapped)
            assert set(spec.required) <= set(mapped)


def test_activities_follow_the_hidden_interest(medium: SampleSummary) -> None:
    """People at interested companies act more and in weightier ways; surging ones did it lately
    (here through the rows that name a known contact, whose true company the truth gives)."""
    truth = pl.read_csv(medium.files["truth_engagement"], schema_overrides={"company_id": pl.String})
    assert truth.height == MEDIUM["companies"] and 0.02 < truth["surging"].mean() < 0.1
    contacts = pl.read_csv(medium.files["truth_contacts"], infer_schema=False)
    rows = read(medium, "activities").join(
        contacts.select(pl.col("contact_id").alias("コンタクトID"), "company_id"), on="コンタクトID"
    )
    day = pl.col("アクション日時").str.slice(0, 10).str.replace_all("/", "-").str.to_date(strict=False)
    per_company = (
        rows.group_by("company_id")
        .agg(
            pl.len().alias("n"),
            (day >= date(2026, 9, 1)).mean().alias("recent"),
            pl.col("アクション")
            .is_in(["問い合わせ", "資料ダウンロード", "ウェビナー参加"])
            .mean()
            .alias("weighty"),
        )
        .join(contacts.group_by("company_id").len("people"), on="company_id")
        .join(truth, on="company_id")
    )
    assert per_company.select(pl.corr("n", "interest", method="spearman")).item() > 0.5
    assert per_company.select(pl.corr("weighty", "interest", method="spearman")).item() > 0.1
    recent = per_company.group_by("surging").agg(pl.col("recent").mean()).sort("surging")["recent"]
    assert recent[1] > 3 * recent[0]  # a 30-day burst against a year spread evenly


def test_truth_covers_files(medium: SampleSummary) -> None:
    sales = read(medium, "sales")
    cu = pl.read_csv(medium.files["truth_customers"], infer_schema=False)
    assert set(sales["取引先コード"].drop_nulls()) == set(cu["customer_code"])
    assert cu["customer_code"].n_unique() == len(cu) == MEDIUM["customers"]
    ct = read(medium, "contacts")
    tc = pl.read_csv(medium.files["truth_contacts"], infer_schema=False)
    assert set(ct["コンタクトID"]) == set(tc["contact_id"]) and tc["contact_id"].is_unique().all()
    co = read(medium, "companies")
    tco = pl.read_csv(medium.files["truth_companies"], infer_schema=False)
    assert set(tco["company_id"]) == set(co["企業コード"].drop_nulls()) - set(
        co.filter(pl.col("商号").is_null())["企業コード"]
    )
    assert set(cu["company_id"].drop_nulls()) <= set(tco["company_id"])


def test_potential_needs_all_attributes(medium: SampleSummary) -> None:
    """Employees alone or revenue alone rank clearly worse than a model on all attributes."""
    co = (
        pl.read_parquet(medium.files["companies"])
        .unique("企業コード", keep="first")
        .join(
            pl.read_csv(medium.files["truth_companies"], schema_overrides={"company_id": pl.String}),
            left_on="企業コード",
            right_on="company_id",
        )
        .drop_nulls(["従業員数", "売上高", "設立年"])
    )
    y = np.log(co["potential"].to_numpy())
    emp = np.log1p(co["従業員数"].to_numpy())
    rev = np.log1p(co["売上高"].to_numpy())
    age = END.year - co["設立年"].to_numpy()
    dummies = [(co[c] == v).to_numpy() for c in ("業種コード", "都道府県") for v in co[c].unique().sort()[1:]]
    age_bins = [(age >= a) & (age < b) for a, b in ((0, 3), (3, 10), (10, 25), (25, 60))]
    x = np.column_stack(
        [np.ones(len(co)), emp, rev, (co["上場区分"] != "非上場").to_numpy(), *age_bins, *dummies]
    )
    fit = x @ np.linalg.lstsq(x, y, rcond=None)[0]

    def spearman(a: np.ndarray, b: np.ndarray) -> float:
        return float(pl.DataFrame({"a": a, "b": b}).select(pl.corr("a", "b", method="spearman")).item())

    s_emp, s_rev, s_model = spearman(y, emp), spearman(y, rev), spearman(y, fit)
    assert 0.3 < s_emp < 0.6
    assert s_model > max(s_emp, s_rev) + 0.15


def test_company_fields_realistic(medium: SampleSummary) -> None:
    co = (
        pl.read_parquet(medium.files["companies"])
        .filter(pl.col("企業コード").is_not_null() & pl.col("商号").is_not_null())
        .unique("企業コード", keep="first", maintain_order=True)
    )
    assert co["都道府県"].n_unique() == 47
    assert co["都道府県"].value_counts(sort=True)["都道府県"][0] == "東京都"
    tokyo = co.filter((pl.col("都道府県") == "東京都") & pl.col("電話番号").is_not_null())
    assert tokyo["電話番号"].str.starts_with("03-").mean() > 0.8
    osaka_city = co.filter(pl.col("市区町村").str.starts_with("大阪市") & pl.col("電話番号").is_not_null())
    assert osaka_city["電話番号"].str.starts_with("06-").all()
    assert co["電話番号"].drop_nulls().str.replace_all("-", "").str.contains(r"^0\d{9}$").all()
    assert co["郵便番号"].drop_nulls().str.contains(r"^\d{3}-\d{4}$").all()
    assert co["フリガナ"].drop_nulls().str.contains(r"^[ァ-ヶー]+$").all()
    listed = (co["上場区分"] != "非上場").mean()
    assert 0.0005 < listed < 0.01
    assert co["商号"].drop_nulls().str.contains("株式会社").mean() > 0.6
    dom = co["ドメイン"].drop_nulls()
    assert dom.is_unique().all() and dom.str.contains(r"^[a-z0-9\-]+\.(co\.jp|com|jp|or\.jp|ac\.jp)$").all()
    emp = co["従業員数"].drop_nulls().to_numpy()
    assert np.median(emp) < 10 and emp.max() > 1000  # heavy tail


def test_invalid_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate(tmp_path, fmt="xls", **SMALL)
    with pytest.raises(ValueError):
        generate(tmp_path, companies=100, customers=80, contacts=10, sales_lines=200)
    with pytest.raises(ValueError):
        generate(tmp_path, companies=1000, customers=100, contacts=10, sales_lines=50)


def test_progress_lines(tmp_path: Path) -> None:
    lines: list[str] = []
    generate(tmp_path, progress=lines.append, **SMALL)
    assert any(line.startswith("companies: ") and "rows in" in line for line in lines)
    assert any(line.startswith("sales: ") for line in lines) and any(
        line.startswith("contacts: ") for line in lines
    )
