"""The ordered steps of an abm run. Read this tuple to know what a run does.

Each step names what it reads and writes; the runner checks both (``pipelines.runner``) and README's
step table is generated from these declarations (``step_table``, via ``abm dev docs``). What each step
does, in a sentence, is the message catalogue's ``step.<name>`` (abm/messages/run.py): the run prints
it in the user's language.
"""

from __future__ import annotations

from pipelines.attribute import attribute
from pipelines.buying_power import buying_power
from pipelines.carry_over import CARRIED, carry_over
from pipelines.checks import check
from pipelines.context import RunContext
from pipelines.coverage import coverage
from pipelines.decide import decide
from pipelines.engagement import ACCOUNT_ENGAGEMENT, CONTACT_ENGAGEMENT, engagement
from pipelines.history import ENGAGEMENT_HISTORY, HISTORY, history
from pipelines.link import link
from pipelines.load import load
from pipelines.pareto import pareto
from pipelines.record_run import record_run
from pipelines.runner import Step
from pipelines.sales_quarters import sales_quarters
from pipelines.territories import AREAS, BALANCE, CHANGES
from pipelines.views import contract

TERRITORY_TABLES = (CHANGES, BALANCE, AREAS)  # only with a reps file


def _accounts(ctx: RunContext) -> int:
    ctx.sql("offmaster_accounts")
    ctx.sql("account_base")
    return ctx.count("work.account_base")


def _flags(ctx: RunContext) -> int:
    ctx.sql("contact_consent")
    ctx.sql("account_contacts")
    ctx.sql("account_flags")
    return ctx.count("work.account_flags")


def _assemble(ctx: RunContext) -> int:
    ctx.sql("accounts")
    ctx.sql("segments")
    return ctx.count("accounts")


STEPS: tuple[Step, ...] = (
    Step(
        "load",
        load,
        writes=("companies", "sales", "contacts", "rejects"),
        may_write=("reps", "pins", "companies_enrich", "activities"),
    ),
    Step(
        "link",
        link,
        reads=("companies", "sales", "contacts"),
        writes=(
            "work.sales_customers",
            "work.contact_records",
            "work.offmaster_groups",
            "match_review",
            "work.successors",
            "matches",
            "work.record_account",
        ),
        may_read=("activities",),
        may_write=("work.free_mail_domains", "work.activity_rows"),
    ),
    Step(
        "accounts",
        _accounts,
        reads=("companies", "matches", "work.record_account", "work.sales_customers", "work.contact_records"),
        writes=("work.offmaster_accounts", "work.account_base"),
    ),
    Step(
        "attribute",
        attribute,
        writes=("activities",),
        may_read=("activities", "contacts", "work.activity_rows", "work.record_account"),
    ),
    Step(
        "pareto",
        pareto,
        reads=("sales", "work.record_account", "work.account_base"),
        writes=("work.account_sales", "pareto", "deciles"),
    ),
    Step(
        "buying_power",
        buying_power,
        reads=("work.account_base", "pareto"),
        writes=("buying_power_traits", "model_report", "work.account_buying_power"),
    ),
    Step(
        "flags",
        _flags,
        reads=("contacts", "work.record_account", "work.account_base", "work.account_sales"),
        writes=("work.contact_consent", "work.account_contacts", "work.account_flags"),
    ),
    Step(
        "coverage",
        coverage,
        reads=("contacts", "work.record_account", "work.contact_consent"),
        writes=("work.title_roles", "contact_roles", "account_coverage"),
    ),
    Step(
        "engagement",
        engagement,
        reads=("activities", "contacts", "work.account_base"),
        writes=("work.activity_type_points", "work.engagement_sums", CONTACT_ENGAGEMENT, ACCOUNT_ENGAGEMENT),
    ),
    Step(
        "carry_over",
        carry_over,
        may_write=CARRIED,
    ),
    Step(
        "decide",
        decide,
        reads=("work.account_base", "work.account_flags", ACCOUNT_ENGAGEMENT, "account_coverage"),
        writes=("work.playbook", "work.account_decisions"),
        may_read=("reps", "pins", "runs", "account_history"),
        may_write=(*TERRITORY_TABLES, "rejects"),
    ),
    Step(
        "assemble",
        _assemble,
        reads=(
            "work.account_base",
            "work.account_flags",
            "work.account_decisions",
            "work.account_sales",
            "pareto",
            "work.account_buying_power",
            "work.account_contacts",
            "work.playbook",
        ),
        writes=("accounts", "segments"),
    ),
    Step(
        "sales_quarters",
        sales_quarters,
        reads=("sales", "matches"),
        writes=("work.quarter_of_day", "account_sales_quarters"),
    ),
    Step(
        "history",
        history,
        reads=("accounts", ACCOUNT_ENGAGEMENT),
        writes=(HISTORY, ENGAGEMENT_HISTORY),
    ),
    Step("record_run", record_run, writes=("runs", "run_steps")),
    Step(
        "contract",
        contract,
        reads=("accounts", "companies", "matches", "sales", "contacts", "segments"),
        writes=(
            "v_target_accounts",
            "v_whitespace",
            "v_account_360",
            "v_segment_summary",
            "v_territory_balance",
            "v_next_actions",
        ),
        may_read=TERRITORY_TABLES,
    ),
    Step(
        "check",
        check,
        reads=("sales", "contacts", "matches", "accounts", "activities", "contact_roles"),
    ),
)


def step_table() -> str:
    """README's step table, from the declarations above (``abm dev docs``)."""
    lines = ["| step | what it does | reads | writes |", "| --- | --- | --- | --- |"]
    for step in STEPS:
        reads = _names(step.reads, step.may_read)
        writes = _names(step.writes, step.may_write)
        lines.append(f"| {step.name} | {step.description('en')} | {reads} | {writes} |")
    return "\n".join(lines)


def _names(always: tuple[str, ...], sometimes: tuple[str, ...]) -> str:
    """`a`, `b`, (`c`): tables in parentheses are read or written only in some runs."""
    names = [f"`{t}`" for t in always] + [f"(`{t}`)" for t in sometimes]
    return ", ".join(names) or "—"
