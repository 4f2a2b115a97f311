"""China's calendar: times are stored in UTC, but days (pairings, tallies) are counted in Asia/Shanghai."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

CHINA_TZ = ZoneInfo("Asia/Shanghai")


def today_in_china() -> date:
    """Today's calendar date in China."""
    return datetime.now(timezone.utc).astimezone(CHINA_TZ).date()


def china_date(moment: datetime) -> date:
    """The calendar date in China of an aware UTC timestamp."""
    return moment.astimezone(CHINA_TZ).date()
