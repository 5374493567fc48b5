"""The `abm` command. Commands parse options, call ``pipelines.project`` and print; nothing else.

Problems with the user's files or config end with one `error:` line and exit code 2; a bug ends
with one line and exit code 1 (set ABM_DEBUG=1 for the traceback).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from abm import __version__
from abm.config.settings import Settings, load_settings
from abm.errors import AbmError
from abm.published.reader import reading
from pipelines import project

HELP = {"help_option_names": ["-h", "--help"]}  # inherited by every command and sub-command
app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Pick the B2B accounts to target.",
    context_settings=HELP,
    rich_markup_mode=None,
)
review_app = typer.Typer(no_args_is_help=True, help="Human review of borderline 名寄せ pairs.")
app.add_typer(review_app, name="review")
# Commands for people working on abm itself (README tables, data dictionary): kept out of the list
# users see in `abm --help`; `abm dev --help` lists them.
dev_app = typer.Typer(no_args_is_help=True, help="Developer commands: regenerate README tables and docs/.")
app.add_typer(dev_app, name="dev", hidden=True)
err = Console(stderr=True, highlight=False)
out = Console(highlight=False)

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", "-c", help="TOML config file (default ./abm.toml).")
]
DbOpt = Annotated[Path | None, typer.Option("--db", help="DuckDB file (default from config: abm.duckdb).")]


def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn AbmError into one clear line and exit 2; hide tracebacks of bugs unless ABM_DEBUG=1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AbmError as exc:
            err.print(Text.assemble(("error:", "bold red"), f" {exc}"), soft_wrap=True)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            say("interrupted: the published database was left as it was")
            raise typer.Exit(130) from None
        except Exception as exc:
            if os.environ.get("ABM_DEBUG"):
                raise
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            err.print(
                Text.assemble(
                    ("internal error:", "bold red"),
                    f" {type(exc).__name__}: {first} "
                    "(set ABM_DEBUG=1 for details; the published database was left as it was)",
                ),
                soft_wrap=True,
            )
            raise typer.Exit(1) from None

    return wrapper


def say(line: str) -> None:
    """A progress or status line on stderr, printed as written: file names, headers and values may
    contain brackets such as ``[columns.sales]`` that Rich would otherwise read as markup."""
    err.print(line, markup=False, soft_wrap=True)


def tell(line: str) -> None:
    """A result line on stdout, printed as written (no markup)."""
    out.print(line, markup=False)  # wrapped at the terminal's width, between words


def tell_table(
    title: str, columns: Sequence[str], rows: Iterable[Sequence[str | Text]], left: int = 1
) -> None:
    """A result table on stdout that fits the terminal (80 columns included): no outer frame, one
    space between columns, headers may break at their spaces, and a cell too long for its column
    wraps onto a second line rather than being cut with "…" (a cut number would be a wrong number).
    The first ``left`` columns are text, left-aligned; the others are figures, right-aligned."""
    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=0)
    for i, col in enumerate(columns):
        figure = i >= left
        table.add_column(
            col.replace(" ", "\n") if figure else col,
            justify="right" if figure else "left",
            overflow="fold",
            no_wrap=figure,
        )
    for row in rows:
        table.add_row(*row)
    out.print(table)


def _settings(config: Path | None, **overrides: Any) -> Settings:
    return load_settings(config, **overrides)


def _show_version(value: bool) -> None:
    if value:
        tell(f"abm {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_show_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Pick the B2B accounts to target."""


@app.command()
@friendly
def run(
    input: Annotated[
        Path | None, typer.Option("--input", "-i", help="Input folder (default sample_data/).")
    ] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Reference date YYYY-MM-DD (default: latest sale).")
    ] = None,
) -> None:
    """Load, link, rank, segment and tier; publish the DuckDB file atomically."""
    when = _parse_date(as_of) if as_of else None
    settings = _settings(config, **{"run.input_dir": input, "run.db": db, "run.as_of": when})
    say(f"abm run: {settings.run.input_dir} → {settings.run.db}")
    result = project.run(settings, progress=say)
    tell_table(
        f"Segments ({result.quarter})",
        ("segment", "accounts", "revenue", "contacts", "whitespace"),
        ((r[0], f"{r[1]:,}", f"¥{r[2]:,.0f}", f"{r[3]:,}", f"{r[4]:,}") for r in result.segments.iter_rows()),
    )
    tiers = ", ".join(f"Tier {k}: {v:,}" for k, v in sorted(result.tiers.items())) or "no tiered accounts"
    tell(
        f"{tiers}. Rejected input rows: {result.rejected_rows:,}; bad optional values left empty: "
        f"{result.values_nulled:,} (see table rejects)."
    )
    tell(f"Published {result.db} (run {result.run_id}) in {result.seconds:.1f}s")


@app.command()
@friendly
def sample(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write.")] = Path("sample_data"),
    companies: Annotated[int, typer.Option(help="Master companies.")] = 20_000,
    customers: Annotated[int, typer.Option(help="Customer codes in sales.")] = 2_000,
    contacts: Annotated[int, typer.Option(help="Contacts.")] = 10_000,
    sales_lines: Annotated[int, typer.Option("--sales-lines", help="Sales lines.")] = 100_000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same bytes).")] = 42,
    fmt: Annotated[
        str, typer.Option("--format", help="sample (parquet + CP932 CSV + xlsx), parquet or csv.")
    ] = "sample",
) -> None:
    """Write realistic, seeded Japanese sample inputs plus their ground truth (in OUT/truth)."""
    from abm.sample import generate

    if fmt not in ("sample", "parquet", "csv"):
        raise AbmError(f"--format must be sample, parquet or csv (got '{fmt}')")
    summary = generate(
        out_dir,
        companies=companies,
        customers=customers,
        contacts=contacts,
        sales_lines=sales_lines,
        seed=seed,
        fmt=fmt,
        progress=say,
    )
    out.print(summary)  # a dataclass: Rich pretty-prints it (no markup parsing)


@app.command("config")
@friendly
def show_config(config: ConfigOpt = None) -> None:
    """Print the effective configuration (file + environment + defaults) as TOML for abm.toml.

    Plain API keys are shown as a placeholder, never in clear."""
    from abm.config.toml import settings_toml

    sys.stdout.write(settings_toml(_settings(config)))  # as is: no wrapping, no markup


@dev_app.command()
@friendly
def docs(readme: Annotated[Path, typer.Option(help="README to update.")] = Path("README.md")) -> None:
    """Regenerate README's config and input tables from the code."""
    from abm.cli.docs import update

    tell(f"{readme}: {'updated' if update(readme) else 'already up to date'}")


@review_app.command("export")
@friendly
def review_export(
    out_file: Annotated[Path, typer.Option("--out", help="CSV or XLSX to write.")] = Path(
        "match_review.xlsx"
    ),
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Write the review queue to a file; fill in `decision` (link / not) and import it back."""
    from abm.matching.review import export_review

    settings = _settings(config, **{"run.db": db})
    n = export_review(settings.run.db, out_file)
    tell(
        f"Wrote {n:,} pairs to review to {out_file}. Fill the `decision` column "
        "(link = same company, not = different), then run `abm review import`."
    )


@review_app.command("import")
@friendly
def review_import(
    in_file: Annotated[Path, typer.Argument(help="The edited CSV or XLSX.", metavar="FILE")],
    db: DbOpt = None,
    config: ConfigOpt = None,
    by: Annotated[str, typer.Option(help="Who decided (kept with each decision).")] = "",
) -> None:
    """Record reviewed decisions (checked against the published file); later runs apply them."""
    from abm.matching.review import import_review

    settings = _settings(config, **{"run.db": db})
    counts = import_review(in_file, settings.run.decisions, settings.run.db, decided_by=by)
    tell(
        f"Recorded {counts['link']:,} links and {counts['not']:,} non-matches in {settings.run.decisions} "
        f"({counts['blank']:,} rows left undecided). They apply from the next `abm run`."
    )


@app.command()
@friendly
def bench(
    scale: Annotated[
        str, typer.Option(help="sample, tiny, small (0.5M), medium (1M), large (2M), national (5M).")
    ] = "tiny",
    cache: Annotated[Path, typer.Option(help="Where generated data and the bench database are kept.")] = Path(
        "bench_cache"
    ),
    config: ConfigOpt = None,
    seed: Annotated[int, typer.Option(help="Generator seed.")] = 42,
) -> None:
    """Run the whole pipeline on generated data at a named scale; print time, memory and accuracy per step."""
    from pipelines.bench import SCALES, run_bench

    if scale not in SCALES:
        raise AbmError(f"--scale must be one of {', '.join(SCALES)} (got '{scale}')")
    figures = run_bench(scale, cache, _settings(config), seed, progress=say)
    size = figures["size"]
    tell(
        f"scale {scale}: {size.companies:,} companies, {size.customers:,} customers, "
        f"{size.contacts:,} contacts, {size.sales_lines:,} sales lines"
    )
    tell_table(
        "Where the time goes",
        ("step", "seconds", "share", "rows", "peak RSS MiB"),
        (
            (
                r["step"],
                f"{r['seconds']:.1f}",
                f"{r['share']:.0%}",
                f"{r['rows']:,}",
                f"{r['peak_rss_mb']:,.0f}",
            )
            for r in figures["steps"].sort("seconds", descending=True).iter_rows(named=True)
        ),
    )
    tell(f"total {figures['seconds']:.1f}s, peak RSS {figures['peak_rss_mb']:,.0f} MiB")
    out.print(str(figures["accuracy"]), markup=False, soft_wrap=True)  # a polars frame: its own layout


@app.command()
@friendly
def serve(
    db: DbOpt = None,
    config: ConfigOpt = None,
    host: Annotated[str, typer.Option(help="Address to bind (default loopback only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    dev: Annotated[bool, typer.Option("--dev", help="No API keys needed (scope read only).")] = False,
) -> None:
    """Serve the published database over HTTP (API keys from config api.keys or ABM_API__KEYS)."""
    import uvicorn

    from api.main import create_app

    settings = _settings(config, **{"run.db": db, "api.dev_no_keys": dev or None})
    app_ = create_app(settings)  # refuses to start without keys unless --dev
    say(f"abm serve: {settings.run.db} on http://{host}:{port} (OpenAPI at /docs)")
    uvicorn.run(app_, host=host, port=port, access_log=False, log_level="info")


@dev_app.command()
@friendly
def dictionary(
    db: DbOpt = None,
    config: ConfigOpt = None,
    out_file: Annotated[Path, typer.Option("--out", help="Markdown to write.")] = Path(
        "docs/data-dictionary.md"
    ),
) -> None:
    """Write the data dictionary (every published table, view, column) from the database's comments."""
    from abm.published.contract import published_objects, render_markdown, undocumented

    settings = _settings(config, **{"run.db": db})
    with reading(settings.run.db) as session:
        objects = published_objects(session.cur)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(render_markdown(objects), encoding="utf-8")
    missing = undocumented(objects)
    tell(
        f"Wrote {out_file}: {objects['name'].n_unique()} tables and views, {objects.height} columns"
        + (
            f"; {len(missing)} without a description (add them to abm/published/contract.py)"
            if missing
            else "."
        )
    )


@app.command()
@friendly
def report(
    db: DbOpt = None,
    config: ConfigOpt = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="HTML (default: beside the db).")] = None,
) -> None:
    """Write the self-contained HTML run report (charts as inline SVG; opens offline)."""
    from abm.report import write_report

    settings = _settings(config, **{"run.db": db})
    tell(f"Wrote {write_report(settings.run.db, out_file)}")


@app.command("export")
@friendly
def export(
    db: DbOpt = None,
    config: ConfigOpt = None,
    out_file: Annotated[Path, typer.Option("--out", help="targets.csv (UTF-8 with BOM) or .xlsx.")] = Path(
        "targets.csv"
    ),
    tier: Annotated[list[int] | None, typer.Option("--tier", help="Only these tiers (repeatable).")] = None,
    crm: Annotated[str, typer.Option(help="Header names for: salesforce or hubspot.")] = "salesforce",
    kind: Annotated[
        str,
        typer.Option(help="targets (tiered accounts) or assignments (every account with an owner)."),
    ] = "targets",
    changed_since: Annotated[
        str | None,
        typer.Option(
            help="Only accounts whose owner, tier or segment changed since this run id, or 'last' "
            "(the run before the latest), with the old values and the reason."
        ),
    ] = None,
) -> None:
    """Write accounts with the columns a Salesforce / HubSpot account import expects."""
    from abm.published.export import export_accounts

    settings = _settings(config, **{"run.db": db})
    n = export_accounts(
        settings.run.db, out_file, kind, crm, tier or None, changed_since, settings.match.free_mail_domains
    )
    what = (
        "changed accounts" if changed_since else "target accounts" if kind == "targets" else "owned accounts"
    )
    tell(f"Wrote {n:,} {what} to {out_file} ({crm} headers).")


@app.command("territories")
@friendly
def territories_report(
    db: DbOpt = None,
    config: ConfigOpt = None,
    changes: Annotated[int, typer.Option(help="How many changed accounts to list.")] = 20,
) -> None:
    """Balance per rep and what changed since last quarter, for the latest run."""
    from pipelines.territories import read_report

    settings = _settings(config, **{"run.db": db})
    with reading(settings.run.db) as session:
        report = read_report(session.cur, limit=changes)
    if not report:
        raise AbmError(
            f"{settings.run.db} has no territories: add a reps file "
            "(担当者コード, 担当者名, エリア) to the input folder and run `abm run`"
        )
    quarter = report["balance"]["quarter"][0] if report["balance"].height else "?"
    # reps' names and areas come from the user's file: Text, never read as markup
    tell_table(
        f"Territory balance ({quarter})",
        (
            "rep",
            "name",
            "area",
            "cap.",
            "accounts",
            "buying power",
            "revenue",
            "bp share",
            "dev. bp",
            "dev. n",
        ),
        (
            (
                Text(r["rep_id"] or ""),
                Text(r["name"] or ""),
                Text(r["area"] or ""),
                f"{r['capacity']:g}",
                f"{r['accounts']:,}",
                f"{r['buying_power']:,.1f}",
                f"¥{r['revenue']:,.0f}",
                _pct(r["buying_power_share"]),
                Text.assemble(
                    _pct(r["buying_power_deviation"], signed=True),
                    "" if r["within_tolerance"] else (" !", "red"),
                ),
                _pct(r["accounts_deviation"], signed=True),
            )
            for r in report["balance"].iter_rows(named=True)
        ),
        left=3,
    )
    tell_table(
        "Per area: coefficient of variation across reps, and moves since last quarter",
        ("area", "reps", "accounts", "CV buying power", "CV accounts", "moved", "rebalanced", "unassigned"),
        (
            (
                Text(r["area"] or ""),
                str(r["reps"]),
                f"{r['accounts']:,}",
                _pct(r["cv_buying_power"]),
                _pct(r["cv_accounts"]),
                f"{r['moved']:,}",
                f"{r['rebalanced']:,}",
                f"{r['unassigned']:,}",
            )
            for r in report["areas"].iter_rows(named=True)
        ),
    )
    reasons = ", ".join(f"{reason}: {n:,}" for reason, n in report["reasons"].iter_rows()) or "none"
    tell(f"Owner changes by reason: {reasons} (table territory_changes).")
    if report["changes"].height:
        fields = ("account_id", "name", "territory", "from", "to", "reason")
        tell_table(
            f"First {report['changes'].height} changes",
            ("account", "name", "territory", "from", "to", "reason"),
            (
                tuple(
                    Text(v or "—")
                    for v in (
                        r["account_id"],
                        r["name"],
                        r["territory"],
                        r["from_owner_name"] or r["from_owner"],
                        r["to_owner_name"] or r["to_owner"],
                        r["reason"],
                    )
                )
                for r in report["changes"].iter_rows(named=True)
            ),
            left=len(fields),
        )


def _pct(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value:+.1%}" if signed else f"{value:.1%}"


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise AbmError(f"--as-of: '{text}' is not a date like 2026-09-30") from None


def main() -> None:  # pragma: no cover - console entry point
    sys.exit(app())
