"""Legal forms (法人格) in every written form, as data and one regex: 株式会社, (株), カ), カブシキガイシャ,
KK, K.K., Co., Ltd., Inc., 有限会社, (有), 合同会社, LLC, 一般社団法人, 医療法人, ...

``abm.matching.normalize`` removes them from names (``LEGAL_RE``) and reads which one was written
(``LEGAL_TOKENS``); ranking bands read ``LEGAL_FORM_NAMES`` from official names.
"""

from __future__ import annotations

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
TOKEN_DROP = r"[\s.,()]"
LEGAL_TOKENS: dict[str, str] = {}
for _canon, _ in _LEGAL_FORMS:
    LEGAL_TOKENS[_canon] = _canon
LEGAL_TOKENS.update(_BANK)
LEGAL_TOKENS.update(
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
LEGAL_TOKENS.update(
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
