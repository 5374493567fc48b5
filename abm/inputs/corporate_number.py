"""法人番号 (corporate number) check digit, vectorised.

A 法人番号 has 13 digits; the FIRST is a check digit over the 12-digit base:
check = 9 − (Σ P_n·Q_n mod 9), where P_n is the n-th digit counted from the right of the base
and Q_n is 1 for odd n and 2 for even n.
"""

from __future__ import annotations

import polars as pl

from abm.inputs.parsing import nfkc


def check_digit(base12: str) -> int:
    """Check digit of a 12-digit base (reference implementation, used by tests and the generator)."""
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(base12), start=1))
    return 9 - total % 9


def is_valid(number: str) -> bool:
    return len(number) == 13 and number.isdigit() and int(number[0]) == check_digit(number[1:])


def clean_expr(col: pl.Expr) -> pl.Expr:
    """Strip blanks, hyphens and full-width digits so '1234-56-789012-3' style input compares."""
    return nfkc(col).str.replace_all(r"[\s\-‐－ー]", "")


def valid_expr(col: pl.Expr) -> pl.Expr:
    """True where ``col`` (already cleaned) is a 13-digit number with a correct check digit.

    Integer arithmetic rather than 13 string slices: several times faster over millions of rows.
    """
    n = col.cast(pl.UInt64, strict=False)
    # P_k is the k-th digit from the right of the 12-digit base: weight 1 for odd k, 2 for even k
    weighted = pl.sum_horizontal((n // 10**k % 10) * (1 if k % 2 == 0 else 2) for k in range(12))
    return col.str.contains(r"^\d{13}$") & (n // 10**12 == 9 - weighted % 9)
