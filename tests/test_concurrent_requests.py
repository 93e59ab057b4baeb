"""Four people pressing the same button at the same moment, through the pages, on whichever
database the suite runs (SQLite as embedded, PostgreSQL in CI): nobody sees a server error,
and what can exist once exists once.

On SQLite each transaction takes the write lock when it begins (config/settings.py), so
requests wait their turn instead of failing with "database is locked"; on PostgreSQL the
services' row locks and unique constraints decide.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import User
from clusters.models import AuditEntry, Invitation
from planning.models import Decision, Stance, StanceChange
from reports.models import ReportJob
from tests.conftest import World, build_world
from tests.factories import ActorUserFactory, UserFactory

TIMES = 4


def at_once(requests: list[Callable[[], object]]) -> list[object]:
    """Run the requests in threads released together; their responses (or errors)."""
    barrier = threading.Barrier(len(requests))
    results: list[object] = [None] * len(requests)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = requests[index]()
        except Exception as error:  # the outcome is what is asserted
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def clients(*users: User) -> list[Client]:
    made = []
    for user in users:
        client = Client(raise_request_exception=False)  # a server error is a 500, as served
        client.force_login(user)
        made.append(client)
    return made


def statuses(results: list[object]) -> list[int]:
    assert not [r for r in results if isinstance(r, Exception)], results
    return [response.status_code for response in results]


@pytest.fixture
def world(transactional_db) -> World:
    """The shared world, committed: each request runs in its own thread and connection."""
    return build_world()


def test_four_people_of_one_entity_taking_its_position_at_once_leave_one(world: World):
    people = [world.users["member"], world.users["representative"]]
    people += [
        ActorUserFactory(actor=world.member_actor, user=UserFactory(), role="representative").user
        for _ in range(TIMES - len(people))
    ]
    url = reverse("planning:stance-take", args=[world.cluster.slug, world.proposal.pk])
    positions = ["agree", "abstain", "agree", "abstain"]
    results = at_once(
        [
            lambda c=client, p=position: c.post(url, {"position": p})
            for client, position in zip(clients(*people), positions, strict=True)
        ]
    )
    assert statuses(results) == [302] * TIMES
    stances = Stance.objects.filter(proposal=world.proposal, membership=world.member_membership)
    assert stances.count() == 1
    assert StanceChange.objects.filter(stance=stances.get()).count() == TIMES  # history kept
    assert stances.get().position == StanceChange.objects.latest("pk").position


def test_four_invitations_to_one_address_at_once_leave_one(world: World):
    url = reverse("clusters:invitation-create", args=[world.cluster.slug])
    data = {
        "email": "same@example.org",
        "actor_name": "Same Entity",
        "actor_kind": "ngo",
        "role": "member",
        "language": "ca",
    }
    coordinator = world.users["coordinator"]
    results = at_once([lambda c=c: c.post(url, data) for c in clients(*[coordinator] * TIMES)])
    # One is sent (a redirect); the others are told it exists (the form again, refused).
    assert sorted(statuses(results)) == [302] + [400] * (TIMES - 1)
    assert Invitation.objects.filter(email="same@example.org").count() == 1


def test_four_decisions_of_one_proposal_at_once_record_one(world: World):
    url = reverse("planning:proposal-decide", args=[world.cluster.slug, world.proposal.pk])
    coordinator = world.users["coordinator"]
    results = at_once(
        [lambda c=c: c.post(url, {"minutes": "Decided"}) for c in clients(*[coordinator] * TIMES)]
    )
    assert statuses(results) == [302] * TIMES  # the others are told it is decided already
    assert Decision.objects.filter(proposal=world.proposal).count() == 1


def test_four_publications_of_one_report_at_once_publish_it_once(world: World):
    job = ReportJob.objects.create(
        cluster=world.cluster, kind=ReportJob.Kind.DOSSIER, language="ca", status="done"
    )
    job.file.save("dossier.pdf", ContentFile(b"%PDF-1.4 dossier"))
    url = reverse("reports:publish", args=[world.cluster.slug, job.pk])
    coordinator = world.users["coordinator"]
    results = at_once([lambda c=c: c.post(url) for c in clients(*[coordinator] * TIMES)])
    assert statuses(results) == [302] * TIMES
    job.refresh_from_db()
    assert job.published_at is not None
    published = AuditEntry.objects.filter(action=AuditEntry.Action.REPORT_PUBLISHED)
    assert published.filter(cluster=world.cluster).count() == 1
