"""Group-company names: the parent's name plus a region or a business word is another company.

Japanese groups name subsidiaries after the parent: 関西ニコン園, ニコン園サービス, 日本関東アプライド開発,
東海太陽社工業 — often at the parent's address, with the parent's phone area and sometimes its
domain. Such a record is NOT the parent: the linker must not read the extra word as noise. Branch
suffixes (東京支店, 本社, 大阪営業所) are a different thing — the same company — and are stripped from
the names before this check (``abm.matching.branch_suffix.BRANCH_RE``).

The test is vectorised and cheap: the record's name must keep the candidate's name whole (as a
substring, or split once after a short leading word) and, with every group word stripped from
both, leave the same stem of at least two characters: only region / business words were added.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from abm.matching.branch_suffix import CITIES, PREFS
from abm.matching.normalize import fold_chars

# regions and areas a subsidiary is named after (prefectures and major cities come from branch_suffix)
_AREAS = (
    "日本", "ジャパン", "東日本", "西日本", "中日本", "北日本", "首都圏", "関東", "関西", "東海", "北陸",
    "甲信越", "中部", "近畿", "中国", "四国", "九州", "東北", "北海道", "沖縄", "山陰", "山陽", "京浜",
    "阪神", "京阪", "湘南", "北関東", "南関東", "南九州", "北九州", "中京", "信越", "アジア",
)  # fmt: skip
# business words a subsidiary appends to the parent's name (its trade inside the group)
BUSINESS_WORDS = (
    "サービス", "サービシズ", "物流", "ロジスティクス", "ロジスティックス", "運輸", "リース", "システム",
    "システムズ", "情報システム", "エンジニアリング", "不動産", "商事", "販売", "工業", "建設", "技研",
    "テクノ", "テクノロジー", "テクノロジーズ", "ソリューション", "ソリューションズ", "ファイナンス",
    "ビジネス", "サポート", "メンテナンス", "保険", "開発", "産業", "興産", "物産", "トレーディング",
    "ホールディングス", "ファシリティーズ", "ファシリティ", "アソシエイツ", "インターナショナル",
    "マネジメント", "プロパティ", "ビルサービス", "スタッフ", "パートナーズ", "ネットワークス",
    "IT", "ICT", "E&C", "BS", "FS",
)  # fmt: skip
REGION_WORDS = tuple(dict.fromkeys((*_AREAS, *PREFS, *(c for c in CITIES if len(c) >= 2))))


def _folded(words: tuple[str, ...]) -> list[str]:
    """The words as they appear in a normalised name key (ー dropped, small kana folded, NFKC)."""
    s = pl.Series("w", list(words))
    out = s.to_frame().select(fold_chars(pl.col("w").str.normalize("NFKC").str.to_uppercase()))["w"]
    return sorted(set(out.to_list()), key=len, reverse=True)  # longest first: 情報システム before システム


# a short run of Latin capitals added to a Japanese name is a business abbreviation too (富士電機Ｅ＆Ｃ);
# a name wholly in Latin letters has no stem left and is never flagged
_LATIN = "[A-Z][A-Z&]{0,4}"
_WORD_RE = "(?:" + "|".join(_folded((*REGION_WORDS, *BUSINESS_WORDS))) + f"|{_LATIN})"


def without_group_words(nname: pl.Expr) -> pl.Expr:
    """A normalised name with every region / business word removed (the group's common stem)."""
    return nname.str.replace_all(_WORD_RE, "")


_MAX_LEAD = 4  # a word is inserted after the parent's leading word of at most this many characters


_MAX_ADDED = 16  # at most this many characters added (two long words)


def _split_kept(q: pl.Expr, m: pl.Expr) -> pl.Expr:
    """``q`` holds ``m`` split once after at most ``_MAX_LEAD`` leading characters."""
    kept = pl.lit(False)
    for k in range(1, _MAX_LEAD + 1):
        kept = kept | (
            (m.str.len_chars() > k) & q.str.starts_with(m.str.slice(0, k)) & q.str.ends_with(m.str.slice(k))
        )
    return kept


def _keeps_whole(q: pl.Expr, m: pl.Expr) -> pl.Expr:
    """``q`` is longer and holds ``m`` whole: as a substring, or split once after at most ``_MAX_LEAD``
    leading characters (日本|アプライド開発 → 日本関東アプライド開発)."""
    longer = q.str.len_chars() - m.str.len_chars()
    return (longer > 0) & (m.str.len_chars() >= 2) & (q.str.contains(m, literal=True) | _split_kept(q, m))


def _only_words_added(q: pl.Expr, m: pl.Expr) -> pl.Expr:
    """With every group word stripped, both names leave the same stem of at least two characters."""
    stem = without_group_words(m)
    return (stem.str.len_chars() >= 2) & (without_group_words(q) == stem)


def extra_group_word(q_nname: str, m_nname: str) -> pl.Expr:
    """True where the record's name ``q_nname`` is the candidate's ``m_nname`` with region or business
    words added — before, after, or inserted after a short leading word (日本|関東|アプライド開発) — and
    nothing else changed: another company of the candidate's group, not the candidate. A changed
    word (…工業 → …テクノ, a rename) is not an addition and does not count."""
    q, m = pl.col(q_nname), pl.col(m_nname)
    return (_keeps_whole(q, m) & _only_words_added(q, m)).fill_null(False)


def group_word_flags(pf: pl.DataFrame, q_nname: str = "q_nname", m_nname: str = "m_nname") -> pl.Series:
    """``extra_group_word`` for each row of ``pf``, staged so that a batch of pairs costs little: cheap
    length and first / last character tests, then containment, then the word-stripping regex once
    per distinct name of the few pairs left."""
    q, m = pl.col("q"), pl.col("m")
    pairs = pf.select(pl.col(q_nname).alias("q"), pl.col(m_nname).alias("m")).with_row_index("i")
    longer = q.str.len_chars() - m.str.len_chars()
    cand = pairs.filter((longer > 0) & (longer <= _MAX_ADDED) & (m.str.len_chars() >= 2))
    inside = q.str.contains(m, literal=True)
    ends = q.str.starts_with(m.str.slice(0, 1)) & q.str.ends_with(m.str.slice(-1))
    kept = pl.concat([cand.filter(inside), cand.filter(~inside & ends).filter(_split_kept(q, m))])
    names = pl.concat([kept["q"], kept["m"]]).unique().to_frame("name")
    stems = names.with_columns(stem=without_group_words(pl.col("name")))
    kept = kept.join(stems.rename({"name": "q", "stem": "q_stem"}), on="q", how="left").join(
        stems.rename({"name": "m", "stem": "m_stem"}), on="m", how="left"
    )
    ok = (pl.col("m_stem").str.len_chars() >= 2) & (pl.col("q_stem") == pl.col("m_stem"))
    flags = np.zeros(pf.height, dtype=bool)
    flags[kept.filter(ok.fill_null(False))["i"].to_numpy()] = True
    return pl.Series("group_word", flags)
