"""What the tests share, in one module: the tiny hand-made inputs, settings for a run, the API's keys
and its sample database, README's curl lines.

Test modules import from here, never from each other or from conftest (tests/test_layers.py checks),
so a helper has one home and moving a test never breaks another. pytest fixtures live in conftest.

The tiny inputs: six master companies, five customers with known revenue, a few contacts, and one bad
row of every kind, whose right answers can be read off. Files are written the way users' files
arrive: the master as UTF-8 CSV, sales as a CP932 (Shift_JIS) CSV with Japanese headers, contacts as
.xlsx.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import duckdb
import polars as pl

from abm.config.settings import BuyingPowerSettings, load_settings
from abm.sample import generate
from api.main import create_app
from pipelines import project

README = Path(__file__).parents[1] / "README.md"

# --- the tiny inputs ------------------------------------------------------------------------------
# 法人番号 with valid check digits (computed by abm.inputs.corporate_number.check_digit)
CN = {
    "alpha": "7000012050002",
    "beta": "1010001000006",
}

COMPANY_ROWS = [
    # company_id, name, corporate_number, prefecture, employees, revenue, capital, domain
    (
        "100000001",
        "株式会社アルファ商事",
        CN["alpha"],
        "東京都",
        "1200",
        "50000000000",
        "900000000",
        "alpha-shoji.co.jp",
    ),
    (
        "100000002",
        "ベータ工業株式会社",
        CN["beta"],
        "大阪府",
        "300",
        "8000000000",
        "100000000",
        "beta-kogyo.co.jp",
    ),
    ("100000003", "有限会社ガンマ精機", "", "愛知県", "40", "500000000", "10000000", ""),
    ("100000004", "デルタ電機株式会社", "", "福岡県", "5000", "90000000000", "5000000000", "delta-denki.com"),
    ("100000005", "株式会社イプシロン", "", "北海道", "8", "90000000", "3000000", ""),
    ("100000006", "ゼータ建設株式会社", "", "宮城県", "150", "3000000000", "50000000", ""),
]

# Own revenue in the window per customer: alpha 600, beta 250, gamma 100, epsilon 40, omega 10 (sum 1000)
SALES_ROWS = [
    # 受注日, 取引先コード, 取引先名, 売上金額
    ("2026/04/01", "C001", "株式会社アルファ商事", "700"),
    ("2026/05/10", "C001", "株式会社アルファ商事", "△100"),  # a return
    ("2026-06-01", "C002", "ベータ工業株式会社", "250"),
    ("20260701", "C003", "有限会社ガンマ精機", "1,00"),  # unusual separator still a number: 100
    ("2026/07/15", "C005", "株式会社イプシロン", "40"),
    ("2026/08/01", "C009", "オメガ株式会社", "10"),  # not in the master
    ("2024/01/01", "C004", "デルタ電機株式会社", "999"),  # outside the 12-month window
    ("2026/09/30", "C001", "株式会社アルファ商事", "0"),  # sets as-of = 2026-09-30
    # bad rows, one per reason
    ("2026/13/45", "C002", "ベータ工業株式会社", "10"),  # unparseable date
    ("2026/05/01", "C002", "ベータ工業株式会社", "abc"),  # unparseable amount
    ("2026/05/01", "", "ベータ工業株式会社", "10"),  # missing required value
]

CONTACT_ROWS = [
    # コンタクトID, 会社名, メールアドレス, オプトイン, 配信停止日
    ("L1", "株式会社アルファ商事", "taro@alpha-shoji.co.jp", "1", ""),
    ("L2", "デルタ電機株式会社", "hanako@delta-denki.com", "2025/04/01", ""),
    ("L3", "ベータ工業株式会社", "jiro@beta-kogyo.co.jp", "1", "2026/01/01"),  # opted out
    ("L4", "株式会社イプシロン", "saburo@gmail.com", "0", ""),  # not opted in
    ("L5", "オメガ株式会社", "shiro@omega.jp", "はい", ""),  # not in master
    ("L1", "株式会社アルファ商事", "dup@alpha-shoji.co.jp", "1", ""),  # duplicate key
    ("L6", "株式会社アルファ商事", "taro@", "1", ""),  # malformed email
]


def write_inputs(folder: Path, bad_corporate_number: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    companies = pl.DataFrame(
        COMPANY_ROWS,
        schema=["企業コード", "商号", "法人番号", "都道府県", "従業員数", "売上高", "資本金", "ドメイン"],
        orient="row",
    )
    if bad_corporate_number:
        bad = ("100000007", "株式会社シータ", "7000012050003", "東京都", "10", "1", "1", "")
        companies = pl.concat([companies, pl.DataFrame([bad], schema=companies.columns, orient="row")])
    companies.write_csv(folder / "companies.csv")
    sales = pl.DataFrame(SALES_ROWS, schema=["受注日", "取引先コード", "取引先名", "売上金額"], orient="row")
    (folder / "sales.csv").write_bytes(sales.write_csv().encode("cp932"))
    contacts = pl.DataFrame(
        CONTACT_ROWS,
        schema=["コンタクトID", "会社名", "メールアドレス", "オプトイン", "配信停止日"],
        orient="row",
    )
    contacts.write_excel(folder / "contacts.xlsx")
    return folder


# --- settings for a run ---------------------------------------------------------------------------


def settings_for(input_dir: Path, db: Path, **overrides):
    """Settings for a run of ``input_dir`` into ``db`` (decisions beside it), ``overrides`` by dotted key."""
    values = {"run.input_dir": input_dir, "run.db": db, "run.decisions": db.parent / "decisions.csv"}
    values.update(overrides)
    return load_settings(None, **values)


def run_settings(inputs: Path, db: Path, **extra):
    """Settings for a fast real run: the transparent buying-power rule (no model training)."""
    values = {"run.input_dir": inputs, "run.db": db, "run.decisions": db.parent / "decisions.csv", **extra}
    if "method" in BuyingPowerSettings.model_fields:
        values["buying_power.method"] = "rule"
    return load_settings(None, **values)


# --- the API: keys, sample database, app ----------------------------------------------------------

READ_KEY = "test-read-key-0123"
CONTACTS_KEY = "test-contacts-key-4567"
KEYS = [
    {"name": "reader", "key": READ_KEY, "scopes": ["read"]},
    {
        "name": "crm",
        "sha256": hashlib.sha256(CONTACTS_KEY.encode()).hexdigest(),
        "scopes": ["read", "read:contacts"],
    },
]
READ = {"X-API-Key": READ_KEY}
CONTACTS = {"X-API-Key": CONTACTS_KEY}


def build_api_db(root: Path) -> tuple[Path, Path]:
    """Sample inputs (small, CSV) and one published run, built once per test session."""
    inputs, db = root / "inputs", root / "db" / "abm.duckdb"
    if not db.exists():
        generate(inputs, companies=1500, customers=150, contacts=500, sales_lines=3000, seed=7, fmt="csv")
        db.parent.mkdir(parents=True, exist_ok=True)
        project.run(run_settings(inputs, db))
    return inputs, db


def make_app(db: Path, **extra):
    """The API app on ``db`` with the test keys; ``extra`` settings by dotted key."""
    values = {"run.db": db, "api.keys": KEYS, **extra}
    return create_app(load_settings(None, **values))


def readme_curl_commands() -> list[str]:
    """The curl command lines of README's code blocks, continuation lines joined."""
    blocks = re.findall(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    commands = []
    for block in blocks:
        for line in block.replace("\\\n", " ").splitlines():
            if line.strip().startswith("curl "):
                commands.append(line.strip())
    return commands


def sample_run(root: Path, **overrides) -> tuple[Path, Path, dict]:
    """The generated sample (small, CSV) and one real published run: (inputs, db, settings values).

    The transparent buying-power rule keeps it fast (no model training); ``overrides`` are settings."""
    inputs, db = root / "inputs", root / "db" / "abm.duckdb"
    values = {
        "run.input_dir": inputs,
        "run.db": db,
        "run.decisions": db.parent / "decisions.csv",
        "buying_power.method": "rule",
        **overrides,
    }
    if not db.exists():
        generate(inputs, companies=1500, customers=150, contacts=500, sales_lines=3000, seed=7, fmt="csv")
        db.parent.mkdir(parents=True, exist_ok=True)
        project.run(load_settings(None, **values))
    return inputs, db, values


# --- published output, compared -------------------------------------------------------------------

# Columns whose values differ on every run or machine, not in what the run decided.
VOLATILE = {
    "run_id",
    "previous_run_id",
    "started_at",
    "finished_at",
    "seconds",
    "peak_rss_mb",
    "fit_seconds",
    "score_seconds",
    "config",
    "input_files",
    "abm_version",
}


def _select(con: duckdb.DuckDBPyConnection, name: str, skip: frozenset[str]) -> tuple[str, list[str]]:
    columns = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
        [name],
    ).fetchall()
    described = [f"{c} {t}" for c, t in columns]
    parts = []
    for column, data_type in columns:
        if column in VOLATILE or column in skip:
            continue
        quoted = f'"{column}"'
        parts.append(f"round({quoted}, 6)" if data_type in ("DOUBLE", "FLOAT") else quoted)
    return ", ".join(parts), described


def digest(db: Path, skip: frozenset[str] = frozenset()) -> dict[str, dict[str, object]]:
    """Columns, row count and a content hash of every published table and view (``skip``: more
    columns to leave out, e.g. the run's own bookkeeping when two ways of running are compared)."""
    out: dict[str, dict[str, object]] = {}
    with duckdb.connect(str(db), read_only=True) as con:
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1"
            ).fetchall()
        ]
        for name in names:
            select, described = _select(con, name, skip)
            rows = con.execute(f'SELECT {select} FROM "{name}" ORDER BY ALL').fetchall()
            sha = hashlib.sha256()
            for row in rows:
                sha.update(repr(row).encode())
            out[name] = {"columns": described, "rows": len(rows), "sha256": sha.hexdigest()}
    return out
