"""The data dictionary: one description for every published table, view and column.

BI users read these in DBeaver, Metabase or Superset, where they appear as table and column
comments. The final step of a run (``pipelines/views.py``) applies them with ``COMMENT ON``; ``abm
dictionary`` renders ``docs/data-dictionary.md`` from the comments of a published file, so the
documentation is what the database itself says. Add an entry here when you publish a new table:
``tests/test_bi_contract.py`` fails on any published column without a description.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from abm.inputs.schema import INPUTS


@dataclass(frozen=True)
class Entry:
    description: str
    columns: dict[str, str]


# Columns shared by `accounts` and the views built on it: one wording everywhere.
ACCOUNT = {
    "account_id": "Stable account id: the master company_id, or `X-` + a hash of the 名寄せ group of "
    "source records that matched no master company.",
    "company_id": "Master company id (企業コード); empty for accounts not in the master.",
    "corporate_number": "13-digit 法人番号 (check digit validated).",
    "name": "Company name: the master's 商号, else the spelling in our sales records or contacts.",
    "name_kana": "Katakana reading (フリガナ) from the master.",
    "prefecture": "Prefecture (都道府県).",
    "city": "City / ward (市区町村).",
    "address": "Street address from the master (所在地).",
    "postal_code": "Postal code (郵便番号) from the master.",
    "domain": "Web / email domain from the master.",
    "phone": "Company main phone number from the master.",
    "industry_code": "JSIC industry code (業種コード).",
    "industry_name": "Industry name (業種).",
    "employees": "Employees (従業員数) from the master.",
    "revenue": "Annual revenue in yen (売上高) from the master, not our sales to them.",
    "capital": "Capital in yen (資本金) from the master.",
    "listed": "Listed on an exchange (上場).",
    "in_master": "True when the account is a company of the purchased master.",
    "closed": "Closed company (登記記録の閉鎖, liquidated or merged away): never in the B or C circle, "
    "never whitespace; its own sales still count.",
    "closed_on": "Date the company closed (登記記録の閉鎖等年月日), when the master gives it.",
    "sales_amount": "Our net revenue from the account in the look-back window (yen, returns netted).",
    "abc_class": "ABC / Pareto class of own revenue: A (top, up to abc.a cumulative share), B, C; "
    "empty for non-customers.",
    "revenue_decile": "Decile of own revenue among customers (1 = top 10%); empty for non-customers.",
    "buying_power_score": "Buying power (購買力) 0..1: how much the company looks like our top customers.",
    "buying_power_decile": "Decile of buying_power_score over the live (not closed) master companies "
    "(1 = top 10%); tied scores share the lower decile, a score equal for every company puts all in "
    "decile 10; empty for closed companies.",
    "in_sales": "S circle: positive net revenue in the look-back window.",
    "has_buying_power": "B circle: buying_power_decile ≤ buying_power.threshold_decile (nobody when the "
    "score is the same for every company).",
    "has_contacts": "C circle: at least one contact opted in and not opted out by as-of.",
    "contact_count": "Contacts reachable at as-of (opted in, not opted out).",
    "segment": "Three-circle segment: S+B+C, S+B, B+C, B, S+C, S, C or none.",
    "approach": "Approach for the segment, from the playbook (circles.playbook).",
    "tier": "ABM tier: 1 = 1:1, 2 = 1:few, 3 = 1:many; empty = not targeted.",
    "tier_reason": "Why the account got its tier (segment, rank, capacity).",
    "territory": "Sales territory (area of the prefecture, or the rep's territory).",
    "owner": "Sales rep who owns the account; empty until reps are assigned.",
    "whitespace": "Whitespace (ホワイトスペース): has buying power, no sales in the window.",
    "last_sale_date": "Date of the latest sales line up to as-of (any time, not only the window).",
    "customer_codes": "Customer codes (取引先コード) in our sales data linked to the account.",
    "why": "Why the buying power is what it is: the two or three traits of the company (industry, size, "
    "area...) most over-represented among top customers, with their lift, from buying_power_traits; in "
    "ui.language; empty when no trait stands out (lift ≥ 1.2 on ≥ 3 top customers) or off-master.",
}


def _pick(*names: str, **extra: str) -> dict[str, str]:
    """Account column descriptions for ``names`` plus view-specific ones, in that order."""
    return {**{n: ACCOUNT[n] for n in names}, **extra}


def _input_entry(name: str) -> Entry:
    """Landed input tables are described by the input contract itself (abm.inputs.schema)."""
    spec = INPUTS[name]
    columns = {c.name: c.description or c.name for c in spec.columns}
    columns["source_row"] = "Row of the input file the record came from (header = row 1)."
    return Entry(f"Landed input rows: {spec.description}", columns)


_SEGMENT_COUNTS = {
    "segment": ACCOUNT["segment"],
    "approach": ACCOUNT["approach"],
    "accounts": "Accounts in the segment.",
    "revenue": "Own net revenue in the look-back window (yen).",
    "contacts": "Reachable contacts of those accounts.",
    "whitespace": "Accounts with buying power and no sales in the window.",
    "tier1": "Tier 1 accounts.",
    "tier2": "Tier 2 accounts.",
    "tier3": "Tier 3 accounts.",
}

_BALANCE = {
    "territory": "Territory: the rep's area, or the area of the prefecture when no reps are given.",
    "owner": "Rep id (担当者コード) owning the accounts; empty when no reps file is given.",
    "owner_name": "Rep name; empty without reps.",
    "capacity": "Rep's relative capacity (1 = normal); empty without reps.",
    "accounts": "Accounts owned (with reps: accounts in territory scope; without: accounts in a circle).",
    "buying_power": "Summed buying_power_score of those accounts: the load measured by potential.",
    "revenue": "Own net revenue of those accounts in the look-back window (yen).",
    "accounts_share": "Share of the accounts (of the rep's area with reps, of the country without).",
    "buying_power_share": "Share of the buying power (of the rep's area with reps, of the country without).",
    "revenue_share": "Share of the revenue (of the rep's area with reps, of the country without).",
    "accounts_deviation": "Accounts per unit of capacity vs the area's mean, minus 1 (0 = balanced).",
    "buying_power_deviation": "Buying power per unit of capacity vs the area's mean, minus 1.",
    "revenue_deviation": "Revenue per unit of capacity vs the area's mean, minus 1.",
    "within_tolerance": "Every balanced metric's deviation within territories.tolerance.",
}

VIEWS: dict[str, Entry] = {
    "v_target_accounts": Entry(
        "The tiered target list (Tier 1–3) with approach and owner, best first: the list ABM teams work.",
        _pick(
            "account_id",
            "tier",
            "tier_reason",
            "segment",
            "approach",
            "name",
            "corporate_number",
            "prefecture",
            "city",
            "address",
            "postal_code",
            "domain",
            "industry_code",
            "industry_name",
            "employees",
            "buying_power_score",
            "buying_power_decile",
            "sales_amount",
            "abc_class",
            "contact_count",
            "territory",
            "owner",
            "last_sale_date",
            "why",
            priority="Rank in the list (1 = first to work): tier, then buying power, then own revenue.",
        ),
    ),
    "v_whitespace": Entry(
        "Whitespace (ホワイトスペース): companies with buying power and no sales in the window, "
        "highest buying power first.",
        _pick(
            "account_id",
            "name",
            "corporate_number",
            "prefecture",
            "city",
            "industry_code",
            "industry_name",
            "employees",
            "revenue",
            "buying_power_score",
            "buying_power_decile",
            "has_contacts",
            "contact_count",
            "segment",
            "approach",
            "tier",
            "territory",
            "owner",
            last_sale_date="Latest sale before the window, if the company bought from us once (lapsed).",
            why=ACCOUNT["why"],
            whitespace_rank="Rank by buying power among whitespace companies (1 = highest).",
        ),
    ),
    "v_account_360": Entry(
        "One row per account: master data, circles and tier, own sales summary, contact counts and "
        "名寄せ evidence counts.",
        {
            **{k: v for k, v in ACCOUNT.items() if k not in ("address", "postal_code", "domain", "phone")},
            "sales_lines": "Sales lines linked to the account (all dates).",
            "lifetime_amount": "Own net revenue from the account over all sales lines (yen).",
            "first_sale_date": "Date of the first sales line.",
            "contacts_total": "Contacts linked to the account, reachable or not.",
            "linked_records": "Source records (sales customer codes, contacts) assigned to the account.",
            "linked_by_corporate_number": "Records linked by 法人番号.",
            "linked_by_domain": "Records linked by email / web domain.",
            "linked_by_phone": "Records linked by phone number.",
            "linked_by_name": "Records linked by name (exact or fuzzy, with prefecture / city).",
            "linked_manually": "Records linked by a human decision (review queue).",
            "unmatched_records": "Source records that matched no master company (off-master account).",
            "in_review": "Source records of the account waiting in the review queue.",
        },
    ),
    "v_segment_summary": Entry(
        "Per three-circle segment: accounts, revenue, contacts, whitespace, tiers and shares.",
        {
            **_SEGMENT_COUNTS,
            "in_sales": "Segment is inside the S (sales) circle.",
            "has_buying_power": "Segment is inside the B (buying power) circle.",
            "has_contacts": "Segment is inside the C (contacts) circle.",
            "account_share": "Share of all accounts.",
            "revenue_share": "Share of own revenue in the window.",
            "avg_buying_power_score": "Mean buying_power_score of the segment's master companies.",
        },
    ),
    "v_territory_balance": Entry(
        "Load per rep (or per territory when no reps file is given): accounts, buying power, revenue, "
        "shares and deviation from the area's mean.",
        _BALANCE,
    ),
}

_RUN = {"run_id": "Run id.", "quarter": "Quarter label of the run."}

TABLES: dict[str, Entry] = {
    "accounts": Entry(
        "One row per account (master company, or source company that matched none): circles, segment, "
        "approach, tier, territory. The main table.",
        {k: v for k, v in ACCOUNT.items() if k not in ("address", "postal_code", "domain", "phone")},
    ),
    "segments": Entry("One row per three-circle segment with counts and revenue.", _SEGMENT_COUNTS),
    "pareto": Entry(
        "ABC / Pareto analysis: one row per customer with positive revenue in the window, by rank.",
        {
            "rank": "Rank by own revenue (1 = largest).",
            "account_id": ACCOUNT["account_id"],
            "name": ACCOUNT["name"],
            "revenue": "Own net revenue in the look-back window (yen).",
            "share": "Share of total revenue.",
            "cumulative_share": "Cumulative revenue share up to and including this customer.",
            "cumulative_customer_share": "Share of customers up to and including this one (Pareto x axis).",
            "abc_class": ACCOUNT["abc_class"],
            "revenue_decile": ACCOUNT["revenue_decile"],
        },
    ),
    "deciles": Entry(
        "Decile analysis (デシル分析): ten equal-count customer groups by revenue, 1 = top.",
        {
            "decile": "Revenue decile (1 = top 10% of customers).",
            "accounts": "Customers in the decile.",
            "revenue": "Own net revenue of the decile (yen).",
            "share": "Share of total revenue.",
            "cumulative_share": "Cumulative revenue share of deciles 1..this one.",
            "min_revenue": "Smallest customer revenue in the decile.",
            "max_revenue": "Largest customer revenue in the decile.",
        },
    ),
    "account_sales_quarters": Entry(
        "Own net sales per account and quarter over every sales line (any date): the account's sales "
        "history, labelled in the run's quarter calendar.",
        {
            "account_id": ACCOUNT["account_id"],
            "quarter": "Quarter label in the run's calendar, as runs.quarter (FY2026Q2 fiscal or 2026Q3).",
            "first_sale_date": "Date of the first sales line of the account in the quarter.",
            "amount": "Own net revenue from the account in the quarter (yen, returns netted).",
            "lines": "Sales lines of the account in the quarter.",
        },
    ),
    "matches": Entry(
        "名寄せ result: one row per source record (sales customer code or contact) and its master company.",
        {
            "source": "Source of the record: sales or contacts.",
            "source_key": "Customer code (sales) or contact id (contacts).",
            "source_name": "Company name as written in the source.",
            "company_id": "Linked master company (auto or manual status); empty otherwise.",
            "score": "Match score 0..1 of the best candidate.",
            "method": "Strongest evidence of the link: corporate_number, domain, phone, name, fuzzy, manual.",
            "status": "auto (linked), manual (human decision), review (waiting), unmatched.",
            "evidence": "Readable evidence for and against the pair.",
            "group_key": "Within-source group: records of the same company share it (c:<company_id> when "
            "linked or when they share a name / domain with exactly one linked company).",
            "candidate_company_id": "Best candidate master company, even when not linked.",
            "runner_up_company_id": "Second-best candidate.",
            "runner_up_score": "Score of the second-best candidate.",
            "account_id": "Account the record counts for: its master company when linked, else the "
            "off-master account of its company (records grouped across sources by name key or email domain).",
        },
    ),
    "match_review": Entry(
        "Review queue: borderline pairs for a person to decide (abm review export / import).",
        {
            "source": "Source of the record: sales or contacts.",
            "source_key": "Customer code (sales) or contact id (contacts).",
            "source_name": "Company name as written in the source.",
            "company_id": "Best candidate master company, or the company of a stored decision that was "
            "not applied (see reason).",
            "company_name": "Name of that company (empty when it left the master).",
            "score": "Match score 0..1 of the best candidate (empty for a decision not applied).",
            "evidence": "Readable evidence for and against the pair.",
            "runner_up_company_id": "Second-best candidate.",
            "runner_up_company_name": "Name of the second-best candidate.",
            "runner_up_score": "Score of the second-best candidate.",
            "reason": "Why the pair waits for a person: a borderline score, or a stored decision no longer "
            "applied because its company left the master or the record now names another company.",
        },
    ),
    "rejects": Entry(
        "Input problems: one row per bad value, of a rejected row or of a landed row whose optional "
        "value was left empty.",
        {
            "source_file": "Input file name; an Excel file as `file.xlsx#sheet`.",
            "row_number": "Row as a spreadsheet shows it (header = row 1; an Excel sheet's own row numbers).",
            "column": "Canonical column of the bad value; `(row)` for a line with a wrong field count.",
            "value": "The value as read (for `(row)`: how many fields the line had).",
            "reason": "What is wrong (e.g. unparseable date, duplicate key, wrong number of fields).",
            "severity": "`row`: the row was rejected (bad required value or key, duplicate key, ragged "
            "line). `value`: the row landed with this optional value left empty (NULL).",
        },
    ),
    "runs": Entry(
        "One row per run so far (carried over from file to file): dates, inputs, concentration, config.",
        {
            "run_id": "Run id (UTC start time + random suffix).",
            "started_at": "Start time (UTC).",
            "finished_at": "End of the steps (UTC).",
            "as_of": "Reference date of the run.",
            "quarter": "Quarter label of as-of (fiscal FY2026Q2 or calendar 2026Q3).",
            "quarter_calendar": "fiscal or calendar: how quarter is labelled.",
            "window_start": "First day of the look-back window.",
            "window_end": "Last day of the look-back window.",
            "input_files": "JSON: per input its file, sha256, format, rows read / loaded / rejected and "
            "values_nulled (bad optional values left empty).",
            "rows_loaded": "Input rows landed.",
            "rows_rejected": "Input rows rejected (see rejects, severity `row`); bad optional values "
            "left empty are counted per input in input_files (values_nulled).",
            "customers": "Customers with positive revenue in the window.",
            "top10_share": "Revenue share of the top 10% of customers.",
            "top20_share": "Revenue share of the top 20% of customers.",
            "gini": "Gini coefficient of customer revenue (0 = even, 1 = one customer).",
            "buying_power_method": "How buying power was scored: lookalike, rule or rule (fallback).",
            "link_summary": "JSON: per source the 名寄せ status counts and statistics.",
            "config": "JSON: the effective settings of the run.",
            "abm_version": "abm version that made the run.",
        },
    ),
    "run_steps": Entry(
        "One row per step of every run: time, rows and memory.",
        {
            "run_id": "Run id.",
            "step": "Step name (pipelines/steps.py).",
            "seconds": "Wall time of the step.",
            "rows": "Main output rows of the step.",
            "peak_rss_mb": "Peak resident memory of the process after the step (MB).",
        },
    ),
    "account_history": Entry(
        "One row per account per run (accounts in at least one circle by default): how accounts move.",
        {
            "run_id": "Run id.",
            "as_of": "Reference date of the run.",
            "quarter": "Quarter label of the run.",
            **{
                k: ACCOUNT[k]
                for k in (
                    "account_id",
                    "name",
                    "segment",
                    "tier",
                    "abc_class",
                    "buying_power_score",
                    "buying_power_decile",
                    "sales_amount",
                    "contact_count",
                    "territory",
                    "owner",
                )
            },
        },
    ),
    "buying_power_traits": Entry(
        "What the top customers have in common: per attribute band, support, shares and lift vs the master.",
        {
            "attribute": "Master attribute (size band, industry, area, age, listing, name word such as "
            "工業/商事, legal form...).",
            "value": "Band or value of the attribute.",
            "sort_order": "Display order within the attribute (natural band order, or by lift).",
            "support": "Top customers (positives) with this value.",
            "customers": "Customers with this value.",
            "master_companies": "Master companies with this value.",
            "share_top": "Share of top customers with this value.",
            "share_customers": "Share of customers with this value.",
            "share_master": "Share of master companies with this value.",
            "lift": "share_top / share_master: above 1 = more common among top customers.",
        },
    ),
    "model_report": Entry(
        "How this run's buying-power score was made: method, positives, validation AUC, features.",
        {
            "run_id": "Run id.",
            "method": "lookalike, rule or rule (fallback).",
            "algorithm": "Model or rule used.",
            "label": "What counts as a positive (top customer).",
            "features": "Features used by the model, or rule columns × weight actually used.",
            "features_dropped": "Features or rule columns left out, each with why (e.g. 'log_employees "
            "(employees): no values', 'industry_code: one value'); empty when none.",
            "positives": "Positive (top) customers linked to the master.",
            "negatives": "Master companies sampled as negatives.",
            "cv_folds": "Cross-validation folds.",
            "cv_auc_mean": "Mean cross-validated AUC.",
            "cv_auc_std": "Standard deviation of the cross-validated AUC.",
            "top_features": "Most influential features.",
            "scored": "Master companies scored.",
            "fit_seconds": "Seconds to fit the model.",
            "score_seconds": "Seconds to score the master.",
            "distinct_scores": "Distinct buying_power_score values; 1 = the score ranks nobody above "
            "anybody, so the B circle is empty.",
            "note": "Why this method was used.",
        },
    ),
    "territory_balance": Entry(
        "This run's load per active rep: accounts, buying power and revenue, shares and deviation "
        "within the rep's area (empty without a reps file).",
        {
            **_RUN,
            "rep_id": "Rep id (担当者コード).",
            "name": "Rep name.",
            "area": "Rep's area.",
            **{k: v for k, v in _BALANCE.items() if k not in ("territory", "owner", "owner_name")},
            "balance_note": "Why the rep is outside territories.tolerance (pins / Tier 1 alone exceed it, "
            "too few accounts it may cover, or account sizes too lumpy); empty when within.",
        },
    ),
    "territory_changes": Entry(
        "Accounts whose owner changed since last quarter's run, with the reason (empty without reps).",
        {
            **_RUN,
            "previous_quarter": "Quarter of the run compared with.",
            "account_id": ACCOUNT["account_id"],
            "name": ACCOUNT["name"],
            "territory": ACCOUNT["territory"],
            "tier": "Tier now.",
            "previous_tier": "Tier last quarter.",
            "from_owner": "Previous owner (rep id); empty for a new account.",
            "from_owner_name": "Previous owner's name.",
            "to_owner": "New owner (rep id); empty when the account left the scope.",
            "to_owner_name": "New owner's name.",
            "reason": "new account (first time in scope), rep left (last owner inactive or gone), "
            "rebalancing (moved for balance), pin, tier change (entered the scope with another tier), "
            "left target list (out of scope now: no scope tier, not a customer, or gone from the data; "
            "no owner) or area change (the last owner no longer covers its prefecture / industry).",
        },
    ),
    "territory_areas": Entry(
        "One row per area per run (kept across runs): reps, load, balance (CV) and accounts moved.",
        {
            **_RUN,
            "previous_run_id": "Run compared with (last quarter's).",
            "area": "Area (地域).",
            "reps": "Active reps in the area.",
            "accounts": "Accounts owned in the area.",
            "buying_power": "Summed buying power owned in the area.",
            "revenue": "Own revenue owned in the area (yen).",
            "cv_buying_power": "Coefficient of variation of buying power per unit of capacity across reps.",
            "cv_accounts": "Coefficient of variation of accounts per unit of capacity across reps.",
            "cv_revenue": "Coefficient of variation of revenue per unit of capacity across reps.",
            "reps_outside_tolerance": "Reps whose load is outside territories.tolerance.",
            "previously_owned": "Accounts that had an owner last quarter.",
            "moved": "Accounts that changed owner.",
            "rebalanced": "Accounts moved for balance.",
            "new_accounts": "Accounts owned for the first time.",
            "unassigned": "Accounts in scope that no rep covers.",
            "moved_share": "moved / previously_owned.",
        },
    ),
    **{name: _input_entry(name) for name in INPUTS},
}

CATALOG: dict[str, Entry] = {**VIEWS, **TABLES}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def comment_statements(objects: pl.DataFrame) -> list[str]:
    """``COMMENT ON`` statements for the published ``objects`` (name, kind, column_name).

    Only objects and columns that exist get a statement, so one catalog serves runs with and without
    optional tables; what lacks an entry stays uncommented and is reported by ``undocumented``.
    """
    statements = []
    for name, kind in objects.select("name", "kind").unique(maintain_order=True).iter_rows():
        entry = CATALOG.get(name)
        if entry is not None:
            statements.append(f'COMMENT ON {kind} "{name}" IS {_quote(entry.description)}')
    for name, column in objects.select("name", "column_name").iter_rows():
        text = CATALOG[name].columns.get(column) if name in CATALOG else None
        if text:
            statements.append(f'COMMENT ON COLUMN "{name}"."{column}" IS {_quote(text)}')
    return statements


def undocumented(objects: pl.DataFrame) -> list[str]:
    """``table`` or ``table.column`` names that have no description (empty list = all documented)."""
    missing = objects.filter(pl.col("comment").is_null() | (pl.col("comment") == ""))
    tables = objects.filter(pl.col("table_comment").is_null() | (pl.col("table_comment") == ""))
    columns = [f"{n}.{c}" for n, c in missing.select("name", "column_name").iter_rows()]
    return sorted(set(tables["name"])) + columns


OBJECTS_SQL = """
SELECT c.table_name AS name,
       CASE WHEN v.view_name IS NULL THEN 'TABLE' ELSE 'VIEW' END AS kind,
       coalesce(t.comment, v.comment) AS table_comment,
       c.column_index, c.column_name, c.data_type, c.comment
FROM duckdb_columns() c
LEFT JOIN duckdb_tables() t
  ON t.database_name = c.database_name AND t.schema_name = c.schema_name AND t.table_name = c.table_name
LEFT JOIN duckdb_views() v
  ON v.database_name = c.database_name AND v.schema_name = c.schema_name AND v.view_name = c.table_name
WHERE c.database_name = current_database() AND c.schema_name = 'main' AND NOT c.internal
ORDER BY name, c.column_index
"""


def published_objects(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every published table / view column with its type and comments (schema ``main`` only)."""
    return con.sql(OBJECTS_SQL).pl()


def _order(name: str) -> tuple[int, int, str]:
    """Views first, then tables in catalog order, then anything unknown by name."""
    names = list(CATALOG)
    return (0 if name.startswith("v_") else 1, names.index(name) if name in names else len(names), name)


def render_markdown(objects: pl.DataFrame) -> str:
    """``docs/data-dictionary.md`` from published objects: deterministic (no run ids, no dates)."""
    lines = [
        "# Data dictionary",
        "",
        "Generated by `abm dev dictionary` from the comments of a published database (`abm run` on the",
        "shipped sample); descriptions live in `abm/published/contract.py`. Views (`v_*`) are the stable",
        "BI contract.",
        "Optional inputs (`reps`, `pins`) and their tables appear only when supplied.",
        "",
    ]
    names = sorted(set(objects["name"]), key=_order)
    lines += ["| object | kind | description |", "| --- | --- | --- |"]
    for name in names:
        first = objects.filter(pl.col("name") == name).row(0, named=True)
        lines.append(
            f"| [`{name}`](#{name}) | {first['kind'].lower()} | "
            f"{(first['table_comment'] or '').replace('|', '/')} |"
        )
    for name in names:
        rows = objects.filter(pl.col("name") == name).sort("column_index")
        first = rows.row(0, named=True)
        title = f"{first['kind'].capitalize()}. {first['table_comment'] or ''}".rstrip()
        lines += ["", f"## {name}", "", title, ""]
        lines += ["| column | type | description |", "| --- | --- | --- |"]
        for row in rows.iter_rows(named=True):
            text = (row["comment"] or "").replace("|", "/")
            lines.append(f"| `{row['column_name']}` | {row['data_type']} | {text} |")
    return "\n".join(lines) + "\n"
