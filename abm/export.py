"""``abm export``: the tiered target list as a file a CRM account import takes as is.

Salesforce (Data Import Wizard, Accounts) and HubSpot (Import, Companies) map columns by header,
so the headers are their standard field labels; abm's own facts (法人番号, tier, segment, approach,
the ABM account id) become custom fields. CSV is UTF-8 with a BOM so Excel opens Japanese right,
and formula-safe (abm.csv_safety): a company name like ``=1+1`` cannot run in Excel.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from abm.csv_safety import write_safe_csv
from abm.errors import AbmError
from abm.project import connect_read_only

# v_target_accounts column -> header per CRM (the README's mapping table is this dict).
COLUMNS: dict[str, dict[str, str]] = {
    "name": {"salesforce": "Account Name", "hubspot": "Company name"},
    "corporate_number": {"salesforce": "法人番号", "hubspot": "法人番号"},
    "prefecture": {"salesforce": "Billing State/Province", "hubspot": "State/Region"},
    "city": {"salesforce": "Billing City", "hubspot": "City"},
    "address": {"salesforce": "Billing Street", "hubspot": "Street Address"},
    "postal_code": {"salesforce": "Billing Zip/Postal Code", "hubspot": "Postal Code"},
    "country": {"salesforce": "Billing Country", "hubspot": "Country/Region"},
    "industry_name": {"salesforce": "Industry", "hubspot": "Industry"},
    "employees": {"salesforce": "Employees", "hubspot": "Number of Employees"},
    "domain": {"salesforce": "Website", "hubspot": "Company Domain Name"},
    "tier": {"salesforce": "Tier", "hubspot": "Tier"},
    "segment": {"salesforce": "Segment", "hubspot": "Segment"},
    "approach": {"salesforce": "Approach", "hubspot": "Approach"},
    "owner": {"salesforce": "Account Owner", "hubspot": "Company owner"},
    "account_id": {"salesforce": "ABM Account ID", "hubspot": "ABM Account ID"},
}
CRMS = ("salesforce", "hubspot")


def target_frame(
    con: duckdb.DuckDBPyConnection, tiers: list[int] | None = None, crm: str = "salesforce"
) -> pl.DataFrame:
    """The target list with CRM headers, in v_target_accounts priority order."""
    if crm not in CRMS:
        raise AbmError(f"--crm must be one of {', '.join(CRMS)} (got '{crm}')")
    bad = [t for t in tiers or [] if t not in (1, 2, 3)]
    if bad:
        raise AbmError(f"--tier must be 1, 2 or 3 (got {bad[0]})")
    select = ", ".join(
        f"'Japan' AS \"{h[crm]}\"" if col == "country" else f'{col} AS "{h[crm]}"'
        for col, h in COLUMNS.items()
    )
    where = f"WHERE tier IN ({', '.join(str(t) for t in tiers)})" if tiers else ""
    return con.sql(f"SELECT {select} FROM v_target_accounts {where} ORDER BY priority").pl()


def export_targets(db: Path, out: Path, tiers: list[int] | None = None, crm: str = "salesforce") -> int:
    """Write the target list to ``out`` (.csv with BOM, or .xlsx); returns the number of accounts."""
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise AbmError(f"{out}: the export must be a .csv or .xlsx file")
    con = connect_read_only(db)
    try:
        frame = target_frame(con, tiers, crm)
    finally:
        con.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        write_safe_csv(frame, out, bom=True)  # names may come from web forms: no formulas
    else:
        frame.write_excel(out, worksheet="targets", autofit=True)
    return frame.height
