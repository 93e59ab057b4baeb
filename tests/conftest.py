"""The shared small world: one cluster seen by six people, and a second cluster whose
data must never leak into the first one's pages."""

from __future__ import annotations

import copy
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from accounts.models import User
from actors.models import Actor, ActorUser
from clusters.models import Cluster, Membership
from config.celery import app as celery_app
from health.models import Question, SurveyRound
from indicators.models import Indicator, MeasurementReport, Objective, ReportingPeriod
from planning.models import Contribution, JointAction, Proposal
from reports.models import ReportJob
from rights.models import Evidence, RightsIssue
from tests.clock import NOW, days
from tests.factories import (
    ActorFactory,
    ActorUserFactory,
    ClusterFactory,
    ClusterRoleFactory,
    InvitationFactory,
    MembershipFactory,
    RightsIssueFactory,
    UserFactory,
)

# The six people of the permission matrix, plus a representative of the member entity who
# is not its administrator (acting for the entity: leaving, editing it, needs the admin).
PEOPLE = (
    "coordinator",
    "member",
    "representative",
    "observer",
    "institution",
    "outsider",
    "anonymous",
)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """On SQLite the tests use a database file, as the embedded default does, not Django's
    shared in-memory database: its table locks ignore the busy timeout, so requests at the
    same moment (tests/test_concurrent_requests.py) would fail there and nowhere else. The
    file is this run's own, so that two runs in one checkout do not share it."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["TEST"]["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Coordinates]:
    """Every test starts at the suite's one "today" (tests/clock.py), the clock ticking on
    from there; a test moves it with ``clock.shift(...)`` or ``clock.move_to(...)``."""
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def eager_celery(settings):
    """Tasks run in the test process unless a test starts a real worker.

    Emails go to Django's test mailbox, and tests stay independent of any worker.
    """
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Reports render in the test's own thread, without a heartbeat thread beside it;
    # the tests of those threads turn them back on.
    settings.REPORTS_RENDER_AFTER_RESPONSE = False
    settings.REPORT_HEARTBEAT_EVERY = 0
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def sessions_in_the_database(settings):
    """With Redis, sessions are read from it (config.settings): the pages' query counts are
    asserted as the embedded default runs them, one session query included, with or
    without Redis."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached values (progress, rate limits) never leak from one test into the next: the
    database is rolled back after each test, and ids may come back."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded files of a test stay in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The strong hasher makes each test user cost a third of a second."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english(settings):
    """Assertions on texts are written in English; language tests switch explicitly."""
    settings.LANGUAGE_CODE = "en"


@dataclass
class World:
    cluster: Cluster
    other_cluster: Cluster
    users: dict[str, User | None]
    lead: Actor
    member_actor: Actor
    observer_actor: Actor
    institution_actor: Actor
    outsider_actor: Actor
    member_membership: Membership
    observer_membership: Membership
    institution_membership: Membership
    issue: RightsIssue
    evidence: Evidence
    indicator: Indicator
    period: ReportingPeriod
    report: MeasurementReport
    proposal: Proposal
    action: JointAction
    contribution: Contribution
    published_report: ReportJob

    def client(self, person: str) -> Client:
        client = Client()
        user = self.users[person]
        if user is not None:
            client.force_login(user)
        return client


def build_world() -> World:
    cluster = ClusterFactory(name="Housing rights cluster", slug="housing")
    other = ClusterFactory(name="Secret other cluster", slug="other-cluster")

    def person(email: str, actor: Actor, role: str = ActorUser.Role.ADMIN) -> User:
        user = UserFactory(email=email)
        ActorUserFactory(user=user, actor=actor, role=role)
        return user

    lead = ActorFactory(name="Lead Foundation")
    member_actor = ActorFactory(name="Neighbours Association")
    observer_actor = ActorFactory(name="Observatory University", kind=Actor.Kind.UNIVERSITY)
    institution_actor = ActorFactory(name="Funding Institution", kind=Actor.Kind.OTHER)
    outsider_actor = ActorFactory(name="Outsider Entity")

    lead_m = MembershipFactory(cluster=cluster, actor=lead, role=Membership.Role.LEAD)
    member_m = MembershipFactory(cluster=cluster, actor=member_actor)
    observer_m = MembershipFactory(
        cluster=cluster, actor=observer_actor, role=Membership.Role.OBSERVER
    )
    institution_m = MembershipFactory(
        cluster=cluster, actor=institution_actor, role=Membership.Role.INSTITUTION
    )
    # The outsider's entity is the lead of another cluster, with data of its own.
    outsider_m = MembershipFactory(cluster=other, actor=outsider_actor, role=Membership.Role.LEAD)
    InvitationFactory(cluster=other, email="secret-invitee@example.org")

    users = {
        "coordinator": person("coordinator@example.org", lead),
        "member": person("member@example.org", member_actor),
        "representative": person(
            "representative@example.org", member_actor, ActorUser.Role.REPRESENTATIVE
        ),
        "observer": person("observer@example.org", observer_actor),
        "institution": person("institution@example.org", institution_actor),
        "outsider": person("outsider@example.org", outsider_actor),
        "anonymous": None,
    }
    ClusterRoleFactory(cluster=cluster, user=users["coordinator"])
    ClusterRoleFactory(cluster=other, user=users["outsider"])
    issue = RightsIssueFactory(cluster=cluster, title="Evictions in the district")
    # Attached by the member entity: its people and the coordinator may remove it.
    evidence = Evidence.objects.create(
        issue=issue,
        added_for=member_m,
        title="Court statistics",
        file=ContentFile(b"%PDF-1.4 test", name="statistics.pdf"),
        original_name="statistics.pdf",
        content_type="application/pdf",
        size=13,
    )
    RightsIssueFactory(cluster=other, title="Secret evictions issue")
    build_secret_round(other)
    indicator, period, report = build_indicators(cluster, member_m, users["member"])
    proposal = build_open_proposal(member_m, users["member"], users["coordinator"])
    other_objective = Objective.objects.create(cluster=other, code="O1", statement="Secret goal")
    action, contribution = build_action(
        indicator.objective, [indicator], member_m, lead_m, users["coordinator"]
    )
    build_action(other_objective, [], outsider_m, None, users["outsider"], prefix="Secret")
    build_secret_strategy(outsider_m, users["outsider"], other_objective)
    build_secret_meeting(other, other_objective)
    published_report = build_published_report(cluster)
    build_published_report(other)
    Indicator.objects.create(
        cluster=other,
        objective=other_objective,
        code="S1",
        name="Secret indicator",
        type="outcome",
        measure="number",
        direction="increase",
        aggregation="sum",
        data_source="survey",
    )
    return World(
        cluster=cluster,
        other_cluster=other,
        users=users,
        lead=lead,
        member_actor=member_actor,
        observer_actor=observer_actor,
        institution_actor=institution_actor,
        outsider_actor=outsider_actor,
        member_membership=member_m,
        observer_membership=observer_m,
        institution_membership=institution_m,
        issue=issue,
        evidence=evidence,
        indicator=indicator,
        period=period,
        report=report,
        proposal=proposal,
        action=action,
        contribution=contribution,
        published_report=published_report,
    )


def build_secret_round(cluster: Cluster) -> SurveyRound:
    """An open survey round of the other cluster, with a question of its own."""
    round = SurveyRound.objects.create(
        cluster=cluster,
        year=NOW.year,
        status=SurveyRound.Status.OPEN,
        opens_at=NOW - timedelta(days=1),
        closes_at=NOW + timedelta(days=10),
    )
    Question.objects.create(
        round=round, effect="impact", scale="agreement", text_en="Secret survey question"
    )
    return round


def build_secret_meeting(cluster: Cluster, objective: Objective) -> None:
    """A meeting of the other cluster with an item on its objective (written directly: no
    invitation is sent)."""
    from meetings.models import AgendaItem, Meeting

    meeting = Meeting.objects.create(
        cluster=cluster,
        title="Secret meeting",
        starts_at=NOW + timedelta(days=3),
        ends_at=NOW + timedelta(days=3, hours=2),
        place="Secret place",
    )
    AgendaItem.objects.create(meeting=meeting, title="Secret agenda item", objective=objective)


def build_secret_strategy(membership: Membership, by: User, objective: Objective) -> None:
    """A strategy of the other cluster's lead entity, scored against its objective."""
    from coherence import services

    strategy = services.strategy_create(
        membership=membership,
        by=by,
        title="Secret strategy",
        kind="public_policy",
        starts_on=NOW.date() - timedelta(days=100),
        territory="Elsewhere",
        summary="Not for the housing cluster's eyes",
    )
    services.score_set(
        strategy=strategy,
        objective=objective,
        membership=membership,
        by=by,
        value=-2,
        reason="Secret reason",
    )


def build_published_report(cluster: Cluster) -> ReportJob:
    """A finished, published dossier (its file a stand-in, not a rendering)."""
    job = ReportJob.objects.create(
        cluster=cluster, kind=ReportJob.Kind.DOSSIER, language="en", status="done", progress=100
    )
    job.file.save("dossier.pdf", ContentFile(b"%PDF-1.4 dossier"), save=False)
    job.published_at = timezone.now()
    job.save()
    return job


def build_action(
    objective: Objective,
    indicators: list[Indicator],
    lead: Membership,
    participant: Membership | None,
    by: User,
    prefix: str = "Legal",
) -> tuple[JointAction, Contribution]:
    """A running joint action of the objective, with one contribution of its lead."""
    from planning import action_services

    action = action_services.action_create(
        cluster=objective.cluster,
        by=by,
        title=f"{prefix} joint action in the district",
        description="Free legal advice before every eviction hearing",
        objective=objective,
        indicators=indicators,
        lead=lead,
        participants=[participant] if participant else [],
        territory="Ciutat Vella",
        start=days(-130),
        end=days(230),
        budget=Decimal("12000"),
        status=JointAction.Status.IN_PROGRESS,
        progress=40,
        gender_marker=JointAction.GenderMarker.SIGNIFICANT,
    )
    contribution = action_services.contribution_add(
        action=action,
        membership=lead,
        by=by,
        kind=Contribution.Kind.STAFF_HOURS,
        amount=Decimal("120"),
        description="Two lawyers, one day a week",
    )
    return action, contribution


def build_open_proposal(membership: Membership, author: User, coordinator: User) -> Proposal:
    from planning import proposal_services

    proposal = proposal_services.proposal_create(
        membership=membership,
        by=author,
        title="Shared emergency housing fund",
        description="A fund for families evicted without alternative",
    )
    proposal_services.proposal_submit(proposal=proposal, by=author)
    return proposal_services.proposal_open(
        proposal=proposal, by=coordinator, closes_at=timezone.now() + timedelta(days=7)
    )


def build_indicators(cluster: Cluster, membership: Membership, user: User):
    """An objective with one indicator by sex, the current quarter, and a submitted report."""
    from indicators import services

    objective = Objective.objects.create(
        cluster=cluster, code="O1", statement="No eviction without alternative"
    )
    indicator = Indicator.objects.create(
        cluster=cluster,
        objective=objective,
        code="I1",
        name="Families advised",
        type="outcome",
        measure="number",
        direction="increase",
        aggregation="sum",
        baseline_value=0,
        target_value=100,
        by_sex=True,
        data_source="administrative",
    )
    services.periods_ensure(cluster)
    period = cluster.periods.get()
    report = services.report_save(
        indicator=indicator,
        period=period,
        membership=membership,
        by=user,
        cells={"sex=female": 6, "sex=male": 4, "sex=nonbinary": 0},
        total=None,
        submit=True,
    )
    return indicator, period, report


# The world is built once per test module and each test runs inside it, in a savepoint
# rolled back after the test (as Django's setUpTestData does): the permission matrix alone
# would otherwise build it 570 times. A module with a test that needs real commits
# (transactional_db, live_server) builds it for each test instead: an open transaction
# around the module would hide its rows from other connections.
SHARES_WORLD = pytest.StashKey[bool]()
COMMITS = (
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
)


def _commits(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    kwargs = marker.kwargs if marker is not None else {}
    transactional = any(
        kwargs.get(name) for name in ("transaction", "reset_sequences", "serialized_rollback")
    )
    return transactional or bool(set(getattr(item, "fixturenames", ())) & set(COMMITS))


def _uses_database(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return bool(names & {"db", *COMMITS}) or item.get_closest_marker("django_db") is not None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A module shares one world when every test of it that touches the database reads
    the world, and none commits: a test that builds data of its own must not find the
    world's rows there too."""
    modules: dict[pytest.Module, list[pytest.Item]] = {}
    for item in items:
        module = item.getparent(pytest.Module)
        if module is not None:
            modules.setdefault(module, []).append(item)
    for module, module_items in modules.items():
        with_database = [item for item in module_items if _uses_database(item)]
        module.stash[SHARES_WORLD] = (
            bool(with_database)
            and all("world" in item.fixturenames for item in with_database)
            and not any(map(_commits, with_database))
        )


@pytest.fixture(scope="module", autouse=True)
def shared_world(
    request: pytest.FixtureRequest,
    django_db_setup: None,
    django_db_blocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[World, Path] | None]:
    module = request.node.getparent(pytest.Module)
    if module is None or not module.stash.get(SHARES_WORLD, False):
        yield None
        return
    media = tmp_path_factory.mktemp("world-media")
    # The database is opened only to build the world and to roll it back: between the
    # two, each test reaches it through its own db fixture, as in any other module.
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            # A minute before the tests' today, so that what a test does comes after it.
            with (
                time_machine.travel(NOW - timedelta(minutes=1), tick=True),
                override_settings(
                    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                    LANGUAGE_CODE="en",
                    MEDIA_ROOT=media,
                    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                ),
            ):
                built = build_world()
        except BaseException:
            atomic.__exit__(*sys.exc_info())
            raise
    try:
        yield built, media
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world(request: pytest.FixtureRequest, db, settings, shared_world) -> World:
    """The shared world: the module's (a copy, so a test may change its objects), or one
    of its own for a module whose tests commit."""
    if shared_world is None:
        return build_world()
    built, media = shared_world
    shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    return copy.deepcopy(built)


@pytest.fixture
def back_to_latest(transactional_db):
    """For tests that take the database back to an older migration: forward again after."""
    yield
    call_command("migrate", verbosity=0)
