"""Each contact's buying-committee role from its title (役職) and department (部署).

B2B purchases are decided by a committee (domain.md): 決裁者 ``decision_maker`` (経営層: final say and
budget), 推進者 ``champion`` (the 部門マネージャー who feels the effect, compares vendors, carries the
workload), 技術評価者 ``technical`` (情報システム / engineering: specs, security, integration), 財務
``finance`` (経理・財務・購買: ROI, budget, payment terms) and 利用者 ``user`` (everyone else).

What a sales team means, and so the order of the default rules (first match wins):

1. Executives decide whatever their function: 代表取締役, 社長, 取締役, 執行役員, 本部長, 事業部長,
   CxO, VP, President, Managing/Representative Director → ``decision_maker``; a CFO or a
   取締役 経理部長 is the one who signs, not the one who checks the ROI. 兼務 titles
   ("取締役 兼 営業本部長") take their highest office, which this order gives for free.
2. Below them, the function decides: an 情報システム部長 judges specs and security (``technical``),
   a 財務部長 the budget (``finance``), however senior; first by the title's own words, then by
   the department.
3. Other managers (部長, 課長, 室長, マネージャー, Manager, Head of, Director, グループリーダー) are
   ``champion``. An English "Director" below VP is a senior manager, not 経営層; a "リーダー" or
   "Team Lead" (係長 level) and an "Assistant Manager" are users.
4. Everyone else, blank titles included, is ``user``.

Rules live in the config (``[roles]``, ``abm.engagement.role_settings``). The work is vectorised on the
distinct (title, department) pairs, which are far fewer than contacts (1M contacts share a few
thousand titles), then joined back in SQL.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from abm.engagement.role_settings import RADICALS, RoleRule, RolesSettings

ROLES: tuple[str, ...] = ("decision_maker", "champion", "technical", "finance", "user")
DEFAULT_ROLE = "user"
NO_RULE = "default"  # role_rule of a contact no rule matched


def folded(column: str) -> pl.Expr:
    """The column as the rules see it: NFKC, kanji for radicals (部⻑ → 部長), lower case, single
    spaces, '' for NULL; patterns get the same NFKC and match case-insensitively."""
    return (
        pl.col(column)
        .fill_null("")
        .str.replace_many(list(RADICALS), list(RADICALS.values()))
        .str.normalize("NFKC")
        .str.to_lowercase()
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


def _first_match(column: str, patterns: list[str]) -> pl.Expr:
    """``column:pattern`` of the first pattern the folded column matches, else NULL."""
    text = pl.col(f"_{column}")
    expr: Any = pl.when(text.str.contains(f"(?i){patterns[0]}")).then(pl.lit(f"{column}:{patterns[0]}"))
    for pattern in patterns[1:]:
        expr = expr.when(text.str.contains(f"(?i){pattern}")).then(pl.lit(f"{column}:{pattern}"))
    return expr.otherwise(pl.lit(None, pl.String))


def _rule_label(rule: RoleRule) -> pl.Expr:
    """The patterns that made ``rule`` match (NULL when it does not): the audit trail of a role."""
    parts = [_first_match(c, p) for c, p in (("title", rule.title), ("department", rule.department)) if p]
    return parts[0] if len(parts) == 1 else pl.concat_str(parts, separator=" & ")


def classify(frame: pl.DataFrame, settings: RolesSettings | None = None) -> pl.DataFrame:
    """``frame`` (columns ``title``, ``department``) plus ``role`` and ``role_rule``: the first
    matching rule of ``extra_rules`` then ``rules``, else ``user`` / ``default``."""
    settings = settings or RolesSettings()
    rules = [*settings.extra_rules, *settings.rules]
    labels = [_rule_label(rule) for rule in rules]
    matched = zip(rules, labels, strict=True)
    role = pl.coalesce(
        *(pl.when(label.is_not_null()).then(pl.lit(rule.role)) for rule, label in matched),
        pl.lit(DEFAULT_ROLE),
    )
    return (
        frame.with_columns(_title=folded("title"), _department=folded("department"))
        .with_columns(role=role, role_rule=pl.coalesce(*labels, pl.lit(NO_RULE)))
        .drop("_title", "_department")
    )
