"""The meetings' pages: the list, scheduling and changing a meeting, its page (agenda,
attendance, minutes), the close, and its .ics file.

Every view shows and reads times in the cluster's time zone (``_zone``): a meeting at
10:00 in Barcelona is 10:00 on its page whatever the server's zone, on both sides of the
change of summer time."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusters.access import (
    ACTING_FOR,
    ClusterAccess,
    cluster_for_coordinator,
    cluster_for_editor,
    cluster_for_member,
    cluster_for_reader,
)
from clusters.models import Cluster, Membership
from core.errors import DomainError
from core.forms import errors_text
from core.paging import paginate
from meetings import services
from meetings.forms import (
    AttendanceForm,
    CancelForm,
    CloseForm,
    ItemAnswerForm,
    ItemForm,
    MeetingForm,
    ObjectionForm,
    ScheduleForm,
    TaskDoneForm,
    TaskFormSet,
)
from meetings.ics import ics_filename
from meetings.ics import meeting_ics as meeting_ics_bytes
from meetings.models import AgendaItem, Meeting
from meetings.notifications import meeting_link
from meetings.pages import (
    agenda,
    meeting_context,
    meetings_in_order,
    people_by_entity,
)


def _zone(cluster: Cluster) -> timezone.override:
    return timezone.override(cluster.zone)


def _meeting(cluster: Cluster, pk: int) -> Meeting:
    meeting = (
        cluster.meetings.select_related("cluster", "approved_at_meeting", "closed_by")
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


def _valid(form: Form) -> dict:
    if not form.is_valid():
        raise DomainError(errors_text(form))
    return form.cleaned_data


def _change(
    request: HttpRequest,
    meeting: Meeting,
    change: Callable[[], object],
    done: str | Callable[[], str],
) -> HttpResponse:
    """Run one change of a meeting and come back to its page with a message."""
    with _zone(meeting.cluster):
        try:
            change()
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, done() if callable(done) else done)
    return redirect(meeting.get_absolute_url())


@login_required
def meeting_list(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_reader(request, slug)
    with _zone(cluster):
        page, query = paginate(request, meetings_in_order(cluster))
        context = {"cluster": cluster, "access": access, "page": page, "query": query}
        return render(request, "meetings/meeting_list.html", context)


@login_required
def meeting_schedule(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_coordinator(request, slug)
    with _zone(cluster):
        form = ScheduleForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                meeting = services.meeting_schedule(
                    cluster=cluster,
                    by=request.user,
                    agenda=form.agenda_titles(),
                    **form.meeting_values(),
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The meeting is scheduled: everyone is invited."))
                return redirect(meeting.get_absolute_url())
        context = {"cluster": cluster, "access": access, "form": form}
        return render(request, "meetings/meeting_form.html", context)


@login_required
def meeting_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_reader(request, slug)
    meeting = _meeting(cluster, pk)
    with _zone(cluster):
        return render(request, "meetings/meeting_detail.html", meeting_context(meeting, access))


@login_required
def meeting_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_coordinator(request, slug)
    meeting = _meeting(cluster, pk)
    if request.method == "POST" and not meeting.is_scheduled:
        messages.error(request, _("Only a meeting still to be held can be changed."))
        return redirect(meeting.get_absolute_url())
    with _zone(cluster):
        initial = {name: getattr(meeting, name) for name in services.MEETING_FIELDS}
        form = MeetingForm(request.POST or None, initial=initial) if meeting.is_scheduled else None
        if request.method == "POST" and form.is_valid():
            try:
                changed = services.meeting_change(
                    meeting=meeting, by=request.user, **form.meeting_values()
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                if changed.sequence != meeting.sequence:
                    messages.success(request, _("The meeting is changed: everyone is told."))
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect(meeting.get_absolute_url())
        context = {"cluster": cluster, "access": access, "form": form, "meeting": meeting}
        return render(request, "meetings/meeting_form.html", context)


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, _access = cluster_for_coordinator(request, slug)
    meeting = _meeting(cluster, pk)

    def change() -> None:
        reason = _valid(CancelForm(request.POST))["reason"]
        services.meeting_cancel(meeting=meeting, by=request.user, reason=reason)

    return _change(request, meeting, change, _("The meeting is cancelled: everyone is told."))


@login_required
@require_POST
def item_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_editor(request, slug)
    meeting = _meeting(cluster, pk)

    def change() -> None:
        values = _valid(ItemForm(request.POST, access=access))
        if access.is_coordinator:
            services.agenda_item_add(meeting=meeting, by=request.user, **values)
        else:
            services.agenda_item_propose(
                meeting=meeting, by=request.user, membership=access.membership, **values
            )

    done = (
        _("The item is on the agenda.")
        if access.is_coordinator
        else _("The item is proposed: the coordinator will accept it or not.")
    )
    return _change(request, meeting, change, done)


@login_required
@require_POST
def item_answer(request: HttpRequest, slug: str, pk: int, item: int) -> HttpResponse:
    cluster, _access = cluster_for_coordinator(request, slug)
    meeting = _meeting(cluster, pk)
    found = meeting.items.filter(pk=item).first()
    if found is None:
        raise Http404

    def change() -> AgendaItem:
        accept = _valid(ItemAnswerForm(request.POST))["answer"] == "accept"
        return services.agenda_item_answer(item=found, by=request.user, accept=accept)

    return _change(request, meeting, change, _("The proposed item is answered."))


def _check_posted_entity(request: HttpRequest, access: ClusterAccess) -> None:
    """A form shown for an entity the person does not represent (any more) is refused,
    rather than saved for another of theirs."""
    posted = request.POST.get(ACTING_FOR, "")
    if posted and posted not in {str(m.actor_id) for m in access.memberships}:
        raise DomainError(_("You do not represent that entity."))


@login_required
@require_POST
def attendance(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_reader(request, slug)
    meeting = _meeting(cluster, pk)

    def change() -> None:
        _check_posted_entity(request, access)
        if access.membership is None:
            raise DomainError(_("Who attends is said by the entities' people."))
        form = AttendanceForm(
            request.POST, people=services.people_of(access.membership), current={}
        )
        _valid(form)
        services.attendance_answer(
            meeting=meeting, by=request.user, membership=access.membership, answers=form.answers()
        )

    return _change(request, meeting, change, _("Your entity's attendance is saved."))


@login_required
def meeting_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_coordinator(request, slug)
    meeting = _meeting(cluster, pk)
    if request.method == "POST" and not meeting.is_scheduled:
        messages.error(request, _("Only a meeting still to be held can be closed."))
        return redirect(meeting.get_absolute_url())
    with _zone(cluster):
        started = meeting.is_scheduled and meeting.has_started()
        if request.method == "POST" and not started:
            messages.error(request, _("A meeting is closed once it has started."))
            return redirect("meetings:close", slug=cluster.slug, pk=meeting.pk)
        form, tasks = _close_forms(request, meeting) if started else (None, None)
        if request.method == "POST" and form.is_valid() and tasks.is_valid():
            try:
                services.meeting_close(
                    meeting=meeting,
                    by=request.user,
                    tasks=[task for task in (f.task() for f in tasks) if task],
                    **form.service_values(),
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The meeting is closed: the draft minutes are sent."))
                return redirect(meeting.get_absolute_url())
        context = {"cluster": cluster, "access": access, "meeting": meeting, "started": started}
        context |= {"form": form, "tasks": tasks}
        return render(request, "meetings/meeting_close.html", context)


def _close_forms(request: HttpRequest, meeting: Meeting) -> tuple[CloseForm, TaskFormSet]:
    data = request.POST if request.method == "POST" else None
    people = people_by_entity(meeting.cluster)
    said_yes = set(meeting.attendances.filter(answer="yes").values_list("person_id", flat=True))
    form = CloseForm(
        data,
        meeting=meeting,
        people=people,
        items=[item for item in agenda(meeting) if item.status == AgendaItem.Status.ACCEPTED],
        decisions=services.decisions_to_link(meeting),
        previous=services.draft_minutes_before(meeting),
        said_yes=said_yes,
    )
    # Tasks are for the entities that take part in meetings: institutions read none of them.
    entities = (
        meeting.cluster.memberships.active()
        .exclude(role=Membership.Role.INSTITUTION)
        .select_related("actor")
        .order_by("actor__name")
    )
    return form, TaskFormSet(data, prefix="tasks", entities=entities)


@login_required
@require_POST
def minutes_object(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_member(request, slug)
    meeting = _meeting(cluster, pk)

    def change() -> None:
        reason = _valid(ObjectionForm(request.POST))["reason"]
        services.minutes_object(
            meeting=meeting, by=request.user, membership=access.membership, reason=reason
        )

    done = _("Your entity's objection is recorded: the minutes wait for the next meeting.")
    return _change(request, meeting, change, done)


@login_required
@require_POST
def task_done(request: HttpRequest, slug: str, pk: int, task: int) -> HttpResponse:
    """A follow-up task marked done, or not done after all: the service says who may."""
    cluster, _access = cluster_for_reader(request, slug)
    meeting = _meeting(cluster, pk)
    found = meeting.tasks.filter(pk=task).first()
    if found is None:
        raise Http404
    form = TaskDoneForm(request.POST)

    def change() -> None:
        services.task_done(task=found, by=request.user, done=_valid(form)["done"])

    def done() -> str:
        if form.cleaned_data["done"]:
            return _("The task is marked done.")
        return _("The task is marked not done.")

    return _change(request, meeting, change, done)


@login_required
def meeting_ics(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, _access = cluster_for_reader(request, slug)
    meeting = _meeting(cluster, pk)
    body = meeting_ics_bytes(meeting, meeting_link(meeting))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ics_filename(meeting)}"'
    return response
