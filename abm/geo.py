"""Prefectures (都道府県) and the sales areas they belong to."""

from __future__ import annotations

import polars as pl

AREAS: dict[str, tuple[str, ...]] = {
    "北海道": ("北海道",),
    "東北": ("青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県"),
    "関東": ("茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県"),
    "中部": ("新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県"),
    "近畿": ("三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県"),
    "中国": ("鳥取県", "島根県", "岡山県", "広島県", "山口県"),
    "四国": ("徳島県", "香川県", "愛媛県", "高知県"),
    "九州・沖縄": ("福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県"),
}
PREFECTURES: tuple[str, ...] = tuple(p for prefs in AREAS.values() for p in prefs)
AREA_OF: dict[str, str] = {p: area for area, prefs in AREAS.items() for p in prefs}

# '東京' -> '東京都', '大阪' -> '大阪府' ... as typed in many files; 北海道 has no suffix to drop.
_SHORT = {p[:-1] if p != "北海道" else p: p for p in PREFECTURES}
_LOOKUP = {**_SHORT, **{p: p for p in PREFECTURES}}


def prefecture_expr(col: pl.Expr) -> pl.Expr:
    """Canonical prefecture name ('東京' and '東京都' -> '東京都'); text that is no prefecture is kept."""
    s = col.str.normalize("NFKC").str.strip_chars()
    return s.replace(_LOOKUP)


def area_expr(prefecture: pl.Expr) -> pl.Expr:
    """Sales area (北海道, 東北, 関東, 中部, 近畿, 中国, 四国, 九州・沖縄) of a canonical prefecture."""
    return prefecture.replace_strict(AREA_OF, default=None, return_dtype=pl.Utf8)
