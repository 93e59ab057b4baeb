"""Demo data of the rights part: three analysed issues in the demo cluster.

Idempotent: nothing is added when the cluster already has issues.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.utils import timezone

from accounts.models import User
from clusters.models import Cluster
from rights import services
from rights.models import (
    CapacityGap,
    Cause,
    Consequence,
    DutyBearer,
    Evidence,
    GeneralComment,
    OutsideReference,
    Participation,
    Right,
    RightsHolderCount,
    RightsHolderGroup,
    SDGTarget,
)

EVICTIONS = {
    "title": "Desnonaments sense alternativa habitacional",
    "rights": [
        "UDHR-25",
        "ICESCR-2",
        "ICESCR-11",
        "ICCPR-17",
        "ICCPR-26",
        "CEDAW-15",
        "CEDAW-16",
        "CRC-27",
    ],
    # CESCR General Comment 4 (adequate housing) and 7 (forced evictions).
    "general_comments": [("CESCR", 4), ("CESCR", 7)],
    "references": [
        (
            "concluding_observations",
            "Comitè DESC, observacions finals sobre el sisè informe periòdic d'Espanya "
            "(E/C.12/ESP/CO/6)",
            "2018-04-25",
            "https://docs.un.org/en/E/C.12/ESP/CO/6",
        ),
        (
            "upr",
            "Examen Periòdic Universal d'Espanya, tercer cicle: recomanacions sobre "
            "habitatge assequible i desnonaments (A/HRC/44/7)",
            "2020-03-13",
            "https://docs.un.org/en/A/HRC/44/7",
        ),
        (
            "law",
            "Llei 18/2007, de 28 de desembre, del dret a l'habitatge (Catalunya)",
            "2007-12-28",
            "https://portaljuridic.gencat.cat/eli/es-ct/l/2007/12/28/18",
        ),
    ],
    "targets": ["1.3", "1.4", "11.1"],
    "territory": "Nou Barris, Barcelona",
    "description": (
        "Cada mes s'executen al districte desenes de desnonaments de famílies que no tenen "
        "cap alternativa d'habitatge. La majoria són per impagament de lloguer després d'una "
        "pèrdua d'ingressos, i sovint afecten llars amb infants o persones grans."
    ),
    "gender": {
        "gender_impact": (
            "Les llars monoparentals encapçalades per dones són el 41% de les famílies ateses "
            "per desnonament, el doble del seu pes a la població del districte. De les 299 "
            "persones grans que viuen soles de lloguer, 212 són dones: tenen pensions de "
            "viudetat o no contributives més baixes i paguen una part més gran dels ingressos "
            "en lloguer. Els homes sols arriben més tard als serveis socials, sovint amb la "
            "data del llançament ja fixada."
        ),
        "gender_roles": (
            "Les cures dels infants i de les persones grans recauen en les dones, que són les "
            "que fan els tràmits amb l'Oficina d'Habitatge, els serveis socials i el jutjat. "
            "Moltes perden hores o la feina per anar a les citacions, i quan la família acaba "
            "en una habitació rellogada assumeixen també la convivència amb desconeguts."
        ),
        "gender_resources": (
            "Sovint el contracte de lloguer és a nom de l'home: després d'una separació, la "
            "dona que hi continua vivint amb els fills queda sense títol ni dret a la "
            "pròrroga. Amb feines a temps parcial i menys estalvis, les dones no poden "
            "aportar els avals i les nòmines que les propietats demanen per a un pis nou."
        ),
        "gender_participation": (
            "Les dones són majoria a les assemblees de l'Associació Veïnal i als grups "
            "d'acompanyament, però minoria a les taules de negociació amb els grans tenidors "
            "i amb l'Ajuntament, on parlen sobretot portaveus homes. Els horaris de tarda i "
            "la manca d'espai per als infants deixen fora moltes mares soles."
        ),
        "gender_violence": (
            "Algunes dones continuen convivint amb la parella agressora perquè, si deixen el "
            "pis, no tenen on anar, i el desnonament les pot empènyer a tornar-hi. Les "
            "entitats han recollit casos d'assetjament de propietaris i intermediaris a canvi "
            "de no reclamar el deute. Les habitacions rellogades sense contracte ni pany "
            "exposen dones i noies a la violència sexual."
        ),
        "gender_intersections": (
            "Tenen menys alternatives les dones grans que viuen soles, les dones migrades en "
            "situació administrativa irregular (sense accés a l'habitatge protegit ni a "
            "alguns ajuts, i sovint sense poder empadronar-se), les dones amb discapacitat, "
            "que no troben pisos accessibles, i les famílies gitanes, discriminades quan "
            "busquen lloguer."
        ),
    },
    "consequences": [
        "Famílies que viuen en habitacions rellogades o amb familiars, en amuntegament",
        "Infants que canvien d'escola o perden el curs escolar",
        "Deteriorament de la salut mental: ansietat, depressió, insomni",
        "Pèrdua de les xarxes de suport veïnal i comunitari",
        "Endeutament de les famílies amb deutes de lloguer i costes judicials",
    ],
    "causes": [
        (
            "immediate",
            "Impagament del lloguer després de perdre la feina o reduir-se els ingressos",
            [0, 2, 4],
        ),
        (
            "immediate",
            "Finalització de contractes sense renovació i pujades abusives del lloguer",
            [0, 1, 3],
        ),
        ("immediate", "Ocupació d'habitatges buits per necessitat, sense títol", [0, 2]),
        ("underlying", "Parc d'habitatge social insuficient: menys del 2% del total", []),
        (
            "underlying",
            "Serveis socials saturats que no arriben abans de la data del llançament",
            [],
        ),
        ("underlying", "Desconeixement dels drets i dels recursos d'assessorament jurídic", []),
        ("underlying", "Ingressos insuficients i inestables de les llars llogateres", []),
        (
            "structural",
            "Mercat de lloguer tractat com a inversió financera, amb grans tenidors",
            [],
        ),
        ("structural", "Inversió pública en habitatge molt per sota de la mitjana europea", []),
        ("structural", "Bretxa salarial i de pensions de gènere i precarietat laboral", []),
    ],
    # The causal chains, by position in "causes": (the cause, the cause above it produces).
    "leads_to": [
        *[(3, 1), (3, 2), (4, 0), (4, 2), (5, 0), (5, 1), (6, 0)],  # underlying -> immediate
        *[(7, 3), (8, 3), (8, 4), (8, 5), (9, 6)],  # structural -> underlying
    ],
    # The duty-bearers responsible for each cause, by position in "duty_bearers".
    "responsible": {
        0: [0, 1],
        1: [3],
        2: [1],
        3: [1],
        4: [1, 2],
        5: [0],
        6: [1],
        7: [3],
        8: [1],
        9: [1],
    },
    "groups": [
        (
            "Famílies amb infants en procediment de desnonament",
            "Dades de l'Oficina d'Habitatge i de les entitats, darrer any",
            # Cells left out are unknown: no source counts non-binary children, older
            # people in these families, nor the migration status of every household.
            {
                "sex=female|age=children": 96,
                "sex=male|age=children": 104,
                "sex=female|age=adolescents": 31,
                "sex=male|age=adolescents": 29,
                "sex=female|age=adults": 118,
                "sex=male|age=adults": 73,
                "sex=nonbinary|age=adults": 2,
                "disability=yes": 41,
                "disability=no": 412,
                "migration=national": 188,
                "migration=regular": 164,
                "migration=irregular": 57,
            },
        ),
        (
            "Persones grans que viuen soles de lloguer",
            "Estimació a partir del padró i dels serveis socials",
            {
                # Older people by definition: no child, adolescent nor adult among them.
                **{
                    f"sex={sex}|age={age}": 0
                    for sex in ("female", "male", "nonbinary")
                    for age in ("children", "adolescents", "adults")
                },
                "sex=female|age=elderly": 212,
                "sex=male|age=elderly": 87,
                "sex=nonbinary|age=elderly": 0,
                "disability=yes": 96,
                "disability=no": 203,
                "migration=national": 281,
                "migration=regular": 18,
                "migration=irregular": 0,
                "migration=protection": 0,
            },
        ),
    ],
    "duty_bearers": [
        (
            "oficina-habitatge",
            "",
            "fulfil",
            "Oferir allotjament alternatiu abans de cada llançament",
        ),
        ("", "Ajuntament de Barcelona", "fulfil", "Ampliar el parc públic i la mediació"),
        (
            "",
            "Jutjats de primera instància",
            "protect",
            "Suspendre llançaments de famílies vulnerables",
        ),
        (
            "",
            "Grans tenidors (entitats financeres i fons)",
            "respect",
            "Oferir lloguer social abans de demandar",
        ),
    ],
    # (side, type, of whom: ("group" or "bearer", its index above), what is lacking)
    "gaps": [
        (
            "rights_holders",
            "knowledge",
            ("group", 0),
            "Informació sobre els seus drets i sobre on demanar assessorament",
        ),
        (
            "rights_holders",
            "communication",
            ("group", 0),
            "Organització col·lectiva per negociar amb les propietats",
        ),
        (
            "rights_holders",
            "resources",
            ("group", 1),
            "Ingressos i avals per accedir a un lloguer nou després de perdre l'actual",
        ),
        (
            "duty_bearers",
            "resources",
            ("bearer", 1),
            "Habitatges disponibles per a reallotjament d'emergència",
        ),
        (
            "duty_bearers",
            "authority",
            ("bearer", 0),
            "L'Oficina d'Habitatge no pot adjudicar un pis d'emergència sense la mesa municipal",
        ),
        (
            "duty_bearers",
            "communication",
            ("bearer", 2),
            "Coordinació entre jutjats i serveis socials abans del llançament",
        ),
        (
            "duty_bearers",
            "responsibility",
            ("bearer", 3),
            "Compromís d'oferir lloguer social abans de demandar les famílies vulnerables",
        ),
    ],
    # (how, days ago, groups consulted by index, member entities, others, women, men,
    # non-binary people (None: not known), notes)
    "participation": [
        (
            "focus_group",
            120,
            [0],
            ["av-nou-barris"],
            "",
            9,
            0,
            0,
            "Mares llogateres amb infants, al local de l'Associació Veïnal, amb servei de cangur.",
        ),
        (
            "focus_group",
            95,
            [0, 1],
            ["llar-solidaria"],
            "",
            7,
            1,
            0,
            "Dones grans que viuen soles i mares soles acompanyades per la Fundació.",
        ),
        (
            "assembly",
            60,
            [0, 1],
            ["av-nou-barris", "llar-solidaria", "oficina-habitatge"],
            "Veïnat de Roquetes i de la Trinitat Nova",
            38,
            21,
            None,
            "Assemblea oberta al casal de barri: no es va preguntar a tothom el gènere.",
        ),
    ],
    "evidence": [
        (
            "Observatori DESC: informes sobre emergència habitacional",
            "https://observatoridesc.org/",
        ),
    ],
    "validate": True,
}

ENERGY = {
    "title": "Pobresa energètica a les llars llogateres",
    "rights": ["UDHR-25", "ICESCR-11", "ICESCR-12"],
    "targets": ["7.1", "1.4"],
    "territory": "Nou Barris, Barcelona",
    "description": (
        "Moltes llars llogateres no poden mantenir l'habitatge a una temperatura adequada i "
        "acumulen deutes amb les companyies subministradores."
    ),
    # A draft: the gender analysis is only begun.
    "gender": {
        "gender_impact": (
            "Les dones grans que viuen soles i les famílies monoparentals són les més "
            "afectades; les dones assumeixen la gestió dels deutes i dels talls."
        ),
    },
    "consequences": [
        "Malalties respiratòries a l'hivern",
        "Talls de subministrament i deutes amb les companyies",
    ],
    "causes": [
        ("immediate", "Factures que superen el 10% dels ingressos de la llar", [0, 1]),
        ("underlying", "Habitatges mal aïllats, sense rehabilitació energètica", []),
        ("structural", "Preus de l'energia i tarifa social insuficient", []),
    ],
    "leads_to": [(1, 0)],
    "groups": [
        (
            "Llars llogateres amb endarreriments en les factures",
            "",
            # Who is disabled in these households is not known: those cells stay empty.
            {
                "sex=female|age=adults": 64,
                "sex=male|age=adults": 41,
                "sex=female|age=elderly": 38,
                "sex=male|age=elderly": 15,
                "migration=national": 97,
                "migration=regular": 61,
            },
        ),
    ],
    "duty_bearers": [
        ("energia-justa", "", "fulfil", "Bons socials i assessorament energètic"),
        (
            "",
            "Companyies subministradores",
            "respect",
            "No tallar el subministrament a llars vulnerables",
        ),
    ],
    "gaps": [
        (
            "duty_bearers",
            "resources",
            ("bearer", 0),
            "Fons per a la rehabilitació energètica d'habitatges de lloguer",
        ),
    ],
    "participation": [],
    "evidence": [],
    "validate": False,
}

VIOLENCE = {
    "title": "Barreres d'accés a l'habitatge per a dones que surten de situacions de violència",
    "rights": ["UDHR-25", "CEDAW-2", "ICESCR-11"],
    "targets": ["5.2", "11.1"],
    "territory": "Barcelona",
    "description": (
        "Les dones que surten de cases d'acollida no troben habitatge assequible i moltes "
        "tornen amb l'agressor o viuen en habitacions rellogades amb els seus fills."
    ),
    "gender": {},
    "consequences": [
        "Retorn a la convivència amb l'agressor",
        "Infants que viuen en habitacions rellogades",
    ],
    "causes": [
        ("immediate", "Exigència d'avals i nòmines que les dones no poden aportar", [0, 1]),
        ("structural", "Manca de reserva d'habitatge públic per a víctimes de violència", []),
    ],
    "groups": [],
    "duty_bearers": [("dones-i-llar", "", "protect", "Acompanyament en la cerca d'habitatge")],
    "gaps": [],
    "participation": [],
    "evidence": [],
    "validate": False,
}


def seed_rights(cluster: Cluster, coordinator: User) -> None:
    if cluster.rights_issues.exists():
        return
    for data in (EVICTIONS, ENERGY, VIOLENCE):
        _issue(cluster, coordinator, data)


def cited_comments(keys: Iterable[tuple[str, int]]) -> list[GeneralComment]:
    return [GeneralComment.objects.get(body=body, number=number) for body, number in keys]


def _issue(cluster: Cluster, by: User, data: dict) -> None:
    issue = services.rights_issue_create(
        cluster=cluster,
        by=by,
        rights=Right.objects.filter(code__in=data["rights"]),
        sdg_targets=SDGTarget.objects.filter(code__in=data["targets"]),
        general_comments=cited_comments(data.get("general_comments", ())),
        title=data["title"],
        description=data["description"],
        territory=data["territory"],
        **data["gender"],
    )
    consequences = [
        Consequence.objects.create(issue=issue, description=text) for text in data["consequences"]
    ]
    causes = []
    for level, text, produces in data["causes"]:
        cause = Cause.objects.create(issue=issue, level=level, description=text)
        cause.consequences.set([consequences[i] for i in produces])
        causes.append(cause)
    for below, above in data.get("leads_to", []):
        causes[below].leads_to.add(causes[above])
    groups = []
    for name, description, counts in data["groups"]:
        group = RightsHolderGroup.objects.create(issue=issue, name=name, description=description)
        RightsHolderCount.objects.bulk_create(
            RightsHolderCount(group=group, cell=cell, count=count) for cell, count in counts.items()
        )
        groups.append(group)
    members = {m.actor.slug: m for m in cluster.memberships.select_related("actor")}
    bearers = [
        DutyBearer.objects.create(
            issue=issue,
            membership=members.get(actor_slug) if actor_slug else None,
            outside_body=outside,
            obligation=obligation,
            description=description,
        )
        for actor_slug, outside, obligation, description in data["duty_bearers"]
    ]
    for cause, answering in data.get("responsible", {}).items():
        causes[cause].responsible.set([bearers[i] for i in answering])
    for side, kind, (of, index), text in data["gaps"]:
        CapacityGap.objects.create(
            issue=issue,
            side=side,
            type=kind,
            holder_group=groups[index] if of == "group" else None,
            duty_bearer=bearers[index] if of == "bearer" else None,
            description=text,
        )
    today = timezone.localdate()
    for method, days_ago, consulted, entities, others, women, men, nonbinary, notes in data[
        "participation"
    ]:
        consultation = Participation.objects.create(
            issue=issue,
            method=method,
            held_on=today - timedelta(days=days_ago),
            others=others,
            women=women,
            men=men,
            nonbinary=nonbinary,
            notes=notes,
        )
        consultation.holder_groups.set([groups[i] for i in consulted])
        consultation.memberships.set([members[slug] for slug in entities])
    for kind, title, day, url in data.get("references", ()):
        OutsideReference.objects.create(
            issue=issue, kind=kind, title=title, date=date.fromisoformat(day), url=url
        )
    lead = cluster.memberships.filter(role="lead").first()  # the coordinator's entity
    for title, url in data["evidence"]:
        Evidence.objects.create(issue=issue, title=title, url=url, added_by=by, added_for=lead)
    if data["validate"]:
        services.rights_issue_validate(issue=issue, by=by)
