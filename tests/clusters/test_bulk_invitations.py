"""Inviting many entities from a CSV or XLSX file (issue 15, point 14)."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from actors.models import ActorUser
from clusters import services
from clusters.bulk_invitations import ImportRefused, invitations_import
from clusters.models import AuditEntry, Invitation
from tests.conftest import World
from tests.factories import ActorFactory, ActorUserFactory, InvitationFactory, UserFactory

HEADER = ["email", "entity", "kind", "role", "language"]


def csv_file(rows: list[list[str]], header: list[str] = HEADER) -> io.BytesIO:
    lines = [",".join(header), *(",".join(row) for row in rows)]
    return io.BytesIO("\r\n".join(lines).encode())


def xlsx_file(rows: list[list[str]]) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    for row in [HEADER, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def run(world: World, upload):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return invitations_import(
            cluster=world.cluster, by=world.users["coordinator"], upload=upload
        )


def refused(world: World, upload) -> list[tuple[int, str]]:
    with pytest.raises(ImportRefused) as caught:
        run(world, upload)
    return caught.value.errors


GOOD = [
    ["ana@example.org", "Food Bank", "ngo", "member", "ca"],
    ["Bea@Example.org", "Barri University", "University", "Observer", "es"],
    ["carla@example.org", "Consell Comarcal", "public_administration", "", ""],
]


@pytest.mark.parametrize("make", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_a_good_file_invites_every_entity_and_emails_them_on_commit(world: World, make):
    outcome = run(world, make(GOOD))

    assert [i.email for i in outcome.sent] == [
        "ana@example.org",
        "bea@example.org",
        "carla@example.org",
    ]
    invitations = world.cluster.invitations.pending().order_by("email")
    assert [(i.actor_name, i.actor_kind, i.role, i.language) for i in invitations] == [
        ("Food Bank", "ngo", "member", "ca"),
        ("Barri University", "university", "observer", "es"),
        # An empty role is member; an empty language the coordinator's.
        ("Consell Comarcal", "public_administration", "member", "en"),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == [i.email for i in invitations]
    # One entry for the file.
    [entry] = world.cluster.audit.filter(action=AuditEntry.Action.INVITATIONS_IMPORTED)
    assert entry.data["invitations"] == 3


def test_kinds_roles_and_languages_are_read_in_any_language(world: World):
    rows = [["ana@example.org", "Food Bank", "ONG", "observadora", "Català"]]
    run(world, csv_file(rows))

    invitation = world.cluster.invitations.get(email="ana@example.org")
    assert (invitation.actor_kind, invitation.role, invitation.language) == (
        "ngo",
        "observer",
        "ca",
    )


def test_a_bad_file_is_refused_whole_with_each_bad_row_and_why(world: World):
    rows = [
        ["ana@example.org", "Food Bank", "ngo", "member", "ca"],
        ["not-an-address", "Tenants", "ngo", "member", "ca"],
        ["bea@example.org", "Bakery", "shop", "member", "ca"],
        ["carla@example.org", "Choir", "ngo", "lead", "ca"],
        ["dani@example.org", "Dancers", "ngo", "member", "fr"],
        ["eva@example.org", "E" * 201, "ngo", "member", "ca"],
        ["ana@example.org", "Food Bank Two", "ngo", "member", "ca"],
        ["fina@example.org", "food  bank", "ngo", "member", "ca"],
        ["", "Gardeners", "ngo", "member", "ca"],
    ]

    errors = refused(world, csv_file(rows))

    assert errors == [
        (3, "“not-an-address” is not an email address."),
        (
            4,
            "“shop” is not a kind of entity: write one of ngo, public_administration, "
            "university, company, community_group, network, other.",
        ),
        (
            5,
            "“lead” is not a role an invited entity can have: write one of member, observer, "
            "institution.",
        ),
        (6, "“fr” is not a language of the platform: write one of ca, es, en."),
        (7, "The entity's name is longer than 200 characters."),
        (8, "Row 2 already invites this address."),
        (9, "Row 2 already invites this entity."),
        (10, "The email is missing."),
    ]
    assert not world.cluster.invitations.filter(email="ana@example.org").exists()
    assert mail.outbox == []


def test_a_new_entity_needs_its_kind(world: World):
    errors = refused(world, csv_file([["ana@example.org", "Food Bank", "", "", ""]]))

    assert errors == [(2, "Say what kind of entity Food Bank is.")]


def test_addresses_and_entities_already_invited_or_members_are_reported_not_duplicated(
    world: World,
):
    InvitationFactory(cluster=world.cluster, email="pending@example.org", actor_name="Choir")
    rows = [
        ["pending@example.org", "Another Choir", "ngo", "", ""],
        ["new@example.org", "choir", "ngo", "", ""],
        ["member@example.org", "Some Entity", "ngo", "", ""],
        ["neighbours@example.org", "neighbours association", "ngo", "", ""],
        ["fresh@example.org", "Fresh Entity", "ngo", "", ""],
    ]

    outcome = run(world, csv_file(rows))

    assert outcome.skipped == [
        (2, "pending@example.org is already invited."),
        (3, "choir is already invited."),
        (4, "member@example.org already represents Neighbours Association, a member."),
        (5, "Neighbours Association is already a member."),
    ]
    assert [i.email for i in outcome.sent] == ["fresh@example.org"]
    assert world.cluster.invitations.pending().filter(email="pending@example.org").count() == 1


def test_an_entity_already_on_the_platform_is_found_by_its_name_and_invited_through_its_admin(
    world: World,
):
    existing = ActorFactory(name="Fundació Dones i Llar")
    admin = UserFactory(email="admin@dones.example")
    ActorUserFactory(user=admin, actor=existing, role=ActorUser.Role.ADMIN)

    run(world, csv_file([["admin@dones.example", "fundacio  dones i LLAR", "", "", ""]]))

    invitation = world.cluster.invitations.get(email="admin@dones.example")
    assert invitation.actor == existing and invitation.actor_name == ""


def test_an_entity_on_the_platform_is_not_invited_through_a_stranger(world: World):
    ActorFactory(name="Fundació Dones i Llar")

    errors = refused(world, csv_file([["x@example.org", "Fundacio Dones i Llar", "ngo", "", ""]]))

    assert errors == [
        (
            2,
            "Fundació Dones i Llar is already on the platform: invite it through the address "
            "of one of its administrators.",
        )
    ]


def test_a_file_with_a_formula_is_refused(world: World):
    rows = [["ana@example.org", '=HYPERLINK("http://evil.example")', "ngo", "", ""]]

    errors = refused(world, csv_file(rows))

    assert errors[0][0] == 2 and "holds a formula" in errors[0][1]


def test_a_workbook_with_a_formula_is_refused(world: World):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["ana@example.org", "Food Bank", "ngo", "", ""])
    sheet.append(["bea@example.org", '=HYPERLINK("http://evil.example","Bakery")', "ngo", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)

    errors = refused(world, io.BytesIO(buffer.getvalue()))

    assert errors == [(3, "A cell holds a formula: write values only.")]


def test_a_file_that_is_not_a_spreadsheet_is_refused(world: World):
    errors = refused(world, io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64))

    assert errors == [(0, "The file is not a CSV or XLSX file.")]


def test_a_file_without_the_columns_is_refused(world: World):
    errors = refused(world, csv_file([["ana@example.org"]], header=["mail"]))

    assert errors == [(0, "Missing columns: email, entity.")]


def test_more_rows_than_a_days_invitations_are_refused(world: World):
    rows = [[f"p{n}@example.org", f"Entity {n}", "ngo", "", ""] for n in range(101)]

    assert refused(world, csv_file(rows)) == [(0, "The file has more than 100 rows: split it.")]


def test_the_days_limit_counts_the_invitations_already_sent(world: World, monkeypatch):
    monkeypatch.setattr(services, "INVITATIONS_PER_CLUSTER_PER_DAY", 2)
    InvitationFactory(cluster=world.cluster)

    errors = refused(world, csv_file(GOOD[:2]))

    assert errors == [
        (0, "This cluster has sent 2 invitations in the last day: try again tomorrow.")
    ]
    assert world.cluster.invitations.count() == 1


# --- The pages --------------------------------------------------------------------------


def upload(world: World, content: bytes, name: str = "entities.csv", person="coordinator"):
    client = world.client(person)
    url = reverse("clusters:invitation-import", args=[world.cluster.slug])
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, {"file": SimpleUploadedFile(name, content)})
    return client, response


def test_the_page_lists_the_bad_rows_and_invites_nobody(world: World):
    _client, response = upload(world, csv_file([["nobody", "Tenants", "ngo", "", ""]]).getvalue())

    assert response.status_code == 400
    body = response.content.decode()
    assert "The file was refused: nobody has been invited." in body
    assert "Row 2" in body and "“nobody” is not an email address." in body
    assert not Invitation.objects.filter(actor_name="Tenants").exists()


def test_a_good_upload_redirects_and_shows_what_it_did_once(world: World):
    InvitationFactory(cluster=world.cluster, email="pending@example.org")
    content = csv_file([*GOOD[:1], ["pending@example.org", "Other", "ngo", "", ""]]).getvalue()
    client, response = upload(world, content)

    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "1 invitation sent" in page
    assert "Food Bank · ana@example.org · Member" in page
    assert "pending@example.org is already invited." in page
    # Shown once: a reload shows the empty form.
    assert "1 invitation sent" not in client.get(response.url).content.decode()


def test_a_huge_upload_is_refused_before_it_is_read(world: World, settings):
    settings.IMPORT_MAX_MB = 1
    _client, response = upload(world, b"email,entity\r\n" + b"a" * (2 * 2**20))

    assert response.status_code == 400
    assert "The file is too large: the limit is 1 MB." in response.content.decode()


def test_only_the_coordinator_imports(world: World):
    _client, response = upload(world, csv_file(GOOD).getvalue(), person="member")

    assert response.status_code == 403
    assert not world.cluster.invitations.filter(email="ana@example.org").exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_downloads_and_reads_back_as_a_good_file(world: World, fmt: str):
    url = reverse("clusters:invitation-import-template", args=[world.cluster.slug, fmt])
    response = world.client("coordinator").get(url)

    assert response.status_code == 200
    assert f"housing-invitations-template.{fmt}" in response["Content-Disposition"]
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert [cell.value for cell in sheet[1]] == HEADER
    outcome = run(world, io.BytesIO(response.content))
    assert len(outcome.sent) == 2


def test_the_members_page_offers_the_import_and_its_templates(world: World):
    page = world.client("coordinator").get(reverse("clusters:members", args=[world.cluster.slug]))

    body = page.content.decode()
    assert reverse("clusters:invitation-import", args=[world.cluster.slug]) in body
    assert reverse("clusters:invitation-import-template", args=[world.cluster.slug, "xlsx"]) in body


def test_an_invitation_sent_meanwhile_refuses_the_file_rather_than_failing(
    world: World, monkeypatch
):
    from clusters import bulk_invitations

    real = bulk_invitations._against_the_platform

    def racing(cluster, rows, errors, skipped):
        good = real(cluster, rows, errors, skipped)
        # Another coordinator invites the same address between the checks and the writes.
        InvitationFactory(cluster=cluster, email="ana@example.org")
        return good

    monkeypatch.setattr(bulk_invitations, "_against_the_platform", racing)

    errors = refused(world, csv_file(GOOD))

    assert errors == [(0, "An invitation of this file was sent meanwhile: upload it again.")]
    assert world.cluster.invitations.filter(email="bea@example.org").count() == 0
