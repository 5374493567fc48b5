"""abm export: the target list with CRM import headers, CSV with BOM for Excel, or XLSX."""

from __future__ import annotations

import polars as pl
import pytest

from abm.errors import AbmError
from abm.export import COLUMNS, export_targets


def test_csv_has_bom_salesforce_headers_and_every_target(tiny_db, tiny_con, tmp_path):
    out = tmp_path / "targets.csv"
    n = export_targets(tiny_db, out, crm="salesforce")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel opens Japanese correctly
    frame = pl.read_csv(out, infer_schema=False)
    assert frame.columns == [h["salesforce"] for h in COLUMNS.values()]
    assert frame.columns[:3] == ["Account Name", "法人番号", "Billing State/Province"]
    targets = tiny_con.execute("SELECT account_id FROM v_target_accounts ORDER BY priority").fetchall()
    assert n == frame.height == len(targets) > 0
    assert frame["ABM Account ID"].to_list() == [t[0] for t in targets]
    assert set(frame["Billing Country"]) == {"Japan"}


def test_xlsx_with_hubspot_headers_and_a_tier_filter(tiny_db, tiny_con, tmp_path):
    out = tmp_path / "targets.xlsx"
    n = export_targets(tiny_db, out, tiers=[1], crm="hubspot")
    frame = pl.read_excel(out)
    assert frame.columns[0] == "Company name" and "Company Domain Name" in frame.columns
    tier1 = tiny_con.execute("SELECT count(*) FROM accounts WHERE tier = 1").fetchone()[0]
    assert n == frame.height == tier1
    assert set(frame["Tier"].cast(pl.Int64)) <= {1}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"out": "t.txt"}, ".csv or .xlsx"), ({"crm": "sap"}, "--crm"), ({"tiers": [4]}, "--tier")],
)
def test_bad_options_are_one_line_errors(tiny_db, tmp_path, kwargs, message):
    out = tmp_path / kwargs.pop("out", "t.csv")
    with pytest.raises(AbmError, match=message):
        export_targets(tiny_db, out, **kwargs)
