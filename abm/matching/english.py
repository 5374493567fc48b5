"""English and romaji company names against a master that has only Japanese names and readings.

A national master (法人番号公表サイト) has no English names, yet contacts type "Maruhachi Securities"
for 丸八証券 (マルハチショウケン). Such a name is the romaji of the company's own reading for its
proper part plus English business words. So an English name is tokenised, each business word found
in ``data/business_words.tsv`` (Securities → 証券 ショウケン) is replaced by the romaji of its
Japanese reading, and the result ("MARUHACHISHOKEN") is compared with the romaji of the master's
furigana. Alongside:

- the proper part alone (tokens outside the dictionary) against the furigana *stem* (the reading of
  trailing business words dropped: マルハチショウケン → MARUHACHI), tolerant of a business word the
  dictionary does not know or translates differently;
- the business words against the Japanese name (Securities: does 証券 appear in it?);
- Latin letters inside the Japanese name (ＪＦＥホールディングス → JFE + HORUDINGUSU);
- a consonant skeleton for katakana loanwords written in English (サントリー SANTORI ↔ SUNTORY,
  ローランド RORANDO ↔ ROLAND, パイオニア PAIONIA ↔ PIONEER: both SNTR / RRNT / PN).

Romaji on both sides goes through ``phonetic_romaji`` (Hepburn / kunrei variants: shi/si, tsu/tu,
chi/ti, fu/hu, ou/o/oh, n/m before b/p). Everything is polars expressions on distinct names, and
the per-pair features are rapidfuzz over the pairs' exploded variants (a few per English name).
Kept apart from ``features.py`` so this evidence can be read and changed on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
from rapidfuzz import process
from rapidfuzz.distance import LCSseq

from abm.matching.normalize import ASCII_ONLY_RE, fold_chars, only_where, strip_legal_and_branch
from abm.matching.romaji import fold_romaji, romaji
from abm.matching.similarity import python_strings, similarity

DATA = Path(__file__).parent / "data" / "business_words.tsv"
MAX_VARIANTS = 8  # translated spellings kept per English name (business words with several meanings)
_MAX_ALTERNATIVES = 4  # translations tried per business word
_TRAILING_WORDS = 2  # business words stripped from the end of a Japanese name for its stem
SEP = "|"

# master columns (m_*) and record columns (q_*) this module adds
MASTER_KEYS = ("en_tr", "en_nrom", "en_stem", "en_skel", "en_loan", "en_word")
RECORD_KEYS = ("en_trs", "en_stem", "en_skels", "en_loans", "en_biz")
FEATURES = (
    "tr_sim", "stem_sim", "skel_sim", "skel_len", "loan_sim", "biz_hit", "biz_miss", "en_common", "en_margin",
    "en_cover",
)  # fmt: skip

_HEPBURN = {
    "SHI": "SI", "CHI": "TI", "TSU": "TU", "FU": "HU", "ZI": "JI", "DZU": "ZU",
    "SH": "SY", "CH": "TY", "JY": "J", "ZY": "J", "KW": "K",
}  # fmt: skip
# English spelling → how it is heard in katakana, for the skeleton only
_SKELETON = {
    "PH": "F", "TH": "S", "CK": "K", "CE": "SE", "CI": "SI", "CY": "SI", "C": "K", "Q": "K",
    "X": "KS", "L": "R", "V": "B", "SY": "S", "TY": "T", "TS": "T", "J": "S", "Z": "S", "GH": "", "F": "H",
}  # fmt: skip


def phonetic_romaji(col: pl.Expr) -> pl.Expr:
    """Romaji folded so that Hepburn, kunrei and English-style spellings meet (SHI/SI, TSU/TU, OU/OH/O)."""
    out = fold_romaji(col)
    return out.str.replace_many(list(_HEPBURN), list(_HEPBURN.values()), leftmost=True)


def skeleton(col: pl.Expr) -> pl.Expr:
    """Consonant skeleton of a romanised name (English -ER/-OR heard as -A, L/R, V/B, C/K merged,
    vowels, Y and a W before a consonant dropped, doubled consonants collapsed); null under 2 consonants."""
    # an English R after a vowel is a long vowel in katakana (LASER レーザー, PORT ポート, STAR スター)
    s = col.str.replace_all(r"(ER|OR)$", "A").str.replace_all(r"([AEO])R([^AEIOUYR])", "${1}${2}")
    s = s.str.replace_many(list(_SKELETON), list(_SKELETON.values()), leftmost=True)
    s = s.str.replace_all(r"W([^AEIOU]|$)", "${1}").str.replace_all(r"[AEIOUY]", "")
    doubled = {c + c: c for c in "BCDFGJKLMNPQRSTVXZ"}
    for _ in range(2):  # non-overlapping: twice folds a triple
        s = s.str.replace_many(list(doubled), list(doubled.values()))
    return pl.when(s.str.len_chars() >= 2).then(s).otherwise(None)


# words that come first in a Japanese name but last in its English one (Micronics Japan: 日本マイクロニクス)
_PLACE_WORDS = (
    "JAPAN", "JAPANESE", "NIPPON", "NIHON", "TOKYO", "OSAKA", "KYOTO", "NAGOYA", "KANSAI", "KANTO",
    "CHUBU", "KYUSHU", "HOKKAIDO", "TOHOKU", "SHIKOKU", "CHUGOKU", "HOKURIKU",
)  # fmt: skip
_CONSONANTS = "BCDFGHJKLMNPQRSTVXZ"


def loan_key(col: pl.Expr) -> pl.Expr:
    """A romanised name with English spelling and katakana's extra vowels both folded away, vowels
    kept: COSEL and KOSERU (コセル) both → KOSER, YONEX and YONEKUSU → YONEKS. Sharper than the
    skeleton (which many names share), looser than the romaji."""
    s = col.str.replace_all(r"(ER|OR)$", "A").str.replace_all(r"([AEO])R([^AEIOUYR])", "${1}${2}")
    s = s.str.replace_many(list(_SKELETON), list(_SKELETON.values()), leftmost=True)
    c = f"[{_CONSONANTS}]"
    for _ in range(2):  # non-overlapping matches: twice catches KUSUKU
        s = s.str.replace_all(f"({c})[UO]({c})", "${1}${2}")
    s = s.str.replace_all(f"({c})[UO]$", "${1}").str.replace_all(r"W([^AEIOU]|$)", "${1}")
    doubled = {ch + ch: ch for ch in _CONSONANTS + "AEIOU"}
    s = s.str.replace_many(list(doubled), list(doubled.values()))
    return pl.when(s.str.len_chars() >= 3).then(s).otherwise(None)


@cache
def business_words() -> pl.DataFrame:
    """The dictionary: ``token`` (upper case, blanks as "_"), ``japanese`` (folded as names are),
    ``reading`` (phonetic romaji; "" for words that carry no meaning), ``english`` (as written)."""
    d = pl.read_csv(DATA, separator="\t", comment_prefix="#", infer_schema=False, quote_char=None)
    d = d.with_columns(pl.col("japanese", "reading").fill_null(""))
    return d.select(
        pl.col("english").str.to_uppercase().str.replace_all(r"\s+", "_").alias("token"),
        fold_chars(pl.col("japanese").str.normalize("NFKC").str.to_uppercase()).alias("japanese"),
        phonetic_romaji(romaji(pl.col("reading"))).fill_null("").alias("reading"),
        pl.col("reading").alias("kana"),
        pl.col("english"),
    ).with_columns(alt=pl.int_range(pl.len()).over("token"))


def _phrases() -> tuple[list[str], list[str]]:
    """Multi-word dictionary entries as padded patterns (" HEAVY  INDUSTRIES ") → one token."""
    multi = sorted({t for t in business_words()["token"] if "_" in t}, key=len, reverse=True)
    return [" " + t.replace("_", "  ") + " " for t in multi], [" " + t + " " for t in multi]


def _latin(name: pl.Expr) -> pl.Expr:
    """The name, without its legal form and branch, is written in Latin letters only."""
    return strip_legal_and_branch(name).str.contains(ASCII_ONLY_RE)


def _tokens(name: pl.Expr) -> pl.Expr:
    """A Latin-only name (``_latin``) as a list of upper-case tokens (phrases joined by "_")."""
    s = strip_legal_and_branch(name)
    s = s.str.replace_all(r"[.'’]", "").str.replace_all(r"&", " & ").str.replace_all(r"[^A-Z0-9&]+", " ")
    pats, reps = _phrases()
    padded = (" " + s.str.strip_chars().str.replace_all(r"\s+", "  ") + " ").str.replace_many(
        pats, reps, leftmost=True
    )
    return padded.str.strip_chars().str.split(" ").list.eval(pl.element().filter(pl.element() != ""))


def record_keys(names: pl.Series) -> pl.DataFrame:
    """For distinct record names: ``en_trs`` (translated spellings joined by "|"), ``en_stem`` (the
    proper part), ``en_skels`` (skeletons of the spellings) and ``en_biz`` (per business word, its
    Japanese words joined by "|", words separated by ";"); all null for names not in Latin letters.

    Every window, join and grouping below is keyed by ``nid``, each distinct name's integer id, not by
    the name."""
    d = business_words()
    # only names in Latin letters have English keys: the rest (most records) skip the tokenising and
    # the spelling joins below (national contacts: 10.7 → 4.6 s) — their keys are null either way
    u = pl.DataFrame({"name": names}).unique().drop_nulls()
    u = u.filter(_latin(pl.col("name"))).with_row_index("nid")
    tok = (
        u.select("nid", tok=_tokens(pl.col("name")))
        .drop_nulls("tok")
        .explode("tok")
        .drop_nulls("tok")
        .with_columns(pos=pl.int_range(pl.len()).over("nid"))
    )
    alts = tok.join(
        d.filter(pl.col("alt") < _MAX_ALTERNATIVES).rename({"token": "tok"}), on="tok", how="left"
    )
    alts = alts.with_columns(
        known=pl.col("reading").is_not_null(),
        piece=pl.coalesce("reading", phonetic_romaji(pl.col("tok")).fill_null("")),
    )
    # spellings: the product of each token's alternatives, position by position, capped; in the
    # written order and in Japanese order (The Bank of Toyama → 富山銀行, Micronics Japan → 日本マイクロ
    # ニクス): place words first, the proper part, business words last
    place = pl.col("tok").is_in(_PLACE_WORDS)
    japanese_order = (
        pl.when(place)
        .then(pl.col("pos") - 100)
        .when(pl.col("known"))
        .then(pl.col("pos") + 100)
        .otherwise("pos")
    )
    alts = alts.with_columns(jpos=japanese_order.rank("dense").over("nid").cast(pl.Int64) - 1)
    top = tok["pos"].max()
    # a name with one spelling per token (3 in 4 of national contacts' Latin names) has one spelling
    # per order, its pieces joined; only the others build the product position by position
    pieces = alts.select("nid", "pos", "jpos", "piece").unique(maintain_order=True)
    several = pieces.filter(pl.len().over("nid", "pos") > 1).select("nid").unique()
    product = alts.join(several, on="nid", how="semi")
    spellings = []
    for order in ("pos", "jpos"):
        one = (
            pieces.join(several, on="nid", how="anti")
            .sort("nid", order)
            .group_by("nid", maintain_order=True)
            .agg(v=pl.col("piece").str.join(""))
        )
        variants = several.select("nid", v=pl.lit(""))
        for p in range(top + 1 if isinstance(top, int) else 0):  # an integer column; None when empty
            at = product.filter(pl.col(order) == p).select("nid", "piece").unique(maintain_order=True)
            variants = (
                variants.join(at, on="nid", how="left")
                .select("nid", v=pl.col("v") + pl.col("piece").fill_null(""))
                .unique(maintain_order=True)
                .filter(pl.int_range(pl.len()).over("nid") < MAX_VARIANTS // 2)
            )
        spellings.append(pl.concat([one, variants]))  # each name's spellings in its own order
    variants = pl.concat(spellings).unique(maintain_order=True)
    variants = variants.filter(pl.col("v") != "").with_columns(
        skel=skeleton(pl.col("v")), loan=loan_key(pl.col("v"))
    )
    per_name = variants.group_by("nid").agg(
        pl.col("v").str.join(SEP).alias("en_trs"),
        pl.col("skel").drop_nulls().unique().sort().str.join(SEP).alias("en_skels"),
        pl.col("loan").drop_nulls().unique().sort().str.join(SEP).alias("en_loans"),
    )
    stem = (
        alts.filter(~pl.col("known"))
        .group_by("nid")
        .agg(pl.col("piece").sort_by("pos").str.join("").alias("en_stem"))
    )
    biz = (
        alts.filter(pl.col("japanese").fill_null("") != "")
        .group_by("nid", "pos")
        .agg(pl.col("japanese").unique().sort().str.join(SEP))
        .sort("nid", "pos")
        .group_by("nid")
        .agg(pl.col("japanese").str.join(";").alias("en_biz"))
    )
    out = u.join(per_name, on="nid", how="left").join(stem, on="nid", how="left")
    out = out.join(biz, on="nid", how="left").drop("nid")
    return (
        pl.DataFrame({"name": names})
        .join(out, on="name", how="left", maintain_order="left")
        .select(
            pl.col("en_trs"),
            pl.col("en_stem").replace("", None),
            pl.col("en_skels").replace("", None),
            pl.col("en_loans").replace("", None),
            pl.col("en_biz"),
        )
    )


def master_keys(nname: pl.Series, roma: pl.Series) -> pl.DataFrame:
    """For the master (normalised name, ``romaji`` of its フリガナ — the master's own ``roma`` key, so
    it is not computed twice): ``en_tr`` (phonetic romaji of the reading),
    ``en_nrom`` (the name with its business words read out, when what is left is Latin: ＪＦＥ
    ホールディングス → JFEHORUDINGUSU), ``en_stem`` (``en_tr`` without the reading of up to two
    trailing business words of the name: 丸八証券 MARUHATISYOKEN → MARUHATI), ``en_skel`` and
    ``en_word`` (English of the stripped words, for the synthetic variants the model learns from)."""
    first = (
        business_words()
        .filter(pl.col("japanese") != "")
        .unique("japanese", keep="first", maintain_order=True)
    )
    alt = "|".join(re.escape(w) for w in sorted(first["japanese"].to_list(), key=len, reverse=True))
    to_roma = dict(zip(first["japanese"], first["reading"], strict=True))
    to_en = dict(zip(first["japanese"], first["english"].str.to_titlecase(), strict=True))
    f = pl.DataFrame({"n": nname, "k": roma})
    n = pl.col("n")
    # what depends on the reading alone, once per distinct reading (a national master's 5M rows
    # hold ~2M distinct (name, reading) pairs but 1.7M readings)
    readings = (
        f.lazy()
        .select("k")
        .unique()
        .with_columns(en_tr=phonetic_romaji(pl.col("k")))
        .with_columns(en_skel=skeleton(pl.col("en_tr")), en_loan=loan_key(pl.col("en_tr")))
    )
    u = f.lazy().unique().join(readings, on="k", how="left", nulls_equal=True)
    u = u.with_columns(stem_n=n, stem_r=pl.col("en_tr"), words=pl.lit(""))
    for _ in range(_TRAILING_WORDS):
        w = pl.col("stem_n").str.extract(f"({alt})$", 1)
        r = w.replace_strict(to_roma, default=None, return_dtype=pl.String)
        ok = (
            pl.col("stem_r").str.ends_with(r)
            & (pl.col("stem_r").str.len_chars() > r.str.len_chars())
            & (pl.col("stem_n").str.len_chars() > w.str.len_chars())
        ).fill_null(False)
        english = w.replace_strict(to_en, default="", return_dtype=pl.String)
        u = u.with_columns(
            stem_n=pl.when(ok).then(pl.col("stem_n").str.strip_suffix(w)).otherwise("stem_n"),
            stem_r=pl.when(ok).then(pl.col("stem_r").str.strip_suffix(r)).otherwise("stem_r"),
            words=pl.when(ok).then(pl.concat_str(english, "words", separator=" ")).otherwise("words"),
        )
    # a name with Latin letters whose business words, read out, leave it all Latin; only those few
    # names are read out (national: 1.2 → 0.4 s; the romaji of 2M kanji names were all dropped)
    nrom = only_where(n.str.contains(r"[A-Z]"), n).str.replace_many(
        list(to_roma), list(to_roma.values()), leftmost=True
    )
    u = u.with_columns(
        en_nrom=phonetic_romaji(only_where(nrom.str.contains(r"^[A-Z0-9&]+$"), nrom)),
        en_stem=pl.when(pl.col("stem_r") != pl.col("en_tr")).then("stem_r"),
        en_word=pl.col("words").str.strip_chars().replace("", None),
    )
    keys = u.select("n", "k", *MASTER_KEYS).collect()
    return f.join(keys, on=["n", "k"], how="left", nulls_equal=True, maintain_order="left").select(
        MASTER_KEYS
    )


def coverage(a: pl.Series, b: pl.Series) -> np.ndarray:
    """Element-wise share of ``b`` spelt out in order by ``a`` (longest common subsequence / len(b));
    0 where either is null or empty. "Maruhachi Securities International" covers all of マルハチ
    ショウケン's romaji though its similarity is diluted by the extra word."""
    both = (a.is_not_null() & b.is_not_null() & (a != "") & (b != "")).fill_null(False).to_numpy()
    out = np.zeros(len(a), dtype=np.float32)
    if both.any():
        mask = pl.Series(both)
        bb = b.filter(mask)
        common = process.cpdist(
            python_strings(a.filter(mask)), python_strings(bb), scorer=LCSseq.similarity, workers=-1
        )
        out[both] = np.asarray(common, dtype=np.float32) / bb.str.len_chars().to_numpy().astype(np.float32)
    return out


def _explode_max(
    pf: pl.DataFrame, qcol: str, mcols: tuple[str, ...], scorer: Callable | None = None
) -> np.ndarray:
    """Per pair: the best similarity (or ``scorer``) of any of the query's "|"-joined spellings with
    any ``mcols``."""

    scorer = scorer or similarity

    sim = np.zeros(pf.height, dtype=np.float32)
    has = pf[qcol].is_not_null().to_numpy()
    if not has.any():
        return sim
    sub = pf.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_i"), qcol, *mcols).filter(pl.Series(has))
    ex = sub.with_columns(pl.col(qcol).str.split(SEP)).explode(qcol)
    best = np.zeros(ex.height, dtype=np.float32)
    for m in mcols:
        best = np.maximum(best, scorer(ex[qcol], ex[m]))
    agg = ex.select("_i").with_columns(s=pl.Series(best)).group_by("_i").agg(pl.col("s").max())
    sim[agg["_i"].to_numpy()] = agg["s"].to_numpy()
    return sim


def margin(pf: pl.DataFrame, sim: str = "en_sim") -> pl.Series:
    """How far this candidate reads closer to the English name than the query's best other candidate
    (-1..1; 0 for names not in Latin letters). One company that reads like "Maruhachi Securities" at
    0.95 when the next reads at 0.6 is telling; two at 0.95 are namesakes the pair alone cannot see.

    The query's top is a column before the windows that compare with it: a window nested in another
    (``(s == s.max().over(q)).sum().over(q)``) is evaluated group by group, 5 s per 200k queries."""
    s, q, top = pl.col(sim), "qid", pl.col("_top")
    with_top = pf.select(q, sim, "q_en_trs", s.max().over(q).alias("_top"))
    at_top = (s == top).sum().over(q)
    # the best among the others: the runner-up for the unique leader, the leader for everyone else
    second = pl.when(s < top).then(s).max().over(q).fill_null(0.0)
    other = pl.when((s == top) & (at_top == 1)).then(second).otherwise(top)
    got = pl.when(pl.col("q_en_trs").is_not_null()).then(s - other).otherwise(0.0)
    return with_top.select(got.alias("en_margin")).to_series()


def features(pf: pl.DataFrame) -> pl.DataFrame:
    """Add this module's FEATURES to a pair frame holding q_en_* and m_en_* columns (Float32, 0 when
    the query is not an English name)."""

    pf = pf.with_columns(
        tr_sim=pl.Series(_explode_max(pf, "q_en_trs", ("m_en_tr", "m_en_nrom"))),
        skel_sim=pl.Series(_explode_max(pf, "q_en_skels", ("m_en_skel",))),
        loan_sim=pl.Series(_explode_max(pf, "q_en_loans", ("m_en_loan",))),
        en_cover=pl.Series(_explode_max(pf, "q_en_trs", ("m_en_tr",), coverage)),
        stem_sim=pl.Series(
            np.maximum(
                similarity(pf["q_en_stem"], pf["m_en_stem"]), similarity(pf["q_en_stem"], pf["m_en_tr"])
            )
        ),
    )
    # business words: the share of the query's words whose Japanese appears in the company's name
    has = pf["q_en_biz"].is_not_null().to_numpy()
    hit = np.zeros(pf.height, dtype=np.float32)
    if has.any():
        sub = pf.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_i"), "q_en_biz", "m_nname").filter(
            pl.Series(has)
        )
        # one word = one ";" group of alternatives (Industries: 工業|産業)
        words = sub.with_columns(pl.col("q_en_biz").str.split(";")).explode("q_en_biz")
        words = words.with_columns(word=pl.int_range(pl.len()).over("_i")).with_columns(
            pl.col("q_en_biz").str.split(SEP)
        )
        words = words.explode("q_en_biz").with_columns(
            found=pl.col("m_nname").str.contains(pl.col("q_en_biz"), literal=True).fill_null(False)
        )
        per_word = words.group_by("_i", "word").agg(pl.col("found").any())
        share = per_word.group_by("_i").agg(pl.col("found").mean())
        hit[share["_i"].to_numpy()] = share["found"].to_numpy()
    # how many master companies share the key that matched: "Sumitomo" alone is many companies
    count = (
        pl.when(pl.col("tr_sim") >= 1).then(pl.col("m_f_tr"))
        .when(pl.col("stem_sim") >= 1).then(pl.col("m_f_st"))
        .when(pl.col("loan_sim") >= 1).then(pl.col("m_f_lo"))
        .when(pl.col("skel_sim") >= 1).then(pl.col("m_f_sk"))
    )  # fmt: skip
    return pf.with_columns(
        biz_hit=pl.Series(hit),
        biz_miss=pl.Series(has & (hit == 0)),
        en_common=count.cast(pl.Float32).fill_null(0),  # 0: no key matched exactly
        # a long equal skeleton is telling (SBRMKTRNKS), a short one is not (PN)
        skel_len=pl.when(pl.col("skel_sim") >= 1).then(pl.col("m_en_skel").str.len_chars()).otherwise(0),
        en_margin=pl.lit(0.0),  # set by features.features once en_sim is known (``margin``)
    ).with_columns(pl.col(f).cast(pl.Float32) for f in FEATURES)
