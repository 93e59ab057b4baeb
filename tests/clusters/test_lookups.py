"""Ids no integer column can hold match nothing in ``in`` (SQLite would overflow)."""

from __future__ import annotations

import pytest

from planning.models import Proposal
from rights.forms import RightsIssueForm
from tests.conftest import World


@pytest.mark.parametrize("huge", [2**70, -(2**70), 2**63])
def test_an_id_out_of_range_matches_nothing(world: World, huge: int):
    assert list(Proposal.objects.filter(pk__in=[huge])) == []
    assert list(Proposal.objects.filter(pk__in=[huge, world.proposal.pk])) == [world.proposal]
    assert Proposal.objects.exclude(pk__in=[huge]).count() == Proposal.objects.count()
    assert list(Proposal.objects.filter(cluster__in=[huge])) == []
    assert list(Proposal.objects.filter(cluster_id__in=[huge, world.cluster.pk])) == [
        world.proposal
    ]


def test_a_multiple_choice_of_an_impossible_id_is_refused_as_an_invalid_choice(world: World):
    form = RightsIssueForm(data={"title": "Evictions", "rights": [str(2**70)], "description": "x"})
    assert not form.is_valid()
    assert form.errors["rights"][0].startswith("Select a valid choice.")
