"""Comparison keys derived from the master and from the records to link (vectorised polars)."""

from __future__ import annotations

import polars as pl

from abm.normalize import english_key, kana_key, legal_form, normalize_name, reading_key

_JP_SLD = ("co", "or", "ne", "ac", "ad", "ed", "go", "gr", "lg")


def text(df: pl.DataFrame, name: str) -> pl.Expr:
    """Column ``name`` as a string expression, or an all-null one when the frame lacks it."""
    return pl.col(name).cast(pl.String) if name in df.columns else pl.lit(None, dtype=pl.String)


def corporate_number(col: pl.Expr) -> pl.Expr:
    """13-digit 法人番号 with a valid check digit, else null.

    The check digit (first digit) is 9 - (Σ P_n·Q_n mod 9) over the other 12 digits P_n counted from
    the right, with Q_n = 1 for odd n and 2 for even n.
    """
    digits = col.str.normalize("NFKC").str.replace_all(r"[^0-9]", "")
    weighted = pl.sum_horizontal(
        digits.str.slice(13 - n, 1).cast(pl.Int32, strict=False) * (1 if n % 2 else 2) for n in range(1, 13)
    )
    check = digits.str.slice(0, 1).cast(pl.Int32, strict=False)
    ok = (digits.str.len_chars() == 13) & (check == 9 - weighted % 9)
    return pl.when(ok).then(digits).otherwise(None)


def phone_digits(col: pl.Expr) -> pl.Expr:
    """Phone as national digits (+81 / 81 → 0); null unless 10–11 digits."""
    d = col.str.normalize("NFKC").str.replace_all(r"[^0-9+]", "")
    d = d.str.replace(r"^\+?81", "0").str.replace_all(r"\+", "")
    n = d.str.len_chars()
    return pl.when((n >= 10) & (n <= 11) & d.str.starts_with("0")).then(d).otherwise(None)


def registered_domain(col: pl.Expr) -> pl.Expr:
    """Registered domain of a URL, host or email domain (www.abc.co.jp/x → abc.co.jp)."""
    host = (
        col.str.normalize("NFKC")
        .str.to_lowercase()
        .str.strip_chars()
        .str.replace(r"^[a-z][a-z0-9+.\-]*://", "")
        .str.replace(r"^.*@", "")
        .str.replace(r"[/:?#].*$", "")
        .str.strip_chars(".")
    )
    labels = host.str.split(".")
    n = labels.list.len()
    jp_sld = (labels.list.get(-1, null_on_oob=True) == "jp") & labels.list.get(-2, null_on_oob=True).is_in(
        _JP_SLD
    )
    keep = pl.when(jp_sld & (n >= 3)).then(3).otherwise(2)
    out = labels.list.slice(-keep, keep).list.join(".")
    return pl.when((n >= 2) & host.str.contains(r"^[a-z0-9.\-]+$")).then(out).otherwise(None)


def prefecture_key(col: pl.Expr) -> pl.Expr:
    """Prefecture without 都/府/県 (東京都 → 東京, 京都府 → 京都, 北海道 kept)."""
    p = col.str.normalize("NFKC").str.strip_chars()
    p = pl.when(p == "東京都").then(pl.lit("東京")).otherwise(p.str.replace(r"(府|県)$", ""))
    return p.replace("", None)


def master_keys(companies: pl.DataFrame) -> pl.DataFrame:
    """The master with its comparison keys; ``cidx`` is the row number used everywhere inside matching."""
    c = companies
    out = c.select(
        pl.col("company_id").cast(pl.String),
        text(c, "name").alias("name"),
        normalize_name(text(c, "name")).alias("nname"),
        legal_form(text(c, "name")).alias("legal"),
        reading_key(text(c, "name_kana")).alias("kana"),
        english_key(text(c, "name_en")).alias("en"),
        prefecture_key(text(c, "prefecture")).alias("pref"),
        text(c, "city").str.normalize("NFKC").alias("city"),
        phone_digits(text(c, "phone")).alias("phone"),
        registered_domain(text(c, "domain")).alias("domain"),
        corporate_number(text(c, "corporate_number")).alias("cn"),
    ).with_row_index("cidx")
    # a name typed only in Latin letters is its own English key
    return out.with_columns(
        pl.coalesce("en", english_key(pl.col("name"))).alias("en"),
        pl.len().over("nname").alias("name_freq").cast(pl.UInt32),
    )


def record_keys(records: pl.DataFrame, free_mail: list[str]) -> pl.DataFrame:
    """Records to link with their keys; ``rid`` is the row number. Free-mail domains are dropped."""
    r = records
    dom = registered_domain(text(r, "email_domain"))
    full = text(r, "email_domain").str.to_lowercase().str.strip_chars()
    free = pl.lit(sorted({d.lower() for d in free_mail}), dtype=pl.List(pl.String))
    return r.select(
        text(r, "source_key").alias("source_key"),
        text(r, "name").alias("name"),
        normalize_name(text(r, "name")).alias("nname"),
        legal_form(text(r, "name")).alias("legal"),
        kana_key(text(r, "name")).alias("kana"),
        english_key(text(r, "name")).alias("en"),
        prefecture_key(text(r, "prefecture")).alias("pref"),
        phone_digits(text(r, "phone")).alias("phone"),
        pl.when(free.list.contains(dom) | free.list.contains(full)).then(None).otherwise(dom).alias("domain"),
        corporate_number(text(r, "corporate_number")).alias("cn"),
    ).with_row_index("rid")
