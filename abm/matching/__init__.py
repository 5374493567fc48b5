"""名寄せ: link sales customers and contacts to the company master (public API, re-exports only)."""

from __future__ import annotations

from abm.matching.decisions import DECISION_SCHEMA, latest_decisions
from abm.matching.grouping import attach_groups, offmaster_groups
from abm.matching.keys import MASTER_COLUMNS, group_keys, record_keys
from abm.matching.linking import MATCH_SCHEMA, REVIEW_SCHEMA, LinkResult, is_linked, link
from abm.matching.settings import FREE_MAIL_DOMAINS, MatchSettings

__all__ = [
    "DECISION_SCHEMA",
    "FREE_MAIL_DOMAINS",
    "MASTER_COLUMNS",
    "MATCH_SCHEMA",
    "REVIEW_SCHEMA",
    "LinkResult",
    "MatchSettings",
    "attach_groups",
    "group_keys",
    "is_linked",
    "latest_decisions",
    "link",
    "offmaster_groups",
    "record_keys",
]
