from __future__ import annotations

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User
from actors.models import Actor, ActorUser, Capacity
from clusters.models import Cluster, ClusterRole, Invitation, Membership

PASSWORD = "a-long-test-password-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Entity {n}")
    kind = Actor.Kind.NGO
    territory = "Barcelona"


class ActorUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActorUser

    user = factory.SubFactory(UserFactory)
    actor = factory.SubFactory(ActorFactory)
    role = ActorUser.Role.ADMIN


class CapacityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Capacity

    actor = factory.SubFactory(ActorFactory)
    kind = Capacity.Kind.STAFF
    description = "Two social workers"


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster

    name = factory.Sequence(lambda n: f"Cluster {n}")
    kind = Cluster.Kind.SOCIAL
    common_goal = "Adequate housing for every family"
    status = Cluster.Status.ACTIVE


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    cluster = factory.SubFactory(ClusterFactory)
    actor = factory.SubFactory(ActorFactory)
    role = Membership.Role.MEMBER


class ClusterRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClusterRole

    cluster = factory.SubFactory(ClusterFactory)
    user = factory.SubFactory(UserFactory)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    cluster = factory.SubFactory(ClusterFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.org")
    actor_name = factory.Sequence(lambda n: f"New entity {n}")
    actor_kind = Actor.Kind.NGO
    role = Membership.Role.MEMBER
    language = "en"
    expires_at = factory.LazyFunction(Invitation.default_expiry)
    sent_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))


class RightsIssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "rights.RightsIssue"
        skip_postgeneration_save = True

    cluster = factory.SubFactory(ClusterFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Evictions without alternative {n}")
    description = "Families evicted with nowhere to go"
    territory = "Nou Barris"

    @factory.post_generation
    def rights(obj, create: bool, extracted: object, **kwargs: object) -> None:
        from rights.models import Right

        if create:
            obj.rights.set(extracted or Right.objects.filter(code__in=["UDHR-25", "ICESCR-11"]))


def holder_group(issue: object, name: str = "Families", counts: dict | None = None) -> object:
    """A rights-holder group with the counts given, {cell key: count}; every other cell
    unknown. By default three women (adults)."""
    from rights.models import RightsHolderCount, RightsHolderGroup

    group = RightsHolderGroup.objects.create(issue=issue, name=name)
    for cell, count in ({"sex=female|age=adults": 3} if counts is None else counts).items():
        RightsHolderCount.objects.create(group=group, cell=cell, count=count)
    return group


# A gender analysis that validation accepts: each of the six parts real content.
GENDER_ANALYSIS = {
    "gender_impact": "Women head 41% of the evicted households, twice their share.",
    "gender_roles": "Women do the care work and every appointment with social services.",
    "gender_resources": "Leases are in the man's name: after a separation she has no title.",
    "gender_participation": "Women fill the assemblies but men speak for them with landlords.",
    "gender_violence": "Some women stay with an aggressor rather than lose the flat.",
    "gender_intersections": "Older women alone and undocumented migrant women have least choice.",
}


def write_gender_analysis(issue) -> None:
    """Give the issue a gender analysis that passes validation (in the database only)."""
    from rights.models import RightsIssue

    RightsIssue.objects.filter(pk=issue.pk).update(**GENDER_ANALYSIS)


def make_iati_ready(cluster: Cluster) -> Cluster:
    """Give the cluster a sector and every entity in its IATI file (lead, members,
    institutions, joint actions' leads) an identifier, so that the file validates.
    Idempotent: an entity keeps the identifier it has."""
    actors = Actor.objects.filter(memberships__cluster=cluster, iati_identifier="")
    for actor in actors.distinct():
        actor.iati_identifier = f"ES-CIF-G{actor.pk:08d}"
        actor.save(update_fields=["iati_identifier"])
    if not cluster.dac_sector:
        cluster.dac_sector = "16030"
        cluster.save(update_fields=["dac_sector"])
    return cluster
