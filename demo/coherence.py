"""Demo data of the coherence part: six strategies of five entities of the demo cluster,
scored against its three adopted objectives, and the large cluster's strategies.

What the matrix finds on the demo, known in advance (tests/demo/test_coherence_demo.py):

- two incoherences: the Office's emergency budget line counteracts O1 (−2: it asks for two
  years of registration in the municipality, which leaves newly arrived families out), and
  the cooperative's social housing programme constrains O2 (−1: its homes come without
  supplies at the social tariff). The first has an open proposal to resolve it; the
  second, an adopted one (the cluster is addressing it).
- one unsupported objective: O3 (women leaving gender violence), which no strategy
  scores above 0, as no joint action serves it either (the coverage page's gap).
- a convergence: four entities' strategies on SDG target 11.1 in Nou Barris, and two on
  7.1, candidates for a joint action.
- two scores revised after another entity questioned them: the budget line's +2 on O1
  (questioned by the neighbours' association, revised to −2) and the tenants' union's +3
  on O1 (questioned by the Office, revised to +2).

The first scores date from the middle of the last ended quarter and the questions from its
last day; the revisions are today's. So the coherence figure of that quarter reads the
scores as first given, and the current quarter's the revised ones. Like the demo's other
texts, the strategies are written in Catalan. Idempotent: a cluster with strategies is
left alone.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from clusters.models import Cluster, Membership
from coherence import services
from coherence.models import Score, ScoreQuestion, ScoreRevision, Strategy
from indicators.models import Objective
from planning import proposal_services
from planning.models import Proposal
from rights.models import Right, SDGTarget
from rights.uploads import evidence_content_type

K, S = Strategy.Kind, Strategy.Status
DISTRICT = "Nou Barris, Barcelona"

# (key, entity, title, kind, years from and to (relative to this year; None: open-ended),
#  territory, SDG targets, rights, status, link, summary)
STRATEGIES = [
    (
        "pla-comarcal",
        "oficina-habitatge",
        "Pla comarcal d'habitatge del Barcelonès",
        K.PUBLIC_POLICY,
        (-2, 4),
        "Barcelonès",
        ["11.1", "1.4"],
        ["UDHR-25", "ICESCR-11"],
        S.IN_FORCE,
        "https://oficina-habitatge.example/pla-comarcal",
        "El pla de l'administració per als sis anys vinents: amplia la borsa d'habitatge "
        "social, els ajuts al lloguer i la rehabilitació energètica del parc públic.",
    ),
    (
        "partida-urgencia",
        "oficina-habitatge",
        "Partida d'allotjament d'urgència per a famílies desnonades",
        K.BUDGET_LINE,
        (-1, 0),
        DISTRICT,
        ["11.1"],
        ["UDHR-25", "ICESCR-11"],
        S.IN_FORCE,
        "",
        "450.000 € l'any per allotjar en pensions, fins a trenta dies, les famílies "
        "desnonades sense alternativa. Hi tenen accés les famílies empadronades al municipi "
        "des de fa dos anys com a mínim.",
    ),
    (
        "pla-estrategic",
        "llar-solidaria",
        "Pla estratègic 2025–2028 de la Fundació",
        K.STRATEGIC_PLAN,
        (-1, 2),
        "Barcelona",
        ["11.1", "10.2"],
        ["UDHR-25", "ICESCR-11"],
        S.IN_FORCE,
        "https://llar-solidaria.example/pla-estrategic",
        "Duplicar els pisos d'inclusió fins a quaranta, acompanyar cada família fins a un "
        "habitatge estable i formar l'equip en la perspectiva de gènere.",
    ),
    (
        "recerca-pobresa",
        "grup-exclusio-residencial",
        "Programa de recerca sobre pobresa energètica en habitatges de lloguer",
        K.PROGRAMME,
        (0, 3),
        DISTRICT,
        ["7.1", "11.1"],
        ["ICESCR-11", "ICESCR-12"],
        S.DRAFT,
        "https://grup-exclusio-residencial.example/pobresa-energetica",
        "Auditories energètiques de 120 habitatges de lloguer l'any i un seguiment dels "
        "desnonaments i dels reallotjaments del districte, en obert. En redacció: el grup "
        "el presentarà a la convocatòria de recerca de la tardor.",
    ),
    (
        "protocol-desnonaments",
        "sindicat-llogateres",
        "Protocol d'acompanyament col·lectiu davant dels desnonaments",
        K.PROTOCOL,
        (-2, None),
        DISTRICT,
        ["11.1"],
        ["UDHR-25", "ICESCR-11"],
        S.IN_FORCE,
        "https://sindicat-llogateres.example/protocol",
        "Quan una família rep una ordre de llançament, el sindicat convoca el veïnat, "
        "negocia amb la propietat un lloguer social i acompanya la família al jutjat.",
    ),
    (
        "cessio-us",
        "coop-la-teulada",
        "Programa d'habitatge social en cessió d'ús",
        K.PROGRAMME,
        (-3, 1),
        DISTRICT,
        ["11.1", "7.1"],
        ["UDHR-25"],
        S.IN_FORCE,
        "https://la-teulada.example/habitatge-social",
        "La cooperativa reserva tres habitatges en cessió d'ús per a famílies en situació "
        "d'emergència, derivades pels serveis socials, per un màxim de dos anys.",
    ),
]

# The first score of each strategy on each objective, with its reason.
SCORES = {
    "pla-comarcal": {
        "O1": (
            1,
            "Amplia la borsa d'habitatge social, però no reserva cap habitatge per als "
            "reallotjaments d'urgència.",
        ),
        "O2": (1, "Preveu ajuts a la rehabilitació energètica dels edificis de lloguer social."),
        "O3": (0, "No preveu cap contingent per a dones que surten de la violència masclista."),
    },
    "partida-urgencia": {
        "O1": (
            2,
            "Allotja les famílies desnonades mentre els serveis socials busquen una "
            "solució estable.",
        ),
        "O2": (0, ""),
        "O3": (0, "No distingeix les dones que surten de situacions de violència."),
    },
    "pla-estrategic": {
        "O1": (2, "Duplica els pisos d'inclusió per a famílies desnonades fins a quaranta."),
        "O2": (1, "Els pisos d'inclusió tenen els subministraments garantits."),
        "O3": (0, "Els pisos són per a famílies, sense places específiques per a dones."),
    },
    "recerca-pobresa": {
        "O1": (1, "Donarà dades obertes dels desnonaments i dels reallotjaments del districte."),
        "O2": (2, "Les auditories proposen millores a cada llar i en mesuren l'efecte."),
        "O3": (0, ""),
    },
    "protocol-desnonaments": {
        "O1": (3, "L'acompanyament col·lectiu a cada desnonament és el nucli de l'objectiu."),
        "O2": (0, ""),
        "O3": (0, ""),
    },
    "cessio-us": {
        "O1": (1, "Cedeix tres habitatges per a famílies en situació d'emergència."),
        "O2": (
            -1,
            "Els habitatges es cedeixen sense subministraments: les famílies contracten "
            "la llum i el gas a preu de mercat, sense accés al bo social.",
        ),
        "O3": (0, ""),
    },
}

# (strategy, objective, entity that questions, comment, revised value, revised reason)
QUESTIONED = [
    (
        "partida-urgencia",
        "O1",
        "av-nou-barris",
        "La partida exigeix dos anys d'empadronament: les famílies nouvingudes desnonades en "
        "queden fora. Com pot reforçar l'objectiu?",
        -2,
        "Revisat després de la pregunta de l'Associació Veïnal: el requisit de dos anys "
        "d'empadronament deixa sense reallotjament les famílies nouvingudes, que són un terç "
        "dels desnonaments del districte.",
    ),
    (
        "protocol-desnonaments",
        "O1",
        "oficina-habitatge",
        "Un +3 vol dir que sense el protocol l'objectiu no es pot assolir. No és més aviat un +2?",
        2,
        "Revisat després de la pregunta de l'Oficina: el protocol reforça l'objectiu, però "
        "no garanteix el reallotjament, que depèn de l'administració.",
    ),
]

# Entities that take a position on the proposal the cluster adopts (as for the rota).
AGREEING = (
    "energia-justa",
    "coop-la-teulada",
    "av-nou-barris",
    "llar-solidaria",
    "sindicat-llogateres",
    "xarxa-acollida",
    "dones-i-llar",
    "acces-total",
)


def _pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a few lines of text: the document a budget line attaches."""
    content = ["BT", "/F1 12 Tf", "72 770 Td", "16 TL"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        content.append(f"({escaped}) '")
    content.append("ET")
    stream = "\n".join(content).encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _document(year: int) -> tuple[SimpleUploadedFile, str]:
    upload = SimpleUploadedFile(
        f"partida-allotjament-urgencia-{year}.pdf",
        _pdf(
            [
                "Oficina Comarcal d'Habitatge",
                f"Partida d'allotjament d'urgència {year}",
                "Dotació: 450.000 € l'any.",
                "Destinatàries: famílies desnonades sense alternativa habitacional.",
                "Requisit: dos anys d'empadronament al municipi.",
                "Durada màxima de l'allotjament: 30 dies.",
            ]
        ),
        content_type="application/pdf",
    )
    return upload, evidence_content_type(upload)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def seed_coherence(cluster: Cluster, coordinator: User) -> None:
    if cluster.strategies.exists():
        return
    today = timezone.localdate()
    year = today.year
    members = {m.actor.slug: m for m in cluster.memberships.voting().select_related("actor")}
    people = {slug: m.actor.people.select_related("user").first() for slug, m in members.items()}

    def by(slug: str) -> User:
        # Entities without an account of their own are represented by the coordinator here.
        link = people.get(slug)
        return link.user if link else coordinator

    objectives = {o.code: o for o in cluster.objectives.filter(status=Objective.Status.ADOPTED)}
    targets = {t.code: t for t in SDGTarget.objects.all()}
    rights = {
        r.code: r for r in Right.objects.filter(code__in={c for s in STRATEGIES for c in s[7]})
    }

    strategies: dict[str, Strategy] = {}
    for key, slug, title, kind, (
        since,
        until,
    ), territory, codes, right_codes, status, url, summary in STRATEGIES:
        upload, content_type = _document(year) if key == "partida-urgencia" else (None, "")
        strategies[key] = services.strategy_create(
            membership=members[slug],
            by=by(slug),
            sdg_targets=[targets[c] for c in codes if c in targets],
            rights=[rights[c] for c in right_codes if c in rights],
            upload=upload,
            content_type=content_type,
            title=title,
            kind=kind,
            starts_on=date(year + since, 1, 1),
            ends_on=None if until is None else date(year + until, 12, 31),
            territory=territory,
            summary=summary,
            url=url,
            status=status,
        )

    def score(key: str, code: str, value: int, reason: str) -> Score:
        strategy = strategies[key]
        slug = strategy.membership.actor.slug
        return services.score_set(
            strategy=strategy,
            objective=objectives[code],
            membership=strategy.membership,
            by=by(slug),
            value=value,
            reason=reason,
        )

    for key, by_objective in SCORES.items():
        for code, (value, reason) in by_objective.items():
            if code in objectives:
                score(key, code, value, reason)

    # Scored in the middle of the last ended quarter, questioned on its last day.
    last = cluster.periods.filter(end__lt=today).order_by("-end").first()
    if last is not None:
        scored_at = _at(last.start + (last.end - last.start) / 2, 10)
        ScoreRevision.objects.filter(score__strategy__cluster=cluster).update(at=scored_at)
        Score.objects.filter(strategy__cluster=cluster).update(scored_at=scored_at)
    for key, code, slug, comment, value, reason in QUESTIONED:
        questioned = Score.objects.get(strategy=strategies[key], objective=objectives[code])
        question = services.score_question(
            score=questioned, membership=members[slug], by=by(slug), comment=comment
        )
        if last is not None:
            ScoreQuestion.objects.filter(pk=question.pk).update(at=_at(last.end, 12))
        score(key, code, value, reason)

    _resolutions(cluster, coordinator, members, by, strategies, objectives)


def _resolutions(
    cluster: Cluster,
    coordinator: User,
    members: dict[str, Membership],
    by: Callable[[str], User],
    strategies: dict[str, Strategy],
    objectives: dict[str, Objective],
) -> None:
    """The two incoherences taken up by proposals: one open, one adopted."""

    def proposal(slug: str, key: str, code: str, title: str, description: str) -> Proposal:
        incoherence = Score.objects.get(strategy=strategies[key], objective=objectives[code])
        made = proposal_services.proposal_create(
            membership=members[slug],
            by=by(slug),
            title=title,
            description=description,
            objectives=[objectives[code]],
            resolves=incoherence,
        )
        proposal_services.proposal_submit(proposal=made, by=by(slug))
        return proposal_services.proposal_open(
            proposal=made, by=coordinator, closes_at=timezone.now() + timedelta(days=6)
        )

    registration = proposal(
        "xarxa-acollida",
        "partida-urgencia",
        "O1",
        "Treure el requisit d'empadronament de la partida d'allotjament d'urgència",
        "Que qualsevol família desnonada del districte sense alternativa hi tingui accés, "
        "sigui quin sigui el temps que fa que hi està empadronada, i que els serveis "
        "socials n'acreditin la situació.",
    )
    proposal_services.stance_take(
        proposal=registration,
        membership=members["xarxa-acollida"],
        by=by("xarxa-acollida"),
        position="agree",
    )
    proposal_services.stance_take(
        proposal=registration,
        membership=members["oficina-habitatge"],
        by=by("oficina-habitatge"),
        position="abstain",
        reason="Ho ha de decidir el ple; en portarem la proposta a la comissió d'habitatge.",
    )

    supplies = proposal(
        "energia-justa",
        "cessio-us",
        "O2",
        "Subministraments amb tarifa social als habitatges d'emergència de La Teulada",
        "Energia Justa contracta la llum dels tres habitatges d'emergència de la cooperativa "
        "amb la tarifa social, i l'Oficina tramita el bo social de cada família que hi entra.",
    )
    for slug in AGREEING:
        proposal_services.stance_take(
            proposal=supplies, membership=members[slug], by=by(slug), position="agree"
        )
    proposal_services.stance_take(
        proposal=supplies,
        membership=members["oficina-habitatge"],
        by=by("oficina-habitatge"),
        position="agree",
        reason="Tramitarem el bo social en una setmana.",
    )
    proposal_services.proposal_decide(
        proposal=supplies, by=coordinator, minutes="Adoptada en l'assemblea del clúster."
    )


# --- The large cluster ------------------------------------------------------------------

LARGE_PER_ENTITY = 3
LARGE_TARGETS = ["11.1", "1.4", "7.1", "5.2", "10.2", "11.3"]
LARGE_KINDS = list(K.values)
# Most scores help, a few hinder: about one pair in ten is an incoherence.
LARGE_VALUES = [3, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, -1, -1, -2]


def seed_large_coherence(cluster: Cluster, coordinator: User, districts: list[str]) -> None:
    """Three strategies per lead and member entity of the large cluster, each scored against
    every adopted objective, written in bulk: the coherence page's query count is compared
    on it. Random but seeded; a cluster with strategies is left alone."""
    if cluster.strategies.exists():
        return
    rng = random.Random(f"{cluster.slug}-coherence")
    today = timezone.localdate()
    voting = list(cluster.memberships.voting().order_by("pk"))
    objectives = list(
        Objective.objects.filter(cluster=cluster, status=Objective.Status.ADOPTED).order_by("code")
    )
    targets = list(SDGTarget.objects.filter(code__in=LARGE_TARGETS))
    strategies = []
    for n, membership in enumerate(voting):
        for k in range(LARGE_PER_ENTITY):
            starts_on = today - timedelta(days=rng.randint(30, 900))
            status = rng.choice([S.IN_FORCE] * 6 + [S.DRAFT, S.ENDED])
            strategies.append(
                Strategy(
                    cluster=cluster,
                    membership=membership,
                    title=f"Estratègia {n:03d}.{k + 1}",
                    kind=LARGE_KINDS[(n + k) % len(LARGE_KINDS)],
                    starts_on=starts_on,
                    ends_on=starts_on + timedelta(days=rng.randint(365, 1460))
                    if status != S.ENDED
                    else min(today - timedelta(days=1), starts_on + timedelta(days=365)),
                    territory=rng.choice(districts),
                    summary="Estratègia pròpia d'una entitat de la xarxa.",
                    status=status,
                    created_by=coordinator,
                )
            )
    strategies = Strategy.objects.bulk_create(strategies, batch_size=2000)
    through = Strategy.sdg_targets.through
    through.objects.bulk_create(
        [
            through(strategy_id=strategy.pk, sdgtarget_id=target.pk)
            for strategy in strategies
            for target in rng.sample(targets, rng.randint(1, 2))
        ],
        batch_size=2000,
    )
    now = timezone.now()
    first = now - timedelta(days=120)
    scores = []
    for strategy in strategies:
        for objective in objectives:
            value = rng.choice(LARGE_VALUES)
            scores.append(
                Score(
                    strategy=strategy,
                    objective=objective,
                    value=value,
                    reason=f"Motiu de la puntuació {value:+d}.",
                    scored_by=coordinator,
                    scored_at=first,
                )
            )
    scores = Score.objects.bulk_create(scores, batch_size=2000)
    revisions = [
        ScoreRevision(score=s, value=s.value, reason=s.reason, by=coordinator, at=first)
        for s in scores
    ]
    # One score in twenty revised since (the score in force is the revised one).
    revised = [s for s in scores if rng.random() < 0.05]
    for s in revised:
        s.value = max(-3, min(3, s.value + rng.choice([-1, 1])))
        s.reason = f"Revisat: motiu de la puntuació {s.value:+d}."
        s.scored_at = now - timedelta(days=rng.randint(1, 60))
        revisions.append(
            ScoreRevision(score=s, value=s.value, reason=s.reason, by=coordinator, at=s.scored_at)
        )
    Score.objects.bulk_update(revised, ["value", "reason", "scored_at"], batch_size=2000)
    ScoreRevision.objects.bulk_create(revisions, batch_size=5000)
    questions = []
    for s in rng.sample(scores, min(200, len(scores))):
        # Another entity than the strategy's own asks.
        asking = rng.choice([m for m in voting[:20] if m.pk != s.strategy.membership_id])
        questions.append(
            ScoreQuestion(
                score=s,
                membership=asking,
                comment="Per què aquesta puntuació?",
                value_questioned=s.value,
                by=coordinator,
                at=now - timedelta(days=rng.randint(1, 90)),
            )
        )
    ScoreQuestion.objects.bulk_create(questions, batch_size=2000)
