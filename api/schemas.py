"""Request and response schemas of the HTTP API: the contract CRM / MA integrations code against.

The row models are derived from the published contract (``abm.published.contract``): names,
order, types and descriptions of their fields are the published columns', so a BI analyst and an
API client talk about the same columns and a column published in the contract reaches the API
without a second list to keep in step. Contact personal data (person names, emails, phones)
appears only in :class:`Contact`, which is returned only to keys with the ``read:contacts`` scope.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, create_model

from abm.engagement.roles import ROLES
from abm.messages import playbook
from abm.published.contract import CONTRACT, PRIORITY, SEGMENTS
from abm.targeting.actions import LEVELS, NEXT_ACTIONS

MAX_LIMIT = 1000  # page size cap: bigger lists go through /exports/targets.csv

# `runs` stores UTC timestamps without a zone; say so, so clients get RFC 3339 ("...Z")
UtcDatetime = Annotated[datetime, AfterValidator(lambda d: d if d.tzinfo else d.replace(tzinfo=UTC))]
Text = Annotated[str, StringConstraints(min_length=1, max_length=100)]
if TYPE_CHECKING:
    Segment = str
    EngagementLevel = str
    Role = str
    NextAction = str
else:
    Segment = Literal[SEGMENTS]  # the contract's list; Literal flattens the tuple
    EngagementLevel = Literal[LEVELS]  # abm.targeting.actions: high, mid, low, none
    Role = Literal[ROLES]  # abm.engagement.roles: the buying-committee role codes
    NextAction = Literal[NEXT_ACTIONS]
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


def _matches(column: str, one: bool = False) -> str:
    """A filter's description: which published ``accounts`` column it matches, and what that holds."""
    how = "equals this value" if one else "is one of these values (repeat for several)"
    return f"Accounts whose `{column}` {how}. {CONTRACT['accounts'].column(column).description}"


# Filters that match one published `accounts` column each (tests/test_bi_contract.py checks the names).
COLUMN_FILTERS = (
    "tier",
    "segment",
    "approach",
    "territory",
    "owner",
    "abc_class",
    "revenue_decile",
    "buying_power_decile",
    "prefecture",
    "surging",
    "next_action",
)


class AccountFilters(BaseModel):
    """Filters shared by ``/accounts`` and ``/exports/targets.csv``.

    List filters repeat (``tier=1&tier=2``) and match any of their values; filters combine with AND.
    """

    model_config = ConfigDict(extra="forbid")

    tier: list[Tier] = Field([], description=_matches("tier"), examples=[[1, 2]])
    segment: list[Segment] = Field([], description=_matches("segment"), examples=[["S+B+C", "B+C"]])
    approach: Text | None = Field(None, description=_matches("approach", one=True))
    territory: list[Text] = Field([], description=_matches("territory"), examples=[["関東"]])
    owner: Text | None = Field(None, description=_matches("owner", one=True))
    abc_class: list[Literal["A", "B", "C"]] = Field([], description=_matches("abc_class"))
    revenue_decile: list[Decile] = Field([], description=_matches("revenue_decile"))
    buying_power_decile: list[Decile] = Field([], description=_matches("buying_power_decile"))
    prefecture: list[Text] = Field([], description=_matches("prefecture"), examples=[["東京都"]])
    industry: list[Text] = Field([], description="JSIC industry code or industry name.")
    engagement: list[EngagementLevel] = Field(
        [],
        description="Accounts whose `engagement_level` is one of these values (repeat for several). "
        + CONTRACT["accounts"].column("engagement_level").description,
        examples=[["low", "none"]],
    )
    surging: bool | None = Field(None, description=_matches("surging", one=True))
    missing_role: list[Role] = Field(
        [],
        description="Accounts missing any of these buying-committee roles: `roles_missing` lists it "
        "(repeat for several). " + CONTRACT["accounts"].column("roles_missing").description,
        examples=[["decision_maker"]],
    )
    next_action: list[NextAction] = Field([], description=_matches("next_action"))
    min_score: float | None = Field(None, ge=0, le=1, description="Minimum buying-power score (0..1).")
    q: Text | None = Field(
        None,
        description="Company name search, normalised like 名寄せ (株式会社/(株)/㈱, full/half width, "
        "old kanji fold away), matched as a substring; a 13-digit 法人番号 also matches exactly.",
        examples=["アルファ"],
    )
    sort: SortKey = Field(
        "priority",
        description="Sort key ('-' = descending). `priority`: the target list's order ("
        + ", ".join(f"{name}{' descending' if desc else ''}" for name, desc in PRIORITY)
        + ").",
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


# DuckDB type of a published column -> the Python type of the API field carrying it.
_PYTHON_TYPES: dict[str, Any] = {
    "VARCHAR": str,
    "BIGINT": int,
    "INTEGER": int,
    "SMALLINT": int,
    "TINYINT": int,
    "DOUBLE": float,
    "FLOAT": float,
    "BOOLEAN": bool,
    "DATE": date,
    "TIMESTAMP": UtcDatetime,
}


def published_model(
    name: str,
    table: str,
    *,
    exclude: tuple[str, ...] = (),
    only: tuple[str, ...] | None = None,
    required: tuple[str, ...] = (),
    types: dict[str, Any] | None = None,
    doc: str | None = None,
    example: dict[str, Any] | None = None,
) -> type[BaseModel]:
    """A response model whose fields are columns of the published ``table``, in contract order.

    Every field is nullable (the published column may be NULL) except the ``required`` keys; its
    description is the contract's, so the OpenAPI page and the data dictionary say the same thing.
    ``types`` overrides the Python type of a column the API reshapes (JSON text served as an object).
    """
    contract = CONTRACT[table]
    fields: dict[str, Any] = {}
    for column in contract.columns:
        if column.name in exclude or (only is not None and column.name not in only):
            continue
        python = (types or {}).get(column.name, _PYTHON_TYPES[column.type])
        annotation = python if column.name in required else python | None
        fields[column.name] = (annotation, Field(description=column.description))
    config = ConfigDict(json_schema_extra={"examples": [example]}) if example else None
    return create_model(name, __config__=config, __doc__=doc or contract.description, **fields)


class Run(
    published_model(  # type: ignore[misc]
        "RunColumns",
        "runs",
        exclude=("config", "reused"),  # reused: run-cache bookkeeping, for BI and `abm` only
        required=("run_id",),
        types={"input_files": dict[str, Any], "link_summary": dict[str, Any]},
        example={
            "run_id": "20260930T101500-1a2b3c",
            "started_at": "2026-09-30T10:15:00",
            "finished_at": "2026-09-30T10:16:10",
            "as_of": "2026-09-30",
            "quarter": "FY2026Q2",
            "quarter_calendar": "fiscal",
            "window_start": "2025-10-01",
            "window_end": "2026-09-30",
            "input_files": {"sales": {"file": "sales.csv", "loaded": 100000, "rejected": 40}},
            "rows_loaded": 130000,
            "rows_rejected": 42,
            "customers": 1800,
            "top10_share": 0.61,
            "top20_share": 0.78,
            "gini": 0.74,
            "buying_power_method": "lookalike",
            "link_summary": {"sales": {"auto": 1900, "review": 40, "unmatched": 60}},
            "abm_version": "0.1.0",
        },
    )
):
    """One run kept in the published file (``runs`` without its config); ``input_files`` names each
    file only, never the server path."""


# A real row: the first Tier 1 account of `abm run` on the shipped sample (tests/test_bi_contract.py
# re-derives its tier_reason with abm.targeting.tiers, so the example follows the wording).
ACCOUNT_EXAMPLE: dict[str, Any] = {
    "account_id": "254559763",
    "company_id": "254559763",
    "corporate_number": "1237101397868",
    "name": "昭都電機株式会社",
    "name_kana": "ショウトデンキ",
    "prefecture": "愛知県",
    "city": "豊橋市",
    "industry_code": "28",
    "industry_name": "電子部品・デバイス・電子回路製造業",
    "employees": 150,
    "revenue": 9284261000.0,
    "capital": 50000000.0,
    "listed": False,
    "in_master": True,
    "closed": False,
    "closed_on": None,
    "sales_amount": 26626100.0,
    "abc_class": "A",
    "revenue_decile": 1,
    "buying_power_score": 0.993,
    "buying_power_decile": 1,
    "in_sales": True,
    "has_buying_power": True,
    "has_contacts": True,
    "whitespace": False,
    "contact_count": 6,
    "segment": "S+B+C",
    "approach": playbook()["S+B+C"],
    "tier": 1,
    "tier_reason": "ティア1（1:1 アカウントプラン）: S+B+C のアカウント、優先順位 1 位（50 枠中）、"
    "購買力 0.99、"
    "自社売上 ¥26,626,100",
    "territory": "中部",
    "owner": "E1016",
    "last_sale_date": "2026-09-26",
    "customer_codes": 1,
    "why": "業種 28 電子部品・デバイス・電子回路製造業: 上位顧客に 10.1 倍多い / 社名に「電機」: 9.5 倍 / "
    "従業員 100–299人: 8.6 倍",
    "priority": 1,
    "name_norm": "昭都電機",
    "priority_score": 1.193,
    "engagement_score": 42.5,
    "engagement_level": "high",
    "surging": False,
    "roles_missing": "technical,finance",
    "next_action": None,
}


class Account(
    published_model("AccountColumns", "accounts", required=("account_id",), example=ACCOUNT_EXAMPLE)  # type: ignore[misc]
):
    """One row of the published ``accounts`` table, every column of it."""


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


class LinkedRecord(
    published_model(  # type: ignore[misc]
        "LinkedRecordColumns",
        "matches",
        only=("source", "source_key", "source_name", "score", "method", "status", "evidence"),
        required=("source", "source_key"),
    )
):
    """A sales customer code or contact record linked to this account by 名寄せ, with the evidence."""


class Contact(
    published_model(  # type: ignore[misc]
        "ContactColumns",
        "contacts",
        only=("contact_id", "email", "opt_in", "person_name", "department", "title", "phone", "opted_out_at"),
        required=("contact_id",),
    )
):
    """Personal data: only for keys with scope ``read:contacts``, and only of people who consent
    (opted in, not opted out); the others are counted, never shown."""


class HistoryRow(
    published_model(  # type: ignore[misc]
        "HistoryRowColumns", "account_history", exclude=("account_id", "name"), required=("run_id",)
    )
):
    """This account in one run kept in ``account_history``."""


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


class SegmentRow(
    published_model(  # type: ignore[misc]
        "SegmentRowColumns",
        "segments",
        required=("segment", "accounts", "revenue", "contacts", "whitespace"),
        example={
            "segment": "B",
            "approach": playbook()["B"],
            "accounts": 3800,
            "revenue": 0.0,
            "contacts": 0,
            "whitespace": 3800,
            "tier1": 0,
            "tier2": 120,
            "tier3": 3680,
        },
    )
):
    """One three-circle segment: approach, accounts, revenue, contacts, whitespace and tiers."""


class ParetoRow(
    published_model(  # type: ignore[misc]
        "ParetoRowColumns",
        "pareto",
        required=("rank", "account_id", "revenue", "share", "cumulative_share", "cumulative_customer_share"),
    )
):
    """One customer of the ABC / Pareto analysis, by rank of own revenue."""


class ParetoPage(BaseModel):
    run_id: str | None
    total: int
    limit: int
    offset: int
    next_offset: int | None
    items: list[ParetoRow]


class DecileRow(
    published_model(  # type: ignore[misc]
        "DecileRowColumns", "deciles", required=tuple(CONTRACT["deciles"].names)
    )
):
    """One revenue decile (1 = top) with its customers, revenue and shares."""


class TerritoryBalanceRow(published_model("TerritoryBalanceColumns", "territory_balance")):  # type: ignore[misc]
    """One row of ``territory_balance`` (per rep: accounts, buying power, revenue, share, deviation)."""


class TerritoryChange(
    published_model("TerritoryChangeColumns", "territory_changes", required=("account_id",))  # type: ignore[misc]
):
    """One row of ``territory_changes``: an account whose owner changed since last quarter, and why."""


# Response models that are published rows, and the table each one carries (tests/test_bi_contract.py).
PUBLISHED_MODELS: dict[type[BaseModel], str] = {
    Run: "runs",
    Account: "accounts",
    LinkedRecord: "matches",
    Contact: "contacts",
    HistoryRow: "account_history",
    SegmentRow: "segments",
    ParetoRow: "pareto",
    DecileRow: "deciles",
    TerritoryBalanceRow: "territory_balance",
    TerritoryChange: "territory_changes",
}
