"""Company names, phones and addresses the way people type them: the dirt 名寄せ has to see through.

Every record names its company in one of ``VARIANTS`` (㈱, half-width kana, English, a branch
suffix, old kanji, a typo, ...); the variant kind is kept for the truth files.
"""

from __future__ import annotations

import unicodedata

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
