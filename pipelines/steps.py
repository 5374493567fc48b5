"""The ordered steps of an abm run. Read this tuple to know what a run does."""

from __future__ import annotations

from pipelines.buying_power import buying_power
from pipelines.checks import check
from pipelines.classify import circles, tiers
from pipelines.context import RunContext
from pipelines.history import carry_over, history, record_run
from pipelines.link import link
from pipelines.load import load
from pipelines.pareto import pareto
from pipelines.runner import Step
from pipelines.sales_quarters import sales_quarters
from pipelines.territories import territories
from pipelines.views import contract


def _accounts(ctx: RunContext) -> int:
    ctx.sql("account_base")
    return ctx.count("work.account_base")


def _publish_accounts(ctx: RunContext) -> int:
    ctx.sql("accounts")
    return ctx.count("accounts")


STEPS: tuple[Step, ...] = (
    Step("load", load, "read and validate inputs → companies, sales, contacts, rejects"),
    Step("link", link, "名寄せ: sales customers and contacts → master → matches, match_review"),
    Step("accounts", _accounts, "one account per master company or unmatched source company"),
    Step("pareto", pareto, "own revenue in the window → pareto, deciles, ABC classes"),
    Step("buying_power", buying_power, "buying-power score and decile over the master"),
    Step("circles", circles, "sales × buying power × contacts → segment and approach"),
    Step("tiers", tiers, "Tier 1 / 2 / 3 by priority within capacities"),
    Step("carry_over", carry_over, "runs, account history, territory figures from the previous file"),
    Step("territories", territories, "area and owner (rep) per account: sticky, balanced, explained"),
    Step("assemble", _publish_accounts, "accounts and segments tables"),
    Step("sales_quarters", sales_quarters, "own net sales per account and quarter → account_sales_quarters"),
    Step("history", history, "append this run to account_history"),
    Step("record_run", record_run, "append this run to runs and run_steps"),
    Step("contract", contract, "BI views and a description on every table, view and column"),
    Step("check", check, "invariants: window revenue = Σ accounts, every line and contact in one account"),
)
