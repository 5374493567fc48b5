"""Validate an all-text input frame: typed rows that land, and rejects with their reasons.

Pure polars, no I/O. A bad value of an OPTIONAL column is a value problem: that field lands as
null and the row lands (severity ``value``). A row is rejected (severity ``row``) only for a bad
required value, a bad or duplicate key, or a ragged line. Every problem is one line of the rejects
frame (source file, row number, column, value, reason, severity), so nothing is lost and nothing
is silent. The reason strings are a contract: BI and tests read them.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import polars as pl

from abm.geo import prefecture_expr
from abm.inputs import parsing
from abm.inputs.corporate_number import clean_expr, valid_expr
from abm.inputs.readers import FIELDS, ROW, SOURCE, WHOLE_ROW
from abm.inputs.schema import Column, InputSpec

MISSING = "missing required value"
BAD_DATE = "unparseable date"
BAD_AMOUNT = "unparseable amount"
BAD_NUMBER = "unparseable number"
BAD_BOOL = "unparseable boolean"
BAD_OPT_IN = "unparseable opt-in"
DUPLICATE = "duplicate key"
BAD_CORPORATE_NUMBER = "invalid corporate number"
BAD_EMAIL = "malformed email"
RAGGED = "wrong number of fields"
NO_IDENTIFIER = "no identifying value"  # none of the spec's any_of columns holds a usable value

ROW_LEVEL = "row"  # the row did not land
VALUE_LEVEL = "value"  # the row landed with this value as null

REJECT_SCHEMA = {
    "source_file": pl.Utf8,
    "row_number": pl.Int64,
    "column": pl.Utf8,
    "value": pl.Utf8,
    "reason": pl.Utf8,
    "severity": pl.Utf8,
}


def _raw(name: str) -> str:
    return f"_raw_{name}"


def _parse(column: Column) -> tuple[pl.Expr, pl.Expr]:
    """(typed value from the raw text, reason or null from the typed value and the raw text).

    The reason expression reads the already parsed column instead of parsing again: parsing
    (NFKC, regexes) is the expensive part, and some checks use the value many times.
    """
    raw, value = pl.col(column.name), pl.col(column.name)
    text, blank = pl.col(_raw(column.name)), parsing.is_blank(pl.col(_raw(column.name)))
    match column.kind:
        case "date":
            parse, bad, reason = parsing.date(raw), ~blank & value.is_null(), BAD_DATE
        case "number" | "int" | "year":
            # 不明 / - / 非公開 mean "no value": fine where a value is optional, a reject where required.
            absent = blank if column.required else parsing.is_unknown(text)
            parse, bad = parsing.number(raw), ~absent & value.is_null()
            if column.kind == "int":
                parse = parse.cast(pl.Int64, strict=False)
                number = parsing.number(text)
                bad = ~absent & (number.is_null() | (number != number.round(0)))
            elif column.kind == "year":
                parse = parsing.year(raw)
            reason = BAD_AMOUNT if column.name == "amount" else BAD_NUMBER
        case "bool":
            parse, bad, reason = parsing.boolean(raw), ~parsing.is_unknown(text) & value.is_null(), BAD_BOOL
        case "opt_in":
            parse, bad, reason = parsing.opt_in(raw), ~blank & value.is_null(), BAD_OPT_IN
        case "corporate_number":
            parse = parsing.text(clean_expr(raw))
            bad, reason = value.is_not_null() & ~valid_expr(value), BAD_CORPORATE_NUMBER
        case "email":
            parse, bad, reason = parsing.email(raw), ~blank & value.is_null(), BAD_EMAIL
        case "id":  # keys compare after NFKC + trim: full-width "１００" is "100"
            parse, bad, reason = parsing.text(parsing.nfkc(raw)), pl.lit(False), ""
        case _:
            parse = parsing.text(raw)
            if column.name == "prefecture":
                parse = prefecture_expr(parse)
            elif column.name == "domain":
                parse = parsing.domain(parse)
            bad, reason = pl.lit(False), ""
    problem: pl.Expr
    if column.required:
        problem = pl.when(blank).then(pl.lit(MISSING)).when(bad).then(pl.lit(reason))
    else:
        problem = pl.when(bad).then(pl.lit(reason))
    return parse.alias(column.name), problem.cast(pl.Utf8).alias(column.name)


_PROBLEM = "\x00problem"
DISTINCT_MIN_ROWS = 10_000  # below this, parsing every row costs less than finding the distinct values
DISTINCT_SHARE = 0.25


def _can_fail(column: Column) -> bool:
    return column.kind not in ("text", "id")


def _checked(text: pl.Series, column: Column) -> pl.DataFrame:
    """The typed value (named as the column) and the problem or null (``_PROBLEM``) of every value
    of one column, in row order.

    Values repeat a lot (10M sales lines hold a few thousand dates and ~100k customers, a master a
    few dozen prefectures): a column with fewer distinct values than ``DISTINCT_SHARE`` of its rows
    is parsed once per distinct value and the results joined back, which at national scale is most
    of the load step's time saved. Parsing is a function of the text alone, so the result is the same.
    """
    value, problem = _parse(column)
    raw = _raw(column.name)
    if column.kind == "date":  # the time of day is dropped: parse each date once, not each timestamp
        text = text.to_frame().select(parsing.date_part(pl.first())).to_series()
    frame = text.to_frame(raw)
    estimate = text.to_frame().select(pl.all().approx_n_unique()).item()  # distinct values, roughly
    distinct = text.len() >= DISTINCT_MIN_ROWS and estimate < DISTINCT_SHARE * text.len()
    source = frame.unique() if distinct else frame
    checked = source.with_columns(pl.col(raw).alias(column.name)).with_columns(value)
    checked = checked.with_columns(problem.alias(_PROBLEM))
    if distinct:
        checked = frame.join(checked, on=raw, how="left", nulls_equal=True, maintain_order="left")
    return checked.select(column.name, _PROBLEM)


def validate(raw: pl.DataFrame, spec: InputSpec, source_file: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split ``raw`` (text columns named as in ``spec``, plus the reader's ``ROW`` and optional
    ``SOURCE`` / ``FIELDS``) into (landed rows, rejects)."""
    # two columns at a time: parsing one string column is mostly single-threaded polars that releases
    # the GIL, so the second core takes the next column (national companies 14.5 → 10.4 s, same peak;
    # one lazy query for all columns was no faster and held 1.9 GB more)
    with ThreadPoolExecutor(2, thread_name_prefix="abm-validate") as pool:
        parsed = pool.map(lambda c: _checked(raw[c.name], c), spec.columns)
        checked = dict(zip([c.name for c in spec.columns], parsed, strict=True))
    origin = [raw[ROW].cast(pl.Int64).alias("source_row")]
    if spec.keeps_source:
        source = raw[SOURCE] if SOURCE in raw.columns else pl.repeat(source_file, raw.height, eager=True)
        origin.append(source.cast(pl.Utf8).alias("source_file"))
    values = pl.DataFrame([*origin, *[checked[c.name][:, 0] for c in spec.columns]])
    problems = pl.DataFrame(
        [checked[c.name][_PROBLEM].alias(c.name) for c in spec.columns if _can_fail(c) or c.required],
        height=raw.height,
    )
    del checked
    if spec.any_of:
        problems = problems.with_columns(_no_identifier(values, problems, spec))
    if FIELDS in raw.columns:  # the reader counted fields: a ragged line's fields are shifted, so
        ragged = raw[FIELDS].is_not_null()  # its one problem is the field count, not its values
        problems = problems.select(pl.when(~ragged).then(pl.all()).name.keep()).with_columns(
            pl.when(ragged).then(pl.lit(RAGGED)).alias(WHOLE_ROW)
        )
    row_level = [c.name for c in spec.columns if c.required] + [WHOLE_ROW] * (FIELDS in raw.columns)
    row_level += [any_of_label(spec)] * bool(spec.any_of)
    row_is_bad = problems.select(pl.any_horizontal(pl.col(row_level).is_not_null())).to_series()

    if spec.key is not None:
        duplicate = _later_duplicates(values, spec.key, row_is_bad)
        problems = problems.with_columns(
            pl.when(duplicate).then(pl.lit(DUPLICATE)).otherwise(pl.col(spec.key)).alias(spec.key)
        )
        row_is_bad = row_is_bad | duplicate

    # A bad optional value lands as null; the row stays.
    nullable = [c.name for c in spec.columns if _can_fail(c) and not c.required]
    landed = (
        pl.concat([values, problems.select(pl.col(nullable).name.prefix("_p_"))], how="horizontal")
        .filter(~row_is_bad)
        .with_columns(pl.when(pl.col(f"_p_{c}").is_null()).then(pl.col(c)).alias(c) for c in nullable)
        .drop(f"_p_{c}" for c in nullable)
    )
    rejects = _rejects(raw, problems, row_is_bad, spec, source_file)
    return landed, rejects


def any_of_label(spec: InputSpec) -> str:
    """The rejects' ``column`` for a row with none of the identifying columns: all their names."""
    return "/".join(spec.any_of)


def _no_identifier(values: pl.DataFrame, problems: pl.DataFrame, spec: InputSpec) -> pl.Series:
    """NO_IDENTIFIER where no ``any_of`` column holds a usable value (a malformed email or 法人番号 is
    left empty, so it does not count); such a row can be attributed to no contact and no company."""
    present = pl.repeat(False, values.height, eager=True)
    for c in spec.any_of:
        usable = values[c].is_not_null()
        present = present | (usable & problems[c].is_null() if c in problems.columns else usable)
    return pl.select(pl.when(~present).then(pl.lit(NO_IDENTIFIER))).to_series().alias(any_of_label(spec))


def _later_duplicates(values: pl.DataFrame, key: str, row_is_bad: pl.Series) -> pl.Series:
    """True for a good row whose key already appeared on an earlier good row (the first one lands)."""
    good = values.select(pl.col(key), ~row_is_bad.alias("good")).with_row_index("i").filter("good")
    later = good.filter(pl.col(key).is_not_null() & ~pl.col(key).is_first_distinct())["i"]
    return pl.repeat(False, values.height, eager=True).scatter(later, True)


def _rejects(
    raw: pl.DataFrame, problems: pl.DataFrame, row_is_bad: pl.Series, spec: InputSpec, source_file: str
) -> pl.DataFrame:
    """One line per problem, in file order; ``value`` is the text as read (the whole line's field count
    for a ragged line)."""
    has_problem = row_is_bad | problems.select(pl.any_horizontal(pl.all().is_not_null())).to_series()
    if not has_problem.any():
        return pl.DataFrame(schema=REJECT_SCHEMA)
    # Only the problem rows from here on: at 10M sales lines the rest must not be copied.
    at = has_problem.arg_true()
    raw, problems, row_is_bad = raw[at], problems[at], row_is_bad.gather(at)
    source = pl.col(SOURCE) if SOURCE in raw.columns else pl.lit(source_file)
    index = ["i", "row_number", "source_file", "severity"]
    head = raw.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("i"),
        pl.col(ROW).cast(pl.Int64).alias("row_number"),
        source.cast(pl.Utf8).alias("source_file"),
        pl.when(row_is_bad).then(pl.lit(ROW_LEVEL)).otherwise(pl.lit(VALUE_LEVEL)).alias("severity"),
    )
    texts = [pl.col(c.name).cast(pl.Utf8) for c in spec.columns]
    if spec.any_of:  # the row's identifying values as read, all blank or unusable
        texts.append(
            pl.concat_str([pl.col(c) for c in spec.any_of], separator="/", ignore_nulls=True).alias(
                any_of_label(spec)
            )
        )
    if FIELDS in raw.columns:
        texts.append(pl.format("{} fields", pl.col(FIELDS)).alias(WHOLE_ROW))
    long = (
        pl.concat([head, problems], how="horizontal")
        .unpivot(index=index, variable_name="column", value_name="reason")
        .drop_nulls("reason")
    )
    raw_long = pl.concat([head.select("i"), raw.select(texts)], how="horizontal").unpivot(
        index="i", variable_name="column", value_name="value"
    )
    return (
        long.join(raw_long, on=["i", "column"], how="left")
        .sort("i", "column")
        .select("source_file", "row_number", "column", "value", "reason", "severity")
        .cast(REJECT_SCHEMA)  # type: ignore[arg-type]  # polars stub: Mapping key invariant, rejects dict[str, dtype]
    )
