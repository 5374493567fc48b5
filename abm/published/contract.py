"""The published contract: every table and view abm publishes, declared once.

A BI analyst opening the DuckDB file, an API client and a CRM import all read the same columns, so
each published object is declared here once: its name, grain (what one row is), description, and
each column's DuckDB type, description and whether it is personal data. Everything else derives
from it: the ``COMMENT ON`` statements of a run and the data dictionary
(``abm.published.dictionary``), the API's response models (``api/schemas.py``) and the account
columns the API selects. ``tests/test_bi_contract.py`` compares ``DESCRIBE`` of a real published
file with this contract, so a column added in SQL without a declaration here fails the build.

Also here, because readers order and group by them: the three-circle segments in their display
order and the priority order of target accounts.

Landed input tables are declared by the input contract (``abm.inputs.schema``), from which their
published columns derive.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from abm.inputs.schema import INPUTS
from abm.inputs.spec import Kind

# The three-circle segments in the order people read them (domain.md): strongest first, none last.
SEGMENTS: tuple[str, ...] = ("S+B+C", "S+B", "B+C", "B", "S+C", "S", "C", "none")

# The order targets are worked in: tier, then priority_score (buying power lifted by engagement,
# `actions.priority_weight`; weight 0 = buying power alone), then own revenue; account_id breaks ties
# so every reader (v_target_accounts.priority, the API's `priority` sort, tiering) agrees on it.
PRIORITY: tuple[tuple[str, bool], ...] = (
    ("tier", False),
    ("priority_score", True),
    ("sales_amount", True),
    ("account_id", False),
)


@dataclass(frozen=True)
class Column:
    """One published column: ``type`` is what DuckDB's ``DESCRIBE`` says."""

    name: str
    type: str
    description: str
    personal: bool = False  # identifies a person (contacts, reps): handle as personal data


@dataclass(frozen=True)
class Table:
    """One published table or view; ``optional`` ones exist only when their input is supplied."""

    name: str
    kind: Literal["table", "view"]
    grain: str
    description: str
    columns: tuple[Column, ...]
    optional: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name}")


# DuckDB type of each input kind once landed (abm.inputs.validate parses to these).
_KIND_TYPES: dict[Kind, str] = {
    "text": "VARCHAR",
    "id": "VARCHAR",
    "corporate_number": "VARCHAR",
    "email": "VARCHAR",
    "int": "BIGINT",
    "year": "BIGINT",
    "number": "DOUBLE",
    "date": "DATE",
    "bool": "BOOLEAN",
    "opt_in": "BOOLEAN",
}


def _input_table(name: str) -> Table:
    """Landed input tables are the input contract itself, after the row of the file they came from."""
    spec = INPUTS[name]
    source_row = Column(
        "source_row", "BIGINT", "Row of the input file the record came from (header = row 1)."
    )
    return Table(
        name,
        "table",
        grain=f"one landed row of the {name} file",
        description=f"Landed input rows: {spec.description}",
        columns=(
            source_row,
            *(Column(c.name, _KIND_TYPES[c.kind], c.description or c.name, c.personal) for c in spec.columns),
        ),
        optional=spec.optional,
    )


# Columns shared by `accounts` and the views built on it: one wording everywhere.
ACCOUNT: dict[str, Column] = {
    c.name: c
    for c in (
        Column(
            "account_id",
            "VARCHAR",
            "Stable account id: the master company_id, or `X-` + a hash of the 名寄せ group of source "
            "records that matched no master company.",
        ),
        Column(
            "company_id", "VARCHAR", "Master company id (企業コード); empty for accounts not in the master."
        ),
        Column("corporate_number", "VARCHAR", "13-digit 法人番号 (check digit validated)."),
        Column(
            "name",
            "VARCHAR",
            "Company name: the master's 商号, else the spelling in our sales records or contacts.",
        ),
        Column("name_kana", "VARCHAR", "Katakana reading (フリガナ) from the master."),
        Column("prefecture", "VARCHAR", "Prefecture (都道府県)."),
        Column("city", "VARCHAR", "City / ward (市区町村)."),
        Column("address", "VARCHAR", "Street address from the master (所在地)."),
        Column("postal_code", "VARCHAR", "Postal code (郵便番号) from the master."),
        Column("domain", "VARCHAR", "Web / email domain from the master."),
        Column("phone", "VARCHAR", "Company main phone number from the master."),
        Column("industry_code", "VARCHAR", "JSIC industry code (業種コード)."),
        Column("industry_name", "VARCHAR", "Industry name (業種)."),
        Column("employees", "BIGINT", "Employees (従業員数) from the master."),
        Column("revenue", "DOUBLE", "Annual revenue in yen (売上高) from the master, not our sales to them."),
        Column("capital", "DOUBLE", "Capital in yen (資本金) from the master."),
        Column("listed", "BOOLEAN", "Listed on an exchange (上場)."),
        Column("in_master", "BOOLEAN", "True when the account is a company of the purchased master."),
        Column(
            "closed",
            "BOOLEAN",
            "Closed company (登記記録の閉鎖, liquidated or merged away): never in the B or C circle, never "
            "whitespace; its own sales still count.",
        ),
        Column(
            "closed_on", "DATE", "Date the company closed (登記記録の閉鎖等年月日), when the master gives it."
        ),
        Column(
            "sales_amount",
            "DOUBLE",
            "Our net revenue from the account in the look-back window (yen, returns netted).",
        ),
        Column(
            "abc_class",
            "VARCHAR",
            "ABC / Pareto class of own revenue: A (top, up to abc.a cumulative share), B, C; empty for "
            "non-customers.",
        ),
        Column(
            "revenue_decile",
            "BIGINT",
            "Decile of own revenue among customers (1 = top 10%); empty for non-customers.",
        ),
        Column(
            "buying_power_score",
            "DOUBLE",
            "Buying power (購買力) 0..1: how much the company looks like our top customers.",
        ),
        Column(
            "buying_power_decile",
            "TINYINT",
            "Decile of buying_power_score over the live (not closed) master companies (1 = top 10%); tied "
            "scores share the lower decile, a score equal for every company puts all in decile 10; empty "
            "for closed companies.",
        ),
        Column("in_sales", "BOOLEAN", "S circle: positive net revenue in the look-back window."),
        Column(
            "has_buying_power",
            "BOOLEAN",
            "B circle: buying_power_decile ≤ buying_power.threshold_decile (nobody when the score is the "
            "same for every company).",
        ),
        Column(
            "has_contacts", "BOOLEAN", "C circle: at least one contact opted in and not opted out by as-of."
        ),
        Column("contact_count", "BIGINT", "Contacts reachable at as-of (opted in, not opted out)."),
        Column("segment", "VARCHAR", f"Three-circle segment: {', '.join(SEGMENTS[:-1])} or {SEGMENTS[-1]}."),
        Column(
            "approach",
            "VARCHAR",
            "Approach: the next_action's text when one is set, else the segment's (circles.playbook, else "
            "the message catalogue's in ui.language).",
        ),
        Column("tier", "TINYINT", "ABM tier: 1 = 1:1, 2 = 1:few, 3 = 1:many; empty = not targeted."),
        Column(
            "tier_reason",
            "VARCHAR",
            "Why the account got its tier (segment, rank, capacity), then why its next_action when one "
            "is set.",
        ),
        Column("territory", "VARCHAR", "Sales territory (area of the prefecture, or the rep's territory)."),
        Column("owner", "VARCHAR", "Sales rep who owns the account; empty until reps are assigned."),
        Column(
            "whitespace",
            "BOOLEAN",
            "Whitespace (ホワイトスペース): has buying power, no sales in the window.",
        ),
        Column(
            "last_sale_date",
            "DATE",
            "Date of the latest sales line up to as-of (any time, not only the window).",
        ),
        Column(
            "customer_codes",
            "BIGINT",
            "Customer codes (取引先コード) in our sales data linked to the account.",
        ),
        Column(
            "why",
            "VARCHAR",
            "Why the buying power is what it is: the two or three traits of the company (industry, size, "
            "area...) most over-represented among top customers, with their lift, from buying_power_traits; "
            "in ui.language; empty when no trait stands out (lift ≥ 1.2 on ≥ 3 top customers) or off-master.",
        ),
        Column(
            "priority",
            "BIGINT",
            "Place in the target list (1 = first): Tier 1, 2, 3, then untiered accounts, each by "
            "priority_score, then own revenue, then account_id (PRIORITY, computed in abm.targeting.tiers).",
        ),
        Column(
            "priority_score",
            "DOUBLE",
            "What orders accounts within a tier: buying_power_score + actions.priority_weight × engagement "
            "(1.0 for engagement decile 1 … 0.1 for decile 10, 0 without); equals buying_power_score when "
            "the weight is 0 or the account shows no engagement (abm.targeting.actions).",
        ),
        Column(
            "engagement_score",
            "DOUBLE",
            "Decayed engagement points of the account (account_engagement); 0 without attributed activity.",
        ),
        Column(
            "engagement_level",
            "VARCHAR",
            "Engagement level: high, mid, low or none (none = no engagement; account_engagement).",
        ),
        Column(
            "surging",
            "BOOLEAN",
            "Recent engagement well above the account's own previous level (account_engagement).",
        ),
        Column(
            "roles_missing",
            "VARCHAR",
            "Buying-committee roles without a consented contact, comma-separated in the order "
            "decision_maker, champion, technical, finance, user (account_coverage); every role when the "
            "account has no contact, empty when all are reached.",
        ),
        Column(
            "next_action",
            "VARCHAR",
            "What to do next, first rule wins: inside_sales_now (whitespace B / B+C that is surging), "
            "follow_up_offline (Tier 1/2 with low or no engagement: telesales, visits), "
            "reach_decision_maker (tiered, no consented decision maker); empty = the segment's playbook. "
            "approach then says the action and tier_reason why (abm.targeting.actions).",
        ),
        Column(
            "name_norm",
            "VARCHAR",
            "The name folded as 名寄せ folds it (legal form, branch, width, old kanji): for search.",
        ),
    )
}

# A segment's own approach (segments, v_segment_summary): the playbook, before any next_action.
SEGMENT_APPROACH = Column(
    "approach",
    "VARCHAR",
    "Approach for the segment: circles.playbook, else the message catalogue's in ui.language.",
)

VIEWS: tuple[Table, ...] = (
    Table(
        "v_target_accounts",
        "view",
        grain="one row per tiered account (tier 1–3), in priority order",
        description="The tiered target list (Tier 1–3) with approach and owner, best first: the list ABM "
        "teams work.",
        columns=(
            Column(
                "priority",
                "BIGINT",
                "Rank in the list (1 = first to work): tier, then buying power, then own revenue.",
            ),
            ACCOUNT["account_id"],
            ACCOUNT["tier"],
            ACCOUNT["tier_reason"],
            ACCOUNT["segment"],
            ACCOUNT["approach"],
            ACCOUNT["name"],
            ACCOUNT["corporate_number"],
            ACCOUNT["prefecture"],
            ACCOUNT["city"],
            ACCOUNT["address"],
            ACCOUNT["postal_code"],
            ACCOUNT["domain"],
            ACCOUNT["industry_code"],
            ACCOUNT["industry_name"],
            ACCOUNT["employees"],
            ACCOUNT["buying_power_score"],
            ACCOUNT["buying_power_decile"],
            ACCOUNT["sales_amount"],
            ACCOUNT["abc_class"],
            ACCOUNT["contact_count"],
            ACCOUNT["territory"],
            ACCOUNT["owner"],
            ACCOUNT["last_sale_date"],
            ACCOUNT["why"],
        ),
    ),
    Table(
        "v_whitespace",
        "view",
        grain="one row per whitespace account (buying power, no sales in the window), best first",
        description="Whitespace (ホワイトスペース): companies with buying power and no sales in the window, "
        "highest buying power first.",
        columns=(
            Column(
                "whitespace_rank", "BIGINT", "Rank by buying power among whitespace companies (1 = highest)."
            ),
            ACCOUNT["account_id"],
            ACCOUNT["name"],
            ACCOUNT["corporate_number"],
            ACCOUNT["prefecture"],
            ACCOUNT["city"],
            ACCOUNT["industry_code"],
            ACCOUNT["industry_name"],
            ACCOUNT["employees"],
            ACCOUNT["revenue"],
            ACCOUNT["buying_power_score"],
            ACCOUNT["buying_power_decile"],
            ACCOUNT["has_contacts"],
            ACCOUNT["contact_count"],
            ACCOUNT["segment"],
            ACCOUNT["approach"],
            ACCOUNT["tier"],
            ACCOUNT["territory"],
            ACCOUNT["owner"],
            Column(
                "last_sale_date",
                "DATE",
                "Latest sale before the window, if the company bought from us once (lapsed).",
            ),
            ACCOUNT["why"],
        ),
    ),
    Table(
        "v_account_360",
        "view",
        grain="one row per account",
        description="One row per account: master data, circles and tier, own sales summary, contact "
        "counts and 名寄せ evidence counts.",
        columns=(
            ACCOUNT["account_id"],
            ACCOUNT["company_id"],
            ACCOUNT["corporate_number"],
            ACCOUNT["name"],
            ACCOUNT["name_kana"],
            ACCOUNT["prefecture"],
            ACCOUNT["city"],
            ACCOUNT["industry_code"],
            ACCOUNT["industry_name"],
            ACCOUNT["employees"],
            ACCOUNT["revenue"],
            ACCOUNT["capital"],
            ACCOUNT["listed"],
            ACCOUNT["in_master"],
            ACCOUNT["sales_amount"],
            ACCOUNT["abc_class"],
            ACCOUNT["revenue_decile"],
            ACCOUNT["buying_power_score"],
            ACCOUNT["buying_power_decile"],
            ACCOUNT["in_sales"],
            ACCOUNT["has_buying_power"],
            ACCOUNT["has_contacts"],
            ACCOUNT["contact_count"],
            ACCOUNT["segment"],
            ACCOUNT["approach"],
            ACCOUNT["tier"],
            ACCOUNT["tier_reason"],
            ACCOUNT["territory"],
            ACCOUNT["owner"],
            ACCOUNT["last_sale_date"],
            ACCOUNT["customer_codes"],
            Column("sales_lines", "BIGINT", "Sales lines linked to the account (all dates)."),
            Column(
                "lifetime_amount", "DOUBLE", "Own net revenue from the account over all sales lines (yen)."
            ),
            Column("first_sale_date", "DATE", "Date of the first sales line."),
            Column("contacts_total", "BIGINT", "Contacts linked to the account, reachable or not."),
            Column(
                "linked_records",
                "BIGINT",
                "Source records (sales customer codes, contacts) assigned to the account.",
            ),
            Column("linked_by_corporate_number", "BIGINT", "Records linked by 法人番号."),
            Column("linked_by_domain", "BIGINT", "Records linked by email / web domain."),
            Column("linked_by_phone", "BIGINT", "Records linked by phone number."),
            Column(
                "linked_by_name", "BIGINT", "Records linked by name (exact or fuzzy, with prefecture / city)."
            ),
            Column("linked_manually", "BIGINT", "Records linked by a human decision (review queue)."),
            Column(
                "unmatched_records",
                "BIGINT",
                "Source records that matched no master company (off-master account).",
            ),
            Column("in_review", "BIGINT", "Source records of the account waiting in the review queue."),
            ACCOUNT["why"],
        ),
    ),
    Table(
        "v_segment_summary",
        "view",
        grain="one row per three-circle segment, in segment order",
        description="Per three-circle segment: accounts, revenue, contacts, whitespace, tiers and shares.",
        columns=(
            ACCOUNT["segment"],
            SEGMENT_APPROACH,
            Column("accounts", "BIGINT", "Accounts in the segment."),
            Column("revenue", "DOUBLE", "Own net revenue in the look-back window (yen)."),
            Column("contacts", "BIGINT", "Reachable contacts of those accounts."),
            Column("whitespace", "BIGINT", "Accounts with buying power and no sales in the window."),
            Column("tier1", "BIGINT", "Tier 1 accounts."),
            Column("tier2", "BIGINT", "Tier 2 accounts."),
            Column("tier3", "BIGINT", "Tier 3 accounts."),
            Column("in_sales", "BOOLEAN", "Segment is inside the S (sales) circle."),
            Column("has_buying_power", "BOOLEAN", "Segment is inside the B (buying power) circle."),
            Column("has_contacts", "BOOLEAN", "Segment is inside the C (contacts) circle."),
            Column("account_share", "DOUBLE", "Share of all accounts."),
            Column("revenue_share", "DOUBLE", "Share of own revenue in the window."),
            Column(
                "avg_buying_power_score",
                "DOUBLE",
                "Mean buying_power_score of the segment's master companies.",
            ),
        ),
    ),
    Table(
        "v_territory_balance",
        "view",
        grain="one row per rep (with a reps file) or per territory and owner (without)",
        description="Load per rep (or per territory when no reps file is given): accounts, buying power, "
        "revenue, shares and deviation from the area's mean.",
        columns=(
            Column(
                "territory",
                "VARCHAR",
                "Territory: the rep's area, or the area of the prefecture when no reps are given.",
            ),
            Column(
                "owner",
                "VARCHAR",
                "Rep id (担当者コード) owning the accounts; empty when no reps file is given.",
            ),
            Column("owner_name", "VARCHAR", "Rep name; empty without reps."),
            Column("capacity", "DOUBLE", "Rep's relative capacity (1 = normal); empty without reps."),
            Column(
                "accounts",
                "BIGINT",
                "Accounts owned (with reps: accounts in territory scope; without: accounts in a circle).",
            ),
            Column(
                "buying_power",
                "DOUBLE",
                "Summed buying_power_score of those accounts: the load measured by potential.",
            ),
            Column("revenue", "DOUBLE", "Own net revenue of those accounts in the look-back window (yen)."),
            Column(
                "accounts_share",
                "DOUBLE",
                "Share of the accounts (of the rep's area with reps, of the country without).",
            ),
            Column(
                "buying_power_share",
                "DOUBLE",
                "Share of the buying power (of the rep's area with reps, of the country without).",
            ),
            Column(
                "revenue_share",
                "DOUBLE",
                "Share of the revenue (of the rep's area with reps, of the country without).",
            ),
            Column(
                "accounts_deviation",
                "DOUBLE",
                "Accounts per unit of capacity vs the area's mean, minus 1 (0 = balanced).",
            ),
            Column(
                "buying_power_deviation",
                "DOUBLE",
                "Buying power per unit of capacity vs the area's mean, minus 1.",
            ),
            Column(
                "revenue_deviation", "DOUBLE", "Revenue per unit of capacity vs the area's mean, minus 1."
            ),
            Column(
                "within_tolerance",
                "BOOLEAN",
                "Every balanced metric's deviation within territories.tolerance.",
            ),
        ),
    ),
    Table(
        "v_next_actions",
        "view",
        grain="one row per account with a next action or in Tier 1/2, by owner then priority",
        description="This week's actions per owner (rep), best first: accounts whose next_action is set "
        "(surging whitespace, low-engagement Tier 1/2, targets without a decision maker) and every Tier 1/2 "
        "account, with what to do and why. Without a reps file owner is empty and every account is listed.",
        columns=(
            ACCOUNT["owner"],
            Column("owner_rank", "BIGINT", "Place in the owner's list (1 = first to work), by priority."),
            ACCOUNT["priority"],
            ACCOUNT["account_id"],
            ACCOUNT["name"],
            ACCOUNT["tier"],
            ACCOUNT["segment"],
            ACCOUNT["next_action"],
            Column(
                "action",
                "VARCHAR",
                "What to do, in ui.language: the next_action's text, else the segment's playbook approach.",
            ),
            Column(
                "reason",
                "VARCHAR",
                "Why: the tier's reason, then the facts behind the next_action (accounts.tier_reason).",
            ),
            ACCOUNT["engagement_level"],
            ACCOUNT["engagement_score"],
            ACCOUNT["surging"],
            ACCOUNT["roles_missing"],
            ACCOUNT["buying_power_score"],
            ACCOUNT["sales_amount"],
            ACCOUNT["contact_count"],
            ACCOUNT["territory"],
            ACCOUNT["prefecture"],
        ),
    ),
)

TABLES: tuple[Table, ...] = (
    Table(
        "accounts",
        "table",
        grain="one row per account",
        description="One row per account (master company, or source company that matched none): circles, "
        "segment, approach, tier, territory. The main table.",
        columns=(
            ACCOUNT["account_id"],
            ACCOUNT["company_id"],
            ACCOUNT["corporate_number"],
            ACCOUNT["name"],
            ACCOUNT["name_kana"],
            ACCOUNT["prefecture"],
            ACCOUNT["city"],
            ACCOUNT["industry_code"],
            ACCOUNT["industry_name"],
            ACCOUNT["employees"],
            ACCOUNT["revenue"],
            ACCOUNT["capital"],
            ACCOUNT["listed"],
            ACCOUNT["in_master"],
            ACCOUNT["closed"],
            ACCOUNT["closed_on"],
            ACCOUNT["sales_amount"],
            ACCOUNT["abc_class"],
            ACCOUNT["revenue_decile"],
            ACCOUNT["buying_power_score"],
            ACCOUNT["buying_power_decile"],
            ACCOUNT["in_sales"],
            ACCOUNT["has_buying_power"],
            ACCOUNT["has_contacts"],
            ACCOUNT["whitespace"],
            ACCOUNT["contact_count"],
            ACCOUNT["segment"],
            ACCOUNT["approach"],
            ACCOUNT["tier"],
            ACCOUNT["tier_reason"],
            ACCOUNT["territory"],
            ACCOUNT["owner"],
            ACCOUNT["last_sale_date"],
            ACCOUNT["customer_codes"],
            ACCOUNT["why"],
            ACCOUNT["priority"],
            ACCOUNT["name_norm"],
            ACCOUNT["priority_score"],
            ACCOUNT["engagement_score"],
            ACCOUNT["engagement_level"],
            ACCOUNT["surging"],
            ACCOUNT["roles_missing"],
            ACCOUNT["next_action"],
        ),
    ),
    Table(
        "segments",
        "table",
        grain="one row per three-circle segment",
        description="One row per three-circle segment with counts and revenue.",
        columns=(
            ACCOUNT["segment"],
            SEGMENT_APPROACH,
            Column("accounts", "BIGINT", "Accounts in the segment."),
            Column("revenue", "DOUBLE", "Own net revenue in the look-back window (yen)."),
            Column("contacts", "BIGINT", "Reachable contacts of those accounts."),
            Column("whitespace", "BIGINT", "Accounts with buying power and no sales in the window."),
            Column("tier1", "BIGINT", "Tier 1 accounts."),
            Column("tier2", "BIGINT", "Tier 2 accounts."),
            Column("tier3", "BIGINT", "Tier 3 accounts."),
        ),
    ),
    Table(
        "pareto",
        "table",
        grain="one row per customer with positive revenue in the window",
        description="ABC / Pareto analysis: one row per customer with positive revenue in the window, by "
        "rank.",
        columns=(
            Column("rank", "BIGINT", "Rank by own revenue (1 = largest)."),
            ACCOUNT["account_id"],
            ACCOUNT["name"],
            Column("revenue", "DOUBLE", "Own net revenue in the look-back window (yen)."),
            Column("share", "DOUBLE", "Share of total revenue."),
            Column(
                "cumulative_share", "DOUBLE", "Cumulative revenue share up to and including this customer."
            ),
            Column(
                "cumulative_customer_share",
                "DOUBLE",
                "Share of customers up to and including this one (Pareto x axis).",
            ),
            ACCOUNT["abc_class"],
            ACCOUNT["revenue_decile"],
        ),
    ),
    Table(
        "account_sales_quarters",
        "table",
        grain="one row per account and quarter with sales lines",
        description="Own net sales per account and quarter over every sales line (any date): the "
        "account's sales history, labelled in the run's quarter calendar.",
        columns=(
            ACCOUNT["account_id"],
            Column(
                "quarter",
                "VARCHAR",
                "Quarter label in the run's calendar, as runs.quarter (FY2026Q2 fiscal or 2026Q3).",
            ),
            Column("first_sale_date", "DATE", "Date of the first sales line of the account in the quarter."),
            Column(
                "amount", "DOUBLE", "Own net revenue from the account in the quarter (yen, returns netted)."
            ),
            Column("lines", "BIGINT", "Sales lines of the account in the quarter."),
        ),
    ),
    Table(
        "deciles",
        "table",
        grain="one row per revenue decile (1..10)",
        description="Decile analysis (デシル分析): ten equal-count customer groups by revenue, 1 = top.",
        columns=(
            Column("decile", "BIGINT", "Revenue decile (1 = top 10% of customers)."),
            Column("accounts", "BIGINT", "Customers in the decile."),
            Column("revenue", "DOUBLE", "Own net revenue of the decile (yen)."),
            Column("share", "DOUBLE", "Share of total revenue."),
            Column("cumulative_share", "DOUBLE", "Cumulative revenue share of deciles 1..this one."),
            Column("min_revenue", "DOUBLE", "Smallest customer revenue in the decile."),
            Column("max_revenue", "DOUBLE", "Largest customer revenue in the decile."),
        ),
    ),
    Table(
        "contact_roles",
        "table",
        grain="one row per contact",
        description="Each contact's buying-committee role (決裁者, 推進者, 技術評価者, 財務, 利用者) "
        "from its title and department by the `[roles]` rules, and whether we may contact it.",
        columns=(
            Column("contact_id", "VARCHAR", "Contact id (contacts.contact_id)."),
            ACCOUNT["account_id"],
            Column(
                "role",
                "VARCHAR",
                "decision_maker (決裁者: 経営層, 本部長), champion (推進者: 部門マネージャー), technical "
                "(技術評価者: 情報システム, engineering), finance (財務: 経理・財務・購買) or user (利用者).",
            ),
            Column(
                "role_rule",
                "VARCHAR",
                "The pattern that decided, e.g. `title:取締役` or `department:経理`; `default` when no rule "
                "matched (role user).",
            ),
            Column(
                "consented",
                "BOOLEAN",
                "Opted in and not opted out by as-of: the one consent rule (the C circle counts these).",
            ),
        ),
    ),
    Table(
        "account_coverage",
        "table",
        grain="one row per account with at least one contact",
        description="Buying-committee coverage per account: the roles its consented contacts reach, the "
        "roles missing, consented contacts per role. Accounts absent: nothing reached, every role missing.",
        columns=(
            ACCOUNT["account_id"],
            Column(
                "roles_reached",
                "VARCHAR",
                "Roles with a consented contact, comma-separated in the order decision_maker, champion, "
                "technical, finance, user; empty when none.",
            ),
            Column(
                "roles_missing", "VARCHAR", "Roles without a consented contact, same order; empty when none."
            ),
            Column("roles_reached_count", "INTEGER", "Number of roles reached (0–5)."),
            Column("has_decision_maker", "BOOLEAN", "A consented decision_maker (決裁者) contact exists."),
            Column("contacts_decision_maker", "INTEGER", "Consented decision_maker contacts."),
            Column("contacts_champion", "INTEGER", "Consented champion contacts."),
            Column("contacts_technical", "INTEGER", "Consented technical contacts."),
            Column("contacts_finance", "INTEGER", "Consented finance contacts."),
            Column("contacts_user", "INTEGER", "Consented user contacts."),
        ),
    ),
    Table(
        "matches",
        "table",
        grain="one row per source record (sales customer code, contact, or company of activity rows)",
        description="名寄せ result: one row per source record (sales customer code, contact, or company "
        "named by activity rows no known contact accounts for) and its master company.",
        columns=(
            Column("source", "VARCHAR", "Source of the record: sales, contacts or activities."),
            Column(
                "source_key",
                "VARCHAR",
                "Customer code (sales), contact id (contacts), or a hash of the normalised company "
                "name, 法人番号 and domain (activities).",
            ),
            Column("source_name", "VARCHAR", "Company name as written in the source."),
            Column(
                "company_id", "VARCHAR", "Linked master company (auto or manual status); empty otherwise."
            ),
            Column("score", "DOUBLE", "Match score 0..1 of the best candidate."),
            Column(
                "method",
                "VARCHAR",
                "Strongest evidence of the link: corporate_number, domain, phone, name, fuzzy, manual.",
            ),
            Column(
                "status", "VARCHAR", "auto (linked), manual (human decision), review (waiting), unmatched."
            ),
            Column("evidence", "VARCHAR", "Readable evidence for and against the pair."),
            Column("candidate_company_id", "VARCHAR", "Best candidate master company, even when not linked."),
            Column("runner_up_company_id", "VARCHAR", "Second-best candidate."),
            Column("runner_up_score", "DOUBLE", "Score of the second-best candidate."),
            Column(
                "account_id",
                "VARCHAR",
                "Account the record counts for: its master company when linked, else the off-master "
                "account of its company (records grouped across sources by name key or email domain). "
                "An activities record never makes an account: empty when it matches neither a master "
                "company nor the company of a sales or contact record.",
            ),
        ),
    ),
    Table(
        "match_review",
        "table",
        grain="one row per record waiting for a person's decision",
        description="Review queue: borderline pairs for a person to decide (abm review export / import).",
        columns=(
            Column("source", "VARCHAR", "Source of the record: sales or contacts."),
            Column("source_key", "VARCHAR", "Customer code (sales) or contact id (contacts)."),
            Column("source_name", "VARCHAR", "Company name as written in the source."),
            Column(
                "company_id",
                "VARCHAR",
                "Best candidate master company, or the company of a stored decision that was not applied "
                "(see reason).",
            ),
            Column("company_name", "VARCHAR", "Name of that company (empty when it left the master)."),
            Column(
                "score",
                "DOUBLE",
                "Match score 0..1 of the best candidate (empty for a decision not applied).",
            ),
            Column("evidence", "VARCHAR", "Readable evidence for and against the pair."),
            Column("runner_up_company_id", "VARCHAR", "Second-best candidate."),
            Column("runner_up_company_name", "VARCHAR", "Name of the second-best candidate."),
            Column("runner_up_score", "DOUBLE", "Score of the second-best candidate."),
            Column(
                "reason",
                "VARCHAR",
                "Why the pair waits for a person: a borderline score, or a stored decision no longer "
                "applied because its company left the master or the record now names another company.",
            ),
        ),
    ),
    Table(
        "rejects",
        "table",
        grain="one row per bad input value",
        description="Input problems: one row per bad value, of a rejected row or of a landed row whose "
        "optional value was left empty.",
        columns=(
            Column("source_file", "VARCHAR", "Input file name; an Excel file as `file.xlsx#sheet`."),
            Column(
                "row_number",
                "BIGINT",
                "Row as a spreadsheet shows it (header = row 1; an Excel sheet's own row numbers).",
            ),
            Column(
                "column",
                "VARCHAR",
                "Canonical column of the bad value; `(row)` for a line with a wrong field count.",
            ),
            Column("value", "VARCHAR", "The value as read (for `(row)`: how many fields the line had)."),
            Column(
                "reason",
                "VARCHAR",
                "What is wrong (e.g. unparseable date, duplicate key, wrong number of fields).",
            ),
            Column(
                "severity",
                "VARCHAR",
                "`row`: the row was rejected (bad required value or key, duplicate key, ragged line). "
                "`value`: the row landed with this optional value left empty (NULL).",
            ),
        ),
    ),
    Table(
        "runs",
        "table",
        grain="one row per run (all runs kept)",
        description="One row per run so far (carried over from file to file): dates, inputs, "
        "concentration, config.",
        columns=(
            Column("run_id", "VARCHAR", "Run id (UTC start time + random suffix)."),
            Column("started_at", "TIMESTAMP", "Start time (UTC)."),
            Column("finished_at", "TIMESTAMP", "End of the steps (UTC)."),
            Column("as_of", "DATE", "Reference date of the run."),
            Column("quarter", "VARCHAR", "Quarter label of as-of (fiscal FY2026Q2 or calendar 2026Q3)."),
            Column("quarter_calendar", "VARCHAR", "fiscal or calendar: how quarter is labelled."),
            Column("window_start", "DATE", "First day of the look-back window."),
            Column("window_end", "DATE", "Last day of the look-back window."),
            Column(
                "input_files",
                "VARCHAR",
                "JSON: per input its file, sha256, format, rows read / loaded / rejected and "
                "values_nulled (bad optional values left empty).",
            ),
            Column("rows_loaded", "BIGINT", "Input rows landed."),
            Column(
                "rows_rejected",
                "BIGINT",
                "Input rows rejected (see rejects, severity `row`); bad optional values left empty are "
                "counted per input in input_files (values_nulled).",
            ),
            Column("customers", "BIGINT", "Customers with positive revenue in the window."),
            Column("top10_share", "DOUBLE", "Revenue share of the top 10% of customers."),
            Column("top20_share", "DOUBLE", "Revenue share of the top 20% of customers."),
            Column("gini", "DOUBLE", "Gini coefficient of customer revenue (0 = even, 1 = one customer)."),
            Column(
                "buying_power_method",
                "VARCHAR",
                "How buying power was scored: lookalike, rule or rule (fallback).",
            ),
            Column("link_summary", "VARCHAR", "JSON: per source the 名寄せ status counts and statistics."),
            Column(
                "reused",
                "VARCHAR",
                "JSON: what this run reused from the previous run's cache (`<db>.cache/`, README "
                '"Incremental re-runs"): per input / 名寄せ entry, e.g. links reused and records linked '
                "afresh; `{}` for a full run.",
            ),
            Column("config", "VARCHAR", "JSON: the effective settings of the run."),
            Column("abm_version", "VARCHAR", "abm version that made the run."),
        ),
    ),
    Table(
        "run_steps",
        "table",
        grain="one row per step per run (all runs kept)",
        description="One row per step of every run: time, rows and memory.",
        columns=(
            Column("run_id", "VARCHAR", "Run id."),
            Column("step", "VARCHAR", "Step name (pipelines/steps.py)."),
            Column("seconds", "DOUBLE", "Wall time of the step."),
            Column("rows", "BIGINT", "Main output rows of the step."),
            Column("peak_rss_mb", "DOUBLE", "Peak resident memory of the process after the step (MB)."),
        ),
    ),
    Table(
        "account_history",
        "table",
        grain="one row per account per run (all runs kept)",
        description="One row per account per run (accounts in at least one circle by default): how "
        "accounts move.",
        columns=(
            Column("run_id", "VARCHAR", "Run id."),
            Column("as_of", "DATE", "Reference date of the run."),
            Column("quarter", "VARCHAR", "Quarter label of the run."),
            ACCOUNT["account_id"],
            ACCOUNT["name"],
            ACCOUNT["segment"],
            ACCOUNT["tier"],
            ACCOUNT["abc_class"],
            ACCOUNT["buying_power_score"],
            ACCOUNT["buying_power_decile"],
            ACCOUNT["sales_amount"],
            ACCOUNT["contact_count"],
            ACCOUNT["territory"],
            ACCOUNT["owner"],
        ),
    ),
    Table(
        "contact_engagement",
        "table",
        grain="one row per contact with at least one attributed activity",
        description="Engagement per contact: points of their web and MA activities, decayed at as-of, zeroed "
        "when opted out, at a competitor or a free-mail student.",
        columns=(
            Column("contact_id", "VARCHAR", "Contact id (contacts.contact_id)."),
            ACCOUNT["account_id"],
            Column(
                "engagement_score",
                "DOUBLE",
                "Σ points × 0.5^(age in days / engagement.half_life_days) at as-of; 0 when zeroed.",
            ),
            Column("raw_points", "DOUBLE", "Σ points without decay (before zeroing)."),
            Column("activities", "BIGINT", "Activities of the contact dated on or before as-of."),
            Column("last_activity_date", "DATE", "Date of the latest activity."),
            Column(
                "zeroed_reason",
                "VARCHAR",
                "Why the score is 0: opted_out (not consented at as-of), competitor "
                "(engagement.competitors), student (free-mail address and 学生/student in title, "
                "department or company); NULL = counted.",
            ),
        ),
    ),
    Table(
        "account_engagement",
        "table",
        grain="one row per account with at least one attributed activity",
        description="Engagement per account: its contacts' scores (each capped) plus company-level "
        "activity, decile, level and surging. Accounts absent have level none, score 0, not surging.",
        columns=(
            ACCOUNT["account_id"],
            Column(
                "engagement_score",
                "DOUBLE",
                "Σ over contacts of min(contact score, engagement.contact_cap) + the decayed points of "
                "activity attributed to the company itself (0 for a competitor).",
            ),
            Column(
                "engagement_decile",
                "INTEGER",
                "Engagement decile among accounts scoring above 0 (1 = most engaged; ties share the lower "
                "decile); NULL at score 0.",
            ),
            Column(
                "engagement_level",
                "VARCHAR",
                "high / mid / low from the decile (engagement.level_high_max_decile, "
                "level_mid_max_decile); none at score 0.",
            ),
            Column(
                "surging",
                "BOOLEAN",
                "Recent points ≥ engagement.surge_ratio × the previous window's points per the same "
                "number of days, and ≥ engagement.surge_min_points.",
            ),
            Column(
                "recent_points",
                "DOUBLE",
                "Undecayed points of the last engagement.surge_recent_days days up to as-of (zeroed "
                "contacts excluded).",
            ),
            Column(
                "previous_points",
                "DOUBLE",
                "Undecayed points of the engagement.surge_previous_days days before the recent ones.",
            ),
            Column("engaged_contacts", "BIGINT", "Contacts of the account with an engagement score above 0."),
            Column("last_activity_date", "DATE", "Date of the account's latest activity."),
        ),
    ),
    Table(
        "engagement_history",
        "table",
        grain="one row per engaged account per run (all runs kept)",
        description="Engagement per account per run (accounts scoring above 0): how engagement moves "
        "across quarters.",
        columns=(
            Column("run_id", "VARCHAR", "Run id."),
            Column("quarter", "VARCHAR", "Quarter label of the run."),
            Column("as_of", "DATE", "Reference date of the run."),
            ACCOUNT["account_id"],
            Column("engagement_score", "DOUBLE", "Engagement score of the account in that run."),
            Column("engagement_level", "VARCHAR", "Engagement level (high / mid / low) in that run."),
            Column("surging", "BOOLEAN", "Whether the account was surging in that run."),
        ),
    ),
    Table(
        "buying_power_traits",
        "table",
        grain="one row per master attribute and value",
        description="What the top customers have in common: per attribute band, support, shares and lift "
        "vs the master.",
        columns=(
            Column(
                "attribute",
                "VARCHAR",
                "Master attribute (size band, industry, area, age, listing, name word such as 工業/商事, "
                "legal form...).",
            ),
            Column("value", "VARCHAR", "Band or value of the attribute."),
            Column(
                "sort_order",
                "INTEGER",
                "Display order within the attribute (natural band order, or by lift).",
            ),
            Column("support", "BIGINT", "Top customers (positives) with this value."),
            Column("customers", "BIGINT", "Customers with this value."),
            Column("master_companies", "BIGINT", "Master companies with this value."),
            Column("share_top", "DOUBLE", "Share of top customers with this value."),
            Column("share_customers", "DOUBLE", "Share of customers with this value."),
            Column("share_master", "DOUBLE", "Share of master companies with this value."),
            Column("lift", "DOUBLE", "share_top / share_master: above 1 = more common among top customers."),
        ),
    ),
    Table(
        "model_report",
        "table",
        grain="one row for this run",
        description="How this run's buying-power score was made: method, positives, validation AUC, "
        "features.",
        columns=(
            Column("run_id", "VARCHAR", "Run id."),
            Column("method", "VARCHAR", "lookalike, rule or rule (fallback)."),
            Column("algorithm", "VARCHAR", "Model or rule used."),
            Column("label", "VARCHAR", "What counts as a positive (top customer)."),
            Column(
                "features", "VARCHAR", "Features used by the model, or rule columns × weight actually used."
            ),
            Column(
                "features_dropped",
                "VARCHAR",
                "Features or rule columns left out, each with why (e.g. 'log_employees (employees): no "
                "values', 'industry_code: one value'); empty when none.",
            ),
            Column("positives", "BIGINT", "Positive (top) customers linked to the master."),
            Column("negatives", "BIGINT", "Master companies sampled as negatives."),
            Column("cv_folds", "BIGINT", "Cross-validation folds."),
            Column("cv_auc_mean", "DOUBLE", "Mean cross-validated AUC."),
            Column("cv_auc_std", "DOUBLE", "Standard deviation of the cross-validated AUC."),
            Column("top_features", "VARCHAR", "Most influential features."),
            Column("scored", "BIGINT", "Master companies scored."),
            Column("fit_seconds", "DOUBLE", "Seconds to fit the model."),
            Column("score_seconds", "DOUBLE", "Seconds to score the master."),
            Column(
                "distinct_scores",
                "BIGINT",
                "Distinct buying_power_score values; 1 = the score ranks nobody above anybody, so the B "
                "circle is empty.",
            ),
            Column("note", "VARCHAR", "Why this method was used."),
        ),
    ),
    Table(
        "territory_balance",
        "table",
        optional=True,  # published only when a reps file is given
        grain="one row per active rep",
        description="This run's load per active rep: accounts, buying power and revenue, shares and "
        "deviation within the rep's area (empty without a reps file).",
        columns=(
            Column("run_id", "VARCHAR", "Run id."),
            Column("quarter", "VARCHAR", "Quarter label of the run."),
            Column("rep_id", "VARCHAR", "Rep id (担当者コード)."),
            Column("name", "VARCHAR", "Rep name."),
            Column("area", "VARCHAR", "Rep's area."),
            Column("capacity", "DOUBLE", "Rep's relative capacity (1 = normal); empty without reps."),
            Column(
                "accounts",
                "BIGINT",
                "Accounts owned (with reps: accounts in territory scope; without: accounts in a circle).",
            ),
            Column(
                "buying_power",
                "DOUBLE",
                "Summed buying_power_score of those accounts: the load measured by potential.",
            ),
            Column("revenue", "DOUBLE", "Own net revenue of those accounts in the look-back window (yen)."),
            Column(
                "buying_power_share",
                "DOUBLE",
                "Share of the buying power (of the rep's area with reps, of the country without).",
            ),
            Column(
                "buying_power_deviation",
                "DOUBLE",
                "Buying power per unit of capacity vs the area's mean, minus 1.",
            ),
            Column(
                "accounts_share",
                "DOUBLE",
                "Share of the accounts (of the rep's area with reps, of the country without).",
            ),
            Column(
                "accounts_deviation",
                "DOUBLE",
                "Accounts per unit of capacity vs the area's mean, minus 1 (0 = balanced).",
            ),
            Column(
                "revenue_share",
                "DOUBLE",
                "Share of the revenue (of the rep's area with reps, of the country without).",
            ),
            Column(
                "revenue_deviation", "DOUBLE", "Revenue per unit of capacity vs the area's mean, minus 1."
            ),
            Column(
                "within_tolerance",
                "BOOLEAN",
                "Every balanced metric's deviation within territories.tolerance.",
            ),
            Column(
                "balance_note",
                "VARCHAR",
                "Why the rep is outside territories.tolerance (pins / Tier 1 alone exceed it, too few "
                "accounts it may cover, or account sizes too lumpy); empty when within.",
            ),
        ),
    ),
    Table(
        "territory_changes",
        "table",
        optional=True,  # published only when a reps file is given
        grain="one row per account whose owner changed",
        description="Accounts whose owner changed since last quarter's run, with the reason (empty "
        "without reps).",
        columns=(
            Column("run_id", "VARCHAR", "Run id."),
            Column("quarter", "VARCHAR", "Quarter label of the run."),
            Column("previous_quarter", "VARCHAR", "Quarter of the run compared with."),
            ACCOUNT["account_id"],
            ACCOUNT["name"],
            ACCOUNT["territory"],
            Column("tier", "BIGINT", "Tier now."),
            Column("previous_tier", "BIGINT", "Tier last quarter."),
            Column("from_owner", "VARCHAR", "Previous owner (rep id); empty for a new account."),
            Column("from_owner_name", "VARCHAR", "Previous owner's name."),
            Column("to_owner", "VARCHAR", "New owner (rep id); empty when the account left the scope."),
            Column("to_owner_name", "VARCHAR", "New owner's name."),
            Column(
                "reason",
                "VARCHAR",
                "new account (first time in scope), rep left (last owner inactive or gone), rebalancing "
                "(moved for balance), pin, tier change (entered the scope with another tier), left target "
                "list (out of scope now: no scope tier, not a customer, or gone from the data; no owner) "
                "or area change (the last owner no longer covers its prefecture / industry).",
            ),
        ),
    ),
    Table(
        "territory_areas",
        "table",
        optional=True,  # published only when a reps file is given
        grain="one row per area per run (all runs kept)",
        description="One row per area per run (kept across runs): reps, load, balance (CV) and accounts "
        "moved.",
        columns=(
            Column("run_id", "VARCHAR", "Run id."),
            Column("quarter", "VARCHAR", "Quarter label of the run."),
            Column("previous_run_id", "VARCHAR", "Run compared with (last quarter's)."),
            Column("area", "VARCHAR", "Area (地域)."),
            Column("reps", "BIGINT", "Active reps in the area."),
            Column("accounts", "BIGINT", "Accounts owned in the area."),
            Column("buying_power", "DOUBLE", "Summed buying power owned in the area."),
            Column("revenue", "DOUBLE", "Own revenue owned in the area (yen)."),
            Column(
                "cv_buying_power",
                "DOUBLE",
                "Coefficient of variation of buying power per unit of capacity across reps.",
            ),
            Column(
                "cv_accounts",
                "DOUBLE",
                "Coefficient of variation of accounts per unit of capacity across reps.",
            ),
            Column(
                "cv_revenue",
                "DOUBLE",
                "Coefficient of variation of revenue per unit of capacity across reps.",
            ),
            Column("reps_outside_tolerance", "BIGINT", "Reps whose load is outside territories.tolerance."),
            Column("previously_owned", "BIGINT", "Accounts that had an owner last quarter."),
            Column("moved", "BIGINT", "Accounts that changed owner."),
            Column("rebalanced", "BIGINT", "Accounts moved for balance."),
            Column("new_accounts", "BIGINT", "Accounts owned for the first time."),
            Column("unassigned", "BIGINT", "Accounts in scope that no rep covers."),
            Column("moved_share", "DOUBLE", "moved / previously_owned."),
        ),
    ),
)
# Activities land like every input, then the `attribute` step publishes them with who they belong to.
ACTIVITIES = Table(
    "activities",
    "table",
    grain="one row per landed row of the activities file, in file order",
    description="Web and MA activity rows (page views, downloads, webinars, inquiries) and the contact and "
    "account each is attributed to: by contact_id, else by email, else by 名寄せ of its company fields. "
    "The landed input's columns (copied by pipelines/sql/activities_attributed.sql), then the account.",
    columns=(
        Column("row_number", "BIGINT", "Row of the input file (header = row 1), as in `rejects`."),
        Column(
            "source_file", "VARCHAR", "Input file name (like `rejects`); an Excel file as `file.xlsx#sheet`."
        ),
        Column("date", "DATE", "Date of the activity."),
        Column("activity_type", "VARCHAR", "Activity type as the file names it."),
        Column(
            "contact_id",
            "VARCHAR",
            "Contact: as given, or the contact whose email the row carries (case-insensitive).",
        ),
        Column("email", "VARCHAR", "Email address of the person who acted.", personal=True),
        Column("company_name", "VARCHAR", "Company as given in the row."),
        Column("corporate_number", "VARCHAR", "法人番号 as given in the row (check digit validated)."),
        Column("domain", "VARCHAR", "Company domain as given in the row."),
        Column("url", "VARCHAR", "Page or asset acted on."),
        Column("points", "DOUBLE", "Points the MA tool gave it, as given (empty when not given)."),
        Column("campaign", "VARCHAR", "Campaign or program."),
        Column(
            "account_id",
            "VARCHAR",
            "Account the activity is attributed to; empty when it could not be attributed (counted in "
            "`runs.input_files`, activities.unattributed).",
        ),
        Column(
            "attributed_by",
            "VARCHAR",
            "How: `contact_id` (a known contact), `email` (a known contact's email), `company` (名寄せ of "
            "the company fields, source `activities` in `matches`); empty when not attributed.",
        ),
    ),
)
CONTRACT: dict[str, Table] = {
    t.name: t
    for t in (*VIEWS, *TABLES, ACTIVITIES, *(_input_table(n) for n in INPUTS if n != ACTIVITIES.name))
}
