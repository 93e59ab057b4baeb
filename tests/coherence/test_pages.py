"""The coherence pages: record a strategy, score it, question and revise a score, the
coherence page with its filters; bad input refused with a message and nothing saved."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.models import AuditEntry, Membership
from coherence import services
from coherence.models import Score, ScoreQuestion, ScoreRevision, Strategy
from indicators.models import Objective
from tests.conftest import World
from tests.factories import ActorFactory, MembershipFactory
from tests.html_forms import forms_on


def make_strategy(w: World, membership: Membership | None = None, title: str = "Plan") -> Strategy:
    membership = membership or w.member_membership
    return services.strategy_create(
        membership=membership,
        by=w.users["member"] if membership == w.member_membership else w.users["coordinator"],
        title=title,
        kind="public_policy",
        starts_on=date(2026, 1, 1),
        territory="The district",
        summary="What it does",
    )


def strategy_data(**extra) -> dict:
    return {
        "title": "Social rent programme",
        "kind": "programme",
        "starts_on": "2026-01-01",
        "ends_on": "",
        "territory": "The district",
        "summary": "Flats at a social rent",
        "url": "",
        "status": "in_force",
        **extra,
    }


def page_form(client, page: str, url_name: str):
    response = client.get(page)
    assert response.status_code == 200
    return next(f for f in forms_on(response.content.decode(), "", page) if f.url_name == url_name)


def sheet_post(client, strategy: Strategy, **values) -> object:
    form = page_form(client, strategy.get_absolute_url(), "coherence:strategy-score")
    data = form.submission()
    data.update({name: [value] for name, value in values.items()})
    return client.post(form.action, data)


def objective(w: World) -> Objective:
    return w.indicator.objective


# --- Strategies -----------------------------------------------------------------------------


def test_a_member_records_a_strategy_through_the_form(world: World):
    client = world.client("member")
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 the plan", content_type="application/pdf")
    url = reverse("coherence:strategy-create", args=[world.cluster.slug])
    response = client.post(url, strategy_data(document=pdf))
    strategy = Strategy.objects.get(title="Social rent programme")
    assert response.status_code == 302 and response.url == strategy.get_absolute_url()
    assert strategy.membership == world.member_membership
    assert strategy.content_type == "application/pdf" and strategy.original_name == "plan.pdf"
    page = client.get(strategy.get_absolute_url()).content.decode()
    assert "Social rent programme" in page and "plan.pdf" in page
    download = client.get(
        reverse("coherence:strategy-document", args=[world.cluster.slug, strategy.pk])
    )
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    assert b"".join(download.streaming_content) == b"%PDF-1.4 the plan"


@pytest.mark.parametrize(
    "extra, field, message",
    [
        ({"starts_on": "2026-05-01", "ends_on": "2026-04-30"}, "ends_on", "ends after it starts"),
        ({"status": "ended", "ends_on": ""}, "ends_on", "Say when the strategy ended"),
        (
            {"document": SimpleUploadedFile("plan.pdf", b"<html><script>x</script>")},
            "document",
            "does not match its type",
        ),
        ({"document": SimpleUploadedFile("plan.exe", b"MZ\x90")}, "document", "not accepted"),
    ],
)
def test_bad_strategies_are_refused_with_a_message(world: World, extra, field, message):
    client = world.client("member")
    url = reverse("coherence:strategy-create", args=[world.cluster.slug])
    before = AuditEntry.objects.count()
    response = client.post(url, strategy_data(**extra))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Strategy.objects.filter(title="Social rent programme").exists()
    assert AuditEntry.objects.count() == before


def test_editing_unchanged_records_nothing_and_a_change_is_recorded(world: World):
    strategy = make_strategy(world)
    client = world.client("member")
    edit = reverse("coherence:strategy-edit", args=[world.cluster.slug, strategy.pk])
    for language in ("ca", "es", "en"):
        client.cookies["django_language"] = language
        form = page_form(client, edit, "coherence:strategy-edit")
        before = AuditEntry.objects.count()
        assert client.post(edit, form.submission()).status_code == 302
        assert AuditEntry.objects.count() == before, language
    form = page_form(client, edit, "coherence:strategy-edit")
    data = {**form.submission(), "ends_on": ["2025-12-31"]}
    assert client.post(edit, data).status_code == 400
    strategy.refresh_from_db()
    assert strategy.ends_on is None
    data = {**form.submission(), "territory": ["The whole city"]}
    assert client.post(edit, data).status_code == 302
    strategy.refresh_from_db()
    assert strategy.territory == "The whole city"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.STRATEGY_CHANGED).count() == 1


def test_only_the_own_entity_edits_and_scores(world: World):
    strategy = make_strategy(world)
    coordinator = world.client("coordinator")
    edit = reverse("coherence:strategy-edit", args=[world.cluster.slug, strategy.pk])
    assert coordinator.get(edit).status_code == 403
    score = reverse("coherence:strategy-score", args=[world.cluster.slug, strategy.pk])
    assert coordinator.post(score, {f"value_{objective(world).pk}": "2"}).status_code == 403
    page = coordinator.get(strategy.get_absolute_url()).content.decode()
    assert "coherence:strategy-score" not in page and "Score the strategy" not in page


def test_another_clusters_strategy_and_score_are_not_found(world: World):
    secret = Strategy.objects.get(title="Secret strategy")
    client = world.client("member")
    slug = world.cluster.slug
    assert (
        client.get(reverse("coherence:strategy-detail", args=[slug, secret.pk])).status_code == 404
    )
    assert client.get(reverse("coherence:strategy-edit", args=[slug, secret.pk])).status_code == 404
    score = secret.scores.get()
    assert client.get(reverse("coherence:score-detail", args=[slug, score.pk])).status_code == 404
    url = reverse("coherence:score-question", args=[slug, score.pk])
    assert client.post(url, {"comment": "Why?"}).status_code == 404
    assert not ScoreQuestion.objects.exists()


# --- The scoring sheet ----------------------------------------------------------------------


def test_score_through_the_sheet_then_revise_it(world: World):
    strategy = make_strategy(world)
    client = world.client("member")
    key = objective(world).pk
    response = sheet_post(client, strategy, **{f"value_{key}": "2", f"reason_{key}": "It helps"})
    assert response.status_code == 302
    score = Score.objects.get(strategy=strategy)
    assert (score.value, score.reason) == (2, "It helps")
    # Sent back as shown: nothing changes, nothing is recorded.
    before = (AuditEntry.objects.count(), ScoreRevision.objects.count())
    assert sheet_post(client, strategy).status_code == 302
    assert (AuditEntry.objects.count(), ScoreRevision.objects.count()) == before
    response = sheet_post(client, strategy, **{f"value_{key}": "-1", f"reason_{key}": "Rents"})
    assert response.status_code == 302
    page = client.get(reverse("coherence:score-detail", args=[world.cluster.slug, score.pk]))
    text = page.content.decode()
    assert "It helps" in text and "Rents" in text and "−1 Constraining" in text
    assert list(score.revisions.values_list("value", flat=True)) == [-1, 2]


@pytest.mark.parametrize(
    "values, message",
    [
        ({"value": "5", "reason": "Much"}, "on the scale"),
        ({"value": "1.5", "reason": "Some"}, "on the scale"),
        ({"value": "two", "reason": "Some"}, "on the scale"),
        ({"value": "-2", "reason": ""}, "needs a reason"),
    ],
)
def test_the_sheet_refuses_bad_scores(world: World, values, message):
    strategy = make_strategy(world)
    key = objective(world).pk
    posted = {f"{name}_{key}": value for name, value in values.items()}
    before = AuditEntry.objects.count()
    response = sheet_post(world.client("member"), strategy, **posted)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Score.objects.filter(strategy=strategy).exists()
    assert AuditEntry.objects.count() == before


def test_the_sheet_refuses_another_clusters_objective(world: World):
    strategy = make_strategy(world)
    other = Objective.objects.get(cluster=world.other_cluster, code="O1")
    key = objective(world).pk
    response = sheet_post(
        world.client("member"),
        strategy,
        **{f"value_{other.pk}": "3", f"reason_{other.pk}": "Mine", f"value_{key}": "1"},
        **{f"reason_{key}": "Ok"},
    )
    assert response.status_code == 400
    errors = response.context["sheet"].non_field_errors()
    assert errors == ["Choose one of this cluster's common objectives."]
    assert "this cluster&#x27;s common objectives" in response.content.decode()
    assert not Score.objects.filter(strategy=strategy).exists()


# --- Questions ------------------------------------------------------------------------------


def scored(world: World, value: int = -2) -> Score:
    strategy = make_strategy(world)
    return services.score_set(
        strategy=strategy,
        objective=objective(world),
        membership=world.member_membership,
        by=world.users["member"],
        value=value,
        reason="It pushes rents up",
    )


def test_another_entity_questions_a_score(world: World):
    score = scored(world)
    client = world.client("coordinator")
    page = reverse("coherence:score-detail", args=[world.cluster.slug, score.pk])
    form = page_form(client, page, "coherence:score-question")
    data = {**form.submission(), "comment": ["Does it really?"]}
    assert client.post(form.action, data).status_code == 302
    question = ScoreQuestion.objects.get(score=score)
    assert question.membership.role == "lead" and question.value_questioned == -2
    assert "Does it really?" in client.get(page).content.decode()
    # The strategy's page offers the form too, one per score.
    detail = client.get(score.strategy.get_absolute_url()).content.decode()
    assert "Question this score" in detail and "Does it really?" in detail


def test_the_own_entity_and_observers_do_not_question(world: World):
    score = scored(world)
    url = reverse("coherence:score-question", args=[world.cluster.slug, score.pk])
    response = world.client("member").post(url, {"comment": "Hm"}, follow=True)
    assert "revise the score instead" in response.content.decode()
    assert world.client("observer").post(url, {"comment": "Hm"}).status_code == 403
    page = world.client("member").get(score.get_absolute_url()).content.decode()
    assert "coherence:score-question" not in page and 'name="comment"' not in page
    assert not ScoreQuestion.objects.exists()


# --- The coherence page ---------------------------------------------------------------------


def test_the_page_shows_incoherences_and_a_proposal_to_resolve_them(world: World):
    score = scored(world)
    page = world.client("coordinator").get(
        reverse("coherence:coherence", args=[world.cluster.slug])
    )
    text = page.content.decode()
    create = reverse("planning:proposal-create", args=[world.cluster.slug])
    assert f"{create}?incoherence={score.pk}" in text
    assert "−2 Counteracting" in text and "It pushes rents up" in text
    observer = world.client("observer").get(
        reverse("coherence:coherence", args=[world.cluster.slug])
    )
    assert "?incoherence=" not in observer.content.decode()
    assert "Record a strategy" not in observer.content.decode()


def test_filters_narrow_the_heat_map_and_bad_values_are_ignored(world: World):
    make_strategy(world, title="Tenants plan")
    make_strategy(world, world.cluster.memberships.get(role="lead"), title="Foundation plan")
    client = world.client("member")
    url = reverse("coherence:coherence", args=[world.cluster.slug])
    mine = client.get(url, {"entity": world.member_membership.pk}).context["data"]
    assert [s.title for s in mine.strategies] == ["Tenants plan"]
    kinds = client.get(url, {"kind": "regulation"}).context["data"]
    assert kinds.strategies == []
    one = client.get(url, {"objective": objective(world).pk}).context["data"]
    assert [o.pk for o in one.objectives] == [objective(world).pk]
    secret = Objective.objects.get(cluster=world.other_cluster)
    for junk in ({"entity": "x"}, {"objective": secret.pk}, {"kind": "<b>"}, {"entity": "-1"}):
        response = client.get(url, junk)
        assert response.status_code == 200
        assert len(response.context["data"].strategies) == 2


def add_strategies(world: World, n: int, own: bool) -> None:
    for i in range(n):
        if own:
            membership = world.member_membership
        else:
            actor = ActorFactory(name=f"Entity {n}-{i:02}")
            membership = MembershipFactory(cluster=world.cluster, actor=actor)
        strategy = make_strategy(world, membership, title=f"Plan {n}-{i:02}")
        strategy.sdg_targets.set(world.issue.sdg_targets.all())
        Score.objects.create(
            strategy=strategy,
            objective=objective(world),
            value=-1 if i % 2 else 2,
            reason="Why",
            scored_at=strategy.created_at,
        )


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["coherence", "entity"])
def test_the_pages_cost_the_same_queries_with_2_and_20_strategies(world: World, page: str):
    client = world.client("coordinator")
    if page == "coherence":
        url = reverse("coherence:coherence", args=[world.cluster.slug])
    else:
        url = reverse("coherence:entity", args=[world.cluster.slug, world.member_membership.pk])
    add_strategies(world, 2, own=page == "entity")
    two = queries(client, url)
    add_strategies(world, 18, own=page == "entity")
    assert queries(client, url) == two


def test_a_large_matrix_is_shown_a_page_at_a_time_and_its_worst_incoherences_first(
    world: World, monkeypatch
):
    from coherence import pages

    monkeypatch.setattr(pages, "MATRIX_PAGE", 3)
    monkeypatch.setattr(pages, "SHOWN_INCOHERENCES", 2)
    o1 = objective(world)
    for n, value in enumerate([-1, -3, -2, 1, -1]):
        strategy = make_strategy(world, title=f"Plan {n}")
        services.score_set(
            strategy=strategy,
            objective=o1,
            membership=world.member_membership,
            by=world.users["member"],
            value=value,
            reason="Why",
        )
    url = reverse("coherence:coherence", args=[world.cluster.slug])
    client = world.client("observer")
    first = client.get(url)
    second = client.get(url, {"page": 2})
    # Strategies in order of their entity, start and title: three, then two.
    assert [s.title for s in first.context["page"].object_list] == ["Plan 0", "Plan 1", "Plan 2"]
    assert [s.title for s in second.context["page"].object_list] == ["Plan 3", "Plan 4"]
    html = first.content.decode()
    assert "Page 1 of 2" in html and "Plan 3" not in html.split("incoherences-title")[0]
    # Four incoherences; the two worst shown, and the page says so.
    shown = [item.score.strategy.title for item in first.context["incoherences"]]
    assert shown == ["Plan 1", "Plan 2"]
    assert first.context["incoherence_count"] == 4
    assert "The 2 worst of 4" in html


def test_the_findings_kept_between_reads_follow_each_change(world: World):
    """The whole cluster's findings are cached: a score set, and an entity renamed (which
    no cluster's log records), are on the very next read."""
    url = reverse("coherence:coherence", args=[world.cluster.slug])
    client = world.client("coordinator")
    assert client.get(url).context["incoherence_count"] == 0
    score = scored(world)
    page = client.get(url)
    assert page.context["incoherence_count"] == 1
    services.score_set(
        strategy=score.strategy,
        objective=score.objective,
        membership=world.member_membership,
        by=world.users["member"],
        value=2,
        reason="Rents capped after all",
    )
    page = client.get(url)
    assert page.context["incoherence_count"] == 0
    assert page.context["unsupported"] == []
    world.member_membership.actor.name = "Renamed Neighbours"
    world.member_membership.actor.save(update_fields=["name"])
    services.score_set(
        strategy=score.strategy,
        objective=score.objective,
        membership=world.member_membership,
        by=world.users["member"],
        value=-3,
        reason="Rents up again",
    )
    client.get(url)
    world.member_membership.actor.name = "Neighbours again"
    world.member_membership.actor.save(update_fields=["name"])
    shown = client.get(url).context["incoherences"]
    assert [item.score.strategy.entity_name for item in shown] == ["Neighbours again"]


def test_a_read_again_costs_the_same_queries_with_2_and_20_strategies(world: World):
    client = world.client("coordinator")
    url = reverse("coherence:coherence", args=[world.cluster.slug])
    add_strategies(world, 2, own=False)
    client.get(url)
    two = queries(client, url)
    add_strategies(world, 18, own=False)
    client.get(url)
    assert queries(client, url) == two
