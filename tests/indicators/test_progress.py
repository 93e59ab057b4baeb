"""Progress and status, on their own: every direction, zero width, no data."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from indicators.progress import (
    ACHIEVED,
    AT_RISK,
    NO_DATA,
    OFF_TRACK,
    ON_TRACK,
    elapsed_share,
    progress_status,
    rolled_up_status,
)
from tests.clock import TODAY, days

UP, DOWN = "increase", "decrease"


@pytest.mark.parametrize(
    ("baseline", "target", "current", "direction", "expected", "fraction", "status"),
    [
        # Increase from 100 to 200, half the time elapsed.
        (D(100), D(200), D(200), UP, 0.5, 1.0, ACHIEVED),
        (D(100), D(200), D(250), UP, 0.5, 1.5, ACHIEVED),
        (D(100), D(200), D(150), UP, 0.5, 0.5, ON_TRACK),
        (D(100), D(200), D(135), UP, 0.5, 0.35, AT_RISK),
        (D(100), D(200), D(110), UP, 0.5, 0.1, OFF_TRACK),
        (D(100), D(200), D(90), UP, 0.5, -0.1, OFF_TRACK),
        # Decrease from 80 evictions to 20: a fall is progress.
        (D(80), D(20), D(20), DOWN, 0.5, 1.0, ACHIEVED),
        (D(80), D(20), D(50), DOWN, 0.5, 0.5, ON_TRACK),
        (D(80), D(20), D(62), DOWN, 0.5, 0.3, AT_RISK),
        (D(80), D(20), D(90), DOWN, 0.5, -1 / 6, OFF_TRACK),
        # Nothing elapsed yet: any progress is on track.
        (D(0), D(10), D(0), UP, 0.0, 0.0, ON_TRACK),
        # No baseline counts from zero.
        (None, D(10), D(5), UP, 0.5, 0.5, ON_TRACK),
    ],
)
def test_progress_and_status(baseline, target, current, direction, expected, fraction, status):
    got_fraction, got_status = progress_status(
        baseline=baseline, target=target, current=current, direction=direction, expected=expected
    )
    assert got_status == status
    assert got_fraction == pytest.approx(fraction)


@pytest.mark.parametrize(
    ("current", "direction", "status"),
    [
        (D(0), DOWN, ACHIEVED),  # zero evictions kept at zero
        (D(3), DOWN, OFF_TRACK),
        (D(50), UP, ACHIEVED),
        (D(49), UP, OFF_TRACK),
    ],
)
def test_a_target_equal_to_the_baseline_is_met_or_not(current, direction, status):
    target = D(0) if direction == DOWN else D(50)
    _fraction, got = progress_status(
        baseline=target, target=target, current=current, direction=direction, expected=0.5
    )
    assert got == status


def test_no_data_or_no_target_is_no_data():
    assert progress_status(baseline=D(1), target=D(2), current=None, direction=UP, expected=1) == (
        None,
        NO_DATA,
    )
    assert progress_status(baseline=D(1), target=None, current=D(3), direction=UP, expected=1) == (
        None,
        NO_DATA,
    )


def test_elapsed_share():
    start, end = days(-365), days(365)
    assert elapsed_share(start, end, days(-500)) == 0
    assert elapsed_share(start, end, TODAY) == pytest.approx(0.5, abs=0.01)
    assert elapsed_share(start, end, days(1500)) == 1
    assert elapsed_share(None, end) == 1


@pytest.mark.parametrize(
    ("weights", "status"),
    [
        ({ACHIEVED: 3}, ACHIEVED),
        ({ACHIEVED: 2, ON_TRACK: 1}, ON_TRACK),
        ({ON_TRACK: 3, AT_RISK: 1}, AT_RISK),
        ({ON_TRACK: 2, OFF_TRACK: 1}, AT_RISK),
        ({ON_TRACK: 1, OFF_TRACK: 1}, OFF_TRACK),
    ],
)
def test_objective_status_rolls_up_by_weight(weights, status):
    assert rolled_up_status(weights) == status


def test_a_decrease_without_baseline_shows_no_progress():
    assert progress_status(
        baseline=None, target=D(10), current=D(5), direction=DOWN, expected=0.5
    ) == (None, NO_DATA)
