"""Sample web / MA activity with a hidden truth: each company's interest, and whether it is surging.

Activity is drawn from the hidden interest, so a benchmark can check that engagement scoring recovers
it (``pipelines/bench.py``): people at interested companies act more and more often in the ways that
matter (downloads, webinars, inquiries), over the last 12 months; surging companies add a burst in the
last 30 days. Rows arrive the way MA exports do: most name a known contact (by id, by email in any
letter case, or both), some only a company (IP-to-company or form fields), some an unknown person's
email. Built from plain frames (companies, contacts and their true company), so ``abm bench`` can add
activities to a cached dataset generated before they existed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from abm.sample import lexicon as L
from abm.sample.bad_rows import BAD_DATE, MISSING, NO_IDENTIFIER, _n_bad, _set_rows

# type as the sample's MA tool names it, share of rows at a company of no particular interest, points
TYPES: tuple[tuple[str, float, int], ...] = (
    ("Webページ閲覧", 0.55, 1),
    ("メール開封", 0.14, 0),
    ("メールクリック", 0.11, 1),
    ("資料ダウンロード", 0.09, 3),
    ("ウェビナー参加", 0.05, 5),
    ("展示会来場", 0.04, 5),
    ("問い合わせ", 0.02, 10),
)
# what an interested person does more of: downloads, webinars, events, inquiries
INTENT_WEIGHTS = (0.25, 0.0, 0.05, 0.25, 0.2, 0.1, 0.15)
PAGES = (
    "/",
    "/products/",
    "/products/abm/",
    "/pricing/",
    "/case-studies/",
    "/blog/",
    "/seminar/",
    "/contact/",
)
CAMPAIGNS = (
    "2026春 ABMセミナー",
    "製品デモウェビナー",
    "導入事例集DL",
    "展示会 Japan IT Week",
    "ニュースレター",
)
# rows at a company with known people: 75% name one of them, 15% the company alone, 10% an unknown person
SHARE_KNOWN, SHARE_COMPANY = 0.75, 0.15
DAYS, RECENT = 365, 30


def hidden_interest(
    rng: np.random.Generator, potential: np.ndarray, known: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(interest >= 0, surging) per company. Some are in market: more likely with more potential, and
    far more where we already know people (they met us before); a fifth of those surge now."""
    rank = potential.argsort().argsort() / max(len(potential) - 1, 1)
    in_market = rng.random(len(potential)) < 0.06 + 0.12 * rank + 0.35 * known
    interest = np.exp(rng.normal(0.0, 0.8, len(potential))) * np.where(in_market, 4.0, 0.4)
    surging = in_market & (rng.random(len(potential)) < 0.2)
    return interest, surging


def _pick(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    return rng.choice(len(weights), n, p=weights / weights.sum()) if n and len(weights) else np.zeros(0, int)


def _person_at(rng: np.random.Generator, company: np.ndarray, at: np.ndarray) -> np.ndarray:
    """A random contact (index) of each master company in ``at`` (each has one at least); ``company``:
    each contact's company index."""
    order = np.argsort(company, kind="stable")
    first = np.searchsorted(company[order], at, "left")
    count = np.searchsorted(company[order], at, "right") - first
    return order[first + (rng.random(len(at)) * count).astype(np.int64)]


def _name_variant(names: pl.Series, r: np.ndarray) -> pl.Series:
    """How a form or an IP-to-company service writes the name: as is, (株), ㈱, or no legal form."""
    k = pl.Series((r * 4).astype(np.int64))
    return pl.select(
        pl.when(k == 0)
        .then(names)
        .when(k == 1)
        .then(names.str.replace("株式会社", "(株)"))
        .when(k == 2)
        .then(names.str.replace("株式会社", "㈱"))
        .otherwise(names.str.replace("株式会社", "").str.strip_chars())
    ).to_series()


def make_activities(
    rng: np.random.Generator,
    companies: pl.DataFrame,
    contacts: pl.DataFrame,
    n: int,
    end_date: date,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(activity rows as text in canonical columns plus ``_bad``, truth: company_id, interest, surging).

    ``companies``: company_id, name, corporate_number, domain, potential (the master, one row each);
    ``contacts``: contact_id, email, company_name, company_id (null when off the master)."""
    nc = companies.height
    index = pl.DataFrame({"company_id": companies["company_id"], "i": np.arange(nc)})
    ct_co = contacts.select("company_id").join(index, on="company_id", how="left", maintain_order="left")["i"]
    ct_i = ct_co.fill_null(-1).to_numpy()
    people = np.bincount(ct_i[ct_i >= 0], minlength=nc)
    interest, surging = hidden_interest(rng, companies["potential"].to_numpy().astype(float), people > 0)
    # an off-master contact's company has an interest of its own, not in the truth (no company_id)
    ct_interest = np.where(ct_i >= 0, interest[np.maximum(ct_i, 0)], np.exp(rng.normal(-0.5, 1.0, len(ct_i))))
    ct_surging = np.where(ct_i >= 0, surging[np.maximum(ct_i, 0)], False)

    # who acted: a company drawn by its interest, so its activity follows its interest whether or not
    # we know its people; then one of its known people, the company alone, or an unknown person.
    # An off-master contact is a company of its own, seen through that person only.
    off = np.nonzero(ct_i < 0)[0]
    weight = np.concatenate([interest, ct_interest[off]])
    unit = _pick(rng, weight, n)
    master_unit = np.minimum(unit, nc - 1)
    is_off = unit >= nc
    has_people = is_off | (people[master_unit] > 0)
    u = rng.random(n)
    known_row = is_off | (has_people & (u < SHARE_KNOWN))
    company_row = ~known_row & np.where(has_people, u < SHARE_KNOWN + SHARE_COMPANY, u < 0.6)
    unknown_row = ~known_row & ~company_row
    at_known = unit[known_row]
    who = np.empty(len(at_known), np.int64)
    known_off = at_known >= nc
    who[known_off] = off[at_known[known_off] - nc]
    who[~known_off] = _person_at(rng, ct_i, at_known[~known_off])
    co_rows = np.concatenate([unit[company_row], unit[unknown_row]])
    n_known, n_company, n_unknown = len(who), int(company_row.sum()), int(unknown_row.sum())
    row_interest = np.concatenate([ct_interest[who], interest[co_rows]])
    row_surging = np.concatenate([ct_surging[who], surging[co_rows]])

    # identification of known contacts: id and email, id only, email only (its letter case as typed)
    how = rng.choice(3, n_known, p=[0.5, 0.2, 0.3])
    ct = contacts[who]
    email = ct["email"]
    upper = pl.Series(rng.random(n_known) < 0.15)
    email = pl.select(pl.when(upper).then(email.str.to_uppercase()).otherwise(email)).to_series()
    known = pl.DataFrame(
        {
            "contact_id": pl.select(pl.when(pl.Series(how < 2)).then(ct["contact_id"])).to_series(),
            "email": pl.select(pl.when(pl.Series(how != 1)).then(email)).to_series(),
            "company_name": pl.select(
                pl.when(pl.Series(rng.random(n_known) < 0.4)).then(ct["company_name"])
            ).to_series(),
            "corporate_number": pl.Series([None] * n_known, dtype=pl.String),
            "domain": pl.Series([None] * n_known, dtype=pl.String),
        }
    )
    # company-level rows: the company named (IP-to-company, forms), with its domain or 法人番号 at times
    cc = companies[co_rows[:n_company]]
    r = rng.random((3, n_company))
    company = pl.DataFrame(
        {
            "contact_id": pl.Series([None] * n_company, dtype=pl.String),
            "email": pl.Series([None] * n_company, dtype=pl.String),
            "company_name": _name_variant(cc["name"], r[0]),
            "corporate_number": pl.select(
                pl.when(pl.Series(r[1] < 0.25)).then(cc["corporate_number"])
            ).to_series(),
            "domain": pl.select(pl.when(pl.Series(r[2] < 0.5)).then(cc["domain"])).to_series(),
        }
    )
    # people not in the contacts file: an address at the company's domain, or free mail
    cu = companies[co_rows[n_company:]]
    local = pl.Series(rng.integers(1000, 99999, n_unknown)).cast(pl.String)
    free = pl.Series(np.array(L.FREE_MAIL)[rng.choice(len(L.FREE_MAIL), n_unknown, p=L.FREE_MAIL_WEIGHTS)])
    use_free = pl.Series(rng.random(n_unknown) < 0.3) | cu["domain"].is_null()
    unknown = pl.DataFrame(
        {
            "contact_id": pl.Series([None] * n_unknown, dtype=pl.String),
            "email": pl.select(
                pl.lit("user") + local + "@" + pl.when(use_free).then(free).otherwise(cu["domain"])
            ).to_series(),
            "company_name": pl.select(
                pl.when(pl.Series(rng.random(n_unknown) < 0.5)).then(cu["name"])
            ).to_series(),
            "corporate_number": pl.Series([None] * n_unknown, dtype=pl.String),
            "domain": pl.Series([None] * n_unknown, dtype=pl.String),
        }
    )
    rows = pl.concat([known, company, unknown])

    # what they did: an interested person's act is more often a high-intent one
    intent = row_interest / (row_interest + 3.0)
    base_p = np.array([t[1] for t in TYPES])
    kind = np.where(
        rng.random(n) < 0.5 * intent,
        rng.choice(len(TYPES), n, p=np.array(INTENT_WEIGHTS) / sum(INTENT_WEIGHTS)),
        rng.choice(len(TYPES), n, p=base_p / base_p.sum()),
    )
    # when: over the last year; a surging company's people did most of it in the last 30 days
    burst = row_surging & (rng.random(n) < 0.6)
    days_ago = np.where(burst, rng.integers(0, RECENT, n), rng.integers(0, DAYS, n))
    start = (np.datetime64(end_date, "D") - np.datetime64("1970-01-01", "D")).astype(np.int64) * 86400
    seconds = start + 9 * 3600 - days_ago * 86400 + rng.integers(0, 10 * 3600, n)  # office hours
    when = pl.Series(seconds * 1000).cast(pl.Datetime("ms"))
    dash = pl.Series(rng.random(n) < 0.3)
    date_text = pl.select(
        pl.when(dash)
        .then(when.dt.strftime("%Y-%m-%d %H:%M:%S"))
        .otherwise(when.dt.strftime("%Y/%m/%d %H:%M"))
    ).to_series()
    points = pl.Series(np.array([t[2] for t in TYPES])[kind]).cast(pl.String)
    page = pl.Series(np.array(PAGES)[rng.integers(0, len(PAGES), n)])
    campaign = pl.Series(np.array(CAMPAIGNS)[rng.integers(0, len(CAMPAIGNS), n)])
    kind_s = pl.Series(kind)
    out = rows.with_columns(
        date=date_text,
        activity_type=pl.Series(np.array([t[0] for t in TYPES])[kind]),
        url=pl.when(kind_s <= 3).then(pl.lit("https://www.example-abm.jp") + page),
        points=pl.when(pl.Series(rng.random(n) < 0.5)).then(points),
        campaign=pl.when(kind_s >= 4).then(campaign),
        _when=when,
    )
    out = out.sort("_when", maintain_order=True).select(  # an export lists activity in time order
        "date",
        "activity_type",
        "contact_id",
        "email",
        "company_name",
        "corporate_number",
        "domain",
        "url",
        "points",
        "campaign",
    )
    truth = pl.DataFrame(
        {
            "company_id": companies["company_id"],
            "interest": pl.Series(interest).round_sig_figs(6),
            "surging": surging,
        }
    ).sort("company_id")
    return bad_activities(rng, out), truth


def bad_activities(rng: np.random.Generator, df: pl.DataFrame) -> pl.DataFrame:
    """A few rows the loader must reject: no date, an impossible date, no type, nothing identifying."""
    n = len(df)
    k = _n_bad(n, 4)
    df = df.with_columns(_bad=pl.lit(None, pl.String))
    if not k:
        return df
    rows = rng.choice(n, 4 * k, replace=False)
    nodate, baddate, notype, noid = rows[:k], rows[k : 2 * k], rows[2 * k : 3 * k], rows[3 * k :]
    df = _set_rows(df, "date", nodate, pl.Series([None] * k, dtype=pl.String))
    df = _set_rows(
        df,
        "date",
        baddate,
        np.array(["2026/13/01 10:00", "2025-02-30", "昨日"])[rng.integers(0, 3, k)].tolist(),
    )
    df = _set_rows(df, "activity_type", notype, pl.Series([None] * k, dtype=pl.String))
    for col in ("contact_id", "email", "company_name", "corporate_number", "domain"):
        df = _set_rows(df, col, noid, pl.Series([None] * k, dtype=pl.String))
    for r, reason in ((nodate, MISSING), (baddate, BAD_DATE), (notype, MISSING), (noid, NO_IDENTIFIER)):
        df = _set_rows(df, "_bad", r, [reason] * len(r))
    return df


def add_activities(folder: Path, seed: int = 42, end_date: date = date(2026, 9, 30)) -> Path:
    """Write activities (and truth/engagement.csv, their bad rows appended to truth/bad_rows.csv) into a
    generated dataset that has none: one generated before activities existed (``abm bench``'s cache).

    Reads the dataset's own companies, contacts and truth; writes the activities file in the dataset's
    format, atomically (a half-written file is never taken for a whole one)."""
    from abm.sample.bad_rows import bad_list
    from abm.sample.files import ACTIVITY_HEADERS, write_frame

    parquet = (folder / "companies.parquet").exists() and (folder / "contacts.parquet").exists()
    kind, ext = ("parquet", "parquet") if parquet else ("csv", "csv")
    target = folder / f"activities.{ext}"
    if target.exists():
        return target
    read = pl.read_parquet if parquet else (lambda p: pl.read_csv(p, infer_schema=False))
    master = (
        read(folder / f"companies.{ext}")
        .select(
            pl.col("企業コード").cast(pl.String).alias("company_id"),
            pl.col("商号").alias("name"),
            pl.col("法人番号").cast(pl.String).alias("corporate_number"),
            pl.col("ドメイン").alias("domain"),
        )
        .drop_nulls(["company_id", "name"])
        .unique("company_id", keep="first", maintain_order=True)
    )
    potential = pl.read_csv(folder / "truth" / "companies.csv", schema_overrides={"company_id": pl.String})
    master = master.join(potential, on="company_id", how="inner", maintain_order="left")
    people = read(folder / f"contacts.{ext}").select(
        pl.col("コンタクトID").alias("contact_id"),
        pl.col("メールアドレス").alias("email"),
        pl.col("会社名").alias("company_name"),
    )
    truth = pl.read_csv(folder / "truth" / "contacts.csv", infer_schema=False).select(
        "contact_id", "company_id"
    )
    people = (
        people.filter(pl.col("email").str.contains("^[^@]+@[^@]+\\.[^@]+$"))
        .unique("contact_id", keep="first", maintain_order=True)
        .join(truth, on="contact_id", how="left", maintain_order="left")
    )
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(8)[7])  # generate()'s activities stream
    rows, engagement = make_activities(rng, master, people, 10 * people.height, end_date)
    part = folder / f".activities.{ext}.part"
    write_frame(rows.drop("_bad").rename(ACTIVITY_HEADERS), part, kind)
    engagement.write_csv(folder / "truth" / "engagement.csv")
    bad = pl.read_csv(folder / "truth" / "bad_rows.csv", schema_overrides={"row": pl.Int64})
    bad = bad.filter(pl.col("file") != target.name)
    pl.concat([bad, bad_list(rows, target.name)]).write_csv(folder / "truth" / "bad_rows.csv")
    part.rename(target)
    return target
