"""What the indicator form refuses, the database refuses as well (a change made past the
form: the admin, a script, a bug in a service)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from indicators.models import Indicator
from tests.conftest import World

CLEAR = {"baseline_value": None, "target_value": None}
BAD = {
    "percentage above 100": {
        "measure": "percentage",
        "aggregation": "average",
        **CLEAR,
        "baseline_value": 120,
    },
    "increase with its target below the baseline": {
        "direction": "increase",
        "baseline_value": 50,
        "target_value": 10,
    },
    "decrease with its target above the baseline": {
        "direction": "decrease",
        "aggregation": "latest",
        "baseline_value": 10,
        "target_value": 50,
    },
    "decrease with a target and no baseline": {
        "direction": "decrease",
        "aggregation": "latest",
        **CLEAR,
        "target_value": 5,
    },
    "percentages added up": {"measure": "percentage", "aggregation": "sum", **CLEAR},
    "decrease as a cumulative sum": {
        "direction": "decrease",
        "aggregation": "sum",
        "target_kind": "cumulative",
        **CLEAR,
    },
    "target date before the baseline date": {
        "baseline_date": date(2026, 6, 1),
        "target_date": date(2026, 1, 1),
    },
}


@pytest.mark.parametrize("change", BAD.values(), ids=BAD.keys())
def test_the_database_refuses_an_indicator_the_form_would_refuse(world: World, change: dict):
    indicator = Indicator.objects.filter(pk=world.indicator.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        indicator.update(**change)


def test_the_same_changes_within_the_rules_are_kept(world: World):
    indicator = Indicator.objects.filter(pk=world.indicator.pk)
    indicator.update(
        measure="percentage",
        aggregation="average",
        direction="decrease",
        baseline_value=40,
        target_value=10,
        baseline_date=date(2026, 1, 1),
        target_date=date(2026, 6, 1),
    )
    assert indicator.get().target_value == 10
