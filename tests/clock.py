"""The suite's one "today".

Every test runs at ``NOW`` (``tests/conftest.py`` travels there with time-machine before
each test, the clock ticking on from it), so that a test written today passes next month
and in 2029 alike. Dates in tests are derived from ``TODAY``; none is read from the real
calendar, and none is written by hand when it stands for "recently" or "soon".

Processes a test starts (Celery workers, ``manage.py``) and the browser keep the real
clock: nothing they do may depend on the two agreeing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

MADRID = ZoneInfo("Europe/Madrid")

# A Wednesday in the middle of the second quarter, mid-morning where the clusters work:
# the first quarter has ended, the current one has begun, and no test comes near a change
# of day, month, quarter or year by running for a while.
NOW = datetime(2026, 5, 13, 10, 30, tzinfo=MADRID)
TODAY = NOW.date()


def days(n: int) -> date:
    """The day ``n`` days after today (before it when negative)."""
    return TODAY + timedelta(days=n)


def year_start(years: int = 0) -> date:
    """1 January of this year, or of ``years`` later (earlier when negative)."""
    return date(TODAY.year + years, 1, 1)


def year_end(years: int = 0) -> date:
    return date(TODAY.year + years, 12, 31)


def quarter_start(quarters: int = 0) -> date:
    """The first day of this quarter, or of ``quarters`` later (earlier when negative)."""
    index = TODAY.year * 4 + (TODAY.month - 1) // 3 + quarters
    return date(index // 4, index % 4 * 3 + 1, 1)
