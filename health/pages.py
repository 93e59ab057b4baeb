"""What the health pages show, gathered for their templates in a fixed number of queries
(the views stay thin; the rules are in results, scoring and services)."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from clusters.access import ClusterAccess
from clusters.models import Cluster
from health.figures import derived_figures
from health.forms import PlanActionForm, PlanFollowUpForm, QuestionForm, RescheduleForm
from health.models import SurveyRound
from health.pictures import band_labels, effects_chart_svg, figures_with_sparklines
from health.results import effects_over_rounds, round_results


def weak_effects(round: SurveyRound) -> list[tuple[str, str]]:
    """The effects an action plan may answer: weak or unsatisfactory in the round."""
    return [(line.key, line.label) for line in round_results(round).effects_needing_action]


def _current_round(cluster: Cluster) -> SurveyRound | None:
    """The round being prepared or taking answers, if any (the newest)."""
    return (
        cluster.survey_rounds.exclude(status=SurveyRound.Status.CLOSED)
        .select_related("cluster", "period")
        .order_by("-opens_at")
        .first()
    )


def _latest_closed(cluster: Cluster) -> SurveyRound | None:
    return (
        cluster.survey_rounds.closed()
        .select_related("cluster", "period")
        .order_by("-opens_at")
        .first()
    )


def _answered_by(round: SurveyRound, access: ClusterAccess) -> bool:
    """Whether the entity this person acts for has answered the round."""
    if access.membership is None:
        return False
    return round.responses.filter(membership=access.membership).exists()


def _current_answers(current: SurveyRound | None, access: ClusterAccess) -> dict:
    """How many entities answered the current round, and whether this person's did: one
    query, whether or not the person acts for an entity."""
    if current is None:
        return {"current_answered": 0, "answered_current": False}
    own = Q(membership=access.membership) if access.membership is not None else Q(pk__in=[])
    counts = current.responses.aggregate(
        answered=Count("id", filter=Q(membership__isnull=False)), own=Count("id", filter=own)
    )
    return {"current_answered": counts["answered"], "answered_current": counts["own"] > 0}


def health_context(cluster: Cluster, access: ClusterAccess) -> dict:
    latest = _latest_closed(cluster)
    current = _current_round(cluster)
    return {
        "cluster": cluster,
        "access": access,
        "latest": latest,
        "results": round_results(latest) if latest else None,
        "current": current,
        **_current_answers(current, access),
        "current_taking_answers": current.takes_answers() if current else False,
        "effects_chart": effects_chart_svg(effects_over_rounds(cluster), "health-effects"),
        "bands": band_labels(),
        **_figures(cluster),
    }


# The derived figures look back over whole reporting periods: a page may show them up to
# this many seconds old, which spares a large cluster their dozens of aggregates on every
# visit (the reports compute them afresh).
FIGURES_FOR = 300


def _figures(cluster: Cluster) -> dict:
    """The figures' section as HTML: what is cached is the section written out, not its
    figures, for its table has a row of numbers per entity (hundreds in a large cluster)
    that would otherwise be put in the reader's format on every visit."""
    language = translation.get_language()
    key = f"health-figures-html:{cluster.pk}:{language}:{timezone.localdate()}"
    return {"figures_html": cache.get_or_set(key, lambda: _figures_now(cluster), FIGURES_FOR)}


def _figures_now(cluster: Cluster) -> str:
    derived = derived_figures(cluster)
    context = {
        "figures": figures_with_sparklines(derived, "health-figure"),
        "figure_span": (derived.periods[0].label, derived.periods[-1].label)
        if derived.periods
        else None,
        "entity_rows": derived.entities,
    }
    return render_to_string("health/_figures.html", context)


def _silent(round: SurveyRound) -> list:
    """The entities that have not answered, for the coordinator to follow up."""
    return list(
        round.cluster.memberships.voting()
        .exclude(pk__in=round.responses.filter(membership__isnull=False).values("membership_id"))
        .select_related("actor")
        .order_by("actor__name")
    )


def _coordinator_forms(round: SurveyRound, results) -> dict:
    weak = [(line.key, line.label) for line in results.effects_needing_action] if results else []
    return {
        "question_form": QuestionForm() if round.is_draft else None,
        "reschedule_form": RescheduleForm(round=round) if not round.is_closed else None,
        "plan_form": PlanActionForm(cluster=round.cluster, effects=weak)
        if round.is_closed and weak
        else None,
        "silent": _silent(round) if round.is_open else [],
    }


def round_context(round: SurveyRound, access: ClusterAccess) -> dict:
    results = round_results(round) if round.is_closed else None
    plan = list(round.plan.select_related("lead__actor").order_by("due", "pk"))
    context = {
        "cluster": round.cluster,
        "access": access,
        "round": round,
        "results": results,
        "plan": [
            (action, PlanFollowUpForm(instance=action, auto_id=f"id_a{action.pk}_%s"))
            for action in plan
        ]
        if access.is_coordinator
        else [(action, None) for action in plan],
        # The member entities' questionnaire first ("partners" sorts after "coordinator").
        "questions": list(round.questions.order_by("-audience", "order", "pk")),
        "taking_answers": round.takes_answers(),
        "answered_count": round.responses.filter(membership__isnull=False).count(),
        "eligible": round.cluster.memberships.voting().count(),
        "answered": _answered_by(round, access),
        "coordinator_answered": round.responses.filter(membership__isnull=True).exists(),
        "bands": band_labels(),
        "now": timezone.now(),
    }
    if access.is_coordinator:
        context.update(_coordinator_forms(round, results))
    return context
