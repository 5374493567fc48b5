"""Which engagement counts for nothing: opted-out contacts, competitors and free-mail students.

MA practice zeroes unfit leads so that sales never chases them: a person who unsubscribed (配信停止),
anyone at a competitor (競合), and students (学生) — a student writing from a university or free-mail
address is not a buyer. A zeroed contact still has its row (with ``zeroed_reason``), so nothing is silent.
"""

from __future__ import annotations

import re

import polars as pl

from abm.matching.keys import is_free_mail
from abm.matching.normalize import normalize_name

# The order reasons are reported in when several apply: consent first (a legal matter), then fit.
REASONS: tuple[str, ...] = ("opted_out", "competitor", "student")

# Title / department / company words that say "student". Staff of a university's student office
# (学生課, 学生支援, 学生部) are not students, hence the exclusions.
STUDENT_RE = (
    r"学生|院生|学部生|博士課程|修士課程|博士前期|博士後期|研究生|就活|student|undergrad|phd candidate"
    r"|graduate school|master'?s course|doctoral course"
)
STUDENT_STAFF_RE = r"学生(課|支援|部|センター|相談|生活)|student (affairs|services|office|support)"

CONTACT_COLUMNS = ("contact_id", "email", "title", "department", "company_name", "consented")


def says_student() -> pl.Expr:
    """Title, department or company saying 学生/student (NFKC, case-folded), not a student office."""
    words = pl.concat_str(
        [pl.col(c).fill_null("") for c in ("title", "department", "company_name")], separator=" "
    )
    words = words.str.normalize("NFKC").str.to_lowercase()
    return words.str.contains(STUDENT_RE) & ~words.str.contains(STUDENT_STAFF_RE)


def contact_zeroing(contacts: pl.DataFrame, free_mail: list[str]) -> pl.DataFrame:
    """(contact_id, zeroed_reason) for contacts zeroed by themselves: not consented at as-of
    (``consented`` is the run's consent rule, computed in SQL) → opted_out; a free-mail address AND a
    title, department or company saying 学生/student → student (both needed: a researcher writing from
    gmail, or a student at a company address, is kept). Competitors are a fact of the account:
    ``competitor_accounts``. The words are read only for the free-mail addresses (a fast pre-filter)."""
    consented = pl.col("consented").fill_null(False)
    opted_out = contacts.filter(~consented).select("contact_id", pl.lit("opted_out").alias("zeroed_reason"))
    free = sorted({d.lower() for d in free_mail})
    hint = rf"(?i)[@.](?:{'|'.join(re.escape(d) for d in free)})\s*$"  # cheap superset of is_free_mail
    students = (
        contacts.filter(consented & pl.col("email").str.contains(hint).fill_null(False))
        .filter(says_student() & is_free_mail(pl.col("email"), free))
        .select("contact_id", pl.lit("student").alias("zeroed_reason"))
    )
    return pl.concat([opted_out, students]).cast({"contact_id": pl.String, "zeroed_reason": pl.String})


def competitor_accounts(accounts: pl.DataFrame, competitors: list[str]) -> pl.Series:
    """account_ids of ``accounts`` (account_id, corporate_number, name) that are competitors: an entry of
    13 digits (after NFKC, hyphens dropped) is a 法人番号 matched on the account's corporate number;
    any other entry is a name, matched on abm.matching's normalised name (株式会社 / ㈱ / 全角 fold away)."""
    entries = pl.DataFrame({"entry": competitors}, schema={"entry": pl.String}).with_columns(
        pl.col("entry").str.normalize("NFKC").str.replace_all(r"[\s\-‐−]", "").alias("digits")
    )
    numbers = entries.filter(pl.col("digits").str.contains(r"^\d{13}$"))["digits"]
    names = (
        entries.filter(~pl.col("digits").str.contains(r"^\d{13}$"))
        .select(normalize_name(pl.col("entry")).alias("key"))
        .drop_nulls()["key"]
    )
    hit = pl.col("corporate_number").is_in(numbers.implode()) | normalize_name(pl.col("name")).is_in(
        names.implode()
    )
    return accounts.filter(hit.fill_null(False))["account_id"].cast(pl.String).unique().sort()
