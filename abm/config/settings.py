"""Settings: one model, loaded from a TOML file plus ``ABM_*`` environment variables.

Every key has a default and a description; README's configuration section is generated from
these descriptions (``abm dev docs``) and a test fails when it is stale. Environment
variables override the file, e.g. ``ABM_RUN__LOOKBACK_MONTHS=6`` or ``ABM_DUCKDB__THREADS=2``.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from abm.engagement.role_settings import RolesSettings
from abm.engagement.score_settings import EngagementSettings
from abm.errors import ConfigError
from abm.matching.settings import MatchSettings
from abm.messages import DEFAULT_LANGUAGE, Lang, playbook
from abm.published.contract import SEGMENTS


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RunSettings(Section):
    input_dir: Path = Field(
        Path("sample_data"), description="Folder holding companies / sales / contacts files."
    )
    db: Path = Field(Path("abm.duckdb"), description="The published DuckDB file.")
    decisions: Path = Field(
        Path("abm_decisions.csv"),
        description="Human 名寄せ decisions store (written by `abm review import`, only read by runs).",
    )
    as_of: date | None = Field(
        None, description="Reference date of the run. Default: the latest sales date in the input."
    )
    window: Literal["rolling", "fiscal_year"] = Field(
        "rolling",
        description="Look-back window: `rolling` = the `lookback_months` before as-of; "
        "`fiscal_year` = the last complete fiscal year before as-of.",
    )
    lookback_months: int = Field(12, ge=1, le=120, description="Months in the rolling look-back window.")
    fiscal_year_start_month: int = Field(
        4, ge=1, le=12, description="First month of the fiscal year (4 = April)."
    )
    quarter_calendar: Literal["fiscal", "calendar"] = Field(
        "fiscal",
        description="Label quarters by fiscal year (FY2026Q1 = Apr–Jun 2026) or calendar year (2026Q2).",
    )
    history_segments_only: bool = Field(
        True,
        description="Keep only accounts in at least one circle in `account_history` (saves space at scale).",
    )


class InputsSettings(Section):
    companies_format: Literal["auto", "table", "houjin"] = Field(
        "auto",
        description="Company master layout: `houjin` = the 法人番号公表サイト 全件データ as downloaded "
        "(companies.zip, a companies/ folder of prefecture files, or a headerless companies.csv); "
        "`table` = a file with headers; `auto` detects the headerless 30-column layout.",
    )
    sheets: dict[str, str] = Field(
        default_factory=dict,
        description='Sheet to read per .xlsx input, e.g. `[inputs.sheets]` `contacts = "名刺"`. '
        "Default: every non-empty sheet, appended (their headers must match).",
    )
    chunk_rows: int = Field(
        250_000,
        ge=1,
        description="Rows read, validated and landed at a time for inputs without a unique key (sales, "
        "activities), so a file of any length never sits whole in memory; other inputs and .xlsx files "
        "are read whole.",
    )


class AbcSettings(Section):
    a: float = Field(
        0.80, gt=0, lt=1, description="Cumulative revenue share up to which customers are class A."
    )
    b: float = Field(
        0.95, gt=0, lt=1, description="Cumulative revenue share up to which customers are class B."
    )

    @model_validator(mode="after")
    def _ordered(self) -> AbcSettings:
        if self.a >= self.b:
            raise ValueError("abc.a must be below abc.b")
        return self


class BuyingPowerSettings(Section):
    threshold_decile: int = Field(
        2,
        ge=1,
        le=10,
        description="Accounts in buying-power decile ≤ this are in the B circle (2 = top 20%).",
    )
    rule_weights: dict[str, float] = Field(
        {"employees": 1.0, "revenue": 1.0, "capital": 0.5},
        description="Transparent fallback rule: weights of each size column's percentile rank in the score.",
    )
    method: Literal["auto", "rule"] = Field(
        "auto",
        description="`auto` = lookalike model (scikit-learn) trained on linked top customers when there "
        "are at least `min_positives` of them, else the transparent rule; `rule` = always the rule.",
    )
    label: Literal["abc_a", "top_deciles"] = Field(
        "abc_a",
        description="Positives of the lookalike: A-class customers, or customers in the top `label_deciles`.",
    )
    label_deciles: int = Field(
        2, ge=1, le=9, description="Revenue deciles counted as positives when label = top_deciles."
    )
    min_positives: int = Field(
        30, ge=2, description="Fewer linked positive customers than this → fall back to the transparent rule."
    )
    negatives: int = Field(
        50_000, ge=100, description="Master companies (not positive) sampled as negatives for training."
    )
    cv_folds: int = Field(
        5,
        ge=2,
        le=20,
        description="Cross-validation folds for the reported AUC (at most 3 on ≥ 20,000 training rows, "
        "and never more than the positives); measured on a stratified sample of ≤ 30,000 training rows.",
    )
    batch_size: int = Field(
        500_000, ge=1_000, description="Master companies scored per batch (bounds memory)."
    )
    seed: int = Field(0, description="Seed for the negative sample and the model (same input → same scores).")


class CirclesSettings(Section):
    playbook: dict[str, str] = Field(
        default_factory=dict,
        description="Approach per segment (all 8 segments); empty = the message catalogue's texts in "
        "`ui.language`.",
    )

    @model_validator(mode="after")
    def _all_segments(self) -> CirclesSettings:
        if not self.playbook:
            return self  # filled from the catalogue by Settings, which knows the language
        missing = [s for s in SEGMENTS if s not in self.playbook]
        unknown = [s for s in self.playbook if s not in SEGMENTS]
        if missing or unknown:
            raise ValueError(
                f"circles.playbook needs exactly the segments {list(SEGMENTS)}; "
                f"missing {missing}, unknown {unknown}"
            )
        return self


class TierSettings(Section):
    tier1_segments: list[str] = Field(
        ["S+B+C", "S+B", "B+C"], description="Segments eligible for Tier 1 (1:1)."
    )
    tier1_capacity: int = Field(50, ge=0, description="Maximum Tier 1 accounts, filled by priority.")
    tier2_segments: list[str] = Field(
        ["S+B+C", "S+B", "B+C", "B"], description="Segments eligible for Tier 2 (1:few)."
    )
    tier2_capacity: int = Field(500, ge=0, description="Maximum Tier 2 accounts, filled by priority.")
    tier3_segments: list[str] = Field(
        ["S+B+C", "S+B", "B+C", "B", "S+C"], description="Segments eligible for Tier 3 (1:many)."
    )
    tier3_capacity: int | None = Field(None, ge=0, description="Maximum Tier 3 accounts (empty = no limit).")


class TerritorySettings(Section):
    scope_tiers: list[int] = Field([1, 2, 3], description="Tiers whose accounts get an owner (rep).")
    scope_segments: list[str] = Field(
        ["S+B+C", "S+B", "S+C", "S"],
        description="Segments whose accounts get an owner whatever their tier (default: every customer, "
        "the S circle).",
    )
    tolerance: float = Field(
        0.15,
        gt=0,
        lt=1,
        description="A rep keeps last quarter's accounts while their load stays within ± this share of the "
        "area mean (capacity-weighted); beyond it the smallest accounts are rebalanced.",
    )
    balance_weights: dict[str, float] = Field(
        {"buying_power": 1.0, "accounts": 1.0, "revenue": 0.0},
        description="What is balanced across the reps of an area: summed buying-power score, account count, "
        "own revenue in the window (weights of each in the load).",
    )
    keep_tier1: bool = Field(
        True, description="Tier 1 accounts keep their incumbent rep (if still active) whatever the balance."
    )

    @model_validator(mode="after")
    def _known_weights(self) -> TerritorySettings:
        unknown = sorted(set(self.balance_weights) - {"buying_power", "accounts", "revenue"})
        if unknown:
            raise ValueError(
                f"territories.balance_weights: unknown '{unknown[0]}' "
                "(known: buying_power, accounts, revenue)"
            )
        if any(w < 0 for w in self.balance_weights.values()) or sum(self.balance_weights.values()) <= 0:
            raise ValueError("territories.balance_weights must be non-negative with a positive sum")
        return self


class DuckDBSettings(Section):
    memory_limit: str = Field("8GB", description="DuckDB memory_limit for the run.")
    threads: int | None = Field(None, ge=1, description="DuckDB threads (default: all cores).")
    storage_version: str = Field(
        "v1.1.0",
        pattern=r"^v\d+\.\d+\.\d+$|^latest$",
        description="Storage format of the published file: the oldest DuckDB release that must read it. "
        "v1.1.0 (default) opens in DuckDB 1.1 and later, the version BI drivers (DBeaver, Metabase, "
        "Tableau ODBC) still bundle; `latest` = the installed DuckDB's own format (newer clients only).",
    )


API_SCOPES = ("read", "read:contacts")


class ApiKey(Section):
    """One API key: plain (`key`) or as its SHA-256 hex digest (`sha256`), with its scopes."""

    name: str = Field(..., min_length=1, description="Label for logs (the key itself is never logged).")
    key: SecretStr | None = Field(None, description="The key in plain text (prefer `sha256`).")
    sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$", description="SHA-256 hex digest of the key.")
    scopes: list[Literal["read", "read:contacts", "review"]] = Field(
        ["read"],
        description="`read`; add `read:contacts` to see contact personal data, `review` to record 名寄せ "
        "decisions in the workspace.",
    )

    @model_validator(mode="after")
    def _one_secret(self) -> ApiKey:
        if (self.key is None) == (self.sha256 is None):
            raise ValueError(f"api key '{self.name}' needs exactly one of key / sha256")
        return self


class ApiSettings(Section):
    keys: list[ApiKey] = Field(
        default_factory=list,
        description="API keys: `[[api.keys]]` tables with name, key or sha256, scopes; "
        "or `ABM_API__KEYS` as JSON.",
    )
    dev_no_keys: bool = Field(
        False, description="Allow `abm serve` with no keys (every caller gets scope `read`). Local use only."
    )
    threads: int = Field(2, ge=1, description="DuckDB threads of the API process.")
    memory_limit: str = Field("4GB", description="DuckDB memory_limit of the API process.")
    accounts_in_memory: bool = Field(
        True,
        description="Keep an in-memory copy of `accounts` per published run (about 0.4 GB per million "
        "accounts): filtered pages about 10x faster than reading the file.",
    )
    access_log: bool = Field(
        True,
        description="One line per request (UTC time, key name, method, path, status, ms) on stderr or "
        "`access_log_file`; never the key, the query string or personal data.",
    )
    access_log_file: Path | None = Field(
        None, description="Append the access log to this file instead of stderr (e.g. `logs/api-access.log`)."
    )


class WebSettings(Section):
    """The marketers' workspace that `abm serve` shows at `/` (api.web)."""

    session_secret: SecretStr | None = Field(
        None,
        description="Key that signs workspace session cookies; unset: a random key per server start "
        "(everyone logs in again after a restart). Set it when several server processes share users.",
    )
    session_hours: float = Field(12, gt=0, le=24 * 30, description="Hours a workspace login lasts.")
    secure_cookie: bool = Field(
        False, description="Mark the session cookie `Secure` (only sent over HTTPS): set it behind TLS."
    )
    page_size: int = Field(50, ge=10, le=500, description="Rows per page of the workspace's lists.")


class UiSettings(Section):
    language: Lang = Field(
        DEFAULT_LANGUAGE,
        description="Language of every people-facing text (approach, tier_reason, why, report, CRM export "
        "custom headers, workspace, what a run and the other commands print, `abm --help`): `ja` (default) "
        "or `en`. Codes and column names stay ASCII.",
    )


class Settings(BaseSettings):
    """All of abm's configuration. Sections map to TOML tables."""

    model_config = SettingsConfigDict(env_prefix="ABM_", env_nested_delimiter="__", extra="forbid")

    run: RunSettings = Field(default_factory=RunSettings, description="Where and when")
    inputs: InputsSettings = Field(default_factory=InputsSettings, description="Input files and layouts")
    columns: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Extra header mappings per input, e.g. `[columns.sales]` "
        '`"得意先名称" = "customer_name"`.',
    )
    abc: AbcSettings = Field(default_factory=AbcSettings, description="ABC / Pareto thresholds")
    match: MatchSettings = Field(default_factory=MatchSettings, description="名寄せ (linking)")
    buying_power: BuyingPowerSettings = Field(default_factory=BuyingPowerSettings, description="Buying power")
    circles: CirclesSettings = Field(
        default_factory=CirclesSettings, description="Three circles and playbook"
    )
    tiers: TierSettings = Field(default_factory=TierSettings, description="Tiers")
    territories: TerritorySettings = Field(default_factory=TerritorySettings, description="Territories")
    engagement: EngagementSettings = Field(
        default_factory=EngagementSettings, description="Engagement score (web and MA activities)"
    )
    roles: RolesSettings = Field(default_factory=RolesSettings, description="Buying-committee roles")
    duckdb: DuckDBSettings = Field(default_factory=DuckDBSettings, description="DuckDB resources")
    api: ApiSettings = Field(default_factory=ApiSettings, description="HTTP API (`abm serve`)")
    web: WebSettings = Field(default_factory=WebSettings, description="Workspace (`abm serve`, at `/`)")
    ui: UiSettings = Field(default_factory=UiSettings, description="People-facing language")

    @model_validator(mode="after")
    def _playbook_in_language(self) -> Settings:
        """No playbook in config → the catalogue's approach texts in ``ui.language`` (the user's wins)."""
        if not self.circles.playbook:
            self.circles.playbook = playbook(self.ui.language)
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return env_settings, init_settings  # environment overrides the file


DEFAULT_CONFIG = Path("abm.toml")


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Read ``path`` (or ./abm.toml when present) and the environment into one ``Settings``.

    Any problem becomes a one-line ``ConfigError`` naming the file and the key.
    """
    data: dict[str, Any] = {}
    source = "defaults"
    if path is not None and not path.exists():
        raise ConfigError.keyed("error.config.not_found", path=path)
    path = path or (DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None)
    if path is not None:
        source = str(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError.keyed("error.config.not_toml", path=path, detail=exc) from None
    for dotted, value in overrides.items():
        if value is not None:
            section, key = dotted.split(".", 1)
            data.setdefault(section, {})[key] = value
    try:
        return Settings(**data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise ConfigError.keyed("error.config.bad_key", source=source, key=key, detail=first["msg"]) from None


def describe(model: type[BaseModel] = Settings, prefix: str = "") -> list[tuple[str, str, str]]:
    """(key, default, description) for every leaf setting, for docs and the README test."""
    rows: list[tuple[str, str, str]] = []
    for name, field in model.model_fields.items():
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            rows += describe(ann, f"{prefix}{name}.")
            continue
        default = field.get_default(call_default_factory=True)
        rows.append((f"{prefix}{name}", _show(default), field.description or ""))
    return rows


def _show(value: Any) -> str:
    if isinstance(value, dict | list) and len(str(value)) > 60:
        return f"{len(value)} entries (abm config shows them)"
    return "(none)" if value is None else str(value)
