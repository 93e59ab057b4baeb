"""The coherence page (the heat map and what it finds), each entity's strategies, a
strategy with its scores, and a score with its revisions and questions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusters.access import (
    ClusterAccess,
    cluster_for_member,
    cluster_for_reader,
    with_posted_entity,
)
from clusters.models import Cluster
from coherence import services
from coherence.forms import QuestionForm, ScoreSheetForm, StrategyForm
from coherence.models import Score, ScoreQuestion, Strategy
from coherence.pages import coherence_context, entity_context
from core.downloads import attachment
from core.errors import DomainError
from core.forms import errors_text
from indicators.models import Objective


def _strategy(cluster: Cluster, pk: int) -> Strategy:
    strategy = (
        Strategy.objects.filter(cluster=cluster, pk=pk)
        .select_related("cluster", "membership__actor", "created_by")
        .first()
    )
    if strategy is None:
        raise Http404
    return strategy


def _score(cluster: Cluster, pk: int) -> Score:
    score = (
        Score.objects.filter(strategy__cluster=cluster, pk=pk)
        .select_related("strategy__cluster", "strategy__membership__actor", "objective")
        .first()
    )
    if score is None:
        raise Http404
    return score


def is_own(access: ClusterAccess, strategy: Strategy) -> bool:
    """Whether the person acts for the strategy's own entity (who records and scores it)."""
    return access.is_member and access.membership.pk == strategy.membership_id


def may_question(access: ClusterAccess, strategy: Strategy) -> bool:
    """Another lead or member entity may question the strategy's scores."""
    return access.is_member and access.membership.pk != strategy.membership_id


def _question_form(score: Score) -> QuestionForm:
    # One form per score on a page: each with ids of its own.
    return QuestionForm(auto_id=f"id_question_{score.pk}_%s")


@login_required
def coherence(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_reader(request, slug)
    context = coherence_context(cluster, access, request.GET)
    return render(request, "coherence/coherence.html", context)


@login_required
def entity(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_reader(request, slug)
    membership = cluster.memberships.filter(pk=pk).select_related("actor").first()
    if membership is None:
        raise Http404
    return render(request, "coherence/entity.html", entity_context(cluster, access, membership))


def _detail_page(
    request: HttpRequest,
    access: ClusterAccess,
    strategy: Strategy,
    sheet: ScoreSheetForm | None = None,
    status: int = 200,
) -> HttpResponse:
    scores = list(
        strategy.scores.select_related("objective")
        .annotate(revision_count=Count("revisions"))
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=ScoreQuestion.objects.select_related("membership__actor", "by"),
            )
        )
        .order_by("objective__code")
    )
    if sheet is None and is_own(access, strategy):
        sheet = _sheet(strategy, None, scores)
    questioning = may_question(access, strategy)
    context = {
        "cluster": strategy.cluster,
        "access": access,
        "strategy": strategy,
        "targets": strategy.sdg_targets.select_related("goal").order_by("position"),
        "rights": strategy.rights.select_related("instrument"),
        "scores": [(s, _question_form(s) if questioning else None) for s in scores],
        "revisions": sum(s.revision_count for s in scores),
        "sheet": sheet,
        "can_edit": is_own(access, strategy),
    }
    return render(request, "coherence/strategy_detail.html", context, status=status)


def _sheet(strategy: Strategy, data: object, scores: list[Score] | None = None) -> ScoreSheetForm:
    objectives = Objective.objects.filter(
        cluster_id=strategy.cluster_id, status=Objective.Status.ADOPTED
    ).order_by("code")
    scores = strategy.scores.all() if scores is None else scores
    return ScoreSheetForm(
        data, objectives=objectives, scores={score.objective_id: score for score in scores}
    )


@login_required
def strategy_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_reader(request, slug)
    return _detail_page(request, access, _strategy(cluster, pk))


def _strategy_form(
    request: HttpRequest, access: ClusterAccess, strategy: Strategy | None
) -> HttpResponse:
    """The form that records a strategy of the person's entity, or changes one."""
    form = StrategyForm(request.POST or None, request.FILES or None, strategy=strategy)
    if request.method == "POST" and form.is_valid():
        who = {"membership": access.membership, "by": request.user}
        try:
            if strategy is None:
                strategy = services.strategy_create(**who, **form.values())
            else:
                services.strategy_update(strategy=strategy, **who, **form.values())
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The strategy has been saved."))
            return redirect(strategy.get_absolute_url())
    context = {"cluster": access.cluster, "access": access, "form": form, "strategy": strategy}
    status = 400 if form.is_bound else 200
    return render(request, "coherence/strategy_form.html", context, status=status)


@login_required
def strategy_create(request: HttpRequest, slug: str) -> HttpResponse:
    _cluster, access = cluster_for_member(request, slug)
    if request.method == "POST":
        access = with_posted_entity(access, request)
    return _strategy_form(request, access, None)


@login_required
def strategy_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_member(request, slug)
    if request.method == "POST":
        access = with_posted_entity(access, request)
    strategy = _strategy(cluster, pk)
    if not is_own(access, strategy):
        raise PermissionDenied
    return _strategy_form(request, access, strategy)


@login_required
def strategy_document(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """A strategy's document is the cluster's: served only through this permission check,
    as an attachment of the type checked at upload, never rendered as a page."""
    cluster, _access = cluster_for_reader(request, slug)
    strategy = _strategy(cluster, pk)
    return attachment(
        strategy.document,
        original_name=strategy.original_name,
        content_type=strategy.content_type,
    )


@login_required
@require_POST
def strategy_score(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_member(request, slug)
    strategy = _strategy(cluster, pk)
    if not is_own(access, strategy):
        raise PermissionDenied
    sheet = _sheet(strategy, request.POST)
    if not sheet.is_valid():
        return _detail_page(request, access, strategy, sheet, status=400)
    try:
        with transaction.atomic():
            for objective, value, reason in sheet.chosen():
                services.score_set(
                    strategy=strategy,
                    objective=objective,
                    membership=access.membership,
                    by=request.user,
                    value=value,
                    reason=reason,
                )
    except DomainError as error:
        messages.error(request, str(error))
        return _detail_page(request, access, strategy, sheet, status=400)
    messages.success(request, _("The scores have been saved."))
    return redirect(f"{strategy.get_absolute_url()}#scores")


@login_required
def score_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_reader(request, slug)
    score = _score(cluster, pk)
    context = {
        "cluster": cluster,
        "access": access,
        "score": score,
        "strategy": score.strategy,
        "revisions": score.revisions.select_related("by").order_by("-at", "-pk"),
        "questions": score.questions.select_related("membership__actor", "by"),
        "question_form": QuestionForm() if may_question(access, score.strategy) else None,
        "can_revise": is_own(access, score.strategy),
    }
    return render(request, "coherence/score_detail.html", context)


@login_required
@require_POST
def score_question(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_member(request, slug)
    score = _score(cluster, pk)
    form = QuestionForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(errors_text(form))
        services.score_question(
            score=score, membership=access.membership, by=request.user, **form.cleaned_data
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your question has been sent to the entity."))
    return redirect(f"{score.get_absolute_url()}#questions")
