"""Look-back windows and quarter labels (calendar or fiscal year starting in a given month).

Japanese fiscal years usually start in April: 2026年度 (FY2026) = 2026-04-01 … 2027-03-31, and its
first quarter is April–June. Calendar quarters are labelled ``2026Q3``, fiscal ones ``FY2026Q2``.
"""

from __future__ import annotations

from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later (or earlier), clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_month = date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - timedelta(days=1)).day
    return date(year, month, min(day.day, last_day))


def fiscal_year(day: date, start_month: int = 4) -> int:
    """The fiscal year a day belongs to, named by the calendar year it starts in."""
    return day.year if day.month >= start_month else day.year - 1


def rolling_window(as_of: date, months: int) -> tuple[date, date]:
    """(first, last) day of the ``months`` ending on ``as_of``, both inclusive."""
    return add_months(as_of, -months) + timedelta(days=1), as_of


def fiscal_year_window(as_of: date, start_month: int = 4) -> tuple[date, date]:
    """The last complete fiscal year ending on or before ``as_of``."""
    fy = fiscal_year(as_of, start_month)
    end = (
        date(fy + (start_month > 1), start_month, 1) - timedelta(days=1)
        if start_month > 1
        else date(fy, 12, 31)
    )
    if end > as_of:
        fy -= 1
        end = add_months(end, -12)
    return date(fy, start_month, 1), end


def quarter_label(day: date, calendar: str = "fiscal", start_month: int = 4) -> str:
    """'FY2026Q2' (fiscal, April start: Jul–Sep 2026) or '2026Q3' (calendar)."""
    if calendar == "calendar":
        return f"{day.year}Q{(day.month - 1) // 3 + 1}"
    months_in = (day.month - start_month) % 12
    return f"FY{fiscal_year(day, start_month)}Q{months_in // 3 + 1}"
