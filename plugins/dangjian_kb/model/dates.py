"""Dates as contributors write them: validation and a normalized suggestion for the message."""

from __future__ import annotations

import argparse
import datetime as dt
import re

# ASCII digits only ([0-9], not \d): '２０２６-０３-１５' is not a date as typed; suggest() gives the ASCII one
_ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_ISO_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
# matched on the stripped value: no run of spaces stands beside another (optional parts between
# two \s* made a long blank value backtrack quadratically)
_LOOSE = re.compile(r"(\d{4})\s*[年/.\-－]\s*(\d{1,2})(?:\s*[月/.\-－](?:\s*(\d{1,2})(?:\s*日)?)?)?")


def parse_day(value: object) -> dt.date | None:
    m = _ISO_DAY.fullmatch(str(value).strip()) if isinstance(value, str) else None
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def parse_month_or_day(value: object) -> bool:
    if not isinstance(value, str):
        return False
    text = value.strip()
    if parse_day(text):
        return True
    m = _ISO_MONTH.fullmatch(text)
    return m is not None and 1 <= int(m[2]) <= 12


def suggest(value: object, month_ok: bool) -> str | None:
    """'2024年5月' -> '2024-05' (where a month is allowed) or '2024-05-01'; None when no real date is meant."""
    m = _LOOSE.fullmatch(str(value).strip())
    if not m:
        return None
    year, month, day = int(m[1]), int(m[2]), m[3]
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}" if month_ok else f"{year:04d}-{month:02d}-01"
    try:
        return dt.date(year, month, int(day)).isoformat()
    except ValueError:
        return None  # 2024-02-30: the right shape, but no such day


def looks_like_date(value: object) -> bool:
    """Year and month (and maybe day) in any of the usual spellings, whether or not the date exists."""
    return _LOOSE.fullmatch(str(value).strip()) is not None


def add_months(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return dt.date.max if months > 0 else dt.date.min
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def day_problem(text: str) -> str | None:
    """Why ``text`` is not a date a command line can take, in Chinese, or None when it is one:
    2026-02-30 has the right shape, so the message says the day does not exist."""
    if parse_day(text) is not None:
        return None
    m = _LOOSE.fullmatch(text.strip())
    if m and m[3] is not None:
        year, month, day = int(m[1]), int(m[2]), int(m[3])
        meant = suggest(text, month_ok=False)
        if meant is not None:
            return f"'{text}' 请写成 {meant}"
        if not 1 <= month <= 12:
            return f"'{text}' 中没有 {month} 月"
        return f"'{text}' 这一天不存在（{year} 年 {month} 月没有 {day} 日）"
    return f"'{text}' 不是日期，请写成 YYYY-MM-DD，如 2026-06-01"


def date_arg(text: str) -> dt.date:
    """A date on the command line (--on, --today): argparse shows the Chinese message as it is."""
    problem = day_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return dt.date.fromisoformat(text.strip())
