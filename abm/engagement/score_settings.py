"""The ``[engagement]`` section of the config: points, decay, zeroing, levels and surging.

Kept apart from ``abm.config.settings`` (which only wires it in, like ``[match]``) because its
defaults come from the activity-type vocabulary (``abm.engagement.activity_types``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from abm.engagement.activity_types import CODES, DEFAULT_POINTS


class EngagementSettings(BaseModel):
    """How web and MA behaviour becomes an engagement score per contact and per account."""

    model_config = ConfigDict(extra="forbid")

    points: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_POINTS),
        description="Points per activity type code (download 3, webinar 5, inquiry 10, the rest small); "
        "keys given replace those defaults one by one. An input `points` value wins over these.",
    )
    type_aliases: dict[str, str] = Field(
        default_factory=dict,
        description='Extra activity_type values → code, e.g. `"製品ページ閲覧" = "page_view"` (matched '
        "after NFKC and case folding; built-in aliases cover Japanese, English and common MA tools).",
    )
    half_life_days: float = Field(
        93.0,
        gt=0,
        description="Days after which an activity counts half (exponential decay at as-of). 93 ≈ −20% per "
        "30 days (0.5^(30/93) = 0.80), the MA practice of not handing past interest to sales.",
    )
    contact_cap: float = Field(
        30.0,
        gt=0,
        description="An account's score counts at most this much from any one contact (one busy person "
        "is not a buying committee).",
    )
    competitors: list[str] = Field(
        default_factory=list,
        description="Competitors whose engagement is zeroed: 法人番号 (13 digits, matched on the account's "
        "corporate number) or company names (matched after 名寄せ normalisation).",
    )
    level_high_max_decile: int = Field(
        3, ge=1, le=10, description="Engagement deciles 1..this are level `high`."
    )
    level_mid_max_decile: int = Field(
        6, ge=1, le=10, description="Engagement deciles above high up to this are `mid`; the rest `low`."
    )
    surge_recent_days: int = Field(30, ge=1, description="Days up to as-of that count as recent for surging.")
    surge_previous_days: int = Field(
        90, ge=1, description="Days before the recent ones that are the account's own baseline."
    )
    surge_ratio: float = Field(
        2.0,
        gt=0,
        description="Surging: recent points ≥ this × the baseline's points per the same number of days.",
    )
    surge_min_points: float = Field(
        10.0, ge=0, description="Surging also needs at least this many recent points (noise floor)."
    )
    priority_weight: float = Field(
        0.2,
        ge=0,
        le=10,
        description="How much engagement moves an account up within its tier (abm.targeting.actions): "
        "priority_score = buying_power_score + weight × (11 − engagement_decile) / 10, 0 without "
        "engagement. 0 keeps the order by buying power, then own revenue.",
    )

    @field_validator("points")
    @classmethod
    def _known_points(cls, given: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(given) - set(CODES))
        if unknown:
            raise ValueError(f"unknown activity type '{unknown[0]}' (known: {', '.join(CODES)})")
        if any(p < 0 for p in given.values()):
            raise ValueError("points must not be negative")
        return {**DEFAULT_POINTS, **given}

    @field_validator("type_aliases")
    @classmethod
    def _known_codes(cls, given: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(given.values()) - set(CODES))
        if unknown:
            raise ValueError(f"unknown activity type '{unknown[0]}' (known: {', '.join(CODES)})")
        return given

    @model_validator(mode="after")
    def _ordered_levels(self) -> EngagementSettings:
        if self.level_high_max_decile >= self.level_mid_max_decile:
            raise ValueError("level_high_max_decile must be below level_mid_max_decile")
        return self
