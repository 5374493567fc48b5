"""Sample opt-in contacts: people at master companies (and some outside it), with consent dates."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from abm.sample import lexicon as L
from abm.sample.dirty import address_variants, phone_variants


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
    weights = np.array([w for _, w, _ in L.TITLES])
    card = rng.choice(len(L.TITLES), n, p=weights / weights.sum())
    title = np.array([t for t, _, _ in L.TITLES])[card]
    kind = np.array([k for _, _, k in L.TITLES])[card]
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
    dept = rng.integers(0, len(L.DEPARTMENTS), n)
    department = np.where(
        kind == "en",
        np.array([en for _, en in L.DEPARTMENTS])[dept],
        np.array([ja for ja, _ in L.DEPARTMENTS])[dept],
    )
    department[(kind == "exec") & (dept % 2 == 0)] = ""  # half the executives' cards name no department
    return (
        pl.DataFrame(
            {
                "ent": ent,
                "person_name": person,
                "email": pl.Series(email.astype(str)),
                "opt_in": opt_in,
                "department": pl.Series(department.tolist(), dtype=pl.String).replace("", None),
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
