"""Demo data of the clusters part: the entities, the people and the demo cluster.

Idempotent: every row is looked up by a natural key before it is created, so running
``seed_demo`` again changes nothing.
"""

from __future__ import annotations

from decimal import Decimal

from allauth.account.models import EmailAddress

from accounts.models import User
from actors.models import Actor, ActorUser, Capacity, ThematicArea
from clusters.models import AuditEntry, Cluster, ClusterRole, Invitation, Membership

DEMO_PASSWORD = "demo-cluster-2026"
CLUSTER_SLUG = "habitatge-digne-nou-barris"

# (slug, name, kind, territory, areas, description, capacities [(kind, text, qty, unit)])
ACTORS = [
    (
        "llar-solidaria",
        "Fundació Llar Solidària",
        "ngo",
        "Barcelona",
        ["housing", "social_inclusion"],
        "Acompanya famílies en risc d'exclusió residencial i gestiona pisos d'inclusió.",
        [
            ("staff", "Educadores socials per a l'acompanyament a famílies", 6, "persones"),
            ("space", "Sala d'actes per a 80 persones", 80, "places"),
            ("infrastructure", "Furgoneta per a mudances d'urgència", 1, "furgonetes"),
        ],
    ),
    (
        "av-nou-barris",
        "Associació Veïnal de Nou Barris per l'Habitatge",
        "community_group",
        "Nou Barris, Barcelona",
        ["housing", "participation"],
        "Xarxa veïnal que assessora i organitza els veïns afectats per desnonaments.",
        [
            ("volunteers", "Voluntariat del punt d'assessorament setmanal", 25, "persones"),
            ("expertise", "Mediació comunitària", None, ""),
        ],
    ),
    (
        "sindicat-llogateres",
        "Sindicat de Llogateres del Barri",
        "community_group",
        "Barcelona",
        ["housing", "justice"],
        "Defensa col·lectiva dels drets de les persones llogateres.",
        [("expertise", "Negociació col·lectiva amb propietats", None, "")],
    ),
    (
        "xarxa-acollida",
        "Xarxa d'Acollida de Sant Andreu",
        "network",
        "Sant Andreu, Barcelona",
        ["migration", "social_inclusion"],
        "Coordina les entitats d'acollida de persones nouvingudes del districte.",
        [("volunteers", "Acompanyament a tràmits", 40, "persones")],
    ),
    (
        "oficina-habitatge",
        "Oficina Comarcal d'Habitatge",
        "public_administration",
        "Barcelonès",
        ["housing"],
        "Gestiona ajuts al lloguer i la borsa d'habitatge social.",
        [
            ("funding", "Fons d'emergència per a impagaments de lloguer", 150000, "€ l'any"),
            ("staff", "Tècniques d'habitatge", 4, "persones"),
        ],
    ),
    (
        "observatori-drets-socials",
        "Observatori de Drets Socials (UB)",
        "university",
        "Catalunya",
        ["housing", "social_inclusion"],
        "Grup de recerca que mesura l'exclusió residencial i avalua polítiques públiques.",
        [("expertise", "Disseny d'indicadors i enquestes", None, "")],
    ),
    (
        "grup-exclusio-residencial",
        "Grup de Recerca en Exclusió Residencial (UPC)",
        "university",
        "Barcelona",
        ["housing", "energy"],
        "Estudia l'estat del parc d'habitatge i la pobresa energètica.",
        [("expertise", "Auditories energètiques d'habitatges", 120, "auditories l'any")],
    ),
    (
        "coop-la-teulada",
        "Cooperativa d'Habitatge La Teulada",
        "company",
        "Barcelona",
        ["housing"],
        "Cooperativa d'habitatge en cessió d'ús.",
        [("infrastructure", "Habitatges en cessió d'ús per a emergències", 3, "habitatges")],
    ),
    (
        "dones-i-llar",
        "Fundació Dones i Llar",
        "ngo",
        "Barcelona",
        ["gender_equality", "housing"],
        "Atén dones en situació de violència masclista amb necessitat d'habitatge.",
        [
            ("staff", "Psicòlogues i juristes", 5, "persones"),
            ("expertise", "Perspectiva de gènere en la intervenció social", None, ""),
        ],
    ),
    (
        "acces-total",
        "Associació Accés Total",
        "ngo",
        "Barcelona",
        ["disability", "housing"],
        "Promou l'accessibilitat dels habitatges per a persones amb discapacitat.",
        [("expertise", "Avaluació d'accessibilitat", None, "")],
    ),
    (
        "energia-justa",
        "Energia Justa SCCL",
        "company",
        "Catalunya",
        ["energy"],
        "Cooperativa d'energia que lluita contra la pobresa energètica.",
        [
            ("funding", "Bons socials de subministrament", 200, "llars"),
            ("expertise", "Assessorament sobre factures d'energia", 10, "hores al mes"),
        ],
    ),
    (
        "xarxa-migrades",
        "Xarxa d'Entitats de Persones Migrades",
        "network",
        "Barcelona",
        ["migration", "participation"],
        "Aplega associacions de persones migrades i en defensa dels seus drets.",
        [("volunteers", "Mediació intercultural", 12, "persones")],
    ),
    (
        "dret-i-habitatge",
        "Col·lectiu Jurídic Dret i Habitatge",
        "company",
        "Barcelona",
        ["justice", "housing"],
        "Despatx cooperatiu d'advocacia en dret a l'habitatge.",
        [("staff", "Hores d'assessorament jurídic gratuït", 30, "hores al mes")],
    ),
    (
        "fundacio-horitzo",
        "Fundació Horitzó",
        "other",
        "Catalunya",
        ["social_inclusion", "cooperation"],
        "Fundació que finança projectes d'inclusió social i en fa el seguiment.",
        [("funding", "Convocatòria anual d'inclusió residencial", 300000, "€ l'any")],
    ),
    (
        "club-esportiu-turo",
        "Club Esportiu del Turó",
        "community_group",
        "Horta, Barcelona",
        ["culture"],
        "Entitat esportiva de barri (no forma part del clúster).",
        [("space", "Pavelló per a assemblees veïnals", 300, "places")],
    ),
]

# (email, first name, last name, actor slug or None, superuser)
PEOPLE = [
    ("coordinator@demo.example", "Núria", "Puig", "llar-solidaria", False),
    ("member@demo.example", "Jordi", "Serra", "av-nou-barris", False),
    ("observer@demo.example", "Marta", "Vidal", "observatori-drets-socials", False),
    ("institution@demo.example", "Albert", "Roca", "fundacio-horitzo", False),
    ("admin@demo.example", "Admin", "Demo", None, True),
]

# A person who represents a second entity of the demo cluster, and chooses in the cluster bar
# which one they act for: Jordi speaks for the neighbours' association and for the tenants'
# union, and takes a position and reports for each.
SECOND_ENTITIES = [("member@demo.example", "sindicat-llogateres")]

ROLES = {
    "llar-solidaria": Membership.Role.LEAD,
    "observatori-drets-socials": Membership.Role.OBSERVER,
    "fundacio-horitzo": Membership.Role.INSTITUTION,
}
OUTSIDE_CLUSTER = {"club-esportiu-turo"}

# Their IATI organisation identifiers, for the cluster's IATI file: associations and
# foundations by their tax id (CIF G…, cooperatives F…, companies B…), public bodies and
# universities by their code in the Spanish administration's directory (DIR3). Invented.
IATI_IDENTIFIERS = {
    "llar-solidaria": "ES-CIF-G08561234",
    "av-nou-barris": "ES-CIF-G08123457",
    "sindicat-llogateres": "ES-CIF-G67234518",
    "xarxa-acollida": "ES-CIF-G65987410",
    "oficina-habitatge": "ES-DIR3-L02000813",
    "observatori-drets-socials": "ES-DIR3-U00800011",
    "grup-exclusio-residencial": "ES-DIR3-U00800022",
    "coop-la-teulada": "ES-CIF-F66543219",
    "dones-i-llar": "ES-CIF-G08765430",
    "acces-total": "ES-CIF-G08345671",
    "energia-justa": "ES-CIF-F65432108",
    "xarxa-migrades": "ES-CIF-G66012349",
    "dret-i-habitatge": "ES-CIF-F67890127",
    "fundacio-horitzo": "ES-CIF-G08999016",
    "club-esportiu-turo": "ES-CIF-G08456782",
}
# Its sector in the IATI file (OECD DAC): housing policy and administrative management.
DAC_SECTOR = "16030"


def seed_clusters() -> Cluster:
    """The entities, people and the demo cluster; returns the cluster."""
    areas = {area.code: area for area in ThematicArea.objects.all()}
    actors = {row[0]: _actor(row, areas) for row in ACTORS}
    users = {email: _person(email, first, last, su) for email, first, last, _a, su in PEOPLE}
    for email, _f, _l, actor_slug, _s in PEOPLE:
        if actor_slug:
            ActorUser.objects.get_or_create(
                user=users[email],
                actor=actors[actor_slug],
                defaults={"role": ActorUser.Role.ADMIN},
            )
    for email, actor_slug in SECOND_ENTITIES:
        ActorUser.objects.get_or_create(
            user=users[email],
            actor=actors[actor_slug],
            defaults={"role": ActorUser.Role.REPRESENTATIVE},
        )
    cluster = _cluster(users["coordinator@demo.example"], areas, actors)
    _invitation(cluster, users["coordinator@demo.example"])
    _entity_people(actors)
    return cluster


def _entity_people(actors: dict[str, Actor]) -> None:
    """A representative beside the member entity's administrator: the entity's page lists
    both, and the administrator may remove her (never the last administrator)."""
    laia = _person("laia.ferrer@demo.example", "Laia", "Ferrer", False)
    ActorUser.objects.get_or_create(
        user=laia, actor=actors["av-nou-barris"], defaults={"role": ActorUser.Role.REPRESENTATIVE}
    )


def _actor(row: tuple, areas: dict[str, ThematicArea]) -> Actor:
    slug, name, kind, territory, area_codes, description, capacities = row
    actor, created = Actor.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "kind": kind,
            "territory": territory,
            "description": description,
        },
    )
    if created:
        actor.thematic_areas.set([areas[code] for code in area_codes])
    # Also for a database seeded before entities had one.
    if not actor.iati_identifier:
        actor.iati_identifier = IATI_IDENTIFIERS[slug]
        actor.save(update_fields=["iati_identifier"])
    # Each capacity by its text, so that a database seeded before gets the ones added since.
    for cap_kind, text, quantity, unit in capacities:
        Capacity.objects.get_or_create(
            actor=actor,
            kind=cap_kind,
            description=text,
            defaults={"unit": unit, "quantity": None if quantity is None else Decimal(quantity)},
        )
    return actor


def _person(email: str, first: str, last: str, superuser: bool) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        create = User.objects.create_superuser if superuser else User.objects.create_user
        user = create(email=email, password=DEMO_PASSWORD, first_name=first, last_name=last)
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _cluster(coordinator: User, areas: dict, actors: dict[str, Actor]) -> Cluster:
    cluster, created = Cluster.objects.get_or_create(
        slug=CLUSTER_SLUG,
        defaults={
            "name": "Clúster pel Dret a l'Habitatge Digne de Nou Barris",
            "kind": Cluster.Kind.SOCIAL,
            "common_goal": (
                "Garantir el dret a un habitatge adequat de les famílies de Nou Barris: "
                "aturar els desnonaments sense alternativa, reduir la pobresa energètica "
                "i assegurar que les dones, les persones migrades i les persones amb "
                "discapacitat accedeixen en igualtat als recursos d'habitatge."
            ),
            "territory": "Nou Barris, Barcelona",
            "status": Cluster.Status.ACTIVE,
            # A block can be overcome in a second round by a qualified majority.
            "decision_rule": Cluster.DecisionRule.CONSENSUS_THEN_MAJORITY,
            "consensus_threshold": 75,
            "quorum": 60,
            "reporting_period": Cluster.ReportingPeriod.QUARTERLY,
            # Its goal names migrants and people with disabilities: its groups count them.
            "groups_by_sex": True,
            "groups_by_age": True,
            "groups_by_disability": True,
            "groups_by_migration": True,
            "created_by": coordinator,
            "country": "ES",
            "dac_sector": DAC_SECTOR,
        },
    )
    if not cluster.dac_sector:  # a database seeded before clusters had one
        cluster.dac_sector = DAC_SECTOR
        cluster.save(update_fields=["dac_sector"])
    if not created:
        return cluster
    cluster.thematic_areas.set(
        [areas[c] for c in ("housing", "social_inclusion", "gender_equality", "energy")]
    )
    ClusterRole.objects.create(cluster=cluster, user=coordinator)
    AuditEntry.objects.create(
        cluster=cluster,
        by=coordinator,
        action=AuditEntry.Action.CLUSTER_CREATED,
        target=cluster.name,
    )
    for slug, actor in actors.items():
        if slug not in OUTSIDE_CLUSTER:
            Membership.objects.create(
                cluster=cluster, actor=actor, role=ROLES.get(slug, Membership.Role.MEMBER)
            )
    return cluster


def _invitation(cluster: Cluster, coordinator: User) -> None:
    if cluster.invitations.exists():
        return
    Invitation.objects.create(
        cluster=cluster,
        email="contacte@banc-aliments-barri.example",
        actor_name="Banc d'Aliments del Barri",
        actor_kind=Actor.Kind.NGO,
        role=Membership.Role.MEMBER,
        language="ca",
        invited_by=coordinator,
        expires_at=Invitation.default_expiry(),
    )
    # A co-coordinator named, not answered yet (the members page shows it).
    Invitation.objects.create(
        kind=Invitation.Kind.COORDINATOR,
        cluster=cluster,
        email="cocoordinacio@llar-solidaria.example",
        language="ca",
        invited_by=coordinator,
        expires_at=Invitation.default_expiry(),
    )
    # The member entity's administrator has invited a colleague (its profile shows it).
    member_actor = Actor.objects.get(slug="av-nou-barris")
    Invitation.objects.create(
        kind=Invitation.Kind.REPRESENTATIVE,
        actor=member_actor,
        actor_role=ActorUser.Role.REPRESENTATIVE,
        email="secretaria@av-nou-barris.example",
        language="ca",
        invited_by=member_actor.people.filter(role=ActorUser.Role.ADMIN).first().user,
        expires_at=Invitation.default_expiry(),
    )
