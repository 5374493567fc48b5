"""Company-name normalisation for 名寄せ: pure, vectorised polars expressions.

Every function takes a string expression and returns one; nothing loops over rows in Python, so
they run at polars speed on a 5M-row master. The rules, in the order ``normalize_name`` applies them:

1. NFKC (full-width ASCII → ASCII, half-width kana → full width, ㈱ → (株), （株） → (株)) and
   ASCII upper-casing;
2. legal forms in every written form (株式会社, (株), カ), カブシキガイシャ, KK, K.K., Co., Ltd., Inc.,
   有限会社, (有), 合同会社, LLC, 一般社団法人, 医療法人, ...) replaced by a blank;
3. a trailing branch / office suffix (東京支店, 本社, 大阪営業所, 第二工場, " 営業部") removed;
4. old / variant kanji folded (髙→高, 﨑→崎, 邊→辺, 澤→沢, 齋→斎, ...), ヶ/ヵ→ケ, ヴァ→バ, small kana → large;
5. blanks, dashes, long-vowel marks and punctuation removed.

``legal_form`` and ``branch`` return what steps 2 and 3 took away, so it is kept, not lost.
``fold_kana`` folds a katakana reading (フリガナ or a kana-typed name) for comparison.
"""

from __future__ import annotations

import polars as pl

# --- legal forms -------------------------------------------------------------------------------
# (canonical, regex alternatives) — regexes run on NFKC + upper-cased text. Longer spellings first:
# the alternation is leftmost-first.
_LEGAL_FORMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "株式会社",
        (
            r"株式会社",
            r"\(\s*株\s*\)",
            r"カブシキ[ガカ]イシャ",
            r"KABUSHIKI\s*[KG]AISHA",
            r"\bCO\s*\.?\s*,?\s*LTD\b\.?",
            r"\bCOMPANY\s*,?\s*LIMITED\b",
            r"\bK\s?\.?\s?K\b\.?",
            r"\bCORPORATION\b",
            r"\bCORP\b\.?",
            r"\bINC\b\.?",
            r"\bLTD\b\.?",
            r"\bLIMITED\b",
        ),
    ),
    (
        "有限会社",
        (
            r"有限会社",
            r"\(\s*有\s*\)",
            r"ユウゲン[ガカ]イシャ",
            r"YUGEN\s*[KG]AISHA",
            r"\bY\s?\.?\s?K\b\.?",
        ),
    ),
    (
        "合同会社",
        (
            r"合同会社",
            r"\(\s*同\s*\)",
            r"ゴウドウ[ガカ]イシャ",
            r"\bL\.?L\.?C\b\.?",
            r"\bG\s?\.?\s?K\b\.?",
        ),
    ),
    (
        "合資会社",
        (r"合資会社", r"\(\s*資\s*\)", r"ゴウシ[ガカ]イシャ", r"&\s*CO\b\.?$", r"\bLIMITED\s+PARTNERSHIP\b"),
    ),
    ("合名会社", (r"合名会社", r"\(\s*名\s*\)", r"ゴウメイ[ガカ]イシャ")),
    ("相互会社", (r"相互会社",)),
    ("一般社団法人", (r"一般社団法人", r"\(\s*一社\s*\)", r"イッパンシャダンホウジン", r"\bASSOCIATION$")),
    ("一般財団法人", (r"一般財団法人", r"\(\s*一財\s*\)")),
    ("公益社団法人", (r"公益社団法人", r"\(\s*公社\s*\)")),
    ("公益財団法人", (r"公益財団法人", r"\(\s*公財\s*\)")),
    ("社団法人", (r"社団法人",)),
    ("財団法人", (r"財団法人",)),
    (
        "医療法人",
        (
            r"医療法人社団",
            r"医療法人財団",
            r"医療法人",
            r"\(\s*医\s*\)",
            r"イリョウホウジン(?:シャダン)?",
            r"\bMEDICAL\s+CORPORATION\b",
        ),
    ),
    ("学校法人", (r"学校法人", r"\(\s*学\s*\)", r"ガッコウホウジン", r"\bEDUCATIONAL\s+FOUNDATION\b")),
    (
        "社会福祉法人",
        (r"社会福祉法人", r"\(\s*福\s*\)", r"シャカイフクシホウジン", r"\bSOCIAL\s+WELFARE\s+CORPORATION\b"),
    ),
    ("特定非営利活動法人", (r"特定非営利活動法人", r"NPO\s*法人", r"\(\s*特非\s*\)")),
    ("宗教法人", (r"宗教法人", r"\(\s*宗\s*\)")),
    ("独立行政法人", (r"独立行政法人", r"\(\s*独\s*\)")),
    ("国立大学法人", (r"国立大学法人",)),
    ("地方独立行政法人", (r"地方独立行政法人",)),
    ("税理士法人", (r"税理士法人",)),
    ("弁護士法人", (r"弁護士法人",)),
    ("監査法人", (r"有限責任監査法人", r"監査法人")),
    ("司法書士法人", (r"司法書士法人",)),
    ("行政書士法人", (r"行政書士法人",)),
    ("社会保険労務士法人", (r"社会保険労務士法人",)),
    ("協同組合", (r"事業協同組合", r"協同組合")),
)
# longest-first alternation over all forms (order inside each form kept)
# bank-transfer style abbreviations (ｶ)ﾔﾏﾀﾞ, ﾔﾏﾀﾞ(ｶ): kana before ")" at the start or after "(" at the end
_BANK = {
    "カ": "株式会社",
    "ユ": "有限会社",
    "ド": "合同会社",
    "シ": "合資会社",
    "メ": "合名会社",
    "シヤ": "一般社団法人",
    "シャ": "一般社団法人",
    "イ": "医療法人",
    "ガク": "学校法人",
    "フク": "社会福祉法人",
    "ザイ": "一般財団法人",
}
_BANK_ALT = "|".join(sorted(_BANK, key=len, reverse=True))
_BANK_RES = [rf"^(?:{_BANK_ALT})\s*\)", rf"\(\s*(?:{_BANK_ALT})\s*\)?$", rf"\(\s*(?:{_BANK_ALT})\s*\)"]
_LEGAL_ALTS = (
    sorted((alt for _, alts in _LEGAL_FORMS for alt in alts), key=lambda a: -len(a.replace("\\", "")))
    + _BANK_RES
)
# ASCII word boundaries keep the regex on the fast DFA path (Unicode \b falls back on kana/kanji)
LEGAL_RE = "(?:" + "|".join(_LEGAL_ALTS).replace(r"\b", r"(?-u:\b)") + ")"
# canonical legal forms as written in official names (商号), for cheap extraction from a clean master
LEGAL_FORM_NAMES: tuple[str, ...] = tuple(canon for canon, _ in _LEGAL_FORMS)
# folded token -> canonical, where a token is folded by dropping blanks, dots, commas and brackets
_TOKEN_DROP = r"[\s.,()]"
_LEGAL_TOKENS: dict[str, str] = {}
for _canon, _ in _LEGAL_FORMS:
    _LEGAL_TOKENS[_canon] = _canon
_LEGAL_TOKENS.update(_BANK)
_LEGAL_TOKENS.update(
    {
        "&CO": "合資会社",
        "LIMITEDPARTNERSHIP": "合資会社",
        "ASSOCIATION": "一般社団法人",
        "イッパンシャダンホウジン": "一般社団法人",
        "MEDICALCORPORATION": "医療法人",
        "イリョウホウジン": "医療法人",
        "イリョウホウジンシャダン": "医療法人",
        "ガッコウホウジン": "学校法人",
        "EDUCATIONALFOUNDATION": "学校法人",
        "シャカイフクシホウジン": "社会福祉法人",
        "SOCIALWELFARECORPORATION": "社会福祉法人",
    }
)
_LEGAL_TOKENS.update(
    {
        "株": "株式会社",
        "カブシキガイシャ": "株式会社",
        "カブシキカイシャ": "株式会社",
        "KABUSHIKIKAISHA": "株式会社",
        "KABUSHIKIGAISHA": "株式会社",
        "COLTD": "株式会社",
        "COMPANYLIMITED": "株式会社",
        "KK": "株式会社",
        "CORPORATION": "株式会社",
        "CORP": "株式会社",
        "INC": "株式会社",
        "LTD": "株式会社",
        "LIMITED": "株式会社",
        "カ": "株式会社",
        "有": "有限会社",
        "ユウゲンガイシャ": "有限会社",
        "ユウゲンカイシャ": "有限会社",
        "YUGENKAISHA": "有限会社",
        "YUGENGAISHA": "有限会社",
        "YK": "有限会社",
        "ユ": "有限会社",
        "同": "合同会社",
        "ゴウドウガイシャ": "合同会社",
        "ゴウドウカイシャ": "合同会社",
        "LLC": "合同会社",
        "GK": "合同会社",
        "ド": "合同会社",
        "資": "合資会社",
        "ゴウシガイシャ": "合資会社",
        "ゴウシカイシャ": "合資会社",
        "名": "合名会社",
        "ゴウメイガイシャ": "合名会社",
        "ゴウメイカイシャ": "合名会社",
        "一社": "一般社団法人",
        "一財": "一般財団法人",
        "公社": "公益社団法人",
        "公財": "公益財団法人",
        "医療法人社団": "医療法人",
        "医療法人財団": "医療法人",
        "医": "医療法人",
        "学": "学校法人",
        "福": "社会福祉法人",
        "NPO法人": "特定非営利活動法人",
        "特非": "特定非営利活動法人",
        "宗": "宗教法人",
        "独": "独立行政法人",
        "有限責任監査法人": "監査法人",
        "事業協同組合": "協同組合",
    }
)

# --- branch / office suffixes ------------------------------------------------------------------
_PREFS = [
    "北海道",
    "青森",
    "岩手",
    "宮城",
    "秋田",
    "山形",
    "福島",
    "茨城",
    "栃木",
    "群馬",
    "埼玉",
    "千葉",
    "東京",
    "神奈川",
    "新潟",
    "富山",
    "石川",
    "福井",
    "山梨",
    "長野",
    "岐阜",
    "静岡",
    "愛知",
    "三重",
    "滋賀",
    "京都",
    "大阪",
    "兵庫",
    "奈良",
    "和歌山",
    "鳥取",
    "島根",
    "岡山",
    "広島",
    "山口",
    "徳島",
    "香川",
    "愛媛",
    "高知",
    "福岡",
    "佐賀",
    "長崎",
    "熊本",
    "大分",
    "宮崎",
    "鹿児島",
    "沖縄",
]
_CITIES = [
    "札幌",
    "仙台",
    "横浜",
    "川崎",
    "相模原",
    "名古屋",
    "神戸",
    "北九州",
    "さいたま",
    "浜松",
    "堺",
    "岡崎",
    "豊田",
    "姫路",
    "倉敷",
    "金沢",
    "高松",
    "松山",
    "那覇",
    "新宿",
    "渋谷",
    "品川",
    "池袋",
    "丸の内",
    "大手町",
    "日本橋",
    "銀座",
    "六本木",
    "八王子",
    "立川",
    "梅田",
    "難波",
    "心斎橋",
    "博多",
    "天神",
    "関東",
    "関西",
    "東北",
    "北陸",
    "中部",
    "中国",
    "四国",
    "九州",
    "東海",
    "近畿",
    "甲信越",
    "山陰",
    "山陽",
    "東日本",
    "西日本",
    "首都圏",
    "城南",
    "城北",
]
_PLACE = (
    "(?:"
    + "|".join(sorted(_PREFS + _CITIES, key=len, reverse=True))
    + ")(?:都|道|府|県|市|区)?(?:中央|東|西|南|北)?"
)
_ORDINAL = r"第[一二三四五六七八九十\d]+"
_OFFICE_WORDS = "支店|支社|営業所|出張所|事業所|分室|オフィス"  # not 事務所: it ends many names
_OFFICE = f"(?:{_OFFICE_WORDS})"
BRANCH_RE = (
    r"(?:"
    rf"(?:{_PLACE}|{_ORDINAL})(?:{_OFFICE_WORDS}|工場|本社|本店|センター)"  # 東京支店, 第二工場
    r"|(?:本社|営業本部|技術センター|研究開発センター)"
    rf"|\s(?:\S{{0,10}}{_OFFICE}|\S{{0,10}}(?:営業部|事業部|本部|部|課)|本社|本店|(?:{_PLACE}|{_ORDINAL})?工場)"
    r")$"
)

# --- character folding --------------------------------------------------------------------------
_VARIANT_KANJI = {
    "髙": "高",
    "﨑": "崎",
    "嵜": "崎",
    "碕": "崎",
    "邊": "辺",
    "邉": "辺",
    "澤": "沢",
    "齋": "斎",
    "斉": "斎",
    "齊": "斎",
    "濱": "浜",
    "濵": "浜",
    "廣": "広",
    "國": "国",
    "櫻": "桜",
    "嶋": "島",
    "嶌": "島",
    "槇": "槙",
    "德": "徳",
    "眞": "真",
    "瀨": "瀬",
    "冨": "富",
    "惠": "恵",
    "會": "会",
    "學": "学",
    "藝": "芸",
    "鐵": "鉄",
    "萬": "万",
    "與": "与",
    "實": "実",
    "壽": "寿",
    "增": "増",
    "圓": "円",
    "驛": "駅",
    "發": "発",
    "榮": "栄",
    "條": "条",
    "淺": "浅",
    "澁": "渋",
    "龍": "竜",
    "舘": "館",
    "藏": "蔵",
    "硏": "研",
    "關": "関",
    "靜": "静",
    "縣": "県",
    "亞": "亜",
    "惡": "悪",
    "壹": "壱",
    "應": "応",
    "假": "仮",
    "氣": "気",
    "廳": "庁",
    "豐": "豊",
    "禮": "礼",
    "晝": "昼",
    "兒": "児",
    "寳": "宝",
    "寶": "宝",
    "黑": "黒",
    "祐": "祐",
    "彌": "弥",
    "戶": "戸",
    "户": "戸",
    "顯": "顕",
    "聯": "連",
    "衞": "衛",
    "辯": "弁",
    "辨": "弁",
    "瓣": "弁",
    "傳": "伝",
    "濟": "済",
    "灣": "湾",
    "籠": "篭",
    "蠶": "蚕",
    "盡": "尽",
    "團": "団",
    "臺": "台",
    "圖": "図",
    "邨": "村",
    "嶽": "岳",
    "峯": "峰",
}
_VU = {"ヴァ": "バ", "ヴィ": "ビ", "ヴェ": "ベ", "ヴォ": "ボ", "ヴュ": "ビュ", "ヴ": "ブ"}
_SMALL_KANA = dict(zip("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ", strict=True))
_KE = {"ヶ": "ケ", "ヵ": "ケ", "ゖ": "ケ", "ゕ": "ケ"}
_HIRA_TO_KATA = {chr(c): chr(c + 0x60) for c in range(0x3041, 0x3097)}
_OLD_KANA = {"ヂ": "ジ", "ヅ": "ズ", "ヲ": "オ", "ヰ": "イ", "ヱ": "エ"}

# everything dropped from a comparison key: blanks, dash / long-vowel marks, punctuation
_DROP_RE = r"[\u3099-\u309C\s\-‐‑‒–—―−ー~〜～・･·.,，、。'’‘\"“”()\[\]{}「」『』【】〔〕<>/\\!?:;*＊_|+=#@]"


def _replace_map(col: pl.Expr, mapping: dict[str, str]) -> pl.Expr:
    return col.str.replace_many(list(mapping), list(mapping.values()), leftmost=True)


def _nfkc_upper(col: pl.Expr) -> pl.Expr:
    return col.str.normalize("NFKC").str.to_uppercase().str.strip_chars()


def _without_legal(col: pl.Expr) -> pl.Expr:
    """NFKC + upper, legal forms replaced by one blank, outer blanks trimmed."""
    return _nfkc_upper(col).str.replace_all(LEGAL_RE, " ").str.strip_chars()


def legal_form(col: pl.Expr) -> pl.Expr:
    """Canonical legal form found in the name (株式会社, 有限会社, 合同会社, ...) or null.

    English forms map to their Japanese counterparts: Co., Ltd. / Inc. / Corporation / K.K. → 株式会社,
    LLC / G.K. → 合同会社. The first form written wins.
    """
    token = _nfkc_upper(col).str.extract(LEGAL_RE, 0).str.replace_all(_TOKEN_DROP, "")
    return token.replace_strict(_LEGAL_TOKENS, default=None, return_dtype=pl.String)


def branch(col: pl.Expr) -> pl.Expr:
    """Branch / office / department suffix found at the end of the name (東京支店, 本社, 第二工場) or null."""
    return _without_legal(col).str.extract(BRANCH_RE, 0).str.strip_chars().replace("", None)


def strip_legal_and_branch(col: pl.Expr) -> pl.Expr:
    """NFKC + upper-cased name without legal form and branch suffix, blanks kept (for display / kana)."""
    return _without_legal(col).str.replace(BRANCH_RE, "").str.strip_chars()


def fold_chars(col: pl.Expr) -> pl.Expr:
    """Variant kanji, ヶ/ヵ, ヴ and small kana folded; blanks, dashes, long vowels, punctuation dropped."""
    out = _replace_map(col, _VARIANT_KANJI)
    out = _replace_map(out, _KE)
    out = _replace_map(out, _VU)
    out = _replace_map(out, _SMALL_KANA).str.normalize("NFC")  # ツ + ゙ left by a folded ッﾞ → ヅ
    return out.str.replace_all(_DROP_RE, "")


def normalize_name(col: pl.Expr) -> pl.Expr:
    """Comparison key of a company name; null when nothing is left (e.g. the name was only "株式会社")."""
    return fold_chars(strip_legal_and_branch(col)).replace("", None)


def fold_kana(col: pl.Expr) -> pl.Expr:
    """Fold a katakana / hiragana reading for comparison.

    NFKC (half-width ｶﾌﾞｼｷ → full-width カブシキ), hiragana → katakana, ヴァ → バ, small kana → large,
    ヂ/ヅ/ヲ → ジ/ズ/オ, long-vowel marks, dashes, blanks and punctuation removed, ASCII upper-cased.
    """
    out = _nfkc_upper(col)
    out = _replace_map(out, _HIRA_TO_KATA)
    out = _replace_map(out, _VU)
    out = _replace_map(out, {**_SMALL_KANA, "ヶ": "ケ", "ヵ": "カ"}).str.normalize("NFC")
    # NFC can compose a new ヴ (small ゥ + combining dakuten became ウ + ゛): fold it again (idempotence)
    out = _replace_map(out, _VU)
    out = _replace_map(out, _OLD_KANA)
    return out.str.replace_all(_DROP_RE, "").replace("", None)


KANA_ONLY_RE = r"^[\p{Katakana}\p{Hiragana}ー\s・･\-]+$"
ASCII_ONLY_RE = r"^[A-Z0-9\s&.,'\-/()!+]+$"


def kana_key(col: pl.Expr) -> pl.Expr:
    """Folded reading of a name typed in kana only (legal form dropped), else null."""
    s = strip_legal_and_branch(col)
    return pl.when(s.str.contains(KANA_ONLY_RE)).then(fold_kana(s)).otherwise(None)


def reading_key(col: pl.Expr) -> pl.Expr:
    """Folded master フリガナ with the legal-form reading (カブシキガイシャ ...) dropped."""
    return fold_kana(_without_legal(col))


def english_key(col: pl.Expr) -> pl.Expr:
    """Upper-case alphanumerics of a name written in Latin letters only (legal form dropped), else null."""
    s = _without_legal(col)
    out = s.str.replace_all(r"^THE\s+|[^A-Z0-9&]", "")
    return pl.when(s.str.contains(ASCII_ONLY_RE) & (out.str.len_chars() > 0)).then(out).otherwise(None)


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
        out = _replace_map(out, mapping)
    return out.str.replace_all(r"[^A-Z0-9&]", "").replace("", None)


def romaji(col: pl.Expr) -> pl.Expr:
    """Hepburn romaji of a katakana / hiragana reading (legal-form reading dropped), folded."""
    out = _replace_map(_without_legal(col), _HIRA_TO_KATA)
    out = _replace_map(out, _DIGRAPHS)
    out = _replace_map(out, _KANA_ROMAJI)
    return fold_romaji(out.str.replace_all(r"[ッー\s・]", ""))
