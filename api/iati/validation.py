"""Whether a cluster's IATI file may be written, and whether what was written is valid.

Three checks, in this order, and no file is served unless all pass:
- ``data_problems``: what the cluster must fix first (no lead entity, an entity without
  an IATI identifier, no sector chosen), each a sentence
  naming the thing and what to do, with the page where to do it;
- ``rule_problems``: the IATI rules the schema cannot check, on the built file (a
  period's start before its end — the database holds that too —, a number for every
  quantitative value). No actual without a validated report is the builder's own rule:
  it reads validated reports only (tests/api/test_iati_file.py shows a submitted one
  left out);
- ``schema_errors``: the official IATI 2.03 schema (api/iati/schema), loaded once.

Building and checking a large cluster's file reads every validated cell: the outcome is
kept in the cache (``checked_file``) until the data it reads changes. Every write to a
cluster's shared work is in its audit log, which moves the cluster's data version
(clusters.audit.data_version); an entity's profile (its name, its IATI identifier) is not
(actors.services says why), so the key also holds what the file says of the cluster's
entities and of the cluster itself, read afresh in one short query.
"""

from __future__ import annotations

import functools
import hashlib
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from lxml import etree

from actors.models import Actor
from api.iati import builder
from clusters.audit import data_version
from clusters.models import Cluster

SCHEMA = Path(__file__).parent / "schema" / "iati-activities-schema.xsd"


@dataclass(frozen=True)
class Problem:
    message: str
    url: str = ""  # where to fix it, when a page of the platform does


@dataclass(frozen=True)
class Counts:
    activities: int
    results: int
    indicators: int
    periods: int


@dataclass(frozen=True)
class Checked:
    """The outcome of building a cluster's file: its bytes when it is valid, else None
    and the problems."""

    problems: list[Problem]
    content: bytes | None = None
    counts: Counts | None = None

    @property
    def is_valid(self) -> bool:
        return not self.problems


@functools.cache
def schema() -> etree.XMLSchema:
    # The schema includes iati-common.xsd and imports xml.xsd by relative paths, which
    # lxml resolves from the file's own location.
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def schema_errors(root: etree._Element) -> list[str]:
    validator = schema()
    if validator.validate(root):
        return []
    return [f"{error.line}: {error.message}" for error in validator.error_log]


def data_problems(data: builder.ClusterData) -> list[Problem]:
    cluster = data.cluster
    settings_url = reverse("clusters:edit", args=[cluster.slug])
    problems = []
    if data.lead is None:
        problems.append(
            Problem(
                _("The cluster has no lead entity: the IATI file is reported in its name."),
                reverse("clusters:members", args=[cluster.slug]),
            )
        )
    for membership in data.participants:
        if not membership.actor.iati_identifier:
            problems.append(
                Problem(
                    _(
                        "%(entity)s has no IATI organisation identifier: add it on the "
                        "entity's page."
                    )
                    % {"entity": membership.actor.name},
                    reverse("actors:edit", args=[membership.actor.slug]),
                )
            )
    listed = {m.pk for m in data.participants}
    for action in data.actions:
        actor = action.lead.actor
        if action.lead_id not in listed and not actor.iati_identifier:
            listed.add(action.lead_id)
            problems.append(
                Problem(
                    _(
                        "%(entity)s has no IATI organisation identifier: add it on the "
                        "entity's page."
                    )
                    % {"entity": actor.name},
                    reverse("actors:edit", args=[actor.slug]),
                )
            )
    if not cluster.dac_sector:
        problems.append(Problem(_("Choose the cluster's sector in its settings."), settings_url))
    return problems


def rule_problems(root: etree._Element) -> list[str]:
    problems = []
    for period in root.iter("period"):
        start = period.find("period-start").get("iso-date")
        end = period.find("period-end").get("iso-date")
        if start > end:
            problems.append(_("A period ends before it starts (%(start)s).") % {"start": start})
    for indicator in root.iter("indicator"):
        if indicator.get("measure") not in ("1", "2"):
            continue
        for element in indicator.iter("baseline", "target", "actual"):
            value = element.get("value")
            if value is None:
                continue
            try:
                Decimal(value)
            except InvalidOperation:
                problems.append(
                    _("A quantitative value is not a number: %(value)s.") % {"value": value}
                )
    return problems


def counts(root: etree._Element) -> Counts:
    return Counts(
        activities=len(root.findall("iati-activity")),
        results=sum(1 for _r in root.iter("result")),
        indicators=sum(1 for _i in root.iter("indicator")),
        periods=sum(1 for _p in root.iter("period")),
    )


# Only bounds the life of entries that no key will ask for again.
CHECKED_CACHE_SECONDS = 24 * 3600


def _cache_key(cluster: Cluster) -> str:
    """What the checked file depends on: the cluster's data version, its own fields, its
    entities' profiles (unversioned), the cluster's today (which periods have started) and
    the language of the problems' sentences."""
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(cluster.zone))
    entities = list(
        Actor.objects.filter(memberships__cluster=cluster)
        .order_by("pk")
        .distinct()
        .values_list("pk", "name", "slug", "kind", "iati_identifier")
    )
    own = [getattr(cluster, field.attname) for field in cluster._meta.concrete_fields]
    digest = hashlib.sha256(repr((own, entities)).encode()).hexdigest()[:32]
    version = data_version(cluster.pk)
    language = translation.get_language()
    return f"iati:checked:{cluster.pk}:{version}:{today}:{language}:{digest}"


def checked_file(cluster: Cluster) -> Checked:
    """``checked_now``, kept until the data it reads changes (see the module's note)."""
    key = _cache_key(cluster)
    found = cache.get(key)
    if found is None:
        found = checked_now(cluster)
        cache.set(key, found, CHECKED_CACHE_SECONDS)
    return found


def checked_now(cluster: Cluster) -> Checked:
    """The cluster's IATI file, built only from data that passes, then checked against
    the rules and the schema. A problem in the built file is the platform's, not the
    coordinator's: it is listed all the same, and no file goes out."""
    data = builder.load(cluster)
    problems = data_problems(data)
    if problems:
        return Checked(problems)
    root = builder.build(data)
    found = rule_problems(root) + schema_errors(root)
    if found:
        return Checked(
            [Problem(_("The file does not validate: %(error)s") % {"error": e}) for e in found]
        )
    return Checked([], builder.to_bytes(root), counts(root))
