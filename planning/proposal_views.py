from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from clusters.access import (
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
from planning import proposal_services, venues
from planning.consensus import abstain_effect
from planning.forms import (
    CommentForm,
    ConfirmDecideForm,
    DecideForm,
    OpenForm,
    ProposalForm,
    SendBackForm,
    StanceForm,
    convergence_initial,
    incoherence_initial,
)
from planning.models import Comment, CommentRevision, Decision, Proposal, Stance


def _proposal(access: ClusterAccess, pk: int) -> Proposal:
    proposal = (
        Proposal.objects.visible_to(access)
        .select_related(
            "proposer__actor",
            "created_by",
            "rights_issue_to_validate",
            "resolves__strategy__membership__actor",
            "resolves__objective",
        )
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


def _save(proposal: Proposal | None, access: ClusterAccess, by: User, data: dict) -> Proposal:
    if proposal is None:
        return proposal_services.proposal_create(membership=access.membership, by=by, **data)
    return proposal_services.proposal_update(proposal=proposal, by=by, **data)


def _prefilled(request: HttpRequest, cluster: Cluster) -> dict | None:
    """A new proposal's values from the coherence page: an incoherence to resolve, or a
    convergence to join."""
    if request.method != "GET":
        return None
    if "convergence" in request.GET:
        return _from_convergence(request, cluster)
    if "incoherence" in request.GET:
        return _from_incoherence(request, cluster)
    return None


def _from_convergence(request: HttpRequest, cluster: Cluster) -> dict | None:
    """``?convergence=<strategy ids>``: strategies in play of two entities or more of this
    cluster; anything else is ignored, with a message."""
    strategies = proposal_services.convergence_to_join(
        cluster=cluster, raw=request.GET["convergence"]
    )
    if strategies is None:
        messages.warning(
            request,
            _("Those strategies were not found in this cluster: the proposal starts empty."),
        )
        return None
    return convergence_initial(strategies)


def _from_incoherence(request: HttpRequest, cluster: Cluster) -> dict | None:
    """``?incoherence=<score id>``: a negative score of this cluster; anything else is
    ignored, with a message."""
    score = proposal_services.incoherence_to_resolve(
        cluster=cluster, raw=request.GET["incoherence"]
    )
    if score is None:
        messages.warning(
            request,
            _(
                "That incoherence was not found in this cluster, or it is no longer one: the "
                "proposal starts empty."
            ),
        )
        return None
    return incoherence_initial(score)


@login_required
def proposal_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    cluster, access = cluster_for_member(request, slug)
    proposal = _proposal(access, pk) if pk else None
    if proposal is not None and not (_own_entity(access, proposal) and proposal.can_edit):
        raise PermissionDenied
    # The form works on its own copy: a refused change must not show in the page around it.
    copy = Proposal.objects.get(pk=proposal.pk) if proposal else None
    initial = None if proposal else _prefilled(request, cluster)
    form = ProposalForm(request.POST or None, instance=copy, cluster=cluster, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = _save(proposal, access, request.user, form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The proposal has been saved as a draft."))
            return redirect("planning:proposal-detail", slug=cluster.slug, pk=proposal.pk)
    return render(
        request,
        "planning/proposal_form.html",
        {"cluster": cluster, "access": access, "form": form, "proposal": proposal},
    )


@dataclass
class RoundRecord:
    """One round of positions on a proposal, and the decision that closed it (if any)."""

    number: int
    stances: list[Stance]
    decision: Decision | None
    is_current: bool

    @property
    def heading_id(self) -> str:
        # The current round keeps the anchor the dashboard links to.
        return "stances-title" if self.is_current else f"round-{self.number}-title"


def _positions(cluster: Cluster, access: ClusterAccess, proposal: Proposal) -> dict:
    """Every round's stances with its decision (the latest round first), the entities
    still to answer in the current one, the form with this person's entity's current
    position, and what abstaining does under the cluster's rule."""
    stances: dict[int, list[Stance]] = defaultdict(list)
    for stance in proposal.stances.select_related("membership__actor", "by").order_by(
        "round", "membership__actor__name"
    ):
        stances[stance.round].append(stance)
    decisions = {d.round: d for d in proposal.decisions.select_related("decided_by")}
    # The meeting each was taken in, if any (one query for them all).
    taken_in = venues.venues(list(decisions.values()))
    for decision in decisions.values():
        decision.venue = taken_in.get(decision.pk)
    current = stances[proposal.round]
    answered = {stance.membership_id for stance in current}
    # (id, name) pairs, not instances: a large cluster has hundreds of voting entities.
    voting = cluster.memberships.voting().order_by("actor__name").values_list("pk", "actor__name")
    own = access.membership.pk if access.membership else None
    mine = next((s for s in current if s.membership_id == own), None)
    rule = proposal_services.cluster_rule(cluster)
    return {
        "rounds": [
            RoundRecord(n, stances[n], decisions.get(n), n == proposal.round)
            for n in range(proposal.round, 0, -1)
        ],
        "decisions": list(decisions.values()),
        # The names of the entities still to answer.
        "waiting": [name for pk, name in voting if pk not in answered],
        "stance_form": StanceForm(
            initial={"position": mine.position, "reason": mine.reason} if mine else None
        ),
        "rule_label": cluster.get_decision_rule_display(),
        "abstain_note": abstain_effect(rule, second_round=proposal.round > 1),
    }


def _actions(cluster: Cluster, proposal: Proposal) -> list:
    """The joint actions from the proposal, each knowing its cluster (its link)."""
    actions = list(proposal.joint_actions.order_by("start"))
    for action in actions:
        action.cluster = cluster
    return actions


def _comments(proposal: Proposal) -> list[Comment]:
    """The threads, each with its replies and every comment's earlier versions: two
    queries however many there are (the comments, their revisions), none skipped when a
    list is empty, so that the page's count does not depend on what was said."""
    comments = list(
        proposal.comments.select_related("author", "membership__actor").order_by("created_at", "id")
    )
    revisions: dict[int, list[CommentRevision]] = defaultdict(list)
    for revision in CommentRevision.objects.filter(comment__proposal=proposal).order_by(
        "replaced_at", "id"
    ):
        revisions[revision.comment_id].append(revision)
    replies: dict[int, list[Comment]] = defaultdict(list)
    for comment in comments:
        if comment.parent_id is not None:
            replies[comment.parent_id].append(comment)
    for comment in comments:
        _prefetched(comment, "revisions", revisions[comment.pk])
        _prefetched(comment, "replies", replies[comment.pk])
    return [comment for comment in comments if comment.parent_id is None]


def _prefetched(comment: Comment, name: str, items: list) -> None:
    """What prefetch_related would leave: ``comment.<name>.all()`` reads ``items``."""
    queryset = getattr(comment, name).get_queryset()
    queryset._result_cache = items
    queryset._prefetch_done = True
    comment._prefetched_objects_cache = {
        **getattr(comment, "_prefetched_objects_cache", {}),
        name: queryset,
    }


@login_required
def proposal_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_reader(request, slug)
    proposal = _proposal(access, pk)
    return render(
        request,
        "planning/proposal_detail.html",
        {
            "cluster": cluster,
            "access": access,
            "proposal": proposal,
            **_positions(cluster, access, proposal),
            "adopted": proposal.is_adopted,
            "actions": _actions(cluster, proposal),
            "comments": _comments(proposal),
            "comment_form": CommentForm(),
            "rights_issues": proposal.rights_issues.all(),
            "objectives": proposal.objectives.all(),
            "own_entity": _own_entity(access, proposal),
            "open_form": OpenForm(),
            "send_back_form": SendBackForm(),
            "decide_form": DecideForm(),
        },
    )


Change = Callable[[Proposal, ClusterAccess], object]


def _act(
    request: HttpRequest,
    slug: str,
    pk: int,
    change: Change,
    done: str | Callable[[ClusterAccess], str],
    *,
    coordinator: bool,
) -> HttpResponse:
    """Run one change of a proposal (a service call) and come back to it with a message:
    what was done (which may name the entity acted for), or why it was refused."""
    if coordinator:
        cluster, access = cluster_for_coordinator(request, slug)
    else:
        cluster, access = cluster_for_editor(request, slug)
    proposal = _proposal(access, pk)
    try:
        change(proposal, access)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done(access) if callable(done) else done)
    return redirect("planning:proposal-detail", slug=cluster.slug, pk=proposal.pk)


def _valid(form: Form) -> dict:
    """The form's values; refused with its errors when it is not valid."""
    if not form.is_valid():
        raise DomainError(errors_text(form))
    return form.cleaned_data


def _representing(access: ClusterAccess) -> Membership:
    """The lead or member entity this person acts for; observers are refused."""
    if not access.is_member:
        raise PermissionDenied
    return access.membership


@login_required
@require_POST
def proposal_submit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def submit(proposal: Proposal, access: ClusterAccess) -> None:
        if not _own_entity(access, proposal):
            raise PermissionDenied
        proposal_services.proposal_submit(proposal=proposal, by=request.user)

    done = _("The proposal has been submitted to the coordinator.")
    return _act(request, slug, pk, submit, done, coordinator=False)


@login_required
@require_POST
def proposal_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def withdraw(proposal: Proposal, access: ClusterAccess) -> None:
        if not _own_entity(access, proposal):
            raise PermissionDenied
        proposal_services.proposal_withdraw(proposal=proposal, by=request.user)

    done = _("The proposal has been withdrawn: the cluster will not decide on it.")
    return _act(request, slug, pk, withdraw, done, coordinator=False)


@login_required
@require_POST
def proposal_open(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def open_(proposal: Proposal, access: ClusterAccess) -> None:
        closes_at = _valid(OpenForm(request.POST))["closes_at"]
        proposal_services.proposal_open(proposal=proposal, by=request.user, closes_at=closes_at)

    done = _("The proposal is open for positions.")
    return _act(request, slug, pk, open_, done, coordinator=True)


@login_required
@require_POST
def proposal_send_back(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def send_back(proposal: Proposal, access: ClusterAccess) -> None:
        # Without a reason, the service says that one is needed.
        form = SendBackForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        proposal_services.proposal_send_back(proposal=proposal, by=request.user, reason=reason)

    done = _("The proposal has been sent back to its entity.")
    return _act(request, slug, pk, send_back, done, coordinator=True)


@login_required
@require_POST
def stance_take(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def take(proposal: Proposal, access: ClusterAccess) -> None:
        membership = _representing(access)
        values = _valid(StanceForm(request.POST))
        proposal_services.stance_take(
            proposal=proposal,
            membership=membership,
            by=request.user,
            position=values["position"],
            reason=values["reason"],
        )

    def done(access: ClusterAccess) -> str:
        # Named: a person who represents several entities sees whose position it was.
        return _("%(entity)s: the position has been saved.") % {"entity": access.membership.actor}

    return _act(request, slug, pk, take, done, coordinator=False)


@login_required
@require_POST
def proposal_decide_preview(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The outcome the decision would record, with a button that records it: the
    decide form posts here, and nothing is written until it is confirmed."""
    cluster, access = cluster_for_coordinator(request, slug)
    proposal = _proposal(access, pk)
    try:
        values = _valid(DecideForm(request.POST))
        decision = proposal_services.decision_preview(proposal=proposal, **values)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("planning:proposal-detail", slug=cluster.slug, pk=proposal.pk)
    return render(
        request,
        "planning/decide_confirm.html",
        {
            "cluster": cluster,
            "access": access,
            "proposal": proposal,
            "decision": decision,
            "confirm_form": ConfirmDecideForm(initial={**values, "tally": decision.tally_key}),
            **_positions(cluster, access, proposal),
            "objectives": proposal.objectives.all(),
        },
    )


@login_required
@require_POST
def proposal_decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def decide(proposal: Proposal, access: ClusterAccess) -> None:
        values = _valid(ConfirmDecideForm(request.POST))
        proposal_services.proposal_decide(
            proposal=proposal,
            by=request.user,
            minutes=values["minutes"],
            review_date=values["review_date"],
            expected=values["tally"],
        )

    done = _("The decision has been recorded.")
    return _act(request, slug, pk, decide, done, coordinator=True)


@login_required
@require_POST
def proposal_second_round(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def reopen(proposal: Proposal, access: ClusterAccess) -> None:
        closes_at = _valid(OpenForm(request.POST))["closes_at"]
        proposal_services.proposal_second_round(
            proposal=proposal, by=request.user, closes_at=closes_at
        )

    done = _("A second round is open: a qualified majority decides.")
    return _act(request, slug, pk, reopen, done, coordinator=True)


def _parent(proposal: Proposal, parent_pk: int | None) -> Comment | None:
    """The comment a reply answers, which must be on this proposal."""
    if not parent_pk:
        return None
    parent = proposal.comments.filter(pk=parent_pk).first()
    if parent is None:
        raise DomainError(_("That comment is not on this proposal."))
    return parent


@login_required
@require_POST
def comment_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def add(proposal: Proposal, access: ClusterAccess) -> None:
        values = _valid(CommentForm(request.POST))
        proposal_services.comment_add(
            proposal=proposal,
            by=request.user,
            membership=access.membership,
            body=values["body"],
            parent=_parent(proposal, values["parent"]),
        )

    done = _("Your comment has been added.")
    return _act(request, slug, pk, add, done, coordinator=False)


@login_required
@require_POST
def comment_edit(request: HttpRequest, slug: str, pk: int, comment_pk: int) -> HttpResponse:
    def change(proposal: Proposal, access: ClusterAccess) -> None:
        comment = proposal.comments.filter(pk=comment_pk).first()
        if comment is None:
            raise Http404
        values = _valid(CommentForm(request.POST))
        proposal_services.comment_edit(comment=comment, by=request.user, body=values["body"])

    done = _("Your comment has been changed.")
    return _act(request, slug, pk, change, done, coordinator=False)
