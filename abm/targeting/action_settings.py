"""The ``[actions]`` section of the config: how engagement moves an account up its tier's list.

Kept apart from ``abm.config.settings`` (which only wires it in) so the targeting rules and their one
knob sit side by side. The next-action rules themselves are fixed by the method (``abm.targeting.actions``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ActionSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    priority_weight: float = Field(
        0.2,
        ge=0,
        le=10,
        description="How much engagement moves an account up within its tier: priority_score = "
        "buying_power_score + weight × engagement (1.0 for engagement decile 1 … 0.1 for decile 10, 0 "
        "without engagement). 0 keeps the order by buying power, then own revenue.",
    )
