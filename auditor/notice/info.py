"""What the office adds to a notice: its title, the 抽查 period and the deadlines.

Notices state when the sites were checked (“2026年2月20日至3月9日”), by when problems must be
rectified and when the 复核 closes; the run knows only when its pages were captured, so the
office gives the rest (``auditor report --title --period --rectify-deadline
--recheck-deadline``). Dates shown to people are 北京时间 calendar dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from auditor.clock import BEIJING, beijing_time

__all__ = [
    "BEIJING",
    "DEFAULT_TITLE",
    "NoticeInfo",
    "beijing_time",
    "cn_date",
    "cn_period",
    "parse_date",
    "parse_period",
    "run_period",
]

DEFAULT_TITLE = "政府网站检查情况通报"


@dataclass(frozen=True)
class NoticeInfo:
    title: str = DEFAULT_TITLE
    period: tuple[date, date] | None = None  # None: the dates the run captured its pages
    rectify_deadline: date | None = None
    recheck_deadline: date | None = None


def parse_date(text: str, option: str) -> date:
    """``2026-03-20`` → date; a clear Chinese error naming the option otherwise."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{option} 应为日期，如 2026-03-20（收到 {text!r}）") from None


def parse_period(text: str, option: str = "--period") -> tuple[date, date]:
    """``2026-02-20..2026-03-09`` (or one date) → (first, last)."""
    first, sep, last = text.partition("..")
    start = parse_date(first, option)
    end = parse_date(last, option) if sep else start
    if end < start:
        raise ValueError(f"{option} 的结束日期早于开始日期（收到 {text!r}）")
    return start, end


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def cn_period(start: date, end: date) -> str:
    """“2026年2月20日至3月9日”, as notices write a period (the year once when it is the same)."""
    if start == end:
        return cn_date(start)
    tail = f"{end.month}月{end.day}日" if end.year == start.year else cn_date(end)
    return f"{cn_date(start)}至{tail}"


def run_period(started: str, finished: str) -> tuple[date, date] | None:
    """The 北京时间 dates a run captured its pages, from its ISO start and finish."""
    days = []
    for iso in (started, finished or started):
        try:
            days.append(datetime.fromisoformat(iso).astimezone(BEIJING).date())
        except ValueError:
            return None
    return days[0], max(days)
