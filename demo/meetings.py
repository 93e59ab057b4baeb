"""Demo data of the meetings part: the demo cluster's last two assemblies, held and closed
with minutes per item (the older approved by consent, the latest still a draft because an
entity objected), the decision on the eviction rota taken at the latest, follow-up tasks,
and the next assembly a few days ahead with its agenda (a proposal, an indicator, the
health round, and an item an entity proposed that waits for the coordinator) and the
entities' answers on who will attend. Idempotent: a cluster with meetings is left alone.

Everything goes through meetings.services, which take the moment as an argument
(``now``): a past meeting is scheduled at its own date, closed two hours after it began
and, for the older one, approved by consent the moment its seven days ran out, so that no
row needs moving back in time afterwards. Dates follow the real clock of the seed, so the
demo always has a meeting this week and two behind it.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db.models import Model
from django.utils import timezone

from accounts.models import User
from actors.models import ActorUser
from clusters.models import Cluster, Membership
from health.models import SurveyRound
from meetings import services
from meetings.models import Meeting

PLACE = "Casal de Barri de Prosperitat, sala gran (Via Favència, 288)"
VIDEO = "https://meet.jit.si/habitatge-digne-nou-barris"


def _at(cluster: Cluster, day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(cluster.zone))


def next_meeting_day(today: date) -> date:
    """The coming assembly's day: two days ahead within this week (Monday to Sunday, as
    the weekly digest counts it), or the Tuesday after a weekend seed, which Monday's
    digest counts."""
    if today.weekday() <= 4:
        return min(today + timedelta(days=2), today + timedelta(days=6 - today.weekday()))
    return today + timedelta(days=(7 - today.weekday()) + 1)


def seed_meetings(cluster: Cluster, coordinator: User) -> None:
    if cluster.meetings.exists():
        return
    members = {m.actor.slug: m for m in cluster.memberships.active().select_related("actor")}
    jordi = User.objects.get(email="member@demo.example")
    laia = User.objects.get(email="laia.ferrer@demo.example")
    marta = User.objects.get(email="observer@demo.example")
    today = timezone.localdate()
    proposals = {p.title: p for p in cluster.proposals.all()}
    rota = proposals["Torn d'advocacia per als llançaments"]
    fund = proposals["Fons comú d'emergència habitacional"]
    latest_round = cluster.survey_rounds.closed().order_by("-opens_at").first()
    attended = [
        (members["llar-solidaria"], coordinator),
        (members["av-nou-barris"], jordi),
        (members["av-nou-barris"], laia),
        (members["observatori-drets-socials"], marta),
    ]

    # Six weeks ago: the results of last year's health round and the calls protocol.
    spring = _held(
        cluster,
        coordinator,
        "Assemblea trimestral del clúster",
        _at(cluster, today - timedelta(days=42), 18),
        items=[
            (
                "Resultats de l'enquesta de salut del clúster",
                latest_round,
                "La coordinació ha millorat molt; l'oportunisme continua sent el punt feble. "
                "S'acorda preparar un protocol de convocatòries conjuntes.",
            ),
            (
                "Indicadors del primer objectiu",
                cluster.objectives.filter(code="O1").first(),
                "L'Observatori presenta les dades del trimestre: els llançaments baixen, "
                "però no als barris del nord del districte.",
            ),
        ],
        attended=attended,
        others=3,
        tasks=[
            ("Esborrany del protocol de convocatòries conjuntes", "av-nou-barris", 30),
            ("Dades de llançaments per barri", "observatori-drets-socials", 21),
        ],
        members=members,
    )
    # Nobody objected within the seven days: approved by consent as the beat would.
    services.minutes_approve_by_consent(now=spring.consent_ends_at)

    # Four days ago: the rota was decided there; the tenants' union objects to the minutes.
    latest = _held(
        cluster,
        coordinator,
        "Assemblea de seguiment",
        _at(cluster, today - timedelta(days=4), 18),
        items=[
            (
                "Torn d'advocacia per als llançaments",
                rota,
                "S'adopta el torn. Dret i Habitatge en coordina el calendari; la Fundació "
                "Llar Solidària cobreix els desplaçaments.",
            ),
            (
                "Fons comú d'emergència habitacional",
                fund,
                "Es debat qui gestionaria el fons. L'Oficina demana criteris per escrit abans "
                "de prendre posició; la proposta continua oberta.",
            ),
        ],
        attended=attended[:3],
        others=2,
        tasks=[
            ("Calendari del torn d'advocacia", "dret-i-habitatge", 10),
            ("Criteris d'accés al fons, per escrit", "av-nou-barris", 14),
        ],
        members=members,
        decisions=list(rota.decisions.all()),
    )
    services.minutes_object(
        meeting=latest,
        by=jordi,
        membership=members["sindicat-llogateres"],
        reason="L'acta no recull que vam demanar que el fons prioritzi les famílies amb "
        "menors a càrrec.",
        now=latest.closed_at + timedelta(days=1),
    )

    # This week: the next assembly, its agenda and who will come.
    day = next_meeting_day(today)
    coming = services.meeting_schedule(
        cluster=cluster,
        by=coordinator,
        title="Assemblea del clúster",
        starts_at=_at(cluster, day, 18),
        ends_at=_at(cluster, day, 20),
        place=PLACE,
        video_url=VIDEO,
        description="Ordre del dia provisional; les entitats hi poden proposar punts.",
    )
    services.agenda_item_add(
        meeting=coming,
        by=coordinator,
        title="Fons comú d'emergència habitacional: posicions pendents",
        link=fund,
    )
    indicator = cluster.indicators.order_by("code").first()
    if indicator is not None:
        services.agenda_item_add(
            meeting=coming,
            by=coordinator,
            title=f"Dades de l'indicador {indicator.code}",
            link=indicator,
        )
    current = cluster.survey_rounds.filter(status=SurveyRound.Status.OPEN).first()
    if current is not None:
        services.agenda_item_add(
            meeting=coming,
            by=coordinator,
            title="L'enquesta de salut d'enguany: qui falta per respondre",
            link=current,
        )
    services.agenda_item_propose(
        meeting=coming,
        by=jordi,
        membership=members["sindicat-llogateres"],
        title="Campanya de drets de les persones llogateres",
        description="Proposem presentar els tallers als casals i buscar entitats que s'hi sumin.",
    )
    for slug, by, answers in (
        ("llar-solidaria", coordinator, {coordinator.pk: "yes"}),
        ("av-nou-barris", jordi, {jordi.pk: "yes", laia.pk: "maybe"}),
        ("observatori-drets-socials", marta, {marta.pk: "no"}),
    ):
        services.attendance_answer(meeting=coming, by=by, membership=members[slug], answers=answers)


def _held(
    cluster: Cluster,
    coordinator: User,
    title: str,
    starts_at: datetime,
    *,
    items: list[tuple[str, Model | None, str]],
    attended: list[tuple[Membership, User]],
    others: int,
    tasks: list[tuple[str, str, int]],
    members: dict[str, Membership],
    decisions: list = (),
) -> Meeting:
    """A meeting scheduled for ``starts_at`` and closed two hours later."""
    meeting = services.meeting_schedule(
        cluster=cluster,
        by=coordinator,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        place=PLACE,
    )
    minutes = {}
    for item_title, link, text in items:
        item = services.agenda_item_add(
            meeting=meeting,
            by=coordinator,
            title=item_title,
            link=link,
        )
        minutes[item.pk] = text
    return services.meeting_close(
        meeting=meeting,
        by=coordinator,
        attended=attended,
        others=others,
        minutes=minutes,
        decisions=decisions,
        tasks=[
            services.Task(
                what=what,
                membership=members[slug],
                due_on=starts_at.date() + timedelta(days=due),
            )
            for what, slug, due in tasks
        ],
        now=starts_at + timedelta(hours=2),
    )


# The large cluster: a year of monthly assemblies that dozens of entities attend.

LARGE_PAST_MEETINGS = 12
LARGE_ATTENDING = 40


def seed_large_meetings(cluster: Cluster, coordinator: User) -> None:
    """Twelve monthly assemblies, each attended by one person of 40 entities (some of
    them), and the next one a week ahead. The entities' people are created here in bulk,
    one each, without a password (nobody logs in as them); the meetings go through the
    services, which check each attendee: about 500 queries."""
    if cluster.meetings.exists():
        return
    rng = random.Random(2031)
    # Entities without a person of their own here (the demo member's has one: the pages'
    # tests find that person by their entity), one new person each.
    attending = list(
        cluster.memberships.voting()
        .filter(actor__people__isnull=True)
        .order_by("pk")[:LARGE_ATTENDING]
    )
    people = User.objects.bulk_create(
        [
            User(
                email=f"persona-{n:03d}@{cluster.slug}.example",
                password=make_password(None),
                first_name="Persona",
                last_name=f"{n:03d}",
            )
            for n in range(1, len(attending) + 1)
        ]
    )
    ActorUser.objects.bulk_create(
        ActorUser(user=person, actor_id=m.actor_id, role=ActorUser.Role.REPRESENTATIVE)
        for person, m in zip(people, attending, strict=True)
    )
    pairs = list(zip(attending, people, strict=True))
    today = timezone.localdate()
    for n in range(LARGE_PAST_MEETINGS, 0, -1):
        starts_at = _at(cluster, today - timedelta(days=30 * n), 18)
        meeting = services.meeting_schedule(
            cluster=cluster,
            by=coordinator,
            title=f"Assemblea mensual {LARGE_PAST_MEETINGS - n + 1}",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            place="Sala d'actes de la xarxa",
        )
        item = services.agenda_item_add(meeting=meeting, by=coordinator, title="Seguiment")
        services.meeting_close(
            meeting=meeting,
            by=coordinator,
            attended=rng.sample(pairs, rng.randint(LARGE_ATTENDING // 2, LARGE_ATTENDING)),
            others=rng.randint(0, 8),
            minutes={item.pk: "Es repassen les accions en curs i les propostes obertes."},
            tasks=[
                services.Task(
                    what="Informe de seguiment",
                    membership=rng.choice(attending),
                    due_on=starts_at.date() + timedelta(days=21),
                )
            ],
            # Each monthly assembly approves the minutes of the one before.
            approve_previous=services.draft_minutes_before(meeting),
            now=starts_at + timedelta(hours=2),
        )
    starts_at = _at(cluster, today + timedelta(days=7), 18)
    services.meeting_schedule(
        cluster=cluster,
        by=coordinator,
        title="Assemblea mensual",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        place="Sala d'actes de la xarxa",
    )
