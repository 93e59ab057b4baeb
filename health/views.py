"""The health page, survey rounds, answering, and the action plan."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusters.access import (
    ClusterAccess,
    cluster_for_coordinator,
    cluster_for_member,
    cluster_for_reader,
)
from clusters.models import Cluster, Membership
from core.errors import DomainError
from core.forms import errors_text
from core.paging import paginate
from health import services
from health.forms import (
    AnswerForm,
    PlanActionForm,
    PlanFollowUpForm,
    QuestionForm,
    RescheduleForm,
    RoundForm,
)
from health.models import PlanAction, Question, SurveyRound
from health.pages import health_context, round_context, weak_effects
from health.results import rounds_with_counts


def _round(cluster: Cluster, pk: int) -> SurveyRound:
    round = cluster.survey_rounds.select_related("cluster", "period").filter(pk=pk).first()
    if round is None:
        raise Http404
    return round


def _valid(form: Form) -> dict:
    if not form.is_valid():
        raise DomainError(errors_text(form))
    return form.cleaned_data


def _change(
    request: HttpRequest, slug: str, pk: int, change: Callable[[SurveyRound], object], done: str
) -> HttpResponse:
    """Run one coordinator's change of a round and come back to it with a message."""
    cluster, _access = cluster_for_coordinator(request, slug)
    round = _round(cluster, pk)
    try:
        change(round)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect(round.get_absolute_url())


@login_required
def health(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_reader(request, slug)
    page, query = paginate(request, rounds_with_counts(cluster))
    context = health_context(cluster, access)
    return render(request, "health/health.html", {**context, "page": page, "query": query})


@login_required
def round_create(request: HttpRequest, slug: str) -> HttpResponse:
    cluster, access = cluster_for_coordinator(request, slug)
    form = RoundForm(request.POST or None, cluster=cluster)
    if request.method == "POST" and form.is_valid():
        try:
            round = services.round_create(cluster=cluster, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The round is ready: add the cluster's own questions, then open it.")
            )
            return redirect(round.get_absolute_url())
    return render(
        request, "health/round_form.html", {"cluster": cluster, "access": access, "form": form}
    )


@login_required
def round_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_reader(request, slug)
    round = _round(cluster, pk)
    return render(request, "health/round_detail.html", round_context(round, access))


@login_required
@require_POST
def round_open(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _change(
        request,
        slug,
        pk,
        lambda round: services.round_open(round=round, by=request.user),
        _("The round is open: the member entities can answer it."),
    )


@login_required
@require_POST
def round_reschedule(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def change(round: SurveyRound) -> None:
        values = _valid(RescheduleForm(request.POST, round=round))
        services.round_reschedule(round=round, by=request.user, **values)

    return _change(request, slug, pk, change, _("The round's dates have been saved."))


@login_required
@require_POST
def question_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def change(round: SurveyRound) -> None:
        form = QuestionForm(request.POST)
        _valid(form)
        services.question_add(round=round, by=request.user, **form.service_values())

    return _change(request, slug, pk, change, _("The question has been added."))


@login_required
@require_POST
def question_remove(request: HttpRequest, slug: str, pk: int, question: int) -> HttpResponse:
    def change(round: SurveyRound) -> None:
        found = round.questions.filter(pk=question).first()
        if found is None:
            raise Http404
        services.question_remove(question=found, by=request.user)

    return _change(request, slug, pk, change, _("The question has been removed."))


def _answer_page(
    request: HttpRequest, access: ClusterAccess, round: SurveyRound, membership: Membership | None
) -> HttpResponse:
    """The questionnaire of an entity (or of the coordinator, with no entity), prefilled
    with its current answers; saving replaces them."""
    audience = Question.Audience.COORDINATOR if membership is None else Question.Audience.PARTNERS
    questions = list(round.questions.filter(audience=audience))
    response = round.responses.filter(membership=membership).first()
    current = (
        {a.question_id: (a.value, a.comment) for a in response.answers.all()} if response else {}
    )
    form = AnswerForm(request.POST or None, questions=questions, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.response_save(
                round=round, by=request.user, membership=membership, answers=form.answers()
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Your answers have been saved. You can change them until the round closes."),
            )
            return redirect(round.get_absolute_url())
    context = {**round_context(round, access), "form": form, "response": response}
    return render(request, "health/answer.html", {**context, "for_coordinator": membership is None})


@login_required
def answer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_member(request, slug)
    return _answer_page(request, access, _round(cluster, pk), access.membership)


@login_required
def answer_coordinator(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cluster, access = cluster_for_coordinator(request, slug)
    return _answer_page(request, access, _round(cluster, pk), None)


@login_required
@require_POST
def plan_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def change(round: SurveyRound) -> None:
        form = PlanActionForm(request.POST, cluster=round.cluster, effects=weak_effects(round))
        services.plan_action_add(round=round, by=request.user, **_valid(form))

    return _change(request, slug, pk, change, _("The action has been added to the plan."))


@login_required
@require_POST
def plan_follow_up(request: HttpRequest, slug: str, pk: int, action: int) -> HttpResponse:
    def change(round: SurveyRound) -> None:
        found = PlanAction.objects.filter(round=round, pk=action).first()
        if found is None:
            raise Http404
        values = _valid(PlanFollowUpForm(request.POST, instance=found))
        services.plan_action_update(action=found, by=request.user, **values)

    return _change(request, slug, pk, change, _("The action's follow-up has been saved."))
