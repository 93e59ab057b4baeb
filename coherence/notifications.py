"""The email that tells an entity's people another member entity questioned one of its
scores: who, on which strategy and objective, what it said, and the link to answer by
revising the score (sent once the question is committed)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from clusters.emails import send_to_each
from clusters.selectors import people_to_email
from coherence.models import ScoreQuestion
from core.tasks import TRANSIENT_MAIL_ERRORS


def score_questioned(question_id: int) -> int:
    """Email the people of the strategy's entity who have not turned emails off, each in
    their language; never the person who asked. Nothing when the question is gone."""
    question = (
        ScoreQuestion.objects.select_related(
            "score__objective", "score__strategy__cluster", "membership__actor"
        )
        .filter(pk=question_id)
        .first()
    )
    if question is None:
        return 0
    score = question.score
    strategy = score.strategy
    link = settings.SITE_URL + reverse(
        "coherence:score-detail", args=[strategy.cluster.slug, score.pk]
    )
    entity = strategy.cluster.memberships.filter(pk=strategy.membership_id)
    people = people_to_email(entity)
    if question.by_id is not None:
        people = people.exclude(pk=question.by_id)
    context = {
        "question": question,
        "score": score,
        "strategy": strategy,
        "cluster": strategy.cluster,
        "link": link,
    }
    return send_to_each(people, "coherence/email/questioned", context)


@shared_task(autoretry_for=TRANSIENT_MAIL_ERRORS, retry_backoff=True, max_retries=5)
def email_score_questioned(question_id: int) -> int:
    return score_questioned(question_id)
