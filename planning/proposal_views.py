from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusters.access import (
    ClusterAccess,
    cluster_for_coordinator,
    cluster_for_editor,
    cluster_for_reader,
)
from core.errors import DomainError
from core.forms import errors_text
from core.paging import paginate
from planning import proposal_services
from planning.forms import (
    CommentForm,
    DecideForm,
    OpenForm,
    ProposalForm,
    SendBackForm,
    StanceForm,
)
from planning.models import Comment, Proposal


def _proposal(access: ClusterAccess, pk: int) -> Proposal:
    proposal = (
        Proposal.objects.visible_to(access)
        .select_related("proposer__actor", "created_by", "rights_issue_to_validate")
        .filter(pk=pk)
        .first()
    )
    if proposal is None:
        raise Http404
    return proposal


def _own_entity(access: ClusterAccess, proposal: Proposal) -> bool:
    return access.membership is not None and access.membership.pk == proposal.proposer_id


@login_required
def proposal_list(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_reader(request, slug)
    proposals = (
        Proposal.objects.visible_to(access)
        .select_related("proposer__actor")
        .annotate(stance_count=Count("stances", distinct=True))
        .order_by("-created_at")
    )
    status = request.GET.get("status", "")
    if status in Proposal.Status.values:
        proposals = proposals.filter(status=status)
    page, query = paginate(request, proposals)
    return render(
        request,
        "planning/proposal_list.html",
        {
            "cluster": cluster,
            "access": access,
            "page": page,
            "query": query,
            "status": status,
            "statuses": Proposal.Status.choices,
        },
    )


@login_required
def proposal_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    cluster, access = cluster_for_editor(request, slug)
    if access.membership is None or not access.is_member:
        raise PermissionDenied
    proposal = _proposal(access, pk) if pk else None
    if proposal is not None and (not _own_entity(access, proposal) or not proposal.can_edit):
        raise PermissionDenied
    form = ProposalForm(request.POST or None, instance=proposal, cluster=cluster)
    if request.method == "POST" and form.is_valid():
        if proposal is None:
            data = dict(form.cleaned_data)
            rights_issues, objectives = data.pop("rights_issues"), data.pop("objectives")
            try:
                proposal = proposal_services.proposal_create(
                    membership=access.membership, by=request.user, **data
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                proposal.rights_issues.set(rights_issues)
                proposal.objectives.set(objectives)
        else:
            form.save()
        if not form.errors:
            messages.success(request, _("The proposal has been saved as a draft."))
            return redirect("planning:proposal-detail", slug=cluster.slug, pk=proposal.pk)
    return render(
        request,
        "planning/proposal_form.html",
        {"cluster": cluster, "access": access, "form": form, "proposal": proposal},
    )


@login_required
def proposal_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_reader(request, slug)
    proposal = _proposal(access, pk)
    stances = list(
        proposal.stances.filter(round=proposal.round)
        .select_related("membership__actor", "by")
        .order_by("membership__actor__name")
    )
    answered = {stance.membership_id for stance in stances}
    waiting = [
        m
        for m in cluster.memberships.voting().select_related("actor").order_by("actor__name")
        if m.pk not in answered
    ]
    mine = next(
        (s for s in stances if access.membership and s.membership_id == access.membership.pk), None
    )
    stance_form = StanceForm(
        initial={"position": mine.position, "reason": mine.reason} if mine else None
    )
    decisions = list(proposal.decisions.select_related("decided_by"))
    return render(
        request,
        "planning/proposal_detail.html",
        {
            "cluster": cluster,
            "access": access,
            "proposal": proposal,
            "stances": stances,
            "waiting": waiting,
            "decisions": decisions,
            "adopted": proposal.is_adopted,
            "actions": proposal.joint_actions.order_by("start"),
            "comments": proposal.comments.filter(parent=None)
            .select_related("author", "membership__actor")
            .prefetch_related(
                Prefetch(
                    "replies",
                    queryset=Comment.objects.select_related("author", "membership__actor"),
                ),
                "revisions",
                "replies__revisions",
            ),
            "comment_form": CommentForm(),
            "rights_issues": proposal.rights_issues.all(),
            "objectives": proposal.objectives.all(),
            "own_entity": _own_entity(access, proposal),
            "stance_form": stance_form,
            "open_form": OpenForm(),
            "send_back_form": SendBackForm(),
            "decide_form": DecideForm(),
        },
    )


def _act(request: HttpRequest, slug: str, pk: int, action, done: str, *, coordinator: bool):
    """Run one state change on a proposal and come back to it with a message."""
    if coordinator:
        cluster, access = cluster_for_coordinator(request, slug)
    else:
        cluster, access = cluster_for_editor(request, slug)
    proposal = _proposal(access, pk)
    try:
        action(proposal, access)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("planning:proposal-detail", slug=cluster.slug, pk=proposal.pk)


@login_required
@require_POST
def proposal_submit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def submit(proposal: Proposal, access: ClusterAccess) -> None:
        if not _own_entity(access, proposal):
            raise PermissionDenied
        proposal_services.proposal_submit(proposal=proposal, by=request.user)

    return _act(
        request,
        slug,
        pk,
        submit,
        _("The proposal has been submitted to the coordinator."),
        coordinator=False,
    )


@login_required
@require_POST
def proposal_open(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    form = OpenForm(request.POST)

    def open_(proposal: Proposal, access: ClusterAccess) -> None:
        if not form.is_valid():
            raise DomainError(errors_text(form))
        proposal_services.proposal_open(
            proposal=proposal, by=request.user, closes_at=form.cleaned_data["closes_at"]
        )

    return _act(
        request, slug, pk, open_, _("The proposal is open for positions."), coordinator=True
    )


@login_required
@require_POST
def proposal_send_back(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    form = SendBackForm(request.POST)

    def send_back(proposal: Proposal, access: ClusterAccess) -> None:
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        proposal_services.proposal_send_back(proposal=proposal, by=request.user, reason=reason)

    return _act(
        request,
        slug,
        pk,
        send_back,
        _("The proposal has been sent back to its entity."),
        coordinator=True,
    )


@login_required
@require_POST
def stance_take(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    form = StanceForm(request.POST)

    def take(proposal: Proposal, access: ClusterAccess) -> None:
        if access.membership is None or not access.is_member:
            raise PermissionDenied
        if not form.is_valid():
            raise DomainError(errors_text(form))
        proposal_services.stance_take(
            proposal=proposal,
            membership=access.membership,
            by=request.user,
            position=form.cleaned_data["position"],
            reason=form.cleaned_data["reason"],
        )

    return _act(
        request, slug, pk, take, _("Your entity's position has been saved."), coordinator=False
    )


@login_required
@require_POST
def proposal_decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    form = DecideForm(request.POST)

    def close(proposal: Proposal, access: ClusterAccess) -> None:
        if not form.is_valid():
            raise DomainError(errors_text(form))
        proposal_services.proposal_decide(
            proposal=proposal,
            by=request.user,
            minutes=form.cleaned_data["minutes"],
            review_date=form.cleaned_data["review_date"],
        )

    return _act(request, slug, pk, close, _("The decision has been recorded."), coordinator=True)


@login_required
@require_POST
def proposal_second_round(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    form = OpenForm(request.POST)

    def reopen(proposal: Proposal, access: ClusterAccess) -> None:
        if not form.is_valid():
            raise DomainError(errors_text(form))
        proposal_services.proposal_second_round(
            proposal=proposal, by=request.user, closes_at=form.cleaned_data["closes_at"]
        )

    return _act(
        request,
        slug,
        pk,
        reopen,
        _("A second round is open: a qualified majority decides."),
        coordinator=True,
    )


@login_required
@require_POST
def comment_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    form = CommentForm(request.POST)

    def add(proposal: Proposal, access: ClusterAccess) -> None:
        if not form.is_valid():
            raise DomainError(errors_text(form))
        parent = None
        if form.cleaned_data["parent"]:
            parent = proposal.comments.filter(pk=form.cleaned_data["parent"]).first()
            if parent is None:
                raise DomainError(_("That comment is not on this proposal."))
        proposal_services.comment_add(
            proposal=proposal,
            by=request.user,
            membership=access.membership,
            body=form.cleaned_data["body"],
            parent=parent,
        )

    return _act(request, slug, pk, add, _("Your comment has been added."), coordinator=False)


@login_required
@require_POST
def comment_edit(request: HttpRequest, slug: str, pk: int, comment_pk: int) -> HttpResponse:
    form = CommentForm(request.POST)

    def change(proposal: Proposal, access: ClusterAccess) -> None:
        comment = proposal.comments.filter(pk=comment_pk).first()
        if comment is None:
            raise Http404
        if not form.is_valid():
            raise DomainError(errors_text(form))
        proposal_services.comment_edit(
            comment=comment, by=request.user, body=form.cleaned_data["body"]
        )

    return _act(request, slug, pk, change, _("Your comment has been changed."), coordinator=False)
