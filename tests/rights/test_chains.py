"""Causal chains (rights/chains.py): structural -> underlying -> immediate causes ->
consequences, and the duty-bearers responsible for a cause. Saved through the causes page
and its service, refused when they break the rule, flagged when a link is missing, copied
to a new version."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from core.errors import DomainError
from core.rows import RowChanges
from rights import services
from rights.chains import cause_flags
from rights.models import Cause, Consequence, DutyBearer, RightsIssue, RightsIssueChange
from tests.conftest import World
from tests.factories import GENDER_ANALYSIS, RightsIssueFactory
from tests.html_forms import forms_on


@dataclass
class Chain:
    structural: Cause
    underlying: Cause
    immediate: Cause
    consequence: Consequence
    bearer: DutyBearer


def make_chain(issue: RightsIssue, *, linked: bool = True) -> Chain:
    consequence = Consequence.objects.create(issue=issue, description="Families split up")
    immediate = Cause.objects.create(issue=issue, level="immediate", description="Rent arrears")
    underlying = Cause.objects.create(
        issue=issue, level="underlying", description="No public rental stock"
    )
    structural = Cause.objects.create(
        issue=issue, level="structural", description="Housing treated as an investment"
    )
    bearer = DutyBearer.objects.create(
        issue=issue, outside_body="City council", obligation="fulfil"
    )
    if linked:
        immediate.consequences.add(consequence)
        underlying.leads_to.add(immediate)
        structural.leads_to.add(underlying)
        structural.responsible.add(bearer)
    return Chain(structural, underlying, immediate, consequence, bearer)


def causes_page(world: World, issue: RightsIssue | None = None) -> str:
    issue = issue or world.issue
    return reverse("rights:issue-part", args=[world.cluster.slug, issue.pk, "causes"])


def page_form(client, path: str) -> dict[str, list[str]]:
    """The causes form as the browser would send it, untouched."""
    response = client.get(path)
    assert response.status_code == 200
    forms = forms_on(response.content.decode(), "causes", path)
    (form,) = [f for f in forms if f.method == "post" and f.action.split("?")[0] == path]
    return form.submission()


def row_of(data: dict[str, list[str]], cause: Cause) -> str:
    """The prefix of the row that edits ``cause`` in a posted causes form."""
    (key,) = [k for k, v in data.items() if k.endswith("-id") and v == [str(cause.pk)]]
    return key.removesuffix("id")


def links(cause: Cause) -> tuple[set, set, set]:
    cause.refresh_from_db()
    return (
        set(cause.leads_to.all()),
        set(cause.consequences.all()),
        set(cause.responsible.all()),
    )


def save_causes(world: World, *, changed=(), added=()) -> None:
    services.rights_issue_save_part(
        issue=world.issue,
        by=world.users["member"],
        part="causes",
        changes=RowChanges(added=list(added), changed=list(changed)),
    )


# --- Saving through the page --------------------------------------------------------------


def test_a_member_links_a_chain_and_names_who_answers_for_it(world: World):
    chain = make_chain(world.issue, linked=False)
    client = world.client("member")
    data = page_form(client, causes_page(world))
    data[row_of(data, chain.structural) + "leads_to"] = [str(chain.underlying.pk)]
    data[row_of(data, chain.structural) + "responsible"] = [str(chain.bearer.pk)]
    data[row_of(data, chain.underlying) + "leads_to"] = [str(chain.immediate.pk)]
    data[row_of(data, chain.immediate) + "consequences"] = [str(chain.consequence.pk)]

    response = client.post(causes_page(world), data)

    assert response.status_code == 302
    assert links(chain.structural) == ({chain.underlying}, set(), {chain.bearer})
    assert links(chain.underlying) == ({chain.immediate}, set(), set())
    assert links(chain.immediate) == (set(), {chain.consequence}, set())
    change = world.issue.changes.get(action=RightsIssueChange.Action.PART_EDITED)
    made = {(link["cause"], link["kind"], link["to"]) for link in change.details["links_made"]}
    assert made == {
        ("Housing treated as an investment", "leads_to", "No public rental stock"),
        ("Housing treated as an investment", "responsible", "City council"),
        ("No public rental stock", "leads_to", "Rent arrears"),
        ("Rent arrears", "consequences", "Families split up"),
    }
    assert "links_unmade" not in change.details


def test_each_saved_cause_is_offered_only_the_level_above_it(world: World):
    chain = make_chain(world.issue, linked=False)
    response = world.client("member").get(causes_page(world))
    forms = {form.instance.pk: form for form in response.context["formset"].forms}
    structural = forms[chain.structural.pk]
    assert [pk for pk, _label in structural.fields["leads_to"].choices] == [chain.underlying.pk]
    # Consequences are an immediate cause's; the others are not offered them.
    assert "consequences" not in structural.fields
    assert [pk for pk, _ in forms[chain.underlying.pk].fields["leads_to"].choices] == [
        chain.immediate.pk
    ]
    assert "leads_to" not in forms[chain.immediate.pk].fields
    body = response.content.decode()
    assert "Only saved causes are listed: save a new cause first, then link to it." in body


def test_saving_the_page_unchanged_writes_nothing(world: World):
    make_chain(world.issue)
    client = world.client("member")
    data = page_form(client, causes_page(world))
    response = client.post(causes_page(world), data)
    assert response.status_code == 302
    assert not world.issue.changes.exists()


def test_unlinking_is_recorded(world: World):
    chain = make_chain(world.issue)
    client = world.client("member")
    data = page_form(client, causes_page(world))
    data.pop(row_of(data, chain.underlying) + "leads_to")
    assert client.post(causes_page(world), data).status_code == 302
    assert links(chain.underlying) == (set(), set(), set())
    change = world.issue.changes.get()
    assert change.details["links_unmade"] == [
        {"cause": "No public rental stock", "kind": "leads_to", "to": "Rent arrears"}
    ]


@pytest.mark.parametrize(
    ("row", "field", "target", "message"),
    [
        # Skipping a level: a structural cause straight to an immediate one.
        ("structural", "leads_to", "immediate", "That choice is not one of the available"),
        # Down the chain, or to itself: neither is among its choices.
        ("underlying", "leads_to", "structural", "That choice is not one of the available"),
        ("underlying", "leads_to", "underlying", "That choice is not one of the available"),
    ],
)
def test_a_forged_link_of_the_wrong_level_is_refused(world: World, row, field, target, message):
    chain = make_chain(world.issue, linked=False)
    client = world.client("member")
    data = page_form(client, causes_page(world))
    data[row_of(data, getattr(chain, row)) + field] = [str(getattr(chain, target).pk)]
    response = client.post(causes_page(world), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not world.issue.changes.exists()
    for cause in (chain.structural, chain.underlying, chain.immediate):
        assert links(cause) == (set(), set(), set())


def test_another_issues_cause_or_duty_bearer_is_refused(world: World):
    chain = make_chain(world.issue, linked=False)
    theirs = make_chain(RightsIssueFactory(cluster=world.cluster), linked=False)
    client = world.client("member")
    data = page_form(client, causes_page(world))
    prefix = row_of(data, chain.structural)
    for field, foreign in (("leads_to", theirs.underlying), ("responsible", theirs.bearer)):
        forged = {**data, prefix + field: [str(foreign.pk)]}
        response = client.post(causes_page(world), forged)
        assert response.status_code == 400
        assert "That choice is not one of the available choices." in response.content.decode()
    assert links(chain.structural) == (set(), set(), set())
    assert not world.issue.changes.exists()


def test_a_new_row_is_checked_against_the_level_chosen(world: World):
    chain = make_chain(world.issue, linked=False)
    client = world.client("member")
    data = page_form(client, causes_page(world))
    new = f"items-{data['items-INITIAL_FORMS'][0]}-"  # the first empty row
    data.update(
        {
            new + "level": ["structural"],
            new + "description": ["Wages far below rents"],
            new + "leads_to": [str(chain.immediate.pk)],
            new + "consequences": [str(chain.consequence.pk)],
        }
    )
    response = client.post(causes_page(world), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "A structural cause only leads to underlying causes" in body
    assert "Only immediate causes produce consequences." in body
    assert not Cause.objects.filter(description="Wages far below rents").exists()

    data[new + "leads_to"] = [str(chain.underlying.pk)]
    del data[new + "consequences"]
    assert client.post(causes_page(world), data).status_code == 302
    added = Cause.objects.get(description="Wages far below rents")
    assert links(added) == ({chain.underlying}, set(), set())


# --- The service refuses what a forged call would slip past a form -------------------------


def test_the_service_refuses_wrong_links_and_saves_nothing(world: World):
    chain = make_chain(world.issue, linked=False)
    theirs = make_chain(RightsIssueFactory(cluster=world.cluster), linked=False)
    cases = [
        ({"leads_to": [chain.immediate]}, "A structural cause only leads to underlying causes"),
        ({"leads_to": [theirs.underlying]}, "only lead to a cause of the same issue"),
        ({"leads_to": [chain.structural]}, "A cause cannot lead to itself."),
        ({"consequences": [chain.consequence]}, "Only immediate causes produce consequences"),
        ({"responsible": [theirs.bearer]}, "Only duty-bearers of this issue"),
    ]
    for values, message in cases:
        with pytest.raises(DomainError, match=message):
            save_causes(world, changed=[(chain.structural, values)])
    with pytest.raises(DomainError, match="only lead to a cause of the same issue"):
        values = {"level": "underlying", "description": "New", "leads_to": [theirs.immediate]}
        save_causes(world, added=[values])
    assert links(chain.structural) == (set(), set(), set())
    assert not Cause.objects.filter(description="New").exists()
    assert not world.issue.changes.exists()


def test_a_level_change_that_would_strand_links_is_refused(world: World):
    chain = make_chain(world.issue)
    # The underlying cause turned immediate: the structural cause would skip a level.
    with pytest.raises(DomainError, match="A structural cause only leads to underlying"):
        save_causes(world, changed=[(chain.underlying, {"level": "immediate"})])
    chain.underlying.refresh_from_db()
    assert chain.underlying.level == "underlying"
    assert not world.issue.changes.exists()


def test_links_kept_from_before_the_chains_stay_readable(world: World):
    """An underlying cause linked to a consequence before the rule keeps its link: the form
    does not offer it consequences, so saving leaves it alone, and the page still says it."""
    chain = make_chain(world.issue)
    chain.underlying.consequences.add(chain.consequence)
    client = world.client("member")
    data = page_form(client, causes_page(world))
    data[row_of(data, chain.underlying) + "description"] = ["No public rental stock at all"]
    assert client.post(causes_page(world), data).status_code == 302
    assert links(chain.underlying)[1] == {chain.consequence}
    page = client.get(world.issue.get_absolute_url()).content.decode()
    assert "→ C1" in page or "produces C1" in page


# --- Flags -------------------------------------------------------------------------------


def prefetched(cause: Cause) -> Cause:
    return Cause.objects.with_links().get(pk=cause.pk)


def test_each_missing_link_is_flagged_in_words(world: World):
    chain = make_chain(world.issue, linked=False)
    assert cause_flags(prefetched(chain.structural)) == [
        "This structural cause leads to no underlying cause yet."
    ]
    assert cause_flags(prefetched(chain.underlying)) == [
        "This underlying cause leads to no immediate cause yet.",
        "No structural cause leads to this underlying cause.",
    ]
    assert cause_flags(prefetched(chain.immediate)) == [
        "This immediate cause produces no consequence yet.",
        "No underlying cause leads to this immediate cause.",
    ]


def test_a_linked_chain_has_no_flag(world: World):
    chain = make_chain(world.issue)
    for cause in (chain.structural, chain.underlying, chain.immediate):
        assert cause_flags(prefetched(cause)) == []


def test_flags_show_on_the_issue_page_and_the_causes_page(world: World):
    chain = make_chain(world.issue)
    chain.underlying.leads_to.clear()
    client = world.client("member")
    issue_page = client.get(world.issue.get_absolute_url()).content.decode()
    part_page = client.get(causes_page(world)).content.decode()
    for page in (issue_page, part_page):
        assert "This underlying cause leads to no immediate cause yet." in page
        assert "No underlying cause leads to this immediate cause." in page
        assert "This structural cause leads to no underlying cause yet." not in page
    # The page lists what each cause leads to and who answers for it.
    assert "City council" in issue_page


# --- New version, query counts --------------------------------------------------------------


def test_a_new_version_copies_the_chains(world: World):
    chain = make_chain(world.issue)
    RightsIssue.objects.filter(pk=world.issue.pk).update(
        status="validated",
        **GENDER_ANALYSIS,
        validated_at=world.issue.created_at,
    )
    copy = services.rights_issue_new_version(issue=world.issue, by=world.users["coordinator"])
    new = {cause.level: cause for cause in copy.causes.all()}
    assert set(new["structural"].leads_to.all()) == {new["underlying"]}
    assert set(new["underlying"].leads_to.all()) == {new["immediate"]}
    assert set(new["immediate"].consequences.all()) == set(copy.consequences.all())
    assert [b.issue_id for b in new["structural"].responsible.all()] == [copy.pk]
    assert [b.name for b in new["structural"].responsible.all()] == [chain.bearer.name]
    # The old version keeps its own links.
    assert set(chain.structural.leads_to.all()) == {chain.underlying}


def test_the_issue_page_runs_the_same_queries_however_long_the_chains(
    world: World, django_assert_num_queries
):
    client = world.client("member")
    make_chain(world.issue)
    with django_assert_num_queries(23) as small:  # as in test_issues, no consultation
        client.get(world.issue.get_absolute_url())
    for _ in range(8):
        make_chain(world.issue)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(world.issue.get_absolute_url())
    assert response.content.decode().count('class="chain-link"') >= 27


def test_the_audit_log_words_the_links(world: World):
    chain = make_chain(world.issue, linked=False)
    save_causes(world, changed=[(chain.structural, {"responsible": [chain.bearer]})])
    entry = world.cluster.audit.latest("id")
    words = RightsIssue.audit_words("links_made", entry.data["links_made"])
    assert words == "“City council” answers for “Housing treated as an investment”"
