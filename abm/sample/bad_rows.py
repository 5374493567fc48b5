"""Deliberately bad rows in the sample inputs, one kind per reason the loader rejects, at ~0.2%.

Each bad row is marked in a ``_bad`` column with the reason the loader must give, so the truth files
list exactly which rows ``rejects`` has to hold (nothing lost, nothing silent).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from abm.sample.companies import unique_ints

MISSING, BAD_DATE, BAD_AMOUNT = "missing required value", "unparseable date", "unparseable amount"
DUPLICATE, BAD_CN, BAD_EMAIL = "duplicate key", "invalid corporate number", "malformed email"
NO_IDENTIFIER = "no identifying value"
BAD_RATE = 0.002


def _n_bad(n: int, reasons: int) -> int:
    return max(1, round(BAD_RATE * n / reasons)) if n >= 20 else 0


def _wrong_check_digit(rng: np.random.Generator, cn: pl.Series) -> pl.Series:
    first = cn.str.slice(0, 1).cast(pl.Int64).to_numpy()
    new = (first + rng.integers(1, 10, len(cn))) % 10
    return pl.Series(new).cast(pl.String) + cn.str.slice(1)


def _set_rows(df: pl.DataFrame, col: str, rows: np.ndarray, values) -> pl.DataFrame:
    s = df[col].clone()
    if len(rows):
        s = s.scatter(rows, values)
    return df.with_columns(s.alias(col))


def _order_rows(base: pl.DataFrame, extra: pl.DataFrame, extra_key: np.ndarray) -> pl.DataFrame:
    """Base rows keep their order (key 2i); extra rows go at odd keys; '_bad' marks bad rows."""
    b = base.with_columns(_key=pl.Series(np.arange(len(base), dtype=np.int64) * 2))
    e = extra.with_columns(_key=pl.Series(extra_key.astype(np.int64)))
    return pl.concat([b, e], how="vertical").sort("_key", maintain_order=True).drop("_key")


def bad_companies(rng: np.random.Generator, co: pl.DataFrame) -> pl.DataFrame:
    n = len(co)
    k = _n_bad(n, 3)
    co = co.with_columns(_bad=pl.lit(None, pl.String))
    if not k:
        return co
    has_cn = np.nonzero(co["corporate_number"].is_not_null().to_numpy())[0]
    cn_rows = np.sort(rng.choice(has_cn, min(k, len(has_cn)), replace=False))
    co = _set_rows(
        co, "corporate_number", cn_rows, _wrong_check_digit(rng, co["corporate_number"].gather(cn_rows))
    )
    co = _set_rows(co, "_bad", cn_rows, [BAD_CN] * len(cn_rows))
    others = np.setdiff1d(np.arange(n), cn_rows)
    src = rng.choice(others, 2 * k, replace=False)
    dup_src, miss_src = np.sort(src[:k]), src[k:]
    dups = co[dup_src].with_columns(_bad=pl.lit(DUPLICATE))
    taken = set(co["company_id"].to_list())
    new_ids = [i for i in unique_ints(rng, 100_000_000, 1_000_000_000, 3 * k).astype(str) if i not in taken][
        :k
    ]
    miss = co[miss_src].with_columns(
        company_id=pl.Series(new_ids), corporate_number=pl.lit(None, pl.String), _bad=pl.lit(MISSING)
    )
    blank_id = rng.random(k) < 0.4
    miss = miss.with_columns(
        company_id=pl.when(pl.Series(blank_id)).then(None).otherwise(pl.col("company_id")),
        name=pl.when(pl.Series(blank_id)).then(pl.col("name")).otherwise(None),
    )
    keys = np.concatenate([dup_src * 2 + 1, rng.integers(0, n, k) * 2 + 1])
    return _order_rows(co, pl.concat([dups, miss]), keys)


def bad_sales(rng: np.random.Generator, sales: pl.DataFrame, line_code: np.ndarray) -> pl.DataFrame:
    n = len(sales)
    k = _n_bad(n, 4)
    sales = sales.with_columns(_bad=pl.lit(None, pl.String))
    if not k:
        return sales
    counts = np.bincount(line_code)
    ok = counts[line_code] >= 3  # a customer code never disappears because of its bad lines
    has_cn = sales["corporate_number"].is_not_null().to_numpy()
    cand_cn = np.nonzero(ok & has_cn)[0]
    cn_rows = rng.choice(cand_cn, min(k, len(cand_cn)), replace=False)
    rest = rng.choice(np.setdiff1d(np.nonzero(ok)[0], cn_rows), 3 * k, replace=False)
    miss, bdate, bamt = rest[:k], rest[k : 2 * k], rest[2 * k :]
    sales = _set_rows(
        sales, "corporate_number", cn_rows, _wrong_check_digit(rng, sales["corporate_number"].gather(cn_rows))
    )
    bad_dates = np.array(["2025/13/45", "TBD", "2026/02/30", "未定", "9999/99/99"])
    sales = _set_rows(sales, "date", bdate, bad_dates[rng.integers(0, len(bad_dates), k)].tolist())
    bad_amounts = np.array(["abc", "12-34", "1.2.3", "#VALUE!", "未定"])
    sales = _set_rows(sales, "amount", bamt, bad_amounts[rng.integers(0, len(bad_amounts), k)].tolist())
    which = rng.integers(0, 4, k)
    for j, col in enumerate(("date", "customer_code", "customer_name", "amount")):
        rows = miss[which == j]
        sales = _set_rows(sales, col, rows, pl.Series([None] * len(rows), dtype=pl.String))
    for rows, reason in ((cn_rows, BAD_CN), (miss, MISSING), (bdate, BAD_DATE), (bamt, BAD_AMOUNT)):
        sales = _set_rows(sales, "_bad", rows, [reason] * len(rows))
    return sales


def bad_contacts(rng: np.random.Generator, ct: pl.DataFrame) -> pl.DataFrame:
    n = len(ct)
    k = _n_bad(n, 4)
    ct = ct.with_columns(_bad=pl.lit(None, pl.String))
    if not k:
        return ct
    rows = rng.choice(n, 4 * k, replace=False)
    miss, bmail, bdate, dup_src = rows[:k], rows[k : 2 * k], rows[2 * k : 3 * k], np.sort(rows[3 * k :])
    which = rng.integers(0, 3, k)
    for j, col in enumerate(("company_name", "email", "opt_in")):
        r = miss[which == j]
        ct = _set_rows(ct, col, r, pl.Series([None] * len(r), dtype=pl.String))
    parts = ct["email"].gather(bmail).str.split_exact("@", 1).struct.unnest()
    style = pl.Series(rng.integers(0, 3, k))
    broken = pl.DataFrame({"l": parts["field_0"], "d": parts["field_1"], "s": style}).select(
        pl.when(pl.col("s") == 0)
        .then(pl.col("l") + "@")
        .when(pl.col("s") == 1)
        .then(pl.col("l") + "." + pl.col("d"))
        .otherwise("@" + pl.col("d"))
        .alias("e")
    )["e"]
    ct = _set_rows(ct, "email", bmail, broken)
    ct = _set_rows(
        ct,
        "opted_out_at",
        bdate,
        np.array(["TBD", "2025/13/45", "未定", "2024/02/31"])[rng.integers(0, 4, k)].tolist(),
    )
    for r, reason in ((miss, MISSING), (bmail, BAD_EMAIL), (bdate, BAD_DATE)):
        ct = _set_rows(ct, "_bad", r, [reason] * len(r))
    dups = ct[dup_src].with_columns(_bad=pl.lit(DUPLICATE))
    keys = (dup_src + (rng.random(k) * (n - dup_src)).astype(np.int64)) * 2 + 1
    return _order_rows(ct, dups, keys)


def bad_list(df: pl.DataFrame, file: str) -> pl.DataFrame:
    return (
        df.with_row_index("row", offset=2)
        .filter(pl.col("_bad").is_not_null())
        .select(pl.lit(file).alias("file"), pl.col("row").cast(pl.Int64), pl.col("_bad").alias("reason"))
    )
