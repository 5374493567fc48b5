"""abm.matching.exact: a 法人番号, a domain or a name the master holds once links a record without the
model; anything less certain goes on to 名寄せ."""

from __future__ import annotations

import polars as pl

from abm.matching import MatchSettings, is_linked, link
from abm.matching.exact import exact_links
from abm.matching.keys import master_keys

COMPANIES = pl.DataFrame(
    {
        "company_id": ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9"],
        "name": [
            "株式会社アルファ", "ベータ工業株式会社", "グループ一株式会社", "グループ二株式会社",
            "有限会社山田商事", "株式会社山田商事", "株式会社新名", "合同会社ガンマ", "旭組株式会社",
        ],
        "corporate_number": ["1010001000006", *[None] * 8],
        "domain": ["https://www.alpha.co.jp/", "beta.co.jp", "group.co.jp", "group.co.jp", *[None] * 5],
        "former_names": [None, None, None, None, None, None, "株式会社旧名", "株式会社新名", None],
    }
)  # fmt: skip
MASTER = master_keys(COMPANIES)


def _records(rows: list[tuple[str, str | None, str | None, str | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source_key": [r[0] for r in rows],
            "name": [r[1] for r in rows],
            "corporate_number": [r[2] for r in rows],
            "email_domain": [r[3] for r in rows],
        },
        schema={k: pl.String for k in ("source_key", "name", "corporate_number", "email_domain")},
    )


def _linked(records: pl.DataFrame) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """(company by record, method by record) of the exact links, and the records left for 名寄せ;
    records left unmatched here are checked by ``_unmatched``."""
    matches, rest = exact_links(MASTER, records, "activities", ["gmail.com"])
    assert set(matches["source"]) <= {"activities"} and set(matches["status"]) <= {"auto", "unmatched"}
    linked = matches.filter(is_linked())
    ids = dict(zip(linked["source_key"], linked["company_id"], strict=True))
    methods = dict(zip(linked["source_key"], linked["method"], strict=True))
    return ids, methods, sorted(rest["source_key"])


def _unmatched(records: pl.DataFrame) -> dict[str, str]:
    matches, _ = exact_links(MASTER, records, "activities", ["gmail.com"])
    left = matches.filter(pl.col("status") == "unmatched")
    assert left["company_id"].is_null().all()
    return dict(zip(left["source_key"], left["evidence"], strict=True))


def test_unique_keys_link_and_the_rest_goes_on_to_matching():
    ids, methods, rest = _linked(
        _records(
            [
                ("cn", "x", "1010001000006", None),  # the master's 法人番号
                ("cn_wins", "x", "1010001000006", "beta.co.jp"),  # both: the 法人番号 decides
                ("host", "x", None, "mail.beta.co.jp"),  # a host under the domain: its registered domain
                ("shared", "x", None, "group.co.jp"),  # two master companies share it: not exact
                ("free", "x", None, "gmail.com"),  # free mail says nothing about the company
                ("unknown", "x", "9999999999999", "nowhere.jp"),
            ]
        )
    )
    assert ids == {"cn": "C1", "cn_wins": "C1", "host": "C2"}
    assert methods["host"] == "domain" and methods["cn"] == "corporate_number"
    assert rest == ["free", "shared", "unknown"]


def test_a_name_one_master_company_holds_links_when_nothing_speaks_against_it():
    ids, methods, rest = _linked(
        _records(
            [
                ("plain", "(株)アルファ", None, None),  # legal form written differently: same company
                ("bare", "アルファ", None, None),  # no legal form written: nothing to disagree with
                ("branch", "アルファ 大阪支店", None, "unknown.example.jp"),  # domain no master company holds
                ("free", "ベータ工業株式会社", None, "gmail.com"),  # free mail is no evidence either way
                ("two", "山田商事", None, None),  # two master companies share the name
                ("legal", "有限会社アルファ", None, None),  # another legal form: another company
                ("cn", "アルファ", "9999999999999", None),  # a 法人番号 the master lacks: another company
                ("other_dom", "ガンマ", None, "beta.co.jp"),  # the domain is another company's (C2)
                ("former", "新名", None, None),  # C7's name, C8's former name: not held once
                ("old", "旧名", None, None),  # only a former name: the model weighs renames
                ("short", "旭組", None, None),  # two characters: too short to tell alone
                ("none", None, None, None),
            ]
        )
    )
    assert ids == {"plain": "C1", "bare": "C1", "branch": "C1", "free": "C2", "other_dom": "C2"}
    assert methods["plain"] == "name" and methods["other_dom"] == "domain"
    assert rest == ["cn", "former", "legal", "none", "old", "short"]  # "two": see below


def test_a_bare_name_several_master_companies_hold_is_left_unmatched_without_the_model():
    records = _records(
        [
            ("two", "山田商事", None, None),  # 有限会社 and 株式会社 山田商事: nothing to choose by
            ("two_kabu", "(株)山田商事", None, None),  # the legal form singles out C6: the model decides
            ("two_dom", "山田商事", None, "beta.co.jp"),  # a domain the master knows: the model weighs it
            ("two_cn", "山田商事", "9999999999999", None),
        ]
    )
    assert _unmatched(records) == {"two": "社名=一致(マスターで同名2社: 決め手なし)"}
    _, _, rest = _linked(records)
    assert rest == ["two_cn", "two_kabu"]  # two_dom: linked by its domain


def test_on_name_only_records_the_model_links_the_same_companies():
    """The name rules are a shortcut, not a second opinion: where they link a record, the model given the
    same record auto-links it to the same company; where they leave it unmatched, so does the model."""
    records = _records(
        [
            ("plain", "(株)アルファ", None, None),
            ("bare", "アルファ", None, None),
            ("beta", "ベータ工業", None, None),
        ]
    )
    ids, _, _ = _linked(records)
    model = link(COMPANIES, records, source="activities", settings=MatchSettings()).matches
    assert ids == dict(zip(model["source_key"], model["company_id"], strict=True))
    assert set(model["status"]) == {"auto"}
