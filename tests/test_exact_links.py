"""abm.matching.exact: a 法人番号 or a domain the master holds once links a record without the model."""

from __future__ import annotations

import polars as pl

from abm.matching import is_linked
from abm.matching.exact import exact_links

COMPANIES = pl.DataFrame(
    {
        "company_id": ["C1", "C2", "C3", "C4"],
        "corporate_number": ["1010001000006", None, None, None],
        "domain": ["https://www.alpha.co.jp/", "beta.co.jp", "group.co.jp", "group.co.jp"],
    }
)


def _records(rows: list[tuple[str, str | None, str | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source_key": [r[0] for r in rows],
            "name": [f"name {r[0]}" for r in rows],
            "corporate_number": [r[1] for r in rows],
            "email_domain": [r[2] for r in rows],
        },
        schema={
            "source_key": pl.String,
            "name": pl.String,
            "corporate_number": pl.String,
            "email_domain": pl.String,
        },
    )


def test_unique_keys_link_and_the_rest_goes_on_to_matching():
    records = _records(
        [
            ("cn", "1010001000006", None),  # the master's 法人番号
            ("cn_wins", "1010001000006", "beta.co.jp"),  # both: the 法人番号 decides
            ("host", None, "mail.beta.co.jp"),  # a host under the domain: its registered domain
            ("shared", None, "group.co.jp"),  # two master companies share it: not exact
            ("free", None, "gmail.com"),  # free mail says nothing about the company
            ("unknown", "9999999999999", "nowhere.jp"),
        ]
    )
    matches, rest = exact_links(COMPANIES, records, "activities", ["gmail.com"])
    got = dict(zip(matches["source_key"], matches["company_id"], strict=True))
    assert got == {"cn": "C1", "cn_wins": "C1", "host": "C2"}
    assert matches.filter(is_linked()).height == 3 and set(matches["source"]) == {"activities"}
    assert dict(zip(matches["source_key"], matches["method"], strict=True))["host"] == "domain"
    assert sorted(rest["source_key"]) == ["free", "shared", "unknown"]
