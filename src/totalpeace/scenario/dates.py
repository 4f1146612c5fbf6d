"""Year-month dates: the model's clock is monthly, so scenarios name months as "YYYY-MM"."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer

_YM = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def parse_year_month(value: object) -> str:
    """Accept "2022-08", "2022-08-07", a TOML date or datetime; return "YYYY-MM"."""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    if not isinstance(value, str):
        raise ValueError(f"expected a year-month such as \"2022-08\", got {type(value).__name__} {value!r}")
    match = _YM.match(value.strip())
    if not match:
        raise ValueError(f"expected a year-month such as \"2022-08\", got {value!r}")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 01-12, got {value!r}")
    if not 1900 <= year <= 2200:
        raise ValueError(f"year must be between 1900 and 2200, got {value!r}")
    return f"{year:04d}-{month:02d}"


YearMonth = Annotated[str, BeforeValidator(parse_year_month), PlainSerializer(str)]


def month_index(start: str, when: str) -> int:
    """Months from `start` to `when` (0 when equal, negative when `when` is earlier)."""
    y0, m0 = (int(x) for x in start.split("-"))
    y1, m1 = (int(x) for x in when.split("-"))
    return (y1 - y0) * 12 + (m1 - m0)


def add_months(start: str, months: int) -> str:
    """The year-month `months` after `start`."""
    y, m = (int(x) for x in start.split("-"))
    total = y * 12 + (m - 1) + months
    return f"{total // 12:04d}-{total % 12 + 1:02d}"
