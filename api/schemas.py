"""Request and response schemas of the HTTP API: the contract CRM / MA integrations code against.

Field names follow the published DuckDB tables (README "Output tables"), so a BI analyst and an
API client talk about the same columns. Contact personal data (person names, emails, phones)
appears only in :class:`Contact`, which is returned only to keys with the ``read:contacts`` scope.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from abm.messages import playbook

MAX_LIMIT = 1000  # page size cap: bigger lists go through /exports/targets.csv
SEGMENTS = ("S+B+C", "S+B", "B+C", "B", "S+C", "S", "C", "none")

# `runs` stores UTC timestamps without a zone; say so, so clients get RFC 3339 ("...Z")
UtcDatetime = Annotated[datetime, AfterValidator(lambda d: d if d.tzinfo else d.replace(tzinfo=UTC))]
Text = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Segment = Literal["S+B+C", "S+B", "B+C", "B", "S+C", "S", "C", "none"]
Tier = Annotated[int, Field(ge=1, le=3)]
Decile = Annotated[int, Field(ge=1, le=10)]
SortKey = Literal[
    "priority",
    "account_id",
    "name",
    "buying_power_score",
    "-buying_power_score",
    "sales_amount",
    "-sales_amount",
    "revenue",
    "-revenue",
    "employees",
    "-employees",
    "tier",
    "-tier",
]


class ErrorBody(BaseModel):
    """Every error: the HTTP status and one clear message (plus the offending parameters for 422)."""

    status: int
    message: str
    errors: list[dict[str, Any]] | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"status": 401, "message": "missing or unknown API key (header X-API-Key)"}]
        }
    )


class AccountFilters(BaseModel):
    """Filters shared by ``/accounts`` and ``/exports/targets.csv``.

    List filters repeat (``tier=1&tier=2``) and match any of their values; filters combine with AND.
    """

    model_config = ConfigDict(extra="forbid")

    tier: list[Tier] = Field([], description="Tier 1, 2 or 3 (repeat for several).", examples=[[1, 2]])
    segment: list[Segment] = Field([], description="Three-circle segment.", examples=[["S+B+C", "B+C"]])
    approach: Text | None = Field(None, description="Exact approach text from the playbook.")
    territory: list[Text] = Field([], description="Territory (sales area), e.g. 関東.", examples=[["関東"]])
    owner: Text | None = Field(None, description="Owner (rep) of the account.")
    abc_class: list[Literal["A", "B", "C"]] = Field([], description="ABC class of own revenue.")
    revenue_decile: list[Decile] = Field([], description="Own-revenue decile (1 = top).")
    buying_power_decile: list[Decile] = Field([], description="Buying-power decile (1 = top).")
    prefecture: list[Text] = Field([], description="Prefecture (都道府県).", examples=[["東京都"]])
    industry: list[Text] = Field([], description="JSIC industry code or industry name.")
    min_score: float | None = Field(None, ge=0, le=1, description="Minimum buying-power score (0..1).")
    q: Text | None = Field(
        None,
        description="Company name search, normalised like 名寄せ (株式会社/(株)/㈱, full/half width, "
        "old kanji fold away), matched as a substring; a 13-digit 法人番号 also matches exactly.",
        examples=["アルファ"],
    )
    sort: SortKey = Field(
        "priority",
        description="Sort key ('-' = descending). `priority`: tier, buying-power score, account_id.",
    )


class AccountQuery(AccountFilters):
    """``/accounts``: the filters plus a page."""

    limit: int = Field(100, ge=1, le=MAX_LIMIT, description=f"Page size (at most {MAX_LIMIT}).")
    offset: int = Field(0, ge=0, le=100_000_000, description="Rows to skip.")


class ExportQuery(AccountFilters):
    """``/exports/targets.csv``: the filters plus the Excel option; every matching row, no paging."""

    excel: bool = Field(
        False, description="UTF-8 with a BOM and CRLF line ends, so Excel shows Japanese text."
    )
    crm: Literal["salesforce", "hubspot"] | None = Field(
        None,
        description="The file of `abm export` for this CRM's account import instead of the account "
        "columns (the filters still choose the accounts). `kind` or `changed_since` alone give Salesforce's.",
    )
    kind: Literal["targets", "assignments"] | None = Field(
        None,
        description="CRM file: `targets` (tiered accounts, the default) or `assignments` (every account "
        "with an owner, tiered or not).",
    )
    changed_since: Text | None = Field(
        None,
        description="CRM file: only accounts whose owner, tier or segment changed since this run id, or "
        "`last` (the run before the latest), with the old values and the reason; 404 for an unknown run.",
        examples=["last"],
    )


class Health(BaseModel):
    status: Literal["ok"]
    database: Literal["ok", "missing"]
    run_id: str | None

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"status": "ok", "database": "ok", "run_id": "20260930T101500-1a2b3c"}]
        }
    )


class Run(BaseModel):
    run_id: str
    started_at: UtcDatetime | None
    finished_at: UtcDatetime | None
    as_of: date | None
    quarter: str | None
    quarter_calendar: str | None
    window_start: date | None
    window_end: date | None
    rows_loaded: int | None
    rows_rejected: int | None
    customers: int | None
    top10_share: float | None
    top20_share: float | None
    gini: float | None
    buying_power_method: str | None
    abm_version: str | None
    input_files: dict[str, Any] | None = Field(
        None, description="Per input: file (its name only, never the server path), sha256, format, rows."
    )
    link_summary: dict[str, Any] | None = Field(None, description="名寄せ outcome counts per source.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "run_id": "20260930T101500-1a2b3c",
                    "started_at": "2026-09-30T10:15:00",
                    "finished_at": "2026-09-30T10:16:10",
                    "as_of": "2026-09-30",
                    "quarter": "FY2026Q2",
                    "quarter_calendar": "fiscal",
                    "window_start": "2025-10-01",
                    "window_end": "2026-09-30",
                    "rows_loaded": 130000,
                    "rows_rejected": 42,
                    "customers": 1800,
                    "top10_share": 0.61,
                    "top20_share": 0.78,
                    "gini": 0.74,
                    "buying_power_method": "lookalike",
                    "abm_version": "0.1.0",
                    "input_files": {"sales": {"file": "sales.csv", "loaded": 100000, "rejected": 40}},
                    "link_summary": {"sales": {"auto": 1900, "review": 40, "unmatched": 60}},
                }
            ]
        }
    )


class Account(BaseModel):
    """One row of the published ``accounts`` table."""

    account_id: str
    company_id: str | None
    corporate_number: str | None
    name: str | None
    name_kana: str | None
    prefecture: str | None
    city: str | None
    industry_code: str | None
    industry_name: str | None
    employees: int | None
    revenue: float | None
    capital: float | None
    listed: bool | None
    in_master: bool | None
    sales_amount: float | None
    abc_class: str | None
    revenue_decile: int | None
    buying_power_score: float | None
    buying_power_decile: int | None
    in_sales: bool | None
    has_buying_power: bool | None
    has_contacts: bool | None
    contact_count: int | None
    segment: str | None
    approach: str | None
    tier: int | None
    tier_reason: str | None
    territory: str | None
    owner: str | None
    last_sale_date: date | None
    customer_codes: int | None
    closed: bool | None = Field(None, description="Closed (登記記録の閉鎖 / merged away): no prospect.")
    closed_on: date | None = None
    why: str | None = Field(
        None,
        description="Why the buying power is what it is: the traits most over-represented among top "
        "customers, with their lift (in the run's ui.language).",
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "account_id": "100000001",
                    "company_id": "100000001",
                    "corporate_number": "7000012050002",
                    "name": "株式会社アルファ商事",
                    "name_kana": "アルファショウジ",
                    "prefecture": "東京都",
                    "city": "千代田区",
                    "industry_code": "50",
                    "industry_name": "各種商品卸売業",
                    "employees": 1200,
                    "revenue": 5.0e10,
                    "capital": 9.0e8,
                    "listed": True,
                    "in_master": True,
                    "sales_amount": 600.0,
                    "abc_class": "A",
                    "revenue_decile": 1,
                    "buying_power_score": 0.97,
                    "buying_power_decile": 1,
                    "in_sales": True,
                    "has_buying_power": True,
                    "has_contacts": True,
                    "contact_count": 1,
                    "segment": "S+B+C",
                    "approach": playbook()["S+B+C"],
                    "tier": 1,
                    "tier_reason": "ティア1（1:1 アカウントプラン）: S+B+C のアカウント、"
                    "優先順位 1 位（50 枠中）、購買力 0.97、自社売上 ¥600",
                    "territory": "関東",
                    "owner": None,
                    "last_sale_date": "2026-09-30",
                    "customer_codes": 1,
                    "why": "業種 50 各種商品卸売業: 上位顧客に 2.3 倍多い / 従業員 1,000–4,999人: 1.8 倍",
                }
            ]
        }
    )


class AccountPage(BaseModel):
    run_id: str | None = Field(description="The run these rows come from.")
    total: int = Field(description="Accounts matching the filters.")
    limit: int
    offset: int
    next_offset: int | None = Field(description="Offset of the next page, or null on the last page.")
    items: list[Account]


class SalesPeriod(BaseModel):
    period: str = Field(description="Quarter label in the run's calendar (FY2026Q2 or 2026Q3).")
    period_start: date = Field(description="First sale date in the period.")
    amount: float
    lines: int


class LinkedRecord(BaseModel):
    """A sales customer code or contact record linked to this account by 名寄せ, with the evidence."""

    source: str
    source_key: str
    source_name: str | None
    score: float | None
    method: str | None
    status: str | None
    evidence: str | None


class Contact(BaseModel):
    """Personal data: only for keys with scope ``read:contacts``, and only of people who consent
    (opted in, not opted out); the others are counted, never shown."""

    contact_id: str
    person_name: str | None
    email: str | None
    phone: str | None
    department: str | None
    title: str | None
    opt_in: bool | None
    opted_out_at: date | None


class HistoryRow(BaseModel):
    run_id: str
    as_of: date | None
    quarter: str | None
    segment: str | None
    tier: int | None
    abc_class: str | None
    buying_power_score: float | None
    buying_power_decile: int | None
    sales_amount: float | None
    contact_count: int | None
    territory: str | None
    owner: str | None


class AccountDetail(BaseModel):
    run_id: str | None
    account: Account
    sales_by_period: list[SalesPeriod]
    linked_records: list[LinkedRecord]
    contacts: list[Contact] | None = Field(
        description="Linked contacts with personal data; null unless the key has scope read:contacts."
    )
    contacts_withheld: bool = Field(description="True when contacts exist but the key may not see them.")
    contacts_withheld_no_consent: int = Field(
        0,
        description="Linked contacts never returned for lack of consent (not opted in, or opted out on "
        "or before the run's as-of date or today); they do not count toward the C circle either.",
    )
    history: list[HistoryRow] = Field(description="This account in every run kept in account_history.")


class SegmentRow(BaseModel):
    segment: str
    approach: str | None
    accounts: int
    revenue: float
    contacts: int
    whitespace: int
    tier1: int | None = None
    tier2: int | None = None
    tier3: int | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "segment": "B",
                    "approach": playbook()["B"],
                    "accounts": 3800,
                    "revenue": 0.0,
                    "contacts": 0,
                    "whitespace": 3800,
                    "tier1": 0,
                    "tier2": 120,
                    "tier3": 3680,
                }
            ]
        },
    )


class ParetoRow(BaseModel):
    rank: int
    account_id: str
    name: str | None
    revenue: float
    share: float
    cumulative_share: float
    abc_class: str
    revenue_decile: int


class ParetoPage(BaseModel):
    run_id: str | None
    total: int
    limit: int
    offset: int
    next_offset: int | None
    items: list[ParetoRow]


class DecileRow(BaseModel):
    decile: int
    accounts: int
    revenue: float
    share: float
    cumulative_share: float
    min_revenue: float
    max_revenue: float


class TerritoryBalanceRow(BaseModel):
    """One row of ``territory_balance`` (per rep: accounts, buying power, revenue, share, deviation)."""

    model_config = ConfigDict(extra="allow")


class TerritoryChange(BaseModel):
    """One row of ``territory_changes``: an account whose owner changed since last quarter, and why."""

    model_config = ConfigDict(extra="allow")

    account_id: str
    reason: str | None = None
