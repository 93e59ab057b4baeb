"""The writes of the coherence part: every revision and question kept, one audit entry per
write, and bad input refused with a message and nothing saved."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from clusters.models import AuditEntry, Membership
from coherence import services
from coherence.models import Score, ScoreQuestion, ScoreRevision, Strategy
from core.errors import DomainError
from indicators.models import Objective
from rights.models import Right, SDGTarget

A = AuditEntry.Action


@pytest.fixture
def lead(world) -> Membership:
    return Membership.objects.get(cluster=world.cluster, actor=world.lead)


@pytest.fixture
def objective(world) -> Objective:
    return Objective.objects.get(cluster=world.cluster, code="O1")


def fields(**overrides):
    values = {
        "title": "Housing plan",
        "kind": Strategy.Kind.PUBLIC_POLICY,
        "starts_on": date(2025, 1, 1),
        "ends_on": date(2028, 12, 31),
        "territory": "Nou Barris",
        "summary": "The district's housing plan",
    }
    return values | overrides


@pytest.fixture
def strategy(world) -> Strategy:
    return services.strategy_create(
        membership=world.member_membership, by=world.users["member"], **fields()
    )


def entries(world, action=None) -> list[AuditEntry]:
    found = AuditEntry.objects.filter(cluster=world.cluster).order_by("pk")
    return list(found.filter(action=action) if action else found)


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count() for m in (Strategy, Score, ScoreRevision, ScoreQuestion, AuditEntry)
    )


# --- Strategies -------------------------------------------------------------------------


def test_a_strategy_is_recorded_with_its_targets_and_rights_and_one_audit_entry(world):
    before = len(entries(world))
    targets = list(SDGTarget.objects.filter(code__in=["11.1", "1.4"]))
    rights = list(Right.objects.all()[:1])
    strategy = services.strategy_create(
        membership=world.member_membership,
        by=world.users["member"],
        sdg_targets=targets,
        rights=rights,
        url="https://example.org/plan",
        **fields(),
    )
    assert strategy.cluster == world.cluster and strategy.membership == world.member_membership
    assert strategy.status == Strategy.Status.IN_FORCE
    assert set(strategy.sdg_targets.all()) == set(targets)
    assert list(strategy.rights.all()) == rights
    (entry,) = entries(world)[before:]
    assert entry.action == A.STRATEGY_RECORDED and entry.by == world.users["member"]
    assert entry.data["about"] == {"entity": "Neighbours Association", "kind": "public_policy"}


@pytest.mark.parametrize("who", ["observer", "institution"])
def test_observers_and_institutions_record_no_strategy(world, who):
    membership = getattr(world, f"{who}_membership")
    before = counts()
    with pytest.raises(DomainError, match="lead or member entity"):
        services.strategy_create(membership=membership, by=world.users[who], **fields())
    with pytest.raises(DomainError):
        services.strategy_create(membership=None, by=world.users["outsider"], **fields())
    assert counts() == before


def test_a_period_ending_before_it_starts_is_refused_on_create_and_update(world, strategy):
    before = counts()
    with pytest.raises(DomainError, match="ends after it starts"):
        services.strategy_create(
            membership=world.member_membership,
            by=world.users["member"],
            **fields(starts_on=date(2026, 1, 1), ends_on=date(2025, 12, 31)),
        )
    with pytest.raises(DomainError, match="ends after it starts"):
        services.strategy_update(
            strategy=strategy,
            membership=world.member_membership,
            by=world.users["member"],
            ends_on=date(2024, 12, 31),
        )
    with pytest.raises(DomainError, match="ends after it starts"):
        services.strategy_update(
            strategy=strategy,
            membership=world.member_membership,
            by=world.users["member"],
            starts_on=date(2029, 1, 1),
        )
    assert counts() == before
    strategy.refresh_from_db()
    assert (strategy.starts_on, strategy.ends_on) == (date(2025, 1, 1), date(2028, 12, 31))


def test_an_ended_strategy_says_when_it_ended(world, strategy):
    """Without an end date it would count in the coherence figure of every period to come."""
    before = counts()
    with pytest.raises(DomainError, match="Say when the strategy ended"):
        services.strategy_create(
            membership=world.member_membership,
            by=world.users["member"],
            **fields(ends_on=None, status=Strategy.Status.ENDED),
        )
    with pytest.raises(DomainError, match="Say when the strategy ended"):
        services.strategy_update(
            strategy=strategy,
            membership=world.member_membership,
            by=world.users["member"],
            ends_on=None,
            status=Strategy.Status.ENDED,
        )
    assert counts() == before
    services.strategy_update(
        strategy=strategy,
        membership=world.member_membership,
        by=world.users["member"],
        status=Strategy.Status.ENDED,
    )
    strategy.refresh_from_db()
    assert strategy.is_ended and strategy.ends_on == date(2028, 12, 31)


def test_a_replaced_document_is_named_in_the_log_and_its_file_goes_after_the_commit(
    world, strategy, django_capture_on_commit_callbacks, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path

    def pdf(name):
        return SimpleUploadedFile(name, b"%PDF-1.4 a plan", content_type="application/pdf")

    with django_capture_on_commit_callbacks(execute=True):
        services.strategy_update(
            strategy=strategy,
            membership=world.member_membership,
            by=world.users["member"],
            upload=pdf("plan-2025.pdf"),
            content_type="application/pdf",
        )
    strategy.refresh_from_db()
    first = strategy.document.name
    assert strategy.document.storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        services.strategy_update(
            strategy=strategy,
            membership=world.member_membership,
            by=world.users["member"],
            upload=pdf("plan-2026.pdf"),
            content_type="application/pdf",
        )
    strategy.refresh_from_db()
    assert strategy.original_name == "plan-2026.pdf"
    assert not strategy.document.storage.exists(first)
    assert strategy.document.storage.exists(strategy.document.name)
    last = entries(world, AuditEntry.Action.STRATEGY_CHANGED)[-1]
    assert last.data["changes"]["document"] == ["plan-2025.pdf", "plan-2026.pdf"]


def test_a_strategy_ending_the_day_it_starts_is_fine(world):
    services.strategy_create(
        membership=world.member_membership,
        by=world.users["member"],
        **fields(starts_on=date(2026, 1, 1), ends_on=date(2026, 1, 1)),
    )


def test_only_its_own_entity_changes_a_strategy(world, strategy, lead):
    before = counts()
    with pytest.raises(DomainError, match="Only the entity whose strategy it is"):
        services.strategy_update(
            strategy=strategy, membership=lead, by=world.users["coordinator"], title="Taken"
        )
    assert counts() == before
    strategy.refresh_from_db()
    assert strategy.title == "Housing plan"


def test_a_change_is_one_audit_entry_with_what_changed(world, strategy):
    before = len(entries(world))
    services.strategy_update(
        strategy=strategy,
        membership=world.member_membership,
        by=world.users["member"],
        title="Housing plan 2025–2028",
        status=Strategy.Status.ENDED,
    )
    (entry,) = entries(world)[before:]
    assert entry.action == A.STRATEGY_CHANGED
    assert entry.data["changes"]["title"] == ["Housing plan", "Housing plan 2025–2028"]
    assert entry.data["changes"]["status"] == ["in_force", "ended"]


def test_saved_unchanged_a_strategy_records_nothing(world, strategy):
    before = counts()
    services.strategy_update(
        strategy=strategy,
        membership=world.member_membership,
        by=world.users["member"],
        title="Housing plan",
        territory="Nou Barris",
        sdg_targets=[],
    )
    assert counts() == before


def test_strategy_update_changes_only_its_fields(world, strategy):
    with pytest.raises(TypeError):
        services.strategy_update(
            strategy=strategy,
            membership=world.member_membership,
            by=world.users["member"],
            membership_id=1,
        )


# --- Scores and their revisions ---------------------------------------------------------


def score(world, strategy, objective, value, reason="Because", membership=None):
    return services.score_set(
        strategy=strategy,
        objective=objective,
        membership=membership or world.member_membership,
        by=world.users["member"],
        value=value,
        reason=reason,
    )


def test_every_value_of_a_score_is_kept_as_a_revision(world, strategy, objective, clock):
    before = len(entries(world))
    first = score(world, strategy, objective, 1, "Some families are advised")
    clock.shift(timedelta(days=3))
    score(world, strategy, objective, 2, "Some families are advised")
    clock.shift(timedelta(days=3))
    last = score(world, strategy, objective, 2, "Every family is advised now")
    assert first.pk == last.pk
    assert Score.objects.filter(strategy=strategy).count() == 1
    assert (last.value, last.reason) == (2, "Every family is advised now")
    revisions = list(last.revisions.order_by("at"))
    assert [(r.value, r.reason) for r in revisions] == [
        (1, "Some families are advised"),
        (2, "Some families are advised"),
        (2, "Every family is advised now"),
    ]
    assert all(r.by == world.users["member"] for r in revisions)
    assert revisions[0].at < revisions[1].at < revisions[2].at
    # One entry per write: the first with its value, the others with what changed.
    written = entries(world)[before:]
    assert [e.action for e in written] == [A.COHERENCE_SCORED] * 3
    assert written[0].data["value"] == 1
    assert written[1].data["changes"] == {"value": [1, 2]}
    assert written[2].data["changes"] == {
        "reason": ["Some families are advised", "Every family is advised now"]
    }


def test_the_same_score_and_reason_again_is_nothing_new(world, strategy, objective):
    score(world, strategy, objective, -1, "It limits the rehousing")
    before = counts()
    again = score(world, strategy, objective, -1, "  It limits the rehousing ")
    assert again.value == -1
    assert counts() == before


def test_a_zero_needs_no_reason(world, strategy, objective):
    assert score(world, strategy, objective, 0, "").value == 0


@pytest.mark.parametrize("value", [4, -4, "2", True, 1.5, None])
def test_a_score_off_the_scale_is_refused(world, strategy, objective, value):
    before = counts()
    with pytest.raises(DomainError, match="on the scale"):
        score(world, strategy, objective, value)
    assert counts() == before


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_score_other_than_zero_needs_a_reason(world, strategy, objective, reason):
    before = counts()
    with pytest.raises(DomainError, match="needs a reason"):
        score(world, strategy, objective, 2, reason)
    assert counts() == before


def test_a_reason_too_long_is_refused(world, strategy, objective):
    before = counts()
    with pytest.raises(DomainError, match="too long"):
        score(world, strategy, objective, 2, "x" * 2001)
    assert counts() == before


def test_only_the_clusters_adopted_objectives_are_scored(world, strategy):
    other = Objective.objects.get(cluster=world.other_cluster, code="O1")
    proposed = Objective.objects.create(
        cluster=world.cluster, code="O9", statement="Later", status=Objective.Status.PROPOSED
    )
    before = counts()
    for objective in (other, proposed):
        with pytest.raises(DomainError, match="this cluster's common objectives"):
            score(world, strategy, objective, 1)
    assert counts() == before


def test_another_entity_neither_scores_nor_changes_a_strategy(world, strategy, objective, lead):
    before = counts()
    with pytest.raises(DomainError, match="Only the entity whose strategy it is"):
        score(world, strategy, objective, 2, membership=lead)
    with pytest.raises(DomainError, match="Only the entity whose strategy it is"):
        services.score_set(
            strategy=strategy,
            objective=objective,
            membership=None,
            by=world.users["outsider"],
            value=2,
            reason="Because",
        )
    assert counts() == before


# --- Questions --------------------------------------------------------------------------


def test_a_question_keeps_the_value_it_questioned(world, strategy, objective, lead, clock):
    scored = score(world, strategy, objective, 2, "Every family is advised")
    before = len(entries(world))
    question = services.score_question(
        score=scored,
        membership=lead,
        by=world.users["coordinator"],
        comment="  Only on weekdays: is it +2?  ",
    )
    assert (question.value_questioned, question.comment) == (2, "Only on weekdays: is it +2?")
    assert question.membership == lead and question.by == world.users["coordinator"]
    (entry,) = entries(world)[before:]
    assert entry.action == A.SCORE_QUESTIONED and entry.data["entity"] == "Lead Foundation"
    # The entity revises it: the question still shows what it questioned.
    clock.shift(timedelta(days=1))
    score(world, strategy, objective, 1, "Only on weekdays")
    question.refresh_from_db()
    assert question.value_questioned == 2
    assert list(scored.questions.all()) == [question]
    assert [r.value for r in scored.revisions.order_by("at")] == [2, 1]


def test_the_own_entity_does_not_question_its_own_score(world, strategy, objective):
    scored = score(world, strategy, objective, 2)
    before = counts()
    with pytest.raises(DomainError, match="revise the score instead"):
        services.score_question(
            score=scored,
            membership=world.member_membership,
            by=world.users["member"],
            comment="Really?",
        )
    assert counts() == before


@pytest.mark.parametrize("who", ["observer", "institution", "outsider", "nobody"])
def test_only_another_lead_or_member_entity_of_the_cluster_questions(
    world, strategy, objective, who
):
    scored = score(world, strategy, objective, 2)
    membership = {
        "observer": world.observer_membership,
        "institution": world.institution_membership,
        "outsider": Membership.objects.get(cluster=world.other_cluster, actor=world.outsider_actor),
        "nobody": None,
    }[who]
    before = counts()
    with pytest.raises(DomainError, match="question a score"):
        services.score_question(
            score=scored, membership=membership, by=world.users["outsider"], comment="Why?"
        )
    assert counts() == before


def test_a_question_says_something(world, strategy, objective, lead):
    scored = score(world, strategy, objective, 2)
    before = counts()
    for comment in ("", "   ", "x" * 2001):
        with pytest.raises(DomainError):
            services.score_question(
                score=scored, membership=lead, by=world.users["coordinator"], comment=comment
            )
    assert counts() == before


# --- What the database holds whatever writes to it --------------------------------------


def test_the_database_holds_scores_on_the_scale(world, strategy, objective):
    for value in (4, -4):
        with pytest.raises(IntegrityError), transaction.atomic():
            Score.objects.create(
                strategy=strategy,
                objective=objective,
                value=value,
                reason="Off",
                scored_at=timezone.now(),
            )
    assert not strategy.scores.exists()


def test_the_database_holds_a_reason_unless_zero(world, strategy, objective):
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(
            strategy=strategy, objective=objective, value=1, reason="", scored_at=timezone.now()
        )


def test_the_database_holds_strategies_ending_after_they_start(world, strategy):
    with pytest.raises(IntegrityError), transaction.atomic():
        Strategy.objects.filter(pk=strategy.pk).update(ends_on=date(2024, 1, 1))
    strategy.refresh_from_db()
    assert strategy.ends_on == date(2028, 12, 31)


def test_the_database_holds_one_score_per_strategy_and_objective(world, strategy, objective):
    score(world, strategy, objective, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(
            strategy=strategy, objective=objective, value=0, scored_at=timezone.now()
        )
