"""Pages of the action plan: joint actions, contributions, updates, the 4W table and the
gaps and overlaps of the plan."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from clusters.access import (
    ClusterAccess,
    cluster_for_coordinator,
    cluster_for_editor,
    cluster_for_reader,
)
from clusters.models import Cluster, Membership
from core.errors import DomainError
from core.forms import errors_text
from core.paging import paginate
from core.spreadsheets import csv_response
from planning import action_services, coverage
from planning.filters import JointActionFilter
from planning.forms import ActionUpdateForm, ContributionForm, JointActionForm
from planning.models import Contribution, JointAction, Proposal


def _filtered(request: HttpRequest, cluster: Cluster) -> tuple[JointActionFilter, QuerySet]:
    """The cluster's actions under the page's filters, late ones first, then by start."""
    found = JointActionFilter(
        request.GET or None, queryset=cluster.joint_actions.all(), cluster=cluster
    )
    # An invalid filter (a bad date, another cluster's id) shows its error and no filtering.
    found_actions = found.qs if found.is_valid() else cluster.joint_actions.all()
    return found, found_actions.with_late().order_by("-late", "start", "title", "pk")


def _action(cluster: Cluster, pk: int) -> JointAction:
    action = (
        cluster.joint_actions.select_related("objective", "lead__actor", "proposal", "cluster")
        .filter(pk=pk)
        .first()
    )
    if action is None:
        raise Http404
    return action


@login_required
def action_list(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_reader(request, slug)
    found, found_actions = _filtered(request, cluster)
    page, query = paginate(request, coverage.actions_for_table(found_actions))
    return render(
        request,
        "planning/action_list.html",
        {
            "cluster": cluster,
            "access": access,
            "filter": found,
            "page": page,
            "query": query,
            "adopted": cluster.proposals.adopted().order_by("-created_at")[:20]
            if access.is_coordinator
            else [],
        },
    )


def _entities_for(action: JointAction, access: ClusterAccess) -> QuerySet[Membership]:
    """The entities this person may record a contribution for on this action."""
    taking_part = Membership.objects.filter(
        Q(pk=action.lead_id) | Q(joint_actions=action)
    ).distinct()
    if not access.is_coordinator:
        own = access.membership.pk if access.membership else None
        taking_part = taking_part.filter(pk=own)
    return taking_part.select_related("actor").order_by("actor__name")


def _leads(action: JointAction, access: ClusterAccess) -> bool:
    return access.is_coordinator or (
        access.membership is not None and access.membership.pk == action.lead_id
    )


def _forms_for(action: JointAction, access: ClusterAccess, taking_part: bool) -> dict:
    """The forms this person may post on the action: a contribution (for the entities
    they may record one for) and an update (with progress and status if they lead it)."""
    entities = _entities_for(action, access) if access.can_edit else None
    may_contribute = entities is not None and (access.is_coordinator or taking_part)
    return {
        "contribution_form": ContributionForm(
            entities=entities,
            initial={"membership": access.membership} if taking_part else None,
        )
        if may_contribute
        else None,
        "update_form": ActionUpdateForm(leads=_leads(action, access))
        if access.is_coordinator or taking_part
        else None,
    }


def _totals(contributions: QuerySet[Contribution]) -> list[tuple[str, object]]:
    """(kind, total) of the contributions, in the order of the kinds' codes."""
    return [
        (Contribution.Kind(row["kind"]).label, row["total"])
        for row in contributions.order_by("kind").values("kind").annotate(total=Sum("amount"))
    ]


@login_required
def action_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_reader(request, slug)
    action = _action(cluster, pk)
    participants = list(action.participants.select_related("actor").order_by("actor__name"))
    taking_part = access.membership is not None and (
        access.membership.pk == action.lead_id
        or any(m.pk == access.membership.pk for m in participants)
    )
    contributions = action.contributions.select_related("membership__actor", "created_by")
    return render(
        request,
        "planning/action_detail.html",
        {
            "cluster": cluster,
            "access": access,
            "action": action,
            "participants": participants,
            "indicators": action.indicators.order_by("code"),
            "contributions": contributions,
            "totals": _totals(contributions),
            "updates": action.updates.select_related("author", "membership__actor"),
            "taking_part": taking_part,
            **_forms_for(action, access, taking_part),
            "own_entity": access.membership.pk if access.membership else None,
        },
    )


def _from_proposal(request: HttpRequest, cluster: Cluster) -> Proposal | None:
    """The adopted proposal an action is planned from (?proposal=<id>), if any."""
    raw = request.GET.get("proposal", "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise Http404
    proposal = cluster.proposals.adopted().filter(pk=int(raw)).first()
    if proposal is None:
        raise Http404
    return proposal


def _prefill(proposal: Proposal) -> dict:
    objectives = [o for o in proposal.objectives.all() if o.is_adopted]
    description = "\n\n".join(p for p in (proposal.description, proposal.rationale) if p)
    initial = {
        "title": proposal.title,
        "description": description,
        "budget": proposal.estimated_cost,
        "lead": proposal.proposer if proposal.proposer.takes_positions else None,
        "is_new_practice": proposal.is_new_practice,
    }
    if objectives:
        initial["objective"] = objectives[0]
    return initial


def _save(
    action: JointAction | None, cluster: Cluster, proposal: Proposal | None, by: User, data: dict
) -> JointAction:
    if action is None:
        return action_services.action_create(cluster=cluster, by=by, proposal=proposal, **data)
    return action_services.action_change(action=action, by=by, **data)


@login_required
def action_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    cluster, access = cluster_for_coordinator(request, slug)
    action = _action(cluster, pk) if pk is not None else None
    proposal = _from_proposal(request, cluster) if action is None else action.proposal
    # The form works on its own copy: a refused change must not show in the page around it.
    form = JointActionForm(
        request.POST or None,
        instance=JointAction.objects.get(pk=action.pk) if action else None,
        cluster=cluster,
        initial=_prefill(proposal) if proposal and action is None else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            action = _save(action, cluster, proposal, request.user, form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The joint action has been saved."))
            return redirect(action.get_absolute_url())
    return render(
        request,
        "planning/action_form.html",
        {
            "cluster": cluster,
            "access": access,
            "form": form,
            "action": action,
            "proposal": proposal,
        },
    )


def _back_to(action: JointAction) -> HttpResponse:
    return redirect(action.get_absolute_url())


@login_required
@require_POST
def contribution_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_editor(request, slug)
    action = _action(cluster, pk)
    form = ContributionForm(request.POST, entities=_entities_for(action, access))
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return _back_to(action)
    try:
        action_services.contribution_add(
            action=action,
            membership=form.cleaned_data["membership"],
            by=request.user,
            kind=form.cleaned_data["kind"],
            amount=form.cleaned_data["amount"],
            description=form.cleaned_data["description"],
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The contribution has been recorded."))
    return _back_to(action)


@login_required
@require_POST
def contribution_remove(
    request: HttpRequest, slug: str, pk: int, contribution_pk: int
) -> HttpResponse:
    cluster, access = cluster_for_editor(request, slug)
    action = _action(cluster, pk)
    contribution = (
        action.contributions.select_related("membership__actor").filter(pk=contribution_pk).first()
    )
    if contribution is None:
        raise Http404
    own = access.membership is not None and access.membership.pk == contribution.membership_id
    if not (access.is_coordinator or own):
        raise PermissionDenied
    action_services.contribution_remove(contribution=contribution, by=request.user)
    messages.success(request, _("The contribution has been removed."))
    return _back_to(action)


@login_required
@require_POST
def update_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_editor(request, slug)
    action = _action(cluster, pk)
    form = ActionUpdateForm(request.POST, leads=_leads(action, access))
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return _back_to(action)
    try:
        action_services.update_post(
            action=action,
            by=request.user,
            membership=access.membership,
            is_coordinator=access.is_coordinator,
            note=form.cleaned_data["note"],
            progress=form.cleaned_data.get("progress"),
            status=form.cleaned_data.get("status", ""),
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your update has been posted."))
    return _back_to(action)


@login_required
def who_does_what(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_reader(request, slug)
    found, found_actions = _filtered(request, cluster)
    # Fewer actions per page than elsewhere: each brings a row per entity taking part.
    page, query = paginate(request, coverage.actions_for_table(found_actions), per_page=10)
    member = found.form.cleaned_data.get("member") if found.is_valid() else None
    return render(
        request,
        "planning/who_does_what.html",
        {
            "cluster": cluster,
            "access": access,
            "filter": found,
            "page": page,
            "query": query,
            "rows": coverage.rows_for(page, member),
        },
    )


@login_required
def who_does_what_csv(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, _access = cluster_for_reader(request, slug)
    found, found_actions = _filtered(request, cluster)
    member = found.form.cleaned_data.get("member") if found.is_valid() else None
    rows = coverage.rows_for(coverage.actions_for_table(found_actions), member)
    filename = f"{cluster.slug}-4w-{timezone.localdate():%Y-%m-%d}.csv"
    return csv_response(filename, coverage.csv_rows(rows))


@login_required
def gaps_and_overlaps(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_reader(request, slug)
    return render(
        request,
        "planning/coverage.html",
        {"cluster": cluster, "access": access, "coverage": coverage.coverage(cluster)},
    )
