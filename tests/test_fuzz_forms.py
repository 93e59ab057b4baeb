"""Random and malformed data into every form of the project, as each person of the matrix.

The forms are those the pages show (``tests/html_forms``), with the fields the browser
would send; POST URLs of the matrix that no page of the small world shows a form for are
fuzzed with the fields of a form of the same view where there is one, or with arbitrary
fields. Each field is sent as the page filled it, or as one of the offered choices, or
omitted, repeated, empty, far too long, a huge or negative number, NaN, an impossible date,
another cluster's id, a script, control characters, random text; files get any name and
bytes that may start like a PDF, a workbook, a CSV with a byte-order mark or an SVG.

What must hold, for every example:
- never a server error (the test client raises the view's exception), and never a
  database constraint's name shown as the reason;
- a refused request (an error page, a form shown again with its errors, a redirect to the
  login page, anything for a person the matrix keeps out) changes no row of the project;
- a GET (the filter forms) never changes a row.

Each example runs in a transaction rolled back afterwards, so every example starts from
the same world. Examples are derandomized: CI runs the same ones every time, and a failure
found once is found again.
"""

from __future__ import annotations

import os
import re

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.clock import TODAY
from tests.conftest import PEOPLE, World
from tests.html_forms import Field, Form, Paths, project_forms, refused_with_a_message
from tests.tables import APPS, table_state
from tests.test_permissions import LOGIN, MATRIX

NAME_RE = re.compile(r"\w+")
# Examples per form for people the form is for, and for people it refuses outright.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
EXAMPLES_REFUSED = 3
JUNK = [
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "NaN",
    "-Infinity",
    "0x10",
    "\uff11\uff12",  # full-width digits
    f"{TODAY.year}-02-30",
    "0000-00-00",
    "9999-12-31T23:59",
    "<script>x</script>",
    "' OR 1=1 --",
    "\x00",
    "a\x00b",
    "\u202eevil",
    "on",
    "true",
    "[]",
    "{}",
]


def constraint_names() -> set[str]:
    return {
        constraint.name
        for label in APPS
        for model in apps.get_app_config(label).get_models()
        for constraint in model._meta.constraints
    }


def rows_written() -> int:
    """How many rows this connection has inserted, updated or deleted so far: one query,
    where reading every table takes forty. Only when it moves are the tables compared."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT total_changes()")
        else:
            cursor.execute(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)"
                " FROM pg_stat_xact_user_tables"
            )
        return cursor.fetchone()[0]


def other_cluster_ids(world: World) -> list[str]:
    """Primary keys of the other cluster's rows: valid ids, just not this cluster's."""
    other = world.other_cluster
    ids = {
        other.pk,
        *other.memberships.values_list("pk", flat=True),
        *other.objectives.values_list("pk", flat=True),
        *other.indicators.values_list("pk", flat=True),
        *other.rights_issues.values_list("pk", flat=True),
        *other.periods.values_list("pk", flat=True),
    }
    return [str(pk) for pk in sorted(ids)]


FILE_NAMES = [
    "evidence.pdf",
    "data.csv",
    "data.xlsx",
    "page.html",
    "image.svg",
    "../../x.pdf",
    "noext",
    "n" * 300 + ".pdf",
]
FILE_STARTS = [b"", b"%PDF-1.4\n", b"PK\x03\x04", b"\xef\xbb\xbf", b"<svg onload=alert(1)>"]


def uploads() -> st.SearchStrategy[SimpleUploadedFile]:
    """A file of any name whose bytes may start like a PDF, a workbook, a CSV or an SVG."""
    return st.builds(
        lambda name, start, rest: SimpleUploadedFile(name, start + rest),
        st.sampled_from(FILE_NAMES),
        st.sampled_from(FILE_STARTS),
        st.binary(max_size=2000),
    )


def field_values(field: Field, foreign_ids: list[str]) -> st.SearchStrategy:
    if field.kind == "file":
        return uploads()
    length = (field.max_length or 255) + 1
    values = [
        st.just(field.value),
        st.sampled_from(JUNK),
        st.sampled_from(foreign_ids),
        st.text(max_size=40),
        st.integers(min_value=length, max_value=length + 5000).map(lambda n: "x" * n),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.dates().map(lambda d: d.isoformat()),
    ]
    if field.options:
        values.insert(0, st.sampled_from(field.options))
    return st.one_of(values)


def form_data(form: Form, foreign_ids: list[str]) -> st.SearchStrategy[dict]:
    """A submission: each field omitted, or sent once or several times."""
    fields = form.choices()
    if not fields:  # no known fields: arbitrary names and values
        return st.dictionaries(
            st.sampled_from(["reason", "position", "closes_at", "membership", "body", "x"]),
            st.lists(st.one_of(st.sampled_from(JUNK), st.text(max_size=20)), max_size=2),
            max_size=4,
        )
    entries = {
        name: st.one_of(
            st.none(),
            st.lists(
                field_values(field, foreign_ids),
                min_size=1,
                max_size=1 if field.kind == "file" else 3,
            ),
        )
        for name, field in fields.items()
    }
    return st.fixed_dictionaries(entries).map(
        lambda data: {name: value for name, value in data.items() if value is not None}
    )


def is_refusal(response: HttpResponse, method: str) -> bool:
    if response.status_code >= 400:
        return True
    if response.status_code in (301, 302):
        return response.url.startswith("/accounts/login/") or refused_with_a_message(response)
    # A form shown again, with its errors; a 201 is something made, shown on the response
    # itself (a new API token's secret, which no redirect may carry).
    return method == "post" and response.status_code != 201


def allowed(person: str, form: Form) -> bool:
    """Whether the matrix lets this person use the form's URL at all."""
    row = MATRIX.get(form.url_name)
    if row is None or row.method != form.method:
        return True
    return row.expected[person] not in (403, 404, LOGIN)


def forms_to_fuzz(world: World) -> list[Form]:
    """The forms the pages show, and a form for every POST URL of the matrix no page of
    this world shows one for (with another instance's fields when there is one)."""
    paths = Paths(world)
    forms = project_forms(world, ("coordinator", "member", "anonymous"), paths)
    shown = {form.url_name for form in forms}
    by_view = {form.url_name: form for form in forms}
    for name, row in sorted(MATRIX.items()):
        if row.method == "post" and name not in shown:
            action = paths(name)
            model = by_view.get(name.replace("-edit", "-create"))
            forms.append(Form(name, action, "post", list(model.fields) if model else []))
    return forms


# Forms that end the session on purpose (to accept an invitation as someone else): each
# example gets its own signed-in client, so the other forms keep theirs.
SESSION_ENDING = {"clusters:invitation-logout"}


def fuzz(world: World, client: Client, person: str, form: Form, before: tuple) -> None:
    may_use = allowed(person, form)
    foreign_ids = other_cluster_ids(world)

    @settings(
        max_examples=EXAMPLES if may_use else EXAMPLES_REFUSED,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=form_data(form, foreign_ids))
    def submit(data: dict) -> None:
        with transaction.atomic():
            browser = world.client(person) if form.url_name in SESSION_ENDING else client
            send = browser.post if form.method == "post" else browser.get
            written = rows_written()
            response = send(form.action, data)
            assert response.status_code < 500, (form.action, data)
            if not response.streaming:  # a refusal says why in words, not a constraint's name
                body = response.content.decode(errors="replace")
                assert not constraint_names() & set(NAME_RE.findall(body)), (form.action, data)
            refused = is_refusal(response, form.method)
            assert may_use or refused, f"{person} got through {form.action}"
            if (refused or form.method == "get") and rows_written() != written:
                assert tuple(table_state()) == before, (
                    f"{form.action} as {person} changed rows while refusing {data}"
                )
            transaction.set_rollback(True)

    submit()


@pytest.mark.parametrize("person", PEOPLE)
def test_no_form_fails_or_half_saves_on_bad_input(world: World, person: str):
    forms = forms_to_fuzz(world)
    assert {f.url_name for f in forms} >= {n for n, r in MATRIX.items() if r.method == "post"}
    client = world.client(person)
    before = tuple(table_state())
    assert_writes_are_counted(world)
    for form in forms:
        fuzz(world, client, person, form, before)
    # Still the same person at the end: no example logged the client out for the rest.
    signed_in = client.get(reverse("preferences")).status_code == 200
    assert signed_in == (person != "anonymous")


def assert_writes_are_counted(world: World) -> None:
    """The counter the examples rely on moves when a row is written."""
    with transaction.atomic():
        written = rows_written()
        type(world.cluster).objects.filter(pk=world.cluster.pk).update(territory="Counted")
        assert rows_written() > written
        transaction.set_rollback(True)
