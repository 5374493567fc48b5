"""``generate``: write a seeded, realistic sample of the three inputs plus the truth behind them."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter

from abm.sample.companies import make_companies, unique_ints
from abm.sample.records import (
    CONTACT_MIX,
    CUSTOMER_MIX,
    address_variants,
    dirty_names,
    make_contacts,
    make_sales,
    phone_variants,
)

FORMATS = ("sample", "parquet", "csv")
COMPANY_HEADERS = {
    "company_id": "企業コード",
    "name": "商号",
    "corporate_number": "法人番号",
    "name_kana": "フリガナ",
    "name_en": "英文商号",
    "prefecture": "都道府県",
    "city": "市区町村",
    "address": "所在地",
    "postal_code": "郵便番号",
    "phone": "電話番号",
    "domain": "ドメイン",
    "industry_code": "業種コード",
    "industry_name": "業種名",
    "employees": "従業員数",
    "revenue": "売上高",
    "capital": "資本金",
    "founded_year": "設立年",
    "listed": "上場区分",
}
SALES_HEADERS = {
    "date": "受注日",
    "customer_code": "取引先コード",
    "customer_name": "取引先名",
    "amount": "売上金額",
    "corporate_number": "法人番号",
    "prefecture": "都道府県",
    "address": "住所",
    "phone": "電話番号",
    "product": "商品名",
}
CONTACT_HEADERS = {
    "contact_id": "コンタクトID",
    "company_name": "会社名",
    "email": "メールアドレス",
    "opt_in": "オプトイン",
    "person_name": "氏名",
    "department": "部署",
    "title": "役職",
    "phone": "電話番号",
    "opted_out_at": "配信停止日",
    "prefecture": "都道府県",
    "address": "会社住所",
}
MISSING, BAD_DATE, BAD_AMOUNT = "missing required value", "unparseable date", "unparseable amount"
DUPLICATE, BAD_CN, BAD_EMAIL = "duplicate key", "invalid corporate number", "malformed email"
BAD_RATE = 0.002
XLSX_CREATED = datetime(2026, 1, 1, 9, 0, 0)


@dataclass(frozen=True)
class SampleSummary:
    """What ``generate`` wrote: file paths, row counts, bad rows, time and the revenue concentration."""

    out_dir: Path
    fmt: str
    seed: int
    files: dict[str, Path]
    rows: dict[str, int]
    bad_rows: dict[str, int]
    seconds: float
    top20_share: float  # share of last-12-month revenue held by the top 20% of customer codes
    variants: dict[str, dict[str, int]]  # name variant counts for "customers" and "contacts"


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


def _bad_companies(rng: np.random.Generator, co: pl.DataFrame) -> pl.DataFrame:
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


def _bad_sales(rng: np.random.Generator, sales: pl.DataFrame, line_code: np.ndarray) -> pl.DataFrame:
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


def _bad_contacts(rng: np.random.Generator, ct: pl.DataFrame) -> pl.DataFrame:
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


def _write(df: pl.DataFrame, path: Path, kind: str) -> None:
    if kind == "parquet":
        df.write_parquet(path, compression="zstd", statistics=False)
    elif kind == "csv":
        df.write_csv(path)
    elif kind == "cp932":
        text = df.write_csv(line_terminator="\r\n")
        path.write_bytes(text.encode("cp932"))
    elif kind == "xlsx":
        wb = xlsxwriter.Workbook(
            str(path), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
        )
        wb.set_properties({"created": XLSX_CREATED, "author": "abm sample"})
        ws = wb.add_worksheet("contacts")
        for j, col in enumerate(df.columns):
            ws.write_string(0, j, col)
            for i, v in enumerate(df[col].to_list(), start=1):
                if v is not None:
                    ws.write_string(i, j, v)
        wb.close()
    else:  # pragma: no cover
        raise ValueError(kind)


def _bad_list(df: pl.DataFrame, file: str) -> pl.DataFrame:
    return (
        df.with_row_index("row", offset=2)
        .filter(pl.col("_bad").is_not_null())
        .select(pl.lit(file).alias("file"), pl.col("row").cast(pl.Int64), pl.col("_bad").alias("reason"))
    )


def generate(
    out_dir: Path,
    companies: int = 20_000,
    customers: int = 2_000,
    contacts: int = 10_000,
    sales_lines: int = 100_000,
    seed: int = 42,
    fmt: str = "sample",
    end_date: date = date(2026, 9, 30),
    progress: Callable[[str], None] | None = None,
) -> SampleSummary:
    """Write companies / sales / contacts input files and ``truth/`` into ``out_dir``.

    ``fmt``: "sample" (companies.parquet, CP932 sales.csv, contacts.xlsx), "parquet" or "csv" (UTF-8).
    Same arguments give byte-identical files.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    if companies < 10 or customers < 1 or contacts < 0 or customers > companies // 2:
        raise ValueError("need companies >= 10, 1 <= customers <= companies / 2, contacts >= 0")
    t0 = time.perf_counter()
    say = progress or (lambda _msg: None)
    out_dir = Path(out_dir)
    (out_dir / "truth").mkdir(parents=True, exist_ok=True)
    streams = np.random.SeedSequence(seed).spawn(7)
    rng_co, rng_cu, rng_sa, rng_ct, rng_nm, rng_bad, rng_vis = (np.random.default_rng(s) for s in streams)

    # --- customer entity structure, off-master companies needed
    n_multi = round(0.05 * customers / 1.075)
    extra = rng_cu.choice([1, 2], n_multi)
    n_ent = customers - int(extra.sum())
    n_ent_off = round(0.10 * n_ent)
    n_ent_m = n_ent - n_ent_off
    n_off = n_ent_off + max(n_ent_off, round(0.15 * contacts / 2.5), 1)

    t = time.perf_counter()
    ents = make_companies(rng_co, companies + n_off, end_date.year)
    ents = ents.with_columns(
        entity_id=pl.when(pl.int_range(pl.len()) < companies)
        .then(pl.col("company_id"))
        .otherwise(pl.lit("X") + (pl.int_range(pl.len()) - companies + 1).cast(pl.String).str.zfill(8))
    )
    master = ents.head(companies)
    vis = {c: rng_vis.random(companies) for c in COMPANY_HEADERS}
    emp = master["employees"].to_numpy()
    size = np.log10(emp + 1)
    show = {
        "corporate_number": vis["corporate_number"] < 0.95,
        "name_kana": vis["name_kana"] < 0.97,
        "name_en": vis["name_en"] < np.clip(0.2 + 0.18 * size, 0, 0.98),
        "domain": vis["domain"] < np.clip(0.35 + 0.2 * size, 0, 0.98),
        "address": vis["address"] < 0.97,
        "postal_code": vis["postal_code"] < 0.95,
        "phone": vis["phone"] < 0.92,
        "employees": vis["employees"] < 0.93,
        "revenue": vis["revenue"] < np.clip(0.6 + 0.12 * size, 0, 0.99),
        "capital": (vis["capital"] < 0.9) & (master["capital"].to_numpy() > 0),
        "founded_year": vis["founded_year"] < 0.96,
    }
    co = (
        master.select(
            "company_id",
            "name",
            "corporate_number",
            pl.col("kana").alias("name_kana"),
            "name_en",
            "prefecture",
            pl.col("city_name").alias("city"),
            "address",
            "postal_code",
            "phone",
            "domain",
            "industry_code",
            "industry_name",
            "employees",
            "revenue",
            "capital",
            "founded_year",
            "listed",
        )
        .with_columns(**{c: pl.when(pl.Series(m)).then(pl.col(c)) for c, m in show.items()})
        .sort("company_id")
    )
    truth_companies = co.select("company_id").join(
        master.select("company_id", pl.col("potential").round_sig_figs(6)),
        on="company_id",
        how="left",
        maintain_order="left",
    )
    co = _bad_companies(rng_bad, co)
    say(f"companies: {len(co):,} rows in {time.perf_counter() - t:.1f}s")

    # --- customers: master companies chosen by potential (Gumbel top-k), plus off-master companies
    t = time.perf_counter()
    key = np.log(master["potential"].to_numpy()) + rng_cu.gumbel(size=companies)
    pick = np.argpartition(-key, n_ent_m - 1)[:n_ent_m] if n_ent_m else np.empty(0, np.int64)
    pick = pick[np.argsort(-key[pick], kind="stable")]
    ent_list = np.concatenate([pick, companies + np.arange(n_ent_off)])[rng_cu.permutation(n_ent)]
    counts = np.ones(n_ent, np.int64)
    counts[rng_cu.choice(n_ent, n_multi, replace=False)] += extra
    code_ent = np.repeat(ent_list, counts)
    first = np.ones(customers, bool)
    first[1:] = code_ent[1:] != code_ent[:-1]
    width = max(6, len(str(customers * 5)))
    code_str = pl.Series(unique_ints(rng_cu, 1, 10**width, customers)).cast(pl.String).str.zfill(width)
    code_str = "C" + code_str
    cname, cvariant = dirty_names(ents, code_ent, rng_nm, CUSTOMER_MIX, not_exact=~first)
    ce = ents[code_ent]
    r = rng_cu.random((6, customers))
    cust = pl.DataFrame(
        {
            "customer_code": code_str,
            "customer_name": cname,
            "corporate_number": ce["corporate_number"].to_numpy(),
            "prefecture": ce["prefecture"].to_numpy(),
            "address": ce["address"].to_numpy(),
            "phone": ce["phone"].to_numpy(),
        }
    ).with_columns(
        corporate_number=pl.when(pl.Series(r[0] < 0.3)).then(pl.col("corporate_number")),
        prefecture=pl.when(pl.Series(r[1] < 0.5)).then(pl.col("prefecture")),
        # the ERP's billing address: most customer codes have one
        address=pl.when(pl.Series(r[4] < 0.7)).then(address_variants(pl.col("address"), pl.Series(r[5]))),
        phone=pl.when(pl.Series(r[2] < 0.35)).then(phone_variants(pl.col("phone"), pl.Series(r[3]))),
    )
    lines, share = make_sales(rng_sa, ents, code_ent, sales_lines, end_date)
    line_code = lines["code_idx"].to_numpy()
    sales = cust[line_code].select(
        lines["date_text"].alias("date"),
        "customer_code",
        "customer_name",
        lines["amount_text"].alias("amount"),
        "corporate_number",
        "prefecture",
        "address",
        "phone",
        lines["product"].alias("product"),
    )
    sales = _bad_sales(rng_bad, sales, line_code)
    truth_customers = (
        pl.DataFrame(
            {
                "customer_code": code_str,
                "company_id": ce["company_id"].to_numpy(),
                "entity_id": ce["entity_id"].to_numpy(),
                "variant": cvariant,
            }
        )
        .with_columns(company_id=pl.when(pl.Series(code_ent < companies)).then(pl.col("company_id")))
        .sort("customer_code")
    )
    say(
        f"sales: {len(sales):,} lines, {customers:,} customer codes in {time.perf_counter() - t:.1f}s "
        f"(top 20% of customers = {share:.1%} of last-12-month revenue)"
    )

    # --- contacts
    t = time.perf_counter()
    ct = make_contacts(rng_ct, ents, companies, ent_list, contacts, end_date)
    ct_ent = ct["ent"].to_numpy()
    ctname, ctvariant = dirty_names(ents, ct_ent, rng_nm, CONTACT_MIX)
    ids = "L" + pl.Series(np.arange(1, contacts + 1)).cast(pl.String).str.zfill(max(7, len(str(contacts))))
    cte = ents[ct_ent]
    truth_contacts = pl.DataFrame(
        {
            "contact_id": ids,
            "company_id": cte["company_id"].to_numpy(),
            "entity_id": cte["entity_id"].to_numpy(),
            "variant": ctvariant,
        }
    ).with_columns(company_id=pl.when(pl.Series(ct_ent < companies)).then(pl.col("company_id")))
    ct = ct.with_columns(contact_id=ids, company_name=ctname).select(list(CONTACT_HEADERS))
    ct = _bad_contacts(rng_bad, ct)
    say(f"contacts: {len(ct):,} rows in {time.perf_counter() - t:.1f}s")

    # --- write
    t = time.perf_counter()
    kinds = {"sample": ("parquet", "cp932", "xlsx"), "parquet": ("parquet",) * 3, "csv": ("csv",) * 3}[fmt]
    ext = {"parquet": "parquet", "cp932": "csv", "csv": "csv", "xlsx": "xlsx"}
    files: dict[str, Path] = {}
    bad_parts = []
    for (name, df, headers), kind in zip(
        (
            ("companies", co, COMPANY_HEADERS),
            ("sales", sales, SALES_HEADERS),
            ("contacts", ct, CONTACT_HEADERS),
        ),
        kinds,
        strict=True,
    ):
        path = out_dir / f"{name}.{ext[kind]}"
        _write(df.drop("_bad").rename(headers), path, kind)
        files[name] = path
        bad_parts.append(_bad_list(df, path.name))
    bad = pl.concat(bad_parts)
    for name, df in (
        ("companies", truth_companies),
        ("customers", truth_customers),
        ("contacts", truth_contacts),
        ("bad_rows", bad),
    ):
        path = out_dir / "truth" / f"{name}.csv"
        df.write_csv(path)
        files[f"truth_{name}"] = path
    say(f"write: {fmt} files in {time.perf_counter() - t:.1f}s")

    seconds = time.perf_counter() - t0
    variants = {
        "customers": dict(sorted(zip(*np.unique(cvariant, return_counts=True), strict=True))),
        "contacts": dict(sorted(zip(*np.unique(ctvariant, return_counts=True), strict=True))),
    }
    variants = {k: {str(a): int(b) for a, b in v.items()} for k, v in variants.items()}
    summary = SampleSummary(
        out_dir=out_dir,
        fmt=fmt,
        seed=seed,
        files=files,
        rows={"companies": len(co), "sales": len(sales), "contacts": len(ct), "customers": customers},
        bad_rows={f: int(c) for f, c in bad.group_by("file").len().sort("file").iter_rows()},
        seconds=seconds,
        top20_share=share,
        variants=variants,
    )
    say(f"done: {out_dir} in {seconds:.1f}s")
    return summary
