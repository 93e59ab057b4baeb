from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from actors import services
from actors.filters import ActorFilter
from actors.forms import MAX_CAPACITIES, ActorForm, CapacityFormSet
from actors.models import Actor, ThematicArea
from core.errors import DomainError
from core.paging import paginate
from core.rows import row_changes, with_blank_row
from core.words import de


def actor_for_admin(request: HttpRequest, slug: str) -> Actor:
    """The actor, if this person administers it (403 otherwise: the directory is shared)."""
    actor = get_object_or_404(Actor, slug=slug)
    if not actor.is_administered_by(request.user):
        raise PermissionDenied
    return actor


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    actors = Actor.objects.prefetch_related(
        Prefetch("thematic_areas", queryset=ThematicArea.objects.order_by("code"))
    )
    actor_filter = ActorFilter(request.GET or None, queryset=actors)
    # A malformed filter (an unknown kind, say) shows the form errors over the full list.
    queryset = actor_filter.qs if actor_filter.is_valid() else actors
    # Each entity's capacities, or only those that match when the list is filtered by them.
    queryset = queryset.prefetch_related(
        Prefetch("capacities", queryset=actor_filter.shown_capacities())
    )
    page, query = paginate(request, queryset)
    return render(
        request, "actors/directory.html", {"filter": actor_filter, "page": page, "query": query}
    )


@login_required
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    actor = get_object_or_404(
        Actor.objects.prefetch_related("thematic_areas", "capacities"), slug=slug
    )
    # Only the clusters whose member lists the viewer may read: listing the others would
    # reveal them (or, to an institution, their members). The queryset methods come from
    # the clusters app through the reverse relation, so this lower app does not import it.
    memberships = (
        actor.memberships.active()
        .readable_by(request.user)
        .select_related("cluster")
        .order_by("cluster__name")
    )
    can_edit = actor.is_administered_by(request.user)
    people = invitations = None
    if can_edit:
        people = actor.people.select_related("user").order_by("role", "user__email")
        # The invitations of people to represent it (from the clusters app, through the
        # reverse relation: its queryset methods come with it).
        invitations = actor.invitations.for_people().pending().order_by("email")
    return render(
        request,
        "actors/detail.html",
        {
            "actor": actor,
            "memberships": memberships,
            "can_edit": can_edit,
            "people": people,
            "invitations": invitations,
        },
    )


@login_required
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    actor = actor_for_admin(request, slug)
    data = request.POST or None
    # "Add a row" posts the form: it comes back with what was typed and one more blank row.
    adding = data is not None and "add_row" in data
    if adding:
        data = with_blank_row(data, "capacities", limit=MAX_CAPACITIES)
    form = ActorForm(data, instance=actor)
    capacities = CapacityFormSet(data, instance=actor, prefix="capacities")
    if adding:
        capacities.focus_last_row()
    elif data is not None and form.is_valid() and capacities.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        thematic_areas = values.pop("thematic_areas")
        try:
            services.actor_update(
                actor=actor,
                by=request.user,
                values=values,
                thematic_areas=thematic_areas,
                capacities=row_changes(capacities),
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            saved = _("The profile of %(de_name)s has been saved.") % {"de_name": de(actor)}
            messages.success(request, saved)
        return redirect(actor)
    return render(
        request, "actors/edit.html", {"actor": actor, "form": form, "capacities": capacities}
    )
