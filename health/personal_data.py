"""What the health app holds about a person: the survey answers they gave for their
entity (or as coordinator), the rounds they prepared and the plan actions they recorded
(accounts.personal_data). The answers are the entity's and stay when the account goes, by
the emptied account; the person's own export lists them, values included, since they gave
them."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.personal_data import Part, rows
from health.models import Answer, PlanAction, SurveyRound


def export(user: User) -> dict[str, Any]:
    return {
        "survey_answers": rows(
            Answer.objects.filter(response__answered_by=user).order_by(
                "response__round__opens_at", "question__order", "pk"
            ),
            cluster="response__round__cluster__name",
            round_year="response__round__year",
            entity="response__membership__actor__name",
            question="question__code",
            own_question="question__text_en",
            answer="value",
            comment="comment",
            answered_at="response__updated_at",
        ),
        "survey_rounds_prepared": rows(
            SurveyRound.objects.filter(created_by=user).order_by("created_at"),
            cluster="cluster__name",
            year="year",
            opens_at="opens_at",
            closes_at="closes_at",
        ),
        "health_plan_actions_recorded": rows(
            PlanAction.objects.filter(created_by=user).order_by("created_at"),
            cluster="round__cluster__name",
            effect="effect",
            what="what",
            due="due",
            status="status",
        ),
    }


PART = Part("health", export=export)
