"""What the indicator form refuses, the database refuses as well (a change made past the
form: the admin, a script, a bug in a service)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from indicators.models import Indicator
from tests.clock import days
from tests.conftest import World

CLEAR = {"baseline_value": None, "target_value": None}
BAD = {
    "percentage above 100": (
        "indicator_percentage_range",
        {"measure": "percentage", "aggregation": "average", **CLEAR, "baseline_value": 120},
    ),
    "increase with its target below the baseline": (
        "indicator_target_follows_direction",
        {"direction": "increase", "baseline_value": 50, "target_value": 10},
    ),
    "decrease with its target above the baseline": (
        "indicator_target_follows_direction",
        {
            "direction": "decrease",
            "aggregation": "latest",
            "baseline_value": 10,
            "target_value": 50,
        },
    ),
    "decrease with a target and no baseline": (
        "indicator_decrease_has_baseline",
        {"direction": "decrease", "aggregation": "latest", **CLEAR, "target_value": 5},
    ),
    "percentages added up": (
        "indicator_percentage_not_summed",
        {"measure": "percentage", "aggregation": "sum", **CLEAR},
    ),
    "decrease as a cumulative sum": (
        "indicator_decrease_not_cumulative_sum",
        {"direction": "decrease", "aggregation": "sum", "target_kind": "cumulative", **CLEAR},
    ),
    "target date before the baseline date": (
        "indicator_target_date_after_baseline",
        {"baseline_date": days(20), "target_date": days(-130)},
    ),
}


@pytest.mark.parametrize(("constraint", "change"), BAD.values(), ids=BAD.keys())
def test_the_database_refuses_an_indicator_the_form_would_refuse(
    world: World, constraint: str, change: dict
):
    indicator = Indicator.objects.filter(pk=world.indicator.pk)
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        indicator.update(**change)


def test_the_same_changes_within_the_rules_are_kept(world: World):
    indicator = Indicator.objects.filter(pk=world.indicator.pk)
    indicator.update(
        measure="percentage",
        aggregation="average",
        direction="decrease",
        baseline_value=40,
        target_value=10,
        baseline_date=days(-130),
        target_date=days(20),
    )
    assert indicator.get().target_value == 10
