"""What the coherence app holds about a person: the strategies they recorded, the scores
they gave and the questions they asked, for their entity (accounts.personal_data). These
are the entity's and stay when the account goes, by the emptied account; the person's own
export lists them, reasons and comments included, since they wrote them."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.personal_data import Part, rows
from coherence.models import ScoreQuestion, ScoreRevision, Strategy


def export(user: User) -> dict[str, Any]:
    return {
        "strategies_recorded": rows(
            Strategy.objects.filter(created_by=user).order_by("created_at", "pk"),
            cluster="cluster__name",
            entity="membership__actor__name",
            title="title",
            kind="kind",
            recorded_at="created_at",
        ),
        "coherence_scores_given": rows(
            ScoreRevision.objects.filter(by=user).order_by("at", "pk"),
            cluster="score__strategy__cluster__name",
            strategy="score__strategy__title",
            objective="score__objective__code",
            score="value",
            reason="reason",
            at="at",
        ),
        "coherence_questions_asked": rows(
            ScoreQuestion.objects.filter(by=user).order_by("at", "pk"),
            cluster="score__strategy__cluster__name",
            entity="membership__actor__name",
            strategy="score__strategy__title",
            objective="score__objective__code",
            comment="comment",
            at="at",
        ),
    }


PART = Part("coherence", export=export)
