"""Comparison keys derived from the master and from the records to link (vectorised polars)."""

from __future__ import annotations

import polars as pl

from abm.inputs.corporate_number import valid_expr
from abm.matching import english
from abm.matching.normalize import (
    english_key,
    kana_key,
    legal_form,
    normalize_name,
    reading_key,
)
from abm.matching.romaji import fold_romaji, romaji

_JP_SLD = ("co", "or", "ne", "ac", "ad", "ed", "go", "gr", "lg")


def text(df: pl.DataFrame, name: str) -> pl.Expr:
    """Column ``name`` as a string expression, or an all-null one when the frame lacks it."""
    return pl.col(name).cast(pl.String) if name in df.columns else pl.lit(None, dtype=pl.String)


def corporate_number(col: pl.Expr) -> pl.Expr:
    """13-digit 法人番号 with a valid check digit (see ``abm.inputs.corporate_number``), else null.

    Use it in a lazy query: the check reads the cleaned digits 14 times, which common sub-expression
    elimination computes once; an eager ``select`` cleans them 14 times (5M numbers: 10.9 s vs 1.6 s)."""
    digits = col.str.normalize("NFKC").str.replace_all(r"[^0-9]", "")
    return pl.when(valid_expr(digits)).then(digits).otherwise(None)


def phone_digits(col: pl.Expr) -> pl.Expr:
    """Phone as national digits (+81 / 81 → 0); null unless 10–11 digits."""
    d = col.str.normalize("NFKC").str.replace_all(r"[^0-9+]", "")
    d = d.str.replace(r"^\+?81", "0").str.replace_all(r"\+", "")
    n = d.str.len_chars()
    return pl.when((n >= 10) & (n <= 11) & d.str.starts_with("0")).then(d).otherwise(None)


def company_phone(col: pl.Expr) -> pl.Expr:
    """A record's phone as company evidence: mobile and IP numbers (070/080/090/050) belong to a
    person, not to the company, so they neither confirm nor contradict a candidate."""
    d = phone_digits(col)
    return pl.when(d.str.contains(r"^0[5789]0")).then(None).otherwise(d)


_SLD = "|".join(_JP_SLD)


def registered_domain(col: pl.Expr) -> pl.Expr:
    """Registered domain of a URL, host or email (www.abc.co.jp/x → abc.co.jp, mail.abc.com → abc.com)."""
    host = (
        col.str.normalize("NFKC")
        .str.to_lowercase()
        .str.strip_chars()
        .str.replace(r"^[a-z][a-z0-9+.\-]*://", "")
        .str.replace(r"^.*@", "")
        .str.replace(r"[/:?#].*$", "")
        .str.strip_chars(".")
    )
    return host.str.extract(rf"([a-z0-9\-]+\.(?:(?:{_SLD})\.jp|[a-z0-9\-]+))$", 1)


def is_free_mail(domain: pl.Expr, free: list[str]) -> pl.Expr:
    """True where a domain, host or email address is (under) a free-mail domain: ``free`` lists both
    registered domains (gmail.com) and carrier hosts (i.softbank.jp), lower case. Such a domain says
    nothing about the company: never 名寄せ evidence, never a CRM company domain.

    The registered domain tested is ``registered_domain(domain)``, the very key ``company_domain``
    yields, so no free-mail domain can come out as a company's (testing the host's instead let
    x@gmail.com:// through), and a lazy query computes it once for both (polars' common
    sub-expressions: national activity records' domains 6.8–8.3 → 4.7–5.7 s)."""
    host = domain.str.replace(r"^.*@", "").str.to_lowercase().str.strip_chars()
    return host.is_in(free) | registered_domain(domain).is_in(free)


def prefecture_key(col: pl.Expr) -> pl.Expr:
    """Prefecture without 都/府/県 (東京都 → 東京, 京都府 → 京都, 北海道 kept)."""
    p = col.str.normalize("NFKC").str.strip_chars()
    p = pl.when(p == "東京都").then(pl.lit("東京")).otherwise(p.str.replace(r"(府|県)$", ""))
    return p.replace("", None)


_PREF_IN_ADDRESS = r"^(東京都|北海道|京都府|大阪府|\p{Han}{2,3}県)"


def prefecture_from_address(col: pl.Expr) -> pl.Expr:
    """The prefecture an address starts with (東京都千代田区… → 東京), else null."""
    return prefecture_key(col.str.normalize("NFKC").str.strip_chars().str.extract(_PREF_IN_ADDRESS, 1))


def place_prefecture(df: pl.DataFrame) -> pl.Series:
    """``pref`` of each row of a frame with ``prefecture`` and ``address``: the stated prefecture,
    else the one the address starts with. Keyed once per distinct stated value, and addresses are
    read only where none is stated (folding a national master's 5M addresses cost more than the rest)."""
    pref = _on_distinct(df, "prefecture", {"pref": prefecture_key(pl.col("prefecture"))}).to_series()
    missing = pref.is_null().arg_true()
    if missing.len():
        address = df.select(pl.col("address").gather(missing))
        pref = pref.scatter(missing, address.select(prefecture_from_address(pl.col("address"))).to_series())
    return pref


def address_key(col: pl.Expr) -> pl.Expr:
    """Street address for comparing, down to the block number: 東京都千代田区丸の内１丁目２番３号 山田ビル5F
    → 千代田区丸の内1-2-3. NFKC, no blanks, 丁目/番地/番/号 and dash variants as "-", the prefecture
    (often left out) and the building (often abbreviated) dropped; null without a number.

    Digits are [0-9], not the regex's Unicode \\d: NFKC has folded full-width ０-９ to them, and the
    ASCII class is cheaper to match (a national master's 5M addresses: 4.4 → 3.3 s, medians of 5,
    the same keys)."""
    a = col.str.normalize("NFKC").str.replace_all(r"\s+", "").str.replace(_PREF_IN_ADDRESS, "")
    a = a.str.replace_all(r"([0-9])(?:丁目|番地|番)", "${1}-").str.replace_all(r"([0-9])号", "${1}")
    for _ in range(2):  # non-overlapping matches: twice catches 1ー2ー3
        a = a.str.replace_all(r"([0-9])[ー‐‑‒–—―−]([0-9])", "${1}-${2}")
    return a.str.extract(r"^([^0-9]+?[0-9]+(?:(?:-|条[^0-9]?)[0-9]+)*)", 1)  # 条: 札幌の北1条西2-1


def _on_distinct(df: pl.DataFrame, col: str, exprs: dict[str, pl.Expr]) -> pl.DataFrame:
    """Evaluate name expressions once per distinct value of ``col`` (names repeat a lot in a master)."""
    u = df.select(pl.col(col)).unique().drop_nulls()
    u = u.lazy().with_columns(**exprs).collect()
    return df.select(col).join(u, on=col, how="left", maintain_order="left").drop(col)


# the master's columns linking reads: select only these from a wide master (a 5M-row master's
# other columns would only cost memory)
MASTER_COLUMNS = (
    "company_id", "name", "name_kana", "name_en", "prefecture", "city", "address", "phone", "domain",
    "corporate_number", "former_names",
)  # fmt: skip

FORMER_NAME_SEPARATORS = r"[;；、|｜]"


def former_name_list(col: pl.Expr) -> pl.Expr:
    """Former names (旧商号, several separated by ; 、 or |) as a list of normalised name keys."""
    parts = col.str.replace_all(FORMER_NAME_SEPARATORS, ";").str.split(";")
    return parts.list.eval(normalize_name(pl.element())).list.drop_nulls().list.unique(maintain_order=True)


def former_name_keys(master: pl.DataFrame) -> pl.DataFrame:
    """(cidx, former, pref): one row per former name key of each master company, for blocking."""
    return (
        master.select("cidx", "former", "pref")
        .explode("former")
        .drop_nulls("former")
        .filter(pl.col("former").str.len_chars() >= 2)
    )


def master_keys(companies: pl.DataFrame) -> pl.DataFrame:
    """The master with its comparison keys; ``cidx`` is the row number used everywhere inside matching."""
    c = companies.select(
        pl.col("company_id").cast(pl.String), *(text(companies, k).alias(k) for k in MASTER_COLUMNS[1:])
    )
    name = _on_distinct(
        c,
        "name",
        {
            "nname": normalize_name(pl.col("name")),
            "legal": legal_form(pl.col("name")),
            "en_own": english_key(pl.col("name")),
        },
    )
    kana = _on_distinct(
        c, "name_kana", {"kana": reading_key(pl.col("name_kana")), "roma": romaji(pl.col("name_kana"))}
    )
    en = _on_distinct(c, "name_en", {"en": english_key(pl.col("name_en"))})
    pref = place_prefecture(c).to_frame()
    former = _on_distinct(c, "former_names", {"former": former_name_list(pl.col("former_names"))})
    out = pl.concat([c.select("company_id", "name"), name, kana, en, pref, former], how="horizontal").select(
        "company_id",
        "name",
        "nname",
        "legal",
        "kana",
        "roma",
        pl.coalesce("en", "en_own").alias("en"),  # a name typed only in Latin letters is its own English key
        "pref",
        c["city"].str.normalize("NFKC").alias("city"),
        *c.lazy()
        .select(  # lazy: common sub-expressions computed once
            phone_digits(pl.col("phone")).alias("phone"),
            registered_domain(pl.col("domain")).alias("domain"),
            corporate_number(pl.col("corporate_number")).alias("cn"),
            address_key(pl.col("address")).alias("addr"),
        )
        .collect(),
        "former",
    )
    # English / romaji evidence against the reading (abm.matching.english)
    out = pl.concat([out, english.master_keys(out["nname"], out["roma"])], how="horizontal")
    ids = out["company_id"]
    if ids.null_count() or ids.n_unique() < ids.len():
        # a landed master's ids are present and unique (abm.inputs.validate): its 5M rows skip this
        # copy of the whole keys frame (4 s, against 0.6 s for the check)
        out = out.filter(pl.col("company_id").is_not_null()).unique(
            "company_id", keep="first", maintain_order=True
        )
    # how many companies share each name key, overall / with the legal form / prefecture: an exact
    # name is only as telling as it is rare among the companies the query could mean
    counts = {
        "f_n": ("nname",), "f_nl": ("nname", "legal"), "f_np": ("nname", "pref"),
        "f_nlp": ("nname", "legal", "pref"), "f_npc": ("nname", "pref", "city"),
        "f_nlpc": ("nname", "legal", "pref", "city"),
        "f_k": ("kana",), "f_kp": ("kana", "pref"), "f_e": ("en",), "f_ep": ("en", "pref"),
        "f_r": ("roma",), "f_rp": ("roma", "pref"), "f_a": ("addr",),
        "f_tr": ("en_tr",), "f_st": ("en_stem",), "f_sk": ("en_skel",), "f_lo": ("en_loan",),  # english.py
    }  # fmt: skip
    out = out.with_row_index("cidx")
    return pl.concat([out, _group_sizes(out, counts)], how="horizontal").with_columns(name_freq=pl.col("f_n"))


def _group_sizes(df: pl.DataFrame, groups: dict[str, tuple[str, ...]]) -> pl.DataFrame:
    """Column per ``groups`` name: how many rows of ``df`` share the row's values of those columns
    (nulls equal), as UInt32.

    Counted over one 64-bit hash per group rather than the strings: each column is hashed once, not
    once per group it is in, and each window groups one integer (the master's 17 counts at 5M companies:
    10.5 → 6.3 s, identical). Two different keys meeting in 64 bits (~1e-6 at 5M rows) would merge
    their counts: a rarity feature can bear that. Hashing and counting run as one lazy query, not as
    three eager selects (national, 17 counts: 3.8–5.1 → 3.1–3.2 s, CPU 7.5–10.0 → 5.7–5.9 s)."""
    used = sorted({c for cols in groups.values() for c in cols})
    hashed = df.lazy().select(pl.col(c).hash(seed=0) for c in used)
    keys = hashed.select(
        (pl.col(cols[0]) if len(cols) == 1 else pl.struct(cols).hash(seed=0)).alias(name)
        for name, cols in groups.items()
    )
    return keys.select(pl.len().over(name).cast(pl.UInt32).alias(name) for name in groups).collect()


def record_keys(records: pl.DataFrame, free_mail: list[str]) -> pl.DataFrame:
    """Records to link with their keys; ``rid`` is the row number. Free-mail domains are dropped."""
    r = records.select(
        *(
            text(records, k).alias(k)
            for k in (
                "source_key",
                "name",
                "corporate_number",
                "prefecture",
                "phone",
                "email_domain",
                "address",
            )
        ),
    )
    name = _on_distinct(
        r,
        "name",
        {
            "nname": normalize_name(pl.col("name")),
            "legal": legal_form(pl.col("name")),
            "kana": kana_key(pl.col("name")),
            "en": english_key(pl.col("name")),
            "roma": fold_romaji(english_key(pl.col("name"))),
        },
    )
    name = pl.concat([name, english.record_keys(r["name"])], how="horizontal")
    return (
        pl.concat([r, name, place_prefecture(r).to_frame()], how="horizontal")
        .lazy()
        .select(
            "source_key",
            "name",
            "nname",
            "legal",
            "kana",
            "en",
            "roma",
            "pref",
            company_phone(pl.col("phone")).alias("phone"),
            company_domain(free_mail).alias("domain"),
            corporate_number(pl.col("corporate_number")).alias("cn"),
            pl.col("address").str.normalize("NFKC").alias("address"),
            address_key(pl.col("address")).alias("addr"),
            *english.RECORD_KEYS,
        )
        .collect()
        .with_row_index("rid")
    )


def company_domain(free_mail: list[str]) -> pl.Expr:
    """The record's email domain (column ``email_domain``) as a company key: its registered domain,
    none for free mail. Use it in a lazy query, like ``corporate_number``."""
    free = sorted({d.lower() for d in free_mail})
    domain = pl.col("email_domain")
    return pl.when(is_free_mail(domain, free)).then(None).otherwise(registered_domain(domain))


def group_keys(records: pl.DataFrame, free_mail: list[str]) -> pl.DataFrame:
    """source_key, nname, pref and domain of records: the keys off-master grouping reads, as
    ``record_keys`` gives them, without the comparison keys it derives too (English, kana, romaji,
    address): millions of unlinked activity records need only these."""
    cols = ("source_key", "name", "prefecture", "email_domain", "address")
    r = records.select(text(records, k).alias(k) for k in cols)
    name = _on_distinct(r, "name", {"nname": normalize_name(pl.col("name"))})
    return pl.concat([r, name, place_prefecture(r).to_frame()], how="horizontal").select(
        "source_key", "nname", "pref", company_domain(free_mail).alias("domain")
    )
