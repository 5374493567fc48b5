"""Sample sales lines: revenue concentrated like a B2B firm's, dates and amounts in ERP styles."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from abm.sample import lexicon as L
from abm.sample.dirty import FW_DIGITS


def shift_months(d: date, months: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    m += 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(y, m, day)
        except ValueError:
            continue
    raise ValueError(d)


def top_share(revenue: np.ndarray, top: float = 0.2) -> float:
    """Share of positive revenue held by the top ``top`` fraction of customers with positive revenue."""
    pos = np.sort(revenue[revenue > 0])[::-1]
    if len(pos) == 0:
        return 0.0
    k = max(1, int(np.ceil(top * len(pos))))
    return float(pos[:k].sum() / pos.sum())


def format_dates(days: pl.Expr, kind: pl.Expr) -> pl.Expr:
    """Date strings in ERP styles: kind 0 2025/04/01, 1 2025-04-01, 2 20250401, 3 令和7年4月1日."""
    y, m, d = days.dt.year(), days.dt.month(), days.dt.day()
    reiwa = days >= pl.date(2019, 5, 1)
    era_year = pl.when(reiwa).then(y - 2018).otherwise(y - 1988)
    era_y = pl.when(era_year == 1).then(pl.lit("元")).otherwise(era_year.cast(pl.String))
    wareki = pl.concat_str(
        pl.when(reiwa).then(pl.lit("令和")).otherwise(pl.lit("平成")),
        era_y,
        pl.lit("年"),
        m.cast(pl.String),
        pl.lit("月"),
        d.cast(pl.String),
        pl.lit("日"),
    )
    return (
        pl.when(kind == 0)
        .then(days.dt.strftime("%Y/%m/%d"))
        .when(kind == 1)
        .then(days.dt.strftime("%Y-%m-%d"))
        .when(kind == 2)
        .then(days.dt.strftime("%Y%m%d"))
        .otherwise(wareki)
    )


def format_amounts(amount: pl.Expr, kind: pl.Expr) -> pl.Expr:
    """Amount strings: kind 0 plain 1234000, 1 with commas 1,234,000, 2 full-width digits １２３４０００."""
    plain = amount.cast(pl.String)
    digits = (
        amount.abs()
        .cast(pl.String)
        .str.reverse()
        .str.replace_all(r"(\d{3})", "${1},")
        .str.strip_chars_end(",")
    )
    commas = pl.when(amount < 0).then(pl.lit("-")).otherwise(pl.lit("")) + digits.str.reverse()
    full = plain.str.replace_many(list(FW_DIGITS), list(FW_DIGITS.values()))
    return pl.when(kind == 0).then(plain).when(kind == 1).then(commas).otherwise(full)


def make_sales(
    rng: np.random.Generator,
    ents: pl.DataFrame,
    code_ent: np.ndarray,
    sales_lines: int,
    end_date: date,
    target_share: float = 0.78,
) -> tuple[pl.DataFrame, float]:
    """Sales lines of the customer codes (``code_ent`` = entity row of each code), ordered by date.

    Returns the lines (with an internal ``code_idx``) and the top-20% revenue share over the last 12 months.
    """
    n_codes = len(code_ent)
    if sales_lines < n_codes:
        raise ValueError(f"sales_lines ({sales_lines}) must be at least customers ({n_codes})")
    pot = ents["potential"].to_numpy()[code_ent]
    first = np.ones(n_codes, bool)
    first[1:] = code_ent[1:] != code_ent[:-1]
    z = np.log(pot) + rng.normal(0, 0.6, n_codes) + np.where(first, 0.0, -1.2)
    z = (z - z.mean()) / (z.std() or 1.0)
    p = np.exp(0.9 * z)
    counts = 1 + rng.multinomial(sales_lines - n_codes, p / p.sum())
    code = np.repeat(np.arange(n_codes), counts)
    n = len(code)
    start = shift_months(end_date + timedelta(days=1), -24)
    w12 = (shift_months(end_date + timedelta(days=1), -12) - start).days
    span = (end_date - start).days + 1
    life = rng.random(n_codes)
    s_off = np.where(life > 0.85, rng.uniform(0.3, 0.95, n_codes) * span, 0).astype(np.int64)
    e_off = np.where((life > 0.7) & (life <= 0.85), rng.uniform(0.25, 0.85, n_codes) * span, span - 1).astype(
        np.int64
    )
    day = s_off[code] + (rng.random(n) * (e_off[code] - s_off[code] + 1)).astype(np.int64)
    u = rng.lognormal(0, 0.8, n)
    ret = rng.random(n) < 0.02
    val = np.where(ret, -0.6 * u, u)
    tot = np.bincount(code, weights=u, minlength=n_codes)
    f12 = np.bincount(code, weights=val * (day >= w12), minlength=n_codes) / tot

    lo, hi = 0.0, 6.0
    for _ in range(50):
        mid = (lo + hi) / 2
        if top_share(np.exp(mid * z) * f12) < target_share:
            lo = mid
        else:
            hi = mid
    spend = np.exp(lo * z)
    spend *= 1_200_000 / np.median(spend)
    raw = spend[code] * val / tot[code]
    amount = np.where(np.abs(raw) >= 10_000, np.round(raw / 100) * 100, np.round(raw / 10) * 10)
    amount = np.where(amount == 0, np.where(ret, -10, 10), amount).astype(np.int64)
    share = top_share(np.bincount(code, weights=amount * (day >= w12), minlength=n_codes))

    order = np.lexsort((rng.random(n), day))
    code, day, amount = code[order], day[order], amount[order]
    df = pl.DataFrame({"code_idx": code, "day": day, "amount": amount}).with_columns(
        date=pl.lit(start) + pl.duration(days=pl.col("day")),
        date_kind=pl.Series(rng.choice(4, n, p=[0.70, 0.15, 0.12, 0.03])),
        amount_kind=pl.Series(rng.choice(3, n, p=[0.80, 0.13, 0.07])),
        product=pl.Series(L.PRODUCTS).gather(pl.Series(rng.integers(0, len(L.PRODUCTS), n))),
    )
    df = df.with_columns(
        date_text=format_dates(pl.col("date"), pl.col("date_kind")),
        amount_text=format_amounts(pl.col("amount"), pl.col("amount_kind")),
    )
    return df, share
