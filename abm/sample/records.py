"""Customers, sales lines and contacts for the sample generator, with dirty company names.

Every record names a company the way people type it; the variant kind is kept for the truth files.
"""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import numpy as np
import polars as pl
from polars.expr.whenthen import ChainedThen, Then

from abm.sample import lexicon as L

VARIANTS = (
    "exact",
    "abbr_maru",
    "abbr_paren",
    "abbr_fw_paren",
    "form_position",
    "kana_half",
    "kana_full",
    "english",
    "fullwidth",
    "branch",
    "old_kanji",
    "ke_swap",
    "space",
    "no_legal_form",
    "typo",
    "old_name",
)
CUSTOMER_MIX = dict(
    zip(
        VARIANTS,
        (0.35, 0.11, 0.12, 0.05, 0.03, 0.06, 0.02, 0.02, 0.02, 0.08, 0.025, 0.01, 0.035, 0.04, 0.03, 0.01),
        strict=True,
    )
)
CONTACT_MIX = dict(
    zip(
        VARIANTS,
        (0.33, 0.06, 0.08, 0.03, 0.02, 0.01, 0.03, 0.14, 0.04, 0.03, 0.02, 0.01, 0.05, 0.10, 0.04, 0.01),
        strict=True,
    )
)
_RATE_CORRECTED = ("old_kanji", "ke_swap", "typo", "old_name")


def _half_map() -> dict[str, str]:
    out: dict[str, str] = {}
    for cp in range(0xFF66, 0xFF9E):
        h = chr(cp)
        full = unicodedata.normalize("NFKC", h)
        out.setdefault(full, h)
        for mark in ("\uff9e", "\uff9f"):
            comp = unicodedata.normalize("NFKC", h + mark)
            if len(comp) == 1:
                out.setdefault(comp, h + mark)
    out["ヶ"] = "ｹ"
    out["ヵ"] = "ｶ"
    out["・"] = "･"
    return out


HALF_KANA = _half_map()
FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F) if chr(c).isalnum() or chr(c) in ".,&()-/"}
FULL_WIDTH[" "] = "\u3000"
FW_DIGITS = {str(d): chr(0xFF10 + d) for d in range(10)} | {"-": "－"}


def _half(e: pl.Expr) -> pl.Expr:
    return e.str.replace_many(list(HALF_KANA), list(HALF_KANA.values()))


def _fw(e: pl.Expr) -> pl.Expr:
    return e.str.replace_many(list(FULL_WIDTH), list(FULL_WIDTH.values()))


def _by_form(rng: np.random.Generator, form: np.ndarray, options: list[tuple[str, ...]]) -> np.ndarray:
    out = np.empty(len(form), dtype=object)
    r = rng.random(len(form))
    for k, opts in enumerate(options):
        m = form == k
        out[m] = np.array(opts, dtype=object)[(r[m] * len(opts)).astype(np.int64)]
    return out


def dirty_names(
    ents: pl.DataFrame,
    idx: np.ndarray,
    rng: np.random.Generator,
    mix: dict[str, float],
    not_exact: np.ndarray | None = None,
) -> tuple[pl.Series, np.ndarray]:
    """Company names as typed for the entities ``ents[idx]``, and the variant kind of each."""
    sub = ents[idx].select(
        "name", "core", "core_spaced", "form", "prefix", "kana", "en_core", "old_name", "ascii_name"
    )
    n = len(sub)
    name = sub["name"]
    app = {k: np.ones(n, bool) for k in VARIANTS}
    app["old_kanji"] = name.str.contains("[" + "".join(L.OLD_KANJI) + "]").to_numpy()
    app["ke_swap"] = name.str.contains(r"ヶ|ヵ|\p{Han}ケ\p{Han}").to_numpy()
    app["typo"] = (sub["core"].str.len_chars() >= 4).to_numpy()
    app["old_name"] = sub["old_name"].is_not_null().to_numpy()
    if not_exact is not None:
        app["exact"] = ~not_exact
    w = np.array([mix[k] for k in VARIANTS], dtype=float)
    for j, k in enumerate(VARIANTS):
        if k in _RATE_CORRECTED and n:
            w[j] = w[j] / max(app[k].mean(), 0.02)
    weights = np.stack([app[k] for k in VARIANTS], 1) * w
    cum = weights.cumsum(1)
    kind = (cum > (rng.random(n) * cum[:, -1])[:, None]).argmax(1)

    form = sub["form"].to_numpy()
    forms = L.LEGAL_FORMS
    core_len = sub["core"].str.len_chars().to_numpy()
    tpos = 1 + (rng.random(n) * np.maximum(core_len - 2, 1)).astype(np.int64)
    v = sub.with_columns(
        kind=pl.Series(kind),
        form_k=pl.Series([f[0] for f in forms]).gather(pl.Series(form)),
        maru=pl.Series([f[1] for f in forms]).gather(pl.Series(form)),
        paren=pl.Series([f[2] for f in forms]).gather(pl.Series(form)),
        fkana=pl.Series([f[3] for f in forms]).gather(pl.Series(form)),
        bank=pl.Series([f[4] for f in forms]).gather(pl.Series(form)),
        en_suf=pl.Series(_by_form(rng, form, [f[5] for f in forms]).astype(str)),
        branch=pl.Series(L.BRANCHES).gather(pl.Series(rng.integers(0, len(L.BRANCHES), n))),
        sep=pl.Series(np.array([" ", "\u3000", ""])[rng.choice(3, n, p=[0.6, 0.25, 0.15])]),
        sp=pl.Series(np.array([" ", "\u3000"])[rng.choice(2, n, p=[0.7, 0.3])]),
        dec=pl.Series(rng.random(n)),
        tpos=pl.Series(tpos),
        tchar=pl.Series(L.TYPO_CHARS).gather(pl.Series(rng.integers(0, len(L.TYPO_CHARS), n))),
        tdel=pl.Series(rng.random(n) < 0.4),
        ke_small=pl.Series(rng.random(n) < 0.3),
    )
    c = pl.col
    pre = c("prefix")

    def attach(form_e: pl.Expr, core_e: pl.Expr, sep: pl.Expr | str = "") -> pl.Expr:
        sep_e = pl.lit(sep) if isinstance(sep, str) else sep
        return (
            pl.when(pre)
            .then(pl.concat_str(form_e, sep_e, core_e))
            .otherwise(pl.concat_str(core_e, sep_e, form_e))
        )

    english = c("en_core") + " " + c("en_suf")
    english = pl.when(c("dec") < 0.1).then(english.str.to_uppercase()).otherwise(english)
    orig = c("core").str.slice(c("tpos"), 1)
    typo_del = c("tdel") | (orig == c("tchar"))
    typo_core = pl.concat_str(
        c("core").str.slice(0, c("tpos")),
        pl.when(typo_del).then(pl.lit("")).otherwise(c("tchar")),
        c("core").str.slice(c("tpos") + 1),
    )
    hk = _half(c("kana"))
    exprs = {
        "exact": c("name"),
        "abbr_maru": attach(c("maru"), c("core")),
        "abbr_paren": attach(c("paren"), c("core")),
        "abbr_fw_paren": attach(_fw(c("paren")), c("core")),
        "form_position": pl.when(pre).then(c("core") + c("form_k")).otherwise(c("form_k") + c("core")),
        "kana_half": pl.when(c("dec") < 0.5)
        .then(hk)
        .when(c("dec") < 0.7)
        .then(attach(_half(c("fkana")), hk, " "))
        .otherwise(pl.when(pre).then(c("bank") + ")" + hk).otherwise(hk + "(" + c("bank"))),
        "kana_full": pl.when(c("dec") < 0.8).then(c("kana")).otherwise(attach(c("fkana"), c("kana"))),
        "english": english,
        "fullwidth": pl.when(c("ascii_name")).then(_fw(c("name"))).otherwise(_fw(english)),
        "branch": c("name") + c("sep") + c("branch"),
        "old_kanji": c("name").str.replace_many(list(L.OLD_KANJI), list(L.OLD_KANJI.values())),
        "ke_swap": pl.when(c("name").str.contains("ヶ"))
        .then(
            pl.when(c("ke_small"))
            .then(c("name").str.replace_all("ヶ", "ヵ", literal=True))
            .otherwise(c("name").str.replace_all("ヶ", "ケ", literal=True))
        )
        .otherwise(c("name").str.replace_all(r"(\p{Han})[ケヵ](\p{Han})", "${1}ヶ${2}")),
        "space": attach(c("form_k"), c("core_spaced"), c("sp")),
        "no_legal_form": c("core"),
        "typo": attach(c("form_k"), typo_core),
        "old_name": c("old_name"),
    }
    out: Then | ChainedThen = pl.when(c("kind") == 0).then(exprs["exact"])
    for j, k in enumerate(VARIANTS[1:], start=1):
        out = out.when(c("kind") == j).then(exprs[k])
    names = v.select(out.otherwise(c("name")).alias("name"))["name"]
    return names, np.array(VARIANTS)[kind]


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


def phone_variants(phone: pl.Expr | pl.Series, r: pl.Expr | pl.Series) -> pl.Expr:
    """As typed: 03-1234-5678 (70%), 0312345678 (20%), 03(1234)5678 (10%)."""
    parts = phone.str.split("-")
    paren = pl.concat_str(parts.list.get(0), pl.lit("("), parts.list.get(1), pl.lit(")"), parts.list.get(2))
    return pl.when(r < 0.7).then(phone).when(r < 0.9).then(phone.str.replace_all("-", "")).otherwise(paren)


def address_variants(address: pl.Expr | pl.Series, r: pl.Expr | pl.Series) -> pl.Expr:
    """As typed: as registered (55%), without the prefecture (20%), without the building (10%),
    in 丁目/番/号 (10%), with full-width digits (5%)."""
    pref = r"^(東京都|北海道|京都府|大阪府|\p{Han}{2,3}県)"
    block = r"(\d+)-(\d+)-(\d+)"
    return (
        pl.when(r < 0.55)
        .then(address)
        .when(r < 0.75)
        .then(address.str.replace(pref, ""))
        .when(r < 0.85)
        .then(address.str.replace(r" .*$", ""))
        .when(r < 0.95)
        .then(address.str.replace(block, "${1}丁目${2}番${3}号"))
        .otherwise(address.str.replace_many(list(FW_DIGITS), list(FW_DIGITS.values())))
    )


def make_contacts(
    rng: np.random.Generator,
    ents: pl.DataFrame,
    n_master: int,
    customer_ent: np.ndarray,
    n: int,
    end_date: date,
) -> pl.DataFrame:
    """Contacts: ~85% at master companies (bigger and customer companies more likely), ~15% off-master."""
    emp = ents["employees"].to_numpy().astype(float)
    is_cust = np.zeros(len(ents), bool)
    is_cust[customer_ent] = True
    n_m = round(0.85 * n) if len(ents) > n_master else n
    wm = emp[:n_master] ** 0.6 * np.where(is_cust[:n_master], 4.0, 1.0)
    ent = np.empty(n, np.int64)
    ent[:n_m] = rng.choice(n_master, n_m, p=wm / wm.sum())
    if n > n_m:
        wo = emp[n_master:] ** 0.5 * np.where(is_cust[n_master:], 3.0, 1.0)
        ent[n_m:] = n_master + rng.choice(len(ents) - n_master, n - n_m, p=wo / wo.sum())
    ent = ent[rng.permutation(n)]

    sur = rng.integers(0, len(L.SURNAMES), n)
    giv = rng.integers(0, len(L.GIVEN_NAMES), n)
    s_k = pl.Series([s[0] for s in L.SURNAMES]).gather(pl.Series(sur))
    g_k = pl.Series([g[0] for g in L.GIVEN_NAMES]).gather(pl.Series(giv))
    s_r = pl.Series([s[2].lower() for s in L.SURNAMES]).gather(pl.Series(sur))
    g_r = pl.Series([g[2] for g in L.GIVEN_NAMES]).gather(pl.Series(giv))
    e_emp = emp[ent]
    free = rng.random(n) < np.clip(0.06 + 0.3 * (e_emp < 5) + 0.1 * (e_emp < 20), 0, 0.6) * 0.72
    free_dom = np.array(L.FREE_MAIL)[rng.choice(len(L.FREE_MAIL), n, p=L.FREE_MAIL_WEIGHTS)]
    dom = np.where(free, free_dom, ents["domain"].to_numpy()[ent])
    lf = rng.choice(7, n, p=[0.40, 0.15, 0.10, 0.05, 0.15, 0.05, 0.10])
    gi = g_r.str.slice(0, 1)
    local_co = pl.DataFrame({"k": lf}).select(
        pl.when(pl.col("k") == 0)
        .then(g_r + "." + s_r)
        .when(pl.col("k") == 1)
        .then(gi + "." + s_r)
        .when(pl.col("k") == 2)
        .then(gi + s_r)
        .when(pl.col("k") == 3)
        .then(s_r)
        .when(pl.col("k") == 4)
        .then(s_r + "." + g_r)
        .when(pl.col("k") == 5)
        .then(s_r + "-" + gi)
        .otherwise(s_r + "_" + g_r)
        .alias("l")
    )["l"]
    num = pl.Series(rng.integers(1, 1000, n)).cast(pl.String)
    year = pl.Series(rng.integers(1965, 2003, n)).cast(pl.String)
    local_free = pl.DataFrame({"k": lf % 3}).select(
        pl.when(pl.col("k") == 0)
        .then(g_r + "." + s_r + num)
        .when(pl.col("k") == 1)
        .then(s_r + g_r + year)
        .otherwise(gi + s_r + num)
        .alias("l")
    )["l"]
    local = pl.Series(np.where(free, local_free.to_numpy(), local_co.to_numpy()))
    email = (local + "@" + pl.Series(dom)).to_numpy().astype(object)
    for it in range(10):  # one address per person
        dup = (~pl.Series(email.astype(str)).is_first_distinct()).to_numpy()
        if not dup.any():
            break
        idx = np.nonzero(dup)[0]
        parts = pl.Series(email[idx].astype(str)).str.split_exact("@", 1).struct.unnest()
        email[idx] = (
            parts["field_0"]
            + pl.Series(rng.integers(2, 10 * (it + 2), len(idx))).cast(pl.String)
            + "@"
            + parts["field_1"]
        ).to_numpy()

    name_style = rng.choice(3, n, p=[0.6, 0.25, 0.15])
    person = pl.DataFrame({"k": name_style}).select(
        pl.when(pl.col("k") == 0)
        .then(s_k + " " + g_k)
        .when(pl.col("k") == 1)
        .then(s_k + g_k)
        .otherwise(s_k + "\u3000" + g_k)
        .alias("p")
    )["p"]

    # phone: main line, a direct line in the same area, or a mobile
    cphone = ents["phone"].to_numpy()[ent]
    area = pl.Series(cphone).str.split("-").list.get(0)
    exch_len = 6 - area.str.len_chars()
    direct = (
        area
        + "-"
        + pl.Series(rng.integers(2000, 9999, n)).cast(pl.String).str.slice(0, exch_len)
        + "-"
        + pl.Series(rng.integers(0, 10000, n)).cast(pl.String).str.zfill(4)
    )
    mobile = (
        pl.Series(np.array(["090", "080", "070"])[rng.integers(0, 3, n)])
        + "-"
        + pl.Series(rng.integers(1000, 10000, n)).cast(pl.String)
        + "-"
        + pl.Series(rng.integers(0, 10000, n)).cast(pl.String).str.zfill(4)
    )
    pk = rng.random(n)
    phone = pl.DataFrame({"pk": pk, "main": cphone, "direct": direct, "mobile": mobile}).select(
        pl.when(pl.col("pk") < 0.2)
        .then(pl.col("main"))
        .when(pl.col("pk") < 0.35)
        .then(pl.col("direct"))
        .when(pl.col("pk") < 0.5)
        .then(pl.col("mobile"))
        .alias("p")
    )["p"]

    # opt-in by source: 名刺 1/0, 展示会 はい/いいえ, web form date, MA TRUE/FALSE; ~5% no, ~8% opted out
    source = rng.choice(4, n, p=[0.3, 0.2, 0.3, 0.2])
    yes = rng.random(n) >= 0.05
    opt_day = rng.integers(0, 3 * 365, n)
    opt_date = pl.Series(np.datetime64(end_date, "D") - opt_day.astype("timedelta64[D]"))
    odf = pl.DataFrame({"src": source, "yes": yes, "d": opt_date, "dk": rng.random(n) < 0.85})
    opt_in = odf.select(
        pl.when(pl.col("src") == 0)
        .then(pl.when("yes").then(pl.lit("1")).otherwise(pl.lit("0")))
        .when(pl.col("src") == 1)
        .then(pl.when("yes").then(pl.lit("はい")).otherwise(pl.lit("いいえ")))
        .when(pl.col("src") == 3)
        .then(pl.when("yes").then(pl.lit("TRUE")).otherwise(pl.lit("FALSE")))
        .otherwise(
            pl.when("yes")
            .then(
                pl.when("dk")
                .then(pl.col("d").dt.strftime("%Y/%m/%d"))
                .otherwise(pl.col("d").dt.strftime("%Y-%m-%d"))
            )
            .otherwise(pl.lit("FALSE"))
        )
        .alias("o")
    )["o"]
    out_ = (rng.random(n) < 0.085) & yes
    out_after = (rng.random(n) * opt_day).astype(np.int64)
    out_date = pl.Series(np.datetime64(end_date, "D") - out_after.astype("timedelta64[D]"))
    opted_out = pl.DataFrame({"o": out_, "d": out_date, "dk": rng.random(n) < 0.8}).select(
        pl.when("o")
        .then(
            pl.when("dk")
            .then(pl.col("d").dt.strftime("%Y/%m/%d"))
            .otherwise(pl.col("d").dt.strftime("%Y-%m-%d"))
        )
        .alias("x")
    )["x"]
    title = np.array(L.TITLES)[
        rng.choice(len(L.TITLES), n, p=np.array(L.TITLE_WEIGHTS) / sum(L.TITLE_WEIGHTS))
    ]
    # one contact in five works at a branch office: another street, mostly another city and prefecture;
    # the address is given when the source asks for it (business cards, events; web forms less, MA rarely)
    branch = rng.random(n) < 0.2
    other_ent = rng.integers(0, len(ents), n)
    prefs = ents["prefecture"].to_numpy()
    pref = pl.Series(np.where(branch, prefs[other_ent], prefs[ent]))
    has_addr = rng.random(n) < np.array([0.9, 0.5, 0.3, 0.1])[source]
    other = ents["address"].to_numpy()[other_ent]
    x, y, z = (pl.Series(rng.integers(1, 30, n)).cast(pl.String) for _ in range(3))
    branch_addr = pl.Series(other).str.replace(r"\d+-\d+-\d+.*$", "") + x + "-" + y + "-" + z
    addr = pl.select(
        pl.when(pl.Series(~has_addr))
        .then(None)
        .when(pl.Series(branch))
        .then(branch_addr)
        .otherwise(address_variants(pl.Series(ents["address"].to_numpy()[ent]), pl.Series(rng.random(n))))
    ).to_series()
    return (
        pl.DataFrame(
            {
                "ent": ent,
                "person_name": person,
                "email": pl.Series(email.astype(str)),
                "opt_in": opt_in,
                "department": pl.Series(L.DEPARTMENTS).gather(
                    pl.Series(rng.integers(0, len(L.DEPARTMENTS), n))
                ),
                "title": pl.Series(title.tolist(), dtype=pl.String).replace("", None),
                "phone": phone,
                "opted_out_at": opted_out,
                "prefecture": pl.select(pl.when(pl.Series(rng.random(n) < 0.6)).then(pref)).to_series(),
                "address": addr,
                "phone_r": pl.Series(rng.random(n)),
            }
        )
        .with_columns(phone=phone_variants(pl.col("phone"), pl.col("phone_r")))
        .drop("phone_r")
    )
