"""The types of the input contract: a column (its kind, aliases, whether it is required or personal)
and an input file kind. The contract itself (every input's columns) is ``abm.inputs.schema``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# id: text compared after NFKC + trim (full-width "１００" is "100"); year: 1955, 昭和30年, H2, 1955年4月.
Kind = Literal["text", "id", "int", "number", "year", "date", "bool", "opt_in", "corporate_number", "email"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = "text"
    required: bool = False
    aliases: tuple[str, ...] = ()
    description: str = ""
    personal: bool = False  # identifies a person (contact or rep): the published contract flags it


@dataclass(frozen=True)
class InputSpec:
    """One input file kind (companies, sales, contacts, reps, pins, activities)."""

    name: str
    columns: tuple[Column, ...]
    key: str | None = None  # column that must be unique, if any
    optional: bool = False  # the file itself may be absent
    # a row needs a usable value in at least one of these (none = the row cannot be placed anywhere)
    any_of: tuple[str, ...] = ()
    # landed rows keep the file (and sheet) they came from as `source_file`, next to `source_row`
    keeps_source: bool = False
    description: str = ""
    by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {c.name: c for c in self.columns})

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


CN_ALIASES = ("法人番号", "corporate number", "houjin bangou", "corporate_no")
