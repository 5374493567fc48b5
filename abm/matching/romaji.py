"""Hepburn romaji of kana readings, and folding of romanised names, for English / romaji names.

A master フリガナ becomes romaji (``romaji``) to meet names written in Latin letters; both sides are
folded (``fold_romaji``: long vowels, doubled consonants, n/m before b/p) so spellings of one reading
compare equal. Pure, vectorised polars expressions like ``abm.matching.normalize``.
"""

from __future__ import annotations

import polars as pl

from abm.matching.normalize import HIRA_TO_KATA, replace_map, without_legal

# --- romaji ------------------------------------------------------------------------------------
_DIGRAPHS = {
    "キャ": "KYA",
    "キュ": "KYU",
    "キョ": "KYO",
    "シャ": "SHA",
    "シュ": "SHU",
    "ショ": "SHO",
    "チャ": "CHA",
    "チュ": "CHU",
    "チョ": "CHO",
    "ニャ": "NYA",
    "ニュ": "NYU",
    "ニョ": "NYO",
    "ヒャ": "HYA",
    "ヒュ": "HYU",
    "ヒョ": "HYO",
    "ミャ": "MYA",
    "ミュ": "MYU",
    "ミョ": "MYO",
    "リャ": "RYA",
    "リュ": "RYU",
    "リョ": "RYO",
    "ギャ": "GYA",
    "ギュ": "GYU",
    "ギョ": "GYO",
    "ジャ": "JA",
    "ジュ": "JU",
    "ジョ": "JO",
    "ビャ": "BYA",
    "ビュ": "BYU",
    "ビョ": "BYO",
    "ピャ": "PYA",
    "ピュ": "PYU",
    "ピョ": "PYO",
    "ティ": "TI",
    "ディ": "DI",
    "ファ": "FA",
    "フィ": "FI",
    "フェ": "FE",
    "フォ": "FO",
    "ウィ": "WI",
    "ウェ": "WE",
    "ウォ": "WO",
    "シェ": "SHE",
    "ジェ": "JE",
    "チェ": "CHE",
    "ヴァ": "VA",
    "ヴィ": "VI",
    "ヴェ": "VE",
    "ヴォ": "VO",
    "デュ": "DYU",
    "トゥ": "TU",
    "ドゥ": "DU",
}
_KANA_ROMAJI = dict(
    zip(
        "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
        "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポヴァィゥェォャュョヮヵヶ",
        [
            "A",
            "I",
            "U",
            "E",
            "O",
            "KA",
            "KI",
            "KU",
            "KE",
            "KO",
            "SA",
            "SHI",
            "SU",
            "SE",
            "SO",
            "TA",
            "CHI",
            "TSU",
            "TE",
            "TO",
            "NA",
            "NI",
            "NU",
            "NE",
            "NO",
            "HA",
            "HI",
            "FU",
            "HE",
            "HO",
            "MA",
            "MI",
            "MU",
            "ME",
            "MO",
            "YA",
            "YU",
            "YO",
            "RA",
            "RI",
            "RU",
            "RE",
            "RO",
            "WA",
            "O",
            "N",
            "GA",
            "GI",
            "GU",
            "GE",
            "GO",
            "ZA",
            "JI",
            "ZU",
            "ZE",
            "ZO",
            "DA",
            "JI",
            "ZU",
            "DE",
            "DO",
            "BA",
            "BI",
            "BU",
            "BE",
            "BO",
            "PA",
            "PI",
            "PU",
            "PE",
            "PO",
            "VU",
            "A",
            "I",
            "U",
            "E",
            "O",
            "YA",
            "YU",
            "YO",
            "WA",
            "KA",
            "KE",
        ],
        strict=True,
    )
)
_ROMAJI_FOLD = [
    {"Ā": "A", "Ī": "I", "Ū": "U", "Ē": "E", "Ō": "O", "Â": "A", "Î": "I", "Û": "U", "Ê": "E", "Ô": "O"},
    {
        "OU": "O",
        "OO": "O",
        "UU": "U",
        "AA": "A",
        "II": "I",
        "EE": "E",
        "OH": "O",
        "TCH": "CH",
        "MB": "NB",
        "MP": "NP",
    },
    {c + c: c for c in "BCDFGHJKLMNPRSTVWYZ"},
]


def fold_romaji(col: pl.Expr) -> pl.Expr:
    """Fold a romanised name (long vowels, doubled consonants, n/m before b/p) for comparison."""
    out = col.str.to_uppercase()
    for mapping in _ROMAJI_FOLD:
        out = replace_map(out, mapping)
    return out.str.replace_all(r"[^A-Z0-9&]", "").replace("", None)


def romaji(col: pl.Expr) -> pl.Expr:
    """Hepburn romaji of a katakana / hiragana reading (legal-form reading dropped), folded."""
    out = replace_map(without_legal(col), HIRA_TO_KATA)
    out = replace_map(out, _DIGRAPHS)
    out = replace_map(out, _KANA_ROMAJI)
    return fold_romaji(out.str.replace_all(r"[ッー\s・]", ""))
