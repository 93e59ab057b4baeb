"""A closed meeting's follow-up tasks: marked done by their entity's people or the
coordinator (once: marking a done task done again writes nothing), shown on the meeting
page, on the entity's to-do page and in its weekly digest until done."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clusters.models import AuditEntry, Membership
from core.errors import DomainError
from meetings import services
from meetings.digest import build_digest
from meetings.models import FollowUpTask, Meeting
from tests.clock import NOW, days
from tests.conftest import World
from tests.test_permissions import closed_meeting, held_meeting, meeting_task


def task_of(world: World) -> FollowUpTask:
    return FollowUpTask.objects.get(pk=meeting_task(world)["task"])


def entries() -> int:
    return AuditEntry.objects.filter(action=AuditEntry.Action.FOLLOW_UP_TASK_DONE).count()


def close_with_tasks(world: World, title: str, *tasks: services.Task) -> Meeting:
    """Another meeting, held an hour ago and closed with these tasks."""
    found = Meeting.objects.get(pk=held_meeting(world)["pk"])
    Meeting.objects.filter(pk=found.pk).update(title=title)
    return services.meeting_close(meeting=found, by=world.users["coordinator"], tasks=list(tasks))


# The service's rules


def test_a_representative_of_the_entity_marks_its_task_done_once(world: World):
    task = task_of(world)
    done = services.task_done(task=task, by=world.users["representative"])
    assert done.is_done and done.done_by == world.users["representative"]
    assert entries() == 1
    entry = AuditEntry.objects.get(action=AuditEntry.Action.FOLLOW_UP_TASK_DONE)
    assert entry.object_id == task.meeting_id
    assert (entry.data["title"], entry.data["entity"], entry.data["done"]) == (
        "Send the rent figures",
        str(world.member_actor),
        True,
    )
    # Done again: nothing changes, no entry.
    at = done.done_at
    again = services.task_done(task=task, by=world.users["member"])
    assert (again.done_at, again.done_by) == (at, world.users["representative"])
    assert entries() == 1


def test_another_entitys_people_cannot_mark_it(world: World):
    task = task_of(world)
    for person in ("observer", "institution", "outsider"):
        with pytest.raises(DomainError, match="entity's people or the coordinator"):
            services.task_done(task=task, by=world.users[person])
    assert not task_of(world).is_done and entries() == 0


def test_the_coordinator_marks_any_task_done_and_not_done(world: World):
    task = task_of(world)
    services.task_done(task=task, by=world.users["coordinator"], now=timezone.now())
    assert task_of(world).done_by == world.users["coordinator"]
    services.task_done(task=task, by=world.users["coordinator"], done=False)
    undone = task_of(world)
    assert (undone.done_at, undone.done_by) == (None, None)
    assert entries() == 2
    # Not done while not done: nothing.
    services.task_done(task=task, by=world.users["member"], done=False)
    assert entries() == 2


# The meeting page and its button


def test_the_button_shows_only_to_who_may_mark_the_task(world: World):
    page = reverse("meetings:detail", kwargs=closed_meeting(world))
    action = reverse("meetings:task-done", kwargs=meeting_task(world))
    for person, shown in (("member", True), ("coordinator", True), ("observer", False)):
        content = world.client(person).get(page).content.decode()
        assert "Not done yet" in content
        assert (action in content) is shown, person
        assert ("Mark done" in content) is shown, person


def test_marking_done_on_the_page_and_back(world: World):
    kwargs = meeting_task(world)
    client = world.client("member")
    response = client.post(reverse("meetings:task-done", kwargs=kwargs), {"done": "yes"})
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:detail", kwargs=closed_meeting(world))
    page = client.get(response["Location"]).content.decode()
    assert "The task is marked done." in page and "Mark not done" in page
    assert task_of(world).is_done
    client.post(reverse("meetings:task-done", kwargs=kwargs), {"done": "no"})
    assert not task_of(world).is_done
    assert entries() == 2


def test_an_observer_is_refused_with_a_message(world: World):
    kwargs = meeting_task(world)
    response = world.client("observer").post(
        reverse("meetings:task-done", kwargs=kwargs), {"done": "yes"}, follow=True
    )
    assert "the entity&#x27;s people or the coordinator" in response.content.decode()
    assert not task_of(world).is_done


def test_a_task_of_another_meeting_is_not_found(world: World):
    kwargs = meeting_task(world)
    other = Meeting.objects.get(pk=held_meeting(world)["pk"])
    wrong = {**kwargs, "pk": other.pk}
    response = world.client("coordinator").post(
        reverse("meetings:task-done", kwargs=wrong), {"done": "yes"}
    )
    assert response.status_code == 404
    missing = {**kwargs, "task": kwargs["task"] + 1000}
    response = world.client("coordinator").post(
        reverse("meetings:task-done", kwargs=missing), {"done": "yes"}
    )
    assert response.status_code == 404


def test_the_meeting_page_runs_the_same_queries_with_1_or_5_tasks(
    world: World, django_assert_num_queries
):
    client = world.client("member")
    first = task_of(world)
    page = reverse("meetings:detail", kwargs=closed_meeting(world))
    client.get(page)
    with CaptureQueriesContext(connection) as one:
        client.get(page)
    found = Meeting.objects.get(pk=closed_meeting(world)["pk"])
    lead = Membership.objects.get(cluster=world.cluster, actor=world.lead)
    FollowUpTask.objects.bulk_create(
        FollowUpTask(meeting=found, what=f"Task {n}", membership=lead, due_on=days(n - 2))
        for n in range(4)
    )
    services.task_done(task=first, by=world.users["member"])
    with django_assert_num_queries(len(one)):
        content = client.get(page).content.decode()
    assert "Task 3" in content and "Overdue" in content


# The entity's to-do page


def test_the_todo_page_lists_the_entitys_open_tasks(world: World, django_assert_num_queries):
    lead = Membership.objects.get(cluster=world.cluster, actor=world.lead)
    task = task_of(world)
    close_with_tasks(
        world,
        "Spring assembly",
        services.Task("Book the room", world.member_membership, days(-2)),
        services.Task("The lead's own", lead, days(1)),
    )
    client = world.client("member")
    url = reverse("reports:todo", args=["housing"])
    response = client.get(url)
    assert [t.what for t in response.context["tasks"]] == ["Book the room", task.what]
    content = response.content.decode()
    assert "Spring assembly" in content and "Assembly held" in content
    assert content.count("Overdue") == 1  # the room, two days late
    assert "The lead&#x27;s own" not in content
    # Done: off the list, in the same queries.
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    services.task_done(task=task, by=world.users["member"])
    with django_assert_num_queries(len(before)):
        response = client.get(url)
    assert [t.what for t in response.context["tasks"]] == ["Book the room"]


# The weekly digest


def test_the_digest_lists_open_tasks_due_within_two_weeks_or_overdue(world: World):
    close_with_tasks(
        world,
        "Spring assembly",
        services.Task("Late one", world.member_membership, days(-3)),
        services.Task("Soon", world.member_membership, days(14)),
        services.Task("Later", world.member_membership, days(15)),
    )
    services.task_done(task=task_of(world), by=world.users["member"])
    [section] = build_digest(world.users["member"], NOW).sections
    assert [(row.task.what, row.overdue) for row in section.tasks] == [
        ("Late one", True),
        ("Soon", False),
    ]
    assert section.tasks[0].link.endswith(
        reverse("meetings:detail", args=["housing", section.tasks[0].task.meeting_id])
    )
    # Another entity's tasks are not theirs.
    [observer] = build_digest(world.users["observer"], NOW).sections or [None]
    assert observer is None or observer.tasks == []


def test_the_digest_email_has_the_tasks(world: World):
    from django.core import mail

    from meetings.digest import digests_send

    task_of(world)
    close_with_tasks(
        world, "Spring assembly", services.Task("Late one", world.member_membership, days(-3))
    )
    mail.outbox.clear()
    digests_send(NOW + timedelta(minutes=1))
    [message] = [m for m in mail.outbox if m.to == ["member@example.org"]]
    assert "Follow-up tasks:" in message.body
    assert "- Late one (Neighbours Association): overdue since" in message.body
    assert "- Send the rent figures (Neighbours Association): by " in message.body
