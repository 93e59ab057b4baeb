"""The suite runs at its own "today" (tests/clock.py), never at the real calendar's."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from django.utils import timezone

from tests.clock import NOW, TODAY, days, quarter_start, year_end, year_start


def test_every_test_starts_at_the_suites_today():
    assert timezone.localdate() == TODAY
    assert NOW <= timezone.now() < NOW + timedelta(minutes=5)


def test_the_clock_ticks_on_from_today():
    """Time passes (timestamps of two writes differ, waits end), the date does not move."""
    first = timezone.now()
    time.sleep(0.01)
    assert timezone.now() > first
    assert timezone.localdate() == TODAY


def test_threads_read_the_same_clock():
    """The live server of the browser journeys answers in its own thread."""
    seen = []
    thread = threading.Thread(target=lambda: seen.append(timezone.localdate()))
    thread.start()
    thread.join()
    assert seen == [TODAY]


def test_a_test_moves_the_clock_with_the_fixture(clock):
    clock.shift(timedelta(days=40))
    assert timezone.localdate() == days(40)


def test_the_calendar_helpers_are_derived_from_today():
    assert year_start() <= quarter_start() <= TODAY < quarter_start(1) <= year_end()
    assert quarter_start(-4) == quarter_start().replace(year=TODAY.year - 1)
    assert (quarter_start(1) - quarter_start()).days in range(89, 93)
    assert year_start(-1) < year_start() == year_end(-1) + timedelta(days=1)
