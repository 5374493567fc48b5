"""The ``[roles]`` section of the config: ordered rules that give each contact a buying-committee role.

Kept apart from ``abm.config.settings`` (which only wires it in, like ``[match]``) because the default
rules are a word list, read by lookup. Each rule names a role and regular expressions on the title
and/or the department; the first rule that matches decides (``abm.engagement.roles``).
"""

from __future__ import annotations

import unicodedata
from typing import Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Role = Literal["decision_maker", "champion", "technical", "finance", "user"]

# An English word on its own: Rust regex has no look-around, and \b treats 部 as a letter ("IT部").
_W = r"(^|[^a-z])"
_E = r"([^a-z]|$)"

# Function words shared by title and department patterns.
_TECHNICAL = [
    "情報システム",
    "情シス",
    "システム",
    f"{_W}it{_E}",
    f"{_W}ict{_E}",
    f"{_W}dx",
    "デジタル",
    "エンジニア",
    "技術",
    "技師",
    "(^|[^業])開発",  # 研究開発, ソフトウェア開発; not 事業開発 (business development)
    "研究",
    "プログラマ",
    "セキュリティ",
    "インフラ",
    f"{_W}se{_E}",
    "engin",  # engineer, engineering, and the common "enginner"
    "developer",
    "architect",
    "software",
    "devops",
    "data scien",
    "security",
    "system",
    f"{_W}r&d{_E}",
]
_FINANCE = [
    "経理",
    "財務",
    "会計",
    "主計",
    "出納",
    "購買",
    "調達",
    "資材",
    "バイヤー",
    "financ",
    "acc?ount(ant|ing)",  # and "acountant"
    "controller",
    "treasur",
    "procur",
    "purchas",
    f"{_W}buyer",
]

DEFAULT_RULES: list[dict[str, object]] = [
    # Assistants of executives and their office carry the executive's word but not the decision.
    {"role": "user", "title": ["秘書", "assistant", "アシスタント", "社長室", "product owner"]},
    # 経営層 and division heads decide and hold the budget, whatever their function (CFO, 経理担当取締役).
    {
        "role": "decision_maker",
        "title": [
            "代表",
            "代取",
            "取締役",
            "社長",
            "会長",
            "執行役",
            "常務",
            "専務",
            "役員",
            "本部長",
            "事業部長",
            "局長",
            "理事",
            "院長",
            "学長",
            "オーナー",
            f"{_W}c[a-z]{{1,2}}o{_E}",
            "chief .*officer",
            "president",
            f"{_W}[se]?vp{_E}",
            "managing",
            "representative director",
            "executive director",
            "executive officer",
            "board",
            "founder",
            f"{_W}owner",
        ],
    },
    # Below the executives, the function decides what the person judges in the deal.
    {"role": "technical", "title": _TECHNICAL},
    {"role": "finance", "title": _FINANCE},
    {"role": "technical", "department": [*_TECHNICAL, "information", f"{_W}cto{_E}"]},
    {"role": "finance", "department": _FINANCE},
    # "Manager" job names that manage an account or a product, not people.
    {"role": "user", "title": ["account manager", "product manager", "office manager", "brand manager"]},
    # 部門マネージャー: they feel the effect, compare vendors and carry the workload.
    {
        "role": "champion",
        "title": [
            "部長",
            "次長",
            "課長",
            "室長",
            "所長",
            "工場長",
            "店長",
            "センター長",
            "グループ長",
            "グループリーダー",
            "チーム長",
            "部門長",
            "マネージャ",
            "マネジャ",
            "man(a)?ge?r",  # manager, and the common "manger" / "managr"
            f"{_W}mgr{_E}",
            "head of",
            "director",
            f"{_W}gm{_E}",
        ],
    },
]


# CJK radicals that PDF / OCR copies put for the kanji and NFKC leaves alone (部⻑ → 部長).
RADICALS = {"\u2ed1": "長", "\u2ed8": "青", "\u2ec4": "西"}


def fold_pattern(pattern: str) -> str:
    """A pattern as written in the config, in the text's forms: NFKC (ＣＥＯ → CEO, ｼｽﾃﾑ → システム) and
    kanji for radicals. Not lower-cased: that would turn ``\\S`` into ``\\s``; matching is
    case-insensitive instead (``abm.engagement.roles``)."""
    for radical, kanji in RADICALS.items():
        pattern = pattern.replace(radical, kanji)
    return unicodedata.normalize("NFKC", pattern)


class RoleRule(BaseModel):
    """One rule: ``role`` when the title matches one of ``title`` and the department one of
    ``department`` (a rule naming only one of them looks at that one only)."""

    model_config = ConfigDict(extra="forbid")

    role: Role = Field(..., description="Role code given by this rule.")
    title: list[str] = Field(default_factory=list, description="Regular expressions on the title (役職).")
    department: list[str] = Field(
        default_factory=list, description="Regular expressions on the department (部署)."
    )

    @field_validator("title", "department")
    @classmethod
    def _valid_patterns(cls, patterns: list[str]) -> list[str]:
        folded = [fold_pattern(p) for p in patterns]
        for pattern in folded:
            try:
                pl.Series([""]).str.contains(f"(?i){pattern}")
            except pl.exceptions.PolarsError:
                raise ValueError(f"not a valid regular expression: {pattern!r}") from None
        return folded

    @model_validator(mode="after")
    def _some_pattern(self) -> RoleRule:
        if not self.title and not self.department:
            raise ValueError(f"a {self.role} rule needs title or department patterns")
        return self


class RolesSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules: list[RoleRule] = Field(
        default_factory=lambda: [RoleRule.model_validate(r) for r in DEFAULT_RULES],
        description="Ordered role rules (`[[roles.rules]]` role, title, department: regular expressions "
        "matched case-insensitively on NFKC text); the first match decides, no match = `user`. Setting it "
        "replaces the defaults (executives → decision_maker; IT/技術 → technical; 経理/財務/購買 → "
        "finance; managers → champion).",
    )
    extra_rules: list[RoleRule] = Field(
        default_factory=list,
        description="Rules tried before `rules`: add house titles without copying the defaults.",
    )
