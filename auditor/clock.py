"""Times as people read them: 北京时间, to the minute. JSON keeps ISO 8601 with its offset."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

__all__ = ["BEIJING", "beijing_time"]

BEIJING = timezone(timedelta(hours=8), "北京时间")


def beijing_time(iso: str) -> str:
    """An ISO timestamp as people read it: ``2026-11-27 14:03`` in 北京时间; unparsable: as is."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a naive time is this machine's local time
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
