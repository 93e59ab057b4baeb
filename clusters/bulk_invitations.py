"""Inviting many entities at once, from a CSV or XLSX file a coordinator uploads.

Like the measurement import (indicators.importing): the file is read by core.reading
(which refuses what is not a spreadsheet, or too large), every row is checked and every
error collected with the row number a person sees, and a file with any bad row is refused
whole. Rows for an address or entity already invited (pending) or already a member are
reported and left out, never duplicated. A good file creates all its invitations in one
transaction, with one entry in the cluster's log, and queues their emails on commit.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from accounts.models import User
from actors.models import Actor, ActorUser, name_key
from clusters.audit import audit
from clusters.models import AuditEntry, Cluster, Invitation, Membership
from clusters.services import check_invitations_left, enqueue_invitation_email
from core import reading
from core.errors import DomainError
from core.reading import ImportRefused
from core.spreadsheets import RUNS_AT_START, cell_text

__all__ = ["COLUMNS", "ImportRefused", "Outcome", "invitations_import"]

COLUMNS = ("email", "entity", "kind", "role", "language")
REQUIRED = ("email", "entity")
MAX_EMAIL = 254
MAX_NAME = 200
# A cluster sends at most this many invitations a day (clusters.services): a longer file
# could never be good, and is refused before its rows are checked.
MAX_ROWS = 100
INVITED_ROLES = (Membership.Role.MEMBER, Membership.Role.OBSERVER, Membership.Role.INSTITUTION)


@dataclass
class _Row:
    number: int
    email: str
    name: str
    kind: str
    role: str
    language: str
    actor: Actor | None = None


@dataclass
class Outcome:
    """What a good file did: the invitations sent, and the rows left out and why."""

    sent: list[Invitation] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)

    def as_json(self) -> dict:
        """What the page shows after the redirect, kept in the session until then."""
        return {
            "sent": [
                {"entity": i.entity_name, "email": i.email, "role": i.role_label} for i in self.sent
            ],
            "skipped": [[row, reason] for row, reason in self.skipped],
        }


def _choices(pairs: Mapping[str, object]) -> dict[str, str]:
    """{key: code} for each code and its label in every language, compared by name_key
    ("ONG", "ngo", "Observador", "observer" all name a choice)."""
    words: dict[str, str] = {}
    for code, label in pairs.items():
        words[name_key(code)] = code
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                words[name_key(str(label))] = code
    return words


def _languages() -> dict[str, str]:
    words = {}
    for code, label in settings.LANGUAGES:
        words[name_key(code)] = code
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                words[name_key(str(label))] = code
    # Each language by its own name, as people write it.
    words.update({"catala": "ca", "espanol": "es", "castellano": "es", "castella": "es"})
    return words


def invitations_import(*, cluster: Cluster, by: User, upload: File | IO[bytes]) -> Outcome:
    """Invite the entities of a CSV or XLSX file (columns email, entity, kind, role,
    language). Raises ImportRefused with every error when any row is wrong, having
    invited nobody."""
    rows = reading.read_rows(upload, required=REQUIRED, optional=COLUMNS[2:], formulas=False)
    if len(rows) > MAX_ROWS:
        raise ImportRefused(
            [(0, _("The file has more than %(limit)s rows: split it.") % {"limit": MAX_ROWS})]
        )
    errors: list[tuple[int, str]] = []
    checked = _checked_rows(rows, errors)
    outcome = Outcome()
    with transaction.atomic():
        cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
        good = _against_the_platform(cluster, checked, errors, outcome.skipped)
        if errors:
            raise ImportRefused(errors)
        try:
            check_invitations_left(cluster, len(good))
        except DomainError as error:
            raise ImportRefused([(0, str(error))]) from None
        try:
            with transaction.atomic():
                outcome.sent = _create(cluster, by, good)
        except IntegrityError:
            # An invitation sent from the members page meanwhile, to an address or entity
            # of the file: the unique constraints let one through.
            raise ImportRefused(
                [(0, _("An invitation of this file was sent meanwhile: upload it again."))]
            ) from None
        if outcome.sent:
            audit(
                cluster=cluster,
                by=by,
                action=AuditEntry.Action.INVITATIONS_IMPORTED,
                target=cluster,
                rows=len(rows),
                invitations=len(outcome.sent),
                email=[invitation.email for invitation in outcome.sent],
            )
    outcome.skipped.sort()
    return outcome


def _checked_rows(rows: list[dict[str, str]], errors: list[tuple[int, str]]) -> list[_Row]:
    """The rows that are right on their own (their values, and no repeat in the file)."""
    kinds, roles, languages = _choices(dict(Actor.Kind.choices)), _roles(), _languages()
    emails: dict[str, int] = {}
    names: dict[str, int] = {}
    good = []
    for index, raw in enumerate(rows):
        number = index + 2
        values = {column: raw.get(column, "") for column in COLUMNS}
        if not any(values.values()):
            continue  # a blank row, or a template row left empty
        problems = [
            _("A cell holds a formula (“%(cell)s”): write values only.") % {"cell": value[:40]}
            for value in values.values()
            if RUNS_AT_START.match(cell_text(value))
        ]
        email = _email(values["email"], problems)
        name = " ".join(cell_text(values["entity"]).split())
        if not name:
            problems.append(_("The entity's name is missing."))
        elif len(name) > MAX_NAME:
            problems.append(
                _("The entity's name is longer than %(limit)s characters.") % {"limit": MAX_NAME}
            )
        kind = _choice(values["kind"], kinds, "", problems, _unknown_kind)
        role = _choice(values["role"], roles, Membership.Role.MEMBER, problems, _unknown_role)
        language = _choice(
            values["language"], languages, translation.get_language(), problems, _unknown_language
        )
        if email and email in emails:
            problems.append(_("Row %(row)s already invites this address.") % {"row": emails[email]})
        key = name_key(name)
        if key and key in names:
            problems.append(_("Row %(row)s already invites this entity.") % {"row": names[key]})
        if problems:
            errors.extend((number, problem) for problem in problems)
            continue
        emails[email] = names[key] = number
        good.append(_Row(number, email, name, kind, role, language))
    return good


def _email(raw: str, problems: list[str]) -> str:
    email = cell_text(raw).strip().lower()
    if not email:
        problems.append(_("The email is missing."))
        return ""
    if len(email) > MAX_EMAIL:
        problems.append(_("The email is longer than %(limit)s characters.") % {"limit": MAX_EMAIL})
        return ""
    try:
        validate_email(email)
    except ValidationError:
        problems.append(_("“%(value)s” is not an email address.") % {"value": raw[:80]})
        return ""
    return email


def _roles() -> dict[str, str]:
    return _choices({code: Membership.Role(code).label for code in INVITED_ROLES})


def _choice(raw: str, words: dict[str, str], default: str, problems: list[str], unknown) -> str:
    text = cell_text(raw).strip()
    if not text:
        return default
    code = words.get(name_key(text))
    if code is None:
        problems.append(unknown(text[:40]))
        return default
    return code


def _listed(codes: list[str]) -> str:
    return ", ".join(codes)


def _unknown_kind(value: str) -> str:
    return _("“%(value)s” is not a kind of entity: write one of %(kinds)s.") % {
        "value": value,
        "kinds": _listed(Actor.Kind.values),
    }


def _unknown_role(value: str) -> str:
    return _("“%(value)s” is not a role an invited entity can have: write one of %(roles)s.") % {
        "value": value,
        "roles": _listed(list(INVITED_ROLES)),
    }


def _unknown_language(value: str) -> str:
    return _("“%(value)s” is not a language of the platform: write one of %(languages)s.") % {
        "value": value,
        "languages": _listed([code for code, _name in settings.LANGUAGES]),
    }


def _against_the_platform(
    cluster: Cluster,
    rows: list[_Row],
    errors: list[tuple[int, str]],
    skipped: list[tuple[int, str]],
) -> list[_Row]:
    """The rows to invite, with their entity when it is already on the platform (found
    by its name however typed, as one invitation finds it); the rows already invited or
    already members go to ``skipped``. A handful of queries whatever the length."""
    existing = {
        actor.name_key: actor
        for actor in Actor.objects.filter(name_key__in={name_key(row.name) for row in rows})
        .prefetch_related("people__user")
        .order_by("-pk")
    }
    members = set(cluster.memberships.active().values_list("actor_id", flat=True))
    pending = cluster.invitations.for_entities().pending()
    pending_emails = set(pending.values_list("email", flat=True))
    pending_actors = set(pending.exclude(actor=None).values_list("actor_id", flat=True))
    pending_names = {name_key(name) for name in pending.values_list("actor_name", flat=True)}
    member_people = {
        email.lower(): name
        for email, name in ActorUser.objects.filter(actor_id__in=members).values_list(
            "user__email", "actor__name"
        )
    }
    good = []
    for row in rows:
        actor = existing.get(name_key(row.name))
        if actor is not None and actor.pk in members:
            skipped.append((row.number, _("%(entity)s is already a member.") % {"entity": actor}))
        elif row.email in member_people:
            skipped.append(
                (
                    row.number,
                    _("%(email)s already represents %(entity)s, a member.")
                    % {"email": row.email, "entity": member_people[row.email]},
                )
            )
        elif row.email in pending_emails:
            skipped.append((row.number, _("%(email)s is already invited.") % {"email": row.email}))
        elif (actor is not None and actor.pk in pending_actors) or (
            actor is None and name_key(row.name) in pending_names
        ):
            skipped.append((row.number, _("%(entity)s is already invited.") % {"entity": row.name}))
        elif actor is not None:
            admins = {p.user.email.lower() for p in actor.people.all() if p.is_admin}
            if row.email not in admins:
                errors.append(
                    (
                        row.number,
                        _(
                            "%(entity)s is already on the platform: invite it through the "
                            "address of one of its administrators."
                        )
                        % {"entity": actor.name},
                    )
                )
            else:
                row.actor = actor
                good.append(row)
        elif not row.kind:
            errors.append(
                (row.number, _("Say what kind of entity %(entity)s is.") % {"entity": row.name})
            )
        else:
            good.append(row)
    return good


def _create(cluster: Cluster, by: User, rows: list[_Row]) -> list[Invitation]:
    invitations = Invitation.objects.bulk_create(
        Invitation(
            cluster=cluster,
            email=row.email,
            actor=row.actor,
            actor_name="" if row.actor else row.name,
            actor_kind="" if row.actor else row.kind,
            role=row.role,
            language=row.language,
            invited_by=by,
            expires_at=Invitation.default_expiry(),
        )
        for row in rows
    )
    for invitation in invitations:
        enqueue_invitation_email(invitation)
    return invitations


def template_rows() -> list[list[str]]:
    """The header the import reads, and two example rows a coordinator replaces."""
    return [
        list(COLUMNS),
        ["person@example.org", _("Example association"), "ngo", "member", "ca"],
        ["someone@example.org", _("Example university"), "university", "observer", "es"],
    ]


def template_xlsx() -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Invitations")[:31])
    for letter, width in zip("ABCDE", (32, 40, 22, 14, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    bold = Font(bold=True)
    for number, row in enumerate(template_rows()):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            if number == 0:
                cell.font = bold
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
